"""The import kinds: for each kind of file an adviser can load, its columns
(a pydantic model), the table it fills, its keys and its references.

This module is the single source for the import contract: ``core.data.ingest``
validates and writes with it, and the templates in ``data/templates/`` take
their headers from it (``dekomp templates``). The models check everything the
schema's CHECK constraints check, so that a user sees a Norwegian message with
a row number rather than a database error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo, model_validator

from core.data import parse as p

OWNER_TYPES = p.labels_for(
    [("kommune", "municipality"), ("fylkeskommune", "county_authority"), ("privat", "private")]
)
INSTITUTION_KINDS = p.labels_for(
    [
        ("offentlig uh", "public_uh"),
        ("privat uh", "private_uh"),
        ("nasjonalt senter", "national_centre"),
        ("annen tilbyder", "other_provider"),
    ]
)
SCHOOL_LEVELS = p.labels_for([("grunnskole", "compulsory"), ("videregående", "upper_secondary")])
POLICIES = p.labels_for([("omfordel", "redistribute"), ("hold tilbake", "withhold")])
COFINANCING_KINDS = p.labels_for([("kontant", "cash"), ("naturalytelse", "in_kind")])
PROJECT_STATUSES = p.labels_for(
    [
        ("planlagt", "planned"),
        ("startet", "started"),
        ("pågår", "ongoing"),
        ("fullført", "completed"),
        ("forsinket", "delayed"),
        ("avlyst", "cancelled"),
    ]
)
SECTOR_GOALS = p.labels_for(
    [
        ("læringsmiljø", "learning_environment"),
        ("grunnleggende ferdigheter", "basic_skills"),
        ("gjennomføring", "completion"),
    ]
)


def _field(parser: Any) -> Any:
    return BeforeValidator(p.required(parser))


def _opt(parser: Any) -> Any:
    return BeforeValidator(p.optional(parser))


_SLUG = p.parse_pattern(r"[a-z0-9-]{2,40}", "små bokstaver a-z, sifre og -")
Slug = Annotated[str, _field(_SLUG)]
OptSlug = Annotated[str | None, _opt(_SLUG)]
Id = Annotated[str, _field(p.parse_pattern(r"[A-Za-z0-9._/-]{1,40}", "bokstaver, sifre, . _ / -"))]
Name = Annotated[str, _field(p.parse_text(200))]
Title = Annotated[str, _field(p.parse_text(300))]
OptText = Annotated[str | None, _opt(p.parse_text(2000))]
Knr = Annotated[str, _field(p.parse_knr)]
OptKnr = Annotated[str | None, _opt(p.parse_knr)]
OrgNr = Annotated[str, _field(p.parse_orgnr)]
OptOrgNr = Annotated[str | None, _opt(p.parse_orgnr)]
Year = Annotated[int, _field(p.parse_year)]
HistoryYear = Annotated[int, _field(p.parse_history_year)]
OptHistoryYear = Annotated[int | None, _opt(p.parse_history_year)]
# The validation context's set of date columns whose slash dates the file
# proved to be day first (core.data.parse.slash_dates_day_first).
DAY_FIRST = "day_first"


def _date(required: bool) -> Any:
    def parse(value: Any, info: ValidationInfo) -> dt.date | None:
        if p.is_blank(value):
            if required:
                raise p.fail("required", "mangler verdi")
            return None
        day_first = info.field_name in (info.context or {}).get(DAY_FIRST, ())
        return p.parse_date(value, day_first=day_first)

    return BeforeValidator(parse)


Date = Annotated[dt.date, _date(required=True)]
OptDate = Annotated[dt.date | None, _date(required=False)]
Nok = Annotated[int, _field(p.parse_money)]
OptNok = Annotated[int | None, _opt(p.parse_money)]
Share = Annotated[Decimal, _field(p.parse_share)]
Bool = Annotated[bool, _field(p.parse_bool)]


def _count(minimum: int, maximum: int) -> Any:
    def parse(value: Any) -> int:
        number = p.parse_integer(value)
        if not minimum <= number <= maximum:
            raise p.fail("range", f"må være mellom {minimum} og {maximum}")
        return number

    return parse


def _positive_nok(value: Any) -> int:
    amount = p.parse_money(value)
    if amount == 0:
        raise p.fail("range", "beløpet må være større enn 0")
    return amount


PositiveNok = Annotated[int, _field(_positive_nok)]


def _fte(value: Any) -> Decimal:
    number = p.parse_decimal(value)
    if number != number.quantize(Decimal("0.1")):
        raise p.fail("range", "lærerårsverk skrives med høyst én desimal (for eksempel 12,5)")
    if number < 0:
        raise p.fail("range", "lærerårsverk kan ikke være negativt")
    if number > 100000:
        raise p.fail("range", "lærerårsverk er urimelig høyt (over 100 000)")
    return number.quantize(Decimal("0.1"))


def _choice(labels: dict[str, str]) -> Any:
    return _field(p.parse_choice(labels))


class Row(BaseModel):
    """Common settings: unknown columns are reported by the reader, not here."""

    model_config = ConfigDict(extra="ignore", frozen=True)


def _exactly_one(row: Row, a: str, b: str) -> Row:
    if (getattr(row, a) is None) == (getattr(row, b) is None):
        raise p.fail("one_of", f"fyll ut nøyaktig én av kolonnene {a} og {b}")
    return row


def _span(row: Row, start: str, end: str) -> Row:
    first, last = getattr(row, start), getattr(row, end)
    if last is not None and last < first:
        raise p.fail("range", f"{end} ({last}) kan ikke være før {start} ({first})")
    return row


class RegionRow(Row):
    region_id: Slug
    short_name: Name
    name: Name
    valid_from: HistoryYear
    valid_to: OptHistoryYear = None

    @model_validator(mode="after")
    def _valid_span(self) -> RegionRow:
        return _span(self, "valid_from", "valid_to")  # type: ignore[return-value]


class MunicipalityRow(Row):
    knr: Knr
    name: Name
    valid_from: HistoryYear
    valid_to: OptHistoryYear = None
    region_id: Slug

    @model_validator(mode="after")
    def _valid_span(self) -> MunicipalityRow:
        return _span(self, "valid_from", "valid_to")  # type: ignore[return-value]


class SuccessorRow(Row):
    knr: Knr
    successor_knr: Knr
    year: HistoryYear

    @model_validator(mode="after")
    def _another_number(self) -> SuccessorRow:
        if self.knr == self.successor_knr:
            raise p.fail("range", "successor_knr må være et annet nummer enn knr")
        return self


class FrameRow(Row):
    year: Year
    region_id: Slug
    frame_nok: PositiveNok
    cofinancing_rate: Share
    levels_in_scope: Annotated[list[str], _field(p.parse_choice_list(SCHOOL_LEVELS))]
    owner_types_in_scope: Annotated[list[str], _field(p.parse_choice_list(OWNER_TYPES))]
    needs_deadline: Date
    reporting_deadline: Date
    stale_after_days: Annotated[int, _field(_count(1, 3650))]
    nonparticipant_policy: Annotated[str, _choice(POLICIES)]

    @model_validator(mode="after")
    def _deadlines_in_order(self) -> FrameRow:
        if self.reporting_deadline <= self.needs_deadline:
            raise p.fail("range", "reporting_deadline må være etter needs_deadline")
        return self


class InstitutionRow(Row):
    institution_id: Slug
    name: Name
    kind: Annotated[str, _choice(INSTITUTION_KINDS)]


class OwnerRow(Row):
    owner_id: OrgNr
    name: Name
    owner_type: Annotated[str, _choice(OWNER_TYPES)]
    knr: OptKnr = None
    region_id: Slug
    abroad: Bool
    active_from: HistoryYear
    active_to: OptHistoryYear = None

    @model_validator(mode="after")
    def _consistent(self) -> OwnerRow:
        if self.abroad and self.owner_type != "private":
            raise p.fail("range", "bare private skoleeiere kan ligge i utlandet (abroad)")
        if self.owner_type == "municipality" and self.knr is None:
            raise p.fail("required", "en kommune som skoleeier må ha knr")
        if not self.abroad and self.owner_type == "private" and self.knr is None:
            raise p.fail("required", "en privat skoleeier i Norge må ha knr")
        return _span(self, "active_from", "active_to")  # type: ignore[return-value]


class ForumRow(Row):
    forum_id: Slug
    name: Name
    region_id: Slug
    year: Year
    institution_share: Share
    agreement_date: OptDate = None


class MembershipRow(Row):
    year: Year
    forum_id: Slug
    owner_id: OptOrgNr = None
    institution_id: OptSlug = None

    @model_validator(mode="after")
    def _one_member(self) -> MembershipRow:
        return _exactly_one(self, "owner_id", "institution_id")  # type: ignore[return-value]


class FteRow(Row):
    owner_id: OrgNr
    year: Year
    school_level: Annotated[str, _choice(SCHOOL_LEVELS)]
    fte: Annotated[Decimal, _field(_fte)]
    source: Name


class NeedsRow(Row):
    report_id: Id
    year: Year
    owner_id: OrgNr
    forum_id: Slug
    received_date: Date
    development_area: Name
    sector_goal: Annotated[str, _choice(SECTOR_GOALS)]
    target_group: OptText = None
    participants: Annotated[int | None, _opt(_count(0, 1_000_000))] = None
    amount_requested_nok: OptNok = None


class AwardRow(Row):
    award_id: Id
    year: Year
    forum_id: Slug
    recipient_owner_id: OptOrgNr = None
    recipient_institution_id: OptSlug = None
    amount_nok: PositiveNok
    decision_date: OptDate = None

    @model_validator(mode="after")
    def _one_recipient(self) -> AwardRow:
        return _exactly_one(self, "recipient_owner_id", "recipient_institution_id")  # type: ignore[return-value]


class PaymentRow(Row):
    payment_id: Id
    award_id: Id
    paid_date: Date
    amount_nok: PositiveNok


class CofinancingRow(Row):
    year: Year
    owner_id: OrgNr
    kind: Annotated[str, _choice(COFINANCING_KINDS)]
    amount_nok: Nok
    note: OptText = None


class ProjectRow(Row):
    project_id: Id
    title: Title
    forum_id: Slug
    lead_owner_id: OrgNr
    institution_id: OptSlug = None
    development_area: Name
    sector_goal: Annotated[str, _choice(SECTOR_GOALS)]
    school_based: Bool
    start_date: Date
    planned_end: Date
    budget_nok: Nok

    @model_validator(mode="after")
    def _ends_after_start(self) -> ProjectRow:
        if self.planned_end < self.start_date:
            raise p.fail("range", "planned_end kan ikke være før start_date")
        return self


class StatusRow(Row):
    project_id: Id
    report_date: Date
    status: Annotated[str, _choice(PROJECT_STATUSES)]
    spent_to_date_nok: Nok
    participants: Annotated[int, _field(_count(0, 1_000_000))]
    note: OptText = None


class ConfirmationRow(Row):
    year: Year
    recipient_owner_id: OptOrgNr = None
    recipient_institution_id: OptSlug = None
    received_date: Date
    amount_used_nok: Nok
    amount_repaid_nok: Nok

    @model_validator(mode="after")
    def _one_recipient(self) -> ConfirmationRow:
        return _exactly_one(self, "recipient_owner_id", "recipient_institution_id")  # type: ignore[return-value]


@dataclass(frozen=True)
class Ref:
    """Columns of the file that must name an existing row of ``table``."""

    columns: tuple[str, ...]
    table: str
    table_columns: tuple[str, ...]
    label: str  # Norwegian noun for messages: "skoleeier", "forum", ...


@dataclass(frozen=True)
class Parent:
    """A table that some columns of each row describe once per id (a forum's
    name and region on every forum-year row). New ids are inserted; a known
    id must keep its values."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    name: str
    title_nb: str
    table: str
    model: type[Row]
    keys: tuple[tuple[str, ...], ...]
    refs: tuple[Ref, ...] = ()
    parent: Parent | None = None
    # Year-bound rows whose owner must exist (be active) that year: (owner column, year column).
    owner_year: tuple[str, str] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.model.model_fields)

    def columns_of(self, kind: type) -> tuple[str, ...]:
        """The columns whose values are of ``kind`` (or None)."""
        return tuple(
            name
            for name, info in self.model.model_fields.items()
            if kind in (info.annotation, *getattr(info.annotation, "__args__", ()))
        )

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.model.model_fields.items() if f.is_required())

    @property
    def insert_columns(self) -> tuple[str, ...]:
        """The columns written to ``table``."""
        parent_only = set(self.parent.columns) - set(self.parent.key) if self.parent else set()
        return tuple(c for c in self.columns if c not in parent_only)


OWNER = ("school_owner", ("owner_id",), "skoleeier")
FORUM = ("forum", ("forum_id",), "samarbeidsforum")
REGION = ("region", ("region_id",), "region")
INSTITUTION = ("institution", ("institution_id",), "institusjon")
MUNICIPALITY = ("municipality", ("knr",), "kommune")


def _ref(column: str, target: tuple[str, tuple[str, ...], str]) -> Ref:
    table, table_columns, label = target
    return Ref((column,), table, table_columns, label)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "regions",
            "Regioner (statsforvalterembeter) med navn og gyldighetsår",
            "region_name",
            RegionRow,
            keys=(("region_id", "valid_from"),),
            parent=Parent("region", ("region_id",), ("region_id", "short_name")),
        ),
        Kind(
            "municipalities",
            "Kommuner med gyldighetsår",
            "municipality",
            MunicipalityRow,
            keys=(("knr",),),
            refs=(_ref("region_id", REGION),),
        ),
        Kind(
            "successors",
            "Kommunesammenslåinger og nye kommunenummer",
            "municipality_successor",
            SuccessorRow,
            keys=(("knr", "successor_knr"),),
            refs=(_ref("knr", MUNICIPALITY), _ref("successor_knr", MUNICIPALITY)),
        ),
        Kind(
            "frames",
            "Rammer og regler per år",
            "scheme_year",
            FrameRow,
            keys=(("year", "region_id"),),
            refs=(_ref("region_id", REGION),),
        ),
        Kind(
            "institutions",
            "UH-institusjoner, nasjonale sentre og andre tilbydere",
            "institution",
            InstitutionRow,
            keys=(("institution_id",),),
        ),
        Kind(
            "owners",
            "Skoleeiere",
            "school_owner",
            OwnerRow,
            keys=(("owner_id",),),
            refs=(_ref("knr", MUNICIPALITY), _ref("region_id", REGION)),
        ),
        Kind(
            "forums",
            "Samarbeidsforum per år",
            "forum_year",
            ForumRow,
            keys=(("forum_id", "year"),),
            refs=(_ref("region_id", REGION),),
            parent=Parent("forum", ("forum_id",), ("forum_id", "name", "region_id")),
        ),
        Kind(
            "memberships",
            "Medlemmer i samarbeidsforum per år",
            "forum_member",
            MembershipRow,
            keys=(("year", "owner_id"), ("year", "forum_id", "institution_id")),
            refs=(
                _ref("forum_id", FORUM),
                _ref("owner_id", OWNER),
                _ref("institution_id", INSTITUTION),
                Ref(("forum_id", "year"), "forum_year", ("forum_id", "year"), "forumår"),
            ),
            owner_year=("owner_id", "year"),
        ),
        Kind(
            "fte",
            "Lærerårsverk per skoleeier, år og skoleslag",
            "teacher_fte",
            FteRow,
            keys=(("owner_id", "year", "school_level"),),
            refs=(_ref("owner_id", OWNER),),
            owner_year=("owner_id", "year"),
        ),
        Kind(
            "needs",
            "Meldinger om behov",
            "needs_report",
            NeedsRow,
            keys=(("report_id",),),
            refs=(_ref("owner_id", OWNER), _ref("forum_id", FORUM)),
            owner_year=("owner_id", "year"),
        ),
        Kind(
            "awards",
            "Tildelinger",
            "award",
            AwardRow,
            keys=(("award_id",),),
            refs=(
                _ref("forum_id", FORUM),
                _ref("recipient_owner_id", OWNER),
                _ref("recipient_institution_id", INSTITUTION),
            ),
            owner_year=("recipient_owner_id", "year"),
        ),
        Kind(
            "payments",
            "Utbetalinger",
            "payment",
            PaymentRow,
            keys=(("payment_id",),),
            refs=(Ref(("award_id",), "award", ("award_id",), "tildeling"),),
        ),
        Kind(
            "cofinancing",
            "Egenfinansiering",
            "cofinancing",
            CofinancingRow,
            keys=(("year", "owner_id", "kind"),),
            refs=(_ref("owner_id", OWNER),),
            owner_year=("owner_id", "year"),
        ),
        Kind(
            "projects",
            "Prosjekter (tiltak)",
            "project",
            ProjectRow,
            keys=(("project_id",),),
            refs=(
                _ref("forum_id", FORUM),
                _ref("lead_owner_id", OWNER),
                _ref("institution_id", INSTITUTION),
            ),
        ),
        Kind(
            "status",
            "Statusrapporter for prosjekter",
            "status_report",
            StatusRow,
            keys=(("project_id", "report_date"),),
            refs=(Ref(("project_id",), "project", ("project_id",), "prosjekt"),),
        ),
        Kind(
            "confirmations",
            "Bekreftelser på bruk av midler",
            "confirmation",
            ConfirmationRow,
            keys=(("year", "recipient_owner_id"), ("year", "recipient_institution_id")),
            refs=(
                _ref("recipient_owner_id", OWNER),
                _ref("recipient_institution_id", INSTITUTION),
            ),
            owner_year=("recipient_owner_id", "year"),
        ),
    ]
}

# The order in which a batch of files is loaded, so references resolve.
LOAD_ORDER: tuple[str, ...] = tuple(KINDS)
