-- Dekomp monitor: the schema of one data version.
--
-- Conventions: money in whole kroner (BIGINT, suffix _nok); dates as DATE;
-- years as INTEGER; teacher FTE as DECIMAL(9,1); shares and rates as
-- DECIMAL(5,4) in [0, 1]. Codes are English enums; the import accepts the
-- Norwegian labels too (core/kinds.py). Every column is described in
-- docs/data-dictionary.md.

CREATE TYPE owner_type AS ENUM ('municipality', 'county_authority', 'private');
CREATE TYPE institution_kind AS ENUM ('public_uh', 'private_uh', 'national_centre', 'other_provider');
CREATE TYPE school_level AS ENUM ('compulsory', 'upper_secondary');
CREATE TYPE nonparticipant_policy AS ENUM ('redistribute', 'withhold');
CREATE TYPE cofinancing_kind AS ENUM ('cash', 'in_kind');
CREATE TYPE project_status AS ENUM ('planned', 'started', 'ongoing', 'completed', 'delayed', 'cancelled');
CREATE TYPE sector_goal AS ENUM ('learning_environment', 'basic_skills', 'completion');

-- County governor offices. The office keeps its id when its name changes.
CREATE TABLE region (
    region_id   VARCHAR PRIMARY KEY CHECK (regexp_full_match(region_id, '[a-z0-9-]{2,40}')),
    short_name  VARCHAR NOT NULL CHECK (length(short_name) BETWEEN 1 AND 200)
);

CREATE TABLE region_name (
    region_id   VARCHAR NOT NULL REFERENCES region (region_id),
    name        VARCHAR NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    valid_from  INTEGER NOT NULL CHECK (valid_from BETWEEN 1838 AND 2100),
    valid_to    INTEGER CHECK (valid_to BETWEEN 1838 AND 2100),
    PRIMARY KEY (region_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- Municipalities with the years each number was valid (SSB KLASS 131).
CREATE TABLE municipality (
    knr         VARCHAR PRIMARY KEY CHECK (regexp_full_match(knr, '[0-9]{4}')),
    name        VARCHAR NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    valid_from  INTEGER NOT NULL CHECK (valid_from BETWEEN 1838 AND 2100),
    valid_to    INTEGER CHECK (valid_to BETWEEN 1838 AND 2100),
    region_id   VARCHAR NOT NULL REFERENCES region (region_id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- A municipality number that ended (merger, split, renumbering) and the
-- number(s) that took over from it, valid from `year`.
CREATE TABLE municipality_successor (
    knr            VARCHAR NOT NULL REFERENCES municipality (knr),
    successor_knr  VARCHAR NOT NULL REFERENCES municipality (knr),
    year           INTEGER NOT NULL CHECK (year BETWEEN 1838 AND 2100),
    PRIMARY KEY (knr, successor_knr),
    CHECK (knr <> successor_knr)
);

-- The scheme's parameters, one row per year and region.
CREATE TABLE scheme_year (
    year                   INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    region_id              VARCHAR NOT NULL REFERENCES region (region_id),
    frame_nok              BIGINT NOT NULL CHECK (frame_nok >= 0),
    cofinancing_rate       DECIMAL(5, 4) NOT NULL CHECK (cofinancing_rate BETWEEN 0 AND 1),
    levels_in_scope        school_level[] NOT NULL CHECK (len(levels_in_scope) >= 1),
    owner_types_in_scope   owner_type[] NOT NULL CHECK (len(owner_types_in_scope) >= 1),
    needs_deadline         DATE NOT NULL,
    reporting_deadline     DATE NOT NULL,
    stale_after_days       INTEGER NOT NULL CHECK (stale_after_days BETWEEN 1 AND 3650),
    nonparticipant_policy  nonparticipant_policy NOT NULL,
    PRIMARY KEY (year, region_id),
    CHECK (reporting_deadline > needs_deadline)
);

-- School owners, identified by organisation number. A merged municipality
-- is a new owner with a new organisation number.
CREATE TABLE school_owner (
    owner_id     VARCHAR PRIMARY KEY CHECK (regexp_full_match(owner_id, '[0-9]{9}')),
    name         VARCHAR NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    owner_type   owner_type NOT NULL,
    knr          VARCHAR REFERENCES municipality (knr),
    region_id    VARCHAR NOT NULL REFERENCES region (region_id),
    abroad       BOOLEAN NOT NULL DEFAULT false,
    active_from  INTEGER NOT NULL CHECK (active_from BETWEEN 1838 AND 2100),
    active_to    INTEGER CHECK (active_to BETWEEN 1838 AND 2100),
    CHECK (active_to IS NULL OR active_to >= active_from),
    -- A municipality owns its schools in one municipality; a county authority
    -- and a private owner abroad have no municipality of their own.
    CHECK (abroad OR owner_type = 'county_authority' OR knr IS NOT NULL),
    CHECK (NOT abroad OR owner_type = 'private'),
    CHECK (owner_type <> 'municipality' OR knr IS NOT NULL)
);

CREATE TABLE institution (
    institution_id  VARCHAR PRIMARY KEY CHECK (regexp_full_match(institution_id, '[a-z0-9-]{2,40}')),
    name            VARCHAR NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind            institution_kind NOT NULL
);

CREATE TABLE forum (
    forum_id   VARCHAR PRIMARY KEY CHECK (regexp_full_match(forum_id, '[a-z0-9-]{2,40}')),
    name       VARCHAR NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    region_id  VARCHAR NOT NULL REFERENCES region (region_id)
);

-- What a forum agreed for a year: the institutions' share of its funds and
-- the date of the agreement.
CREATE TABLE forum_year (
    forum_id           VARCHAR NOT NULL REFERENCES forum (forum_id),
    year               INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    institution_share  DECIMAL(5, 4) NOT NULL CHECK (institution_share BETWEEN 0 AND 1),
    agreement_date     DATE,
    PRIMARY KEY (forum_id, year)
);

-- Members of a forum in a year: an owner or an institution, never both.
CREATE TABLE forum_member (
    year            INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    forum_id        VARCHAR NOT NULL REFERENCES forum (forum_id),
    owner_id        VARCHAR REFERENCES school_owner (owner_id),
    institution_id  VARCHAR REFERENCES institution (institution_id),
    CHECK ((owner_id IS NULL) <> (institution_id IS NULL))
);
-- An owner belongs to one forum a year; an institution may serve several.
CREATE UNIQUE INDEX forum_member_owner ON forum_member (year, owner_id);
CREATE UNIQUE INDEX forum_member_institution ON forum_member (year, forum_id, institution_id);

CREATE TABLE teacher_fte (
    owner_id      VARCHAR NOT NULL REFERENCES school_owner (owner_id),
    year          INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    school_level  school_level NOT NULL,
    fte           DECIMAL(9, 1) NOT NULL CHECK (fte BETWEEN 0 AND 100000),
    source        VARCHAR NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    PRIMARY KEY (owner_id, year, school_level)
);

CREATE TABLE needs_report (
    report_id          VARCHAR PRIMARY KEY CHECK (length(report_id) BETWEEN 1 AND 40),
    year               INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    owner_id           VARCHAR NOT NULL REFERENCES school_owner (owner_id),
    forum_id           VARCHAR NOT NULL REFERENCES forum (forum_id),
    received_date      DATE NOT NULL,
    development_area   VARCHAR NOT NULL CHECK (length(development_area) BETWEEN 1 AND 200),
    sector_goal        sector_goal NOT NULL,
    target_group       VARCHAR,
    participants       INTEGER CHECK (participants >= 0),
    amount_requested_nok BIGINT CHECK (amount_requested_nok >= 0)
);

-- A decision by the county governor: money to one owner or one institution.
CREATE TABLE award (
    award_id                  VARCHAR PRIMARY KEY CHECK (length(award_id) BETWEEN 1 AND 40),
    year                      INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    forum_id                  VARCHAR NOT NULL REFERENCES forum (forum_id),
    recipient_owner_id        VARCHAR REFERENCES school_owner (owner_id),
    recipient_institution_id  VARCHAR REFERENCES institution (institution_id),
    amount_nok                BIGINT NOT NULL CHECK (amount_nok > 0),
    decision_date             DATE,
    CHECK ((recipient_owner_id IS NULL) <> (recipient_institution_id IS NULL))
);

CREATE TABLE payment (
    payment_id  VARCHAR PRIMARY KEY CHECK (length(payment_id) BETWEEN 1 AND 40),
    award_id    VARCHAR NOT NULL REFERENCES award (award_id),
    paid_date   DATE NOT NULL,
    amount_nok  BIGINT NOT NULL CHECK (amount_nok > 0)
);

CREATE TABLE cofinancing (
    year        INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    owner_id    VARCHAR NOT NULL REFERENCES school_owner (owner_id),
    kind        cofinancing_kind NOT NULL,
    amount_nok  BIGINT NOT NULL CHECK (amount_nok >= 0),
    note        VARCHAR,
    PRIMARY KEY (year, owner_id, kind)
);

CREATE TABLE project (
    project_id        VARCHAR PRIMARY KEY CHECK (length(project_id) BETWEEN 1 AND 40),
    title             VARCHAR NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    forum_id          VARCHAR NOT NULL REFERENCES forum (forum_id),
    lead_owner_id     VARCHAR NOT NULL REFERENCES school_owner (owner_id),
    institution_id    VARCHAR REFERENCES institution (institution_id),
    development_area  VARCHAR NOT NULL CHECK (length(development_area) BETWEEN 1 AND 200),
    sector_goal       sector_goal NOT NULL,
    school_based      BOOLEAN NOT NULL,
    start_date        DATE NOT NULL,
    planned_end       DATE NOT NULL,
    budget_nok        BIGINT NOT NULL CHECK (budget_nok >= 0),
    CHECK (planned_end >= start_date)
);

CREATE TABLE status_report (
    project_id         VARCHAR NOT NULL REFERENCES project (project_id),
    report_date        DATE NOT NULL,
    status             project_status NOT NULL,
    spent_to_date_nok  BIGINT NOT NULL CHECK (spent_to_date_nok >= 0),
    participants       INTEGER NOT NULL CHECK (participants >= 0),
    note               VARCHAR,
    PRIMARY KEY (project_id, report_date)
);

-- A recipient's confirmation that the year's funds were used as reported.
CREATE TABLE confirmation (
    year                      INTEGER NOT NULL CHECK (year BETWEEN 2017 AND 2100),
    recipient_owner_id        VARCHAR REFERENCES school_owner (owner_id),
    recipient_institution_id  VARCHAR REFERENCES institution (institution_id),
    received_date             DATE NOT NULL,
    amount_used_nok           BIGINT NOT NULL CHECK (amount_used_nok >= 0),
    amount_repaid_nok         BIGINT NOT NULL CHECK (amount_repaid_nok >= 0),
    CHECK ((recipient_owner_id IS NULL) <> (recipient_institution_id IS NULL))
);
CREATE UNIQUE INDEX confirmation_owner ON confirmation (year, recipient_owner_id);
CREATE UNIQUE INDEX confirmation_institution ON confirmation (year, recipient_institution_id);

-- The history of this database: every published version and what it added.
CREATE TABLE data_version (
    version_id   INTEGER PRIMARY KEY CHECK (version_id >= 1),
    created_at   TIMESTAMP NOT NULL,
    description  VARCHAR NOT NULL
);

CREATE TABLE import_file (
    version_id  INTEGER NOT NULL REFERENCES data_version (version_id),
    kind        VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL CHECK (regexp_full_match(sha256, '[0-9a-f]{64}')),
    row_count   INTEGER NOT NULL CHECK (row_count >= 0),
    PRIMARY KEY (version_id, kind, sha256)
);
