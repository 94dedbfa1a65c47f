"""The scheme's rules R1-R10 (DOMAIN.md) as pure functions.

Each rule takes the tidy frames it needs (``Inputs``, read by
``core.views.compliance_inputs``) and returns one row per subject it judges:
the year, the subject (owner, forum, award, project), the rule id, a status,
the measured and the required value, and an explanation in Norwegian that a
leader understands. The year's parameters (rate, deadlines, scope, stale
limit) come from the scheme-year rows, never from constants here.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads with the first frame, not with the app
    import pandas as pd

from core import fmt
from core.allocation import largest_remainder

OK, BREACH, WARNING, NOT_APPLICABLE = "ok", "breach", "warning", "not_applicable"
STATUSES = (BREACH, WARNING, OK, NOT_APPLICABLE)

RULES: dict[str, str] = {
    "R1": "Egenfinansiering",
    "R2": "Gyldig mottaker",
    "R3": "Deltakelse",
    "R4": "Årets omfang",
    "R5": "Frist for behovsmelding",
    "R6": "Bekreftet bruk",
    "R7": "Statusoppdateringer",
    "R8": "Skolebasert",
    "R9": "Langsiktighet",
    "R10": "Forumets vedtak",
}

COLUMNS = [
    "year",
    "rule_id",
    "subject_type",
    "subject_id",
    "subject_name",
    "forum_id",
    "owner_id",
    "status",
    "measured",
    "required",
    "unit",
    "explanation",
]

# Indicators (R8, R9) warn below this share; DOMAIN.md says "mainly".
MAIN_SHARE = Decimal("0.5000")


@dataclass(frozen=True)
class Inputs:
    """What the rules read, as of one date."""

    as_of: dt.date
    years: pd.DataFrame  # scheme_year rows of the region(s)
    awards: pd.DataFrame  # one row per award, with recipient and forum facts
    owners_year: pd.DataFrame  # owner-year: fte in scope, member forum, type, name
    cofinancing: pd.DataFrame  # owner-year: cash, in_kind
    needs: pd.DataFrame  # needs reports
    confirmations: pd.DataFrame  # recipient-year: received_date, used, repaid
    projects: pd.DataFrame  # projects with their latest status as of the date

    @cached_property
    def parameters(self) -> dict[tuple[int, str], dict[str, Any]]:
        return {(r["year"], r["region_id"]): r for r in self.years.to_dict("records")}

    @cached_property
    def owner_names(self) -> dict[str, str]:
        return dict(zip(self.owners_year["owner_id"], self.owners_year["owner_name"], strict=False))


def _row(
    year: int | None,
    rule: str,
    subject_type: str,
    subject_id: str,
    subject_name: str,
    status: str,
    measured: Any,
    required: Any,
    unit: str,
    explanation: str,
    *,
    forum_id: str | None = None,
    owner_id: str | None = None,
) -> dict[str, Any]:
    return {
        "year": year,
        "rule_id": rule,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "subject_name": subject_name,
        "forum_id": forum_id,
        "owner_id": owner_id,
        "status": status,
        "measured": _plain(measured),
        "required": _plain(required),
        "unit": unit,
        "explanation": explanation,
    }


def _plain(value: Any) -> str | None:
    """Measured and required values as plain text: 0.2100, 2018-07-01, 48300."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _share(numerator: int, denominator: int) -> Decimal:
    if denominator == 0:
        return Decimal("0.0000")
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def _params(inputs: Inputs, year: int, region_id: str) -> dict[str, Any]:
    """The scheme year's parameters (a dict lookup: rules call this per row)."""
    return inputs.parameters[(year, region_id)]


def _days(count: int) -> str:
    return f"{count} dag" if count == 1 else f"{count} dager"


def _is_null(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _tuples(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as named tuples (as ``itertuples``), from whole
    columns: iterating Arrow-backed columns value by value was a fifth of
    the rules' time."""
    row = namedtuple("Row", frame.columns)  # type: ignore[misc]
    return map(row._make, zip(*(_values(frame[c]) for c in frame.columns), strict=True))


def _values(column: pd.Series) -> list[Any]:
    """A column's values; DECIMAL (an Arrow column, core.store) as Decimal
    with None for no value, as the rules compare it (tolist() gives NA)."""
    import pandas as pd

    if isinstance(column.dtype, pd.ArrowDtype):
        import pyarrow as pa

        return pa.Array.from_pandas(column.array).to_pylist()
    return column.tolist()


# --- R1 co-financing --------------------------------------------------------


def r1_cofinancing(inputs: Inputs) -> list[dict[str, Any]]:
    """Per forum: owners' co-financing against rate x the state grant to the
    forum. Per owner: the forum's requirement shared pro rata to what each
    owner received (largest remainder, so owners add up to the forum)."""
    rows: list[dict[str, Any]] = []
    awards = inputs.awards
    members = inputs.owners_year[inputs.owners_year["forum_id"].notna()]
    members_of: dict[tuple[int, str], set[str]] = {}
    for year, forum_id, owner_id in zip(
        members["year"], members["forum_id"], members["owner_id"], strict=True
    ):
        members_of.setdefault((year, forum_id), set()).add(owner_id)
    cofin = {
        (y, o): (int(c), int(k))
        for y, o, c, k in zip(
            inputs.cofinancing["year"],
            inputs.cofinancing["owner_id"],
            inputs.cofinancing["cash"],
            inputs.cofinancing["in_kind"],
            strict=True,
        )
    }
    # Per forum and year, in one pass: its region and name (from its first
    # award), the grant (every award) and what each owner received.
    forums: dict[tuple[int, str], tuple[str, str, dict[str, int]]] = {}
    grants: dict[tuple[int, str], int] = {}
    for year, forum_id, region_id, forum_name, owner_id, amount in zip(
        awards["year"],
        awards["forum_id"],
        awards["region_id"],
        awards["forum_name"],
        awards["recipient_owner_id"],
        awards["amount_nok"],
        strict=True,
    ):
        if _is_null(forum_id):
            continue
        key = (int(year), forum_id)
        _, _, received = forums.setdefault(key, (region_id, forum_name, {}))
        grants[key] = grants.get(key, 0) + int(amount)
        if not _is_null(owner_id):
            received[owner_id] = received.get(owner_id, 0) + int(amount)
    for (year, forum_id), (region_id, forum_name, received) in sorted(forums.items()):
        rate = Decimal(str(_params(inputs, year, region_id)["cofinancing_rate"]))
        grant = grants[(year, forum_id)]
        required = int((rate * grant).to_integral_value(ROUND_HALF_UP))
        committed_by_owner: dict[str, tuple[int, int]] = {}
        for owner_id in sorted(members_of.get((year, forum_id), set()) | set(received)):
            committed_by_owner[owner_id] = cofin.get((year, owner_id), (0, 0))
        committed = sum(c + k for c, k in committed_by_owner.values())
        status = OK if committed >= required else BREACH
        missing = max(required - committed, 0)
        text = (
            f"{forum_name} har egenfinansiering på {fmt.nok(committed)} "
            f"({fmt.percent(_share(committed, grant))} av tilskuddet på {fmt.nok(grant)}); "
            f"kravet er {fmt.percent(rate)}, {fmt.nok(required)}"
            + (f", mangler {fmt.nok(missing)}" if missing else "")
        )
        rows.append(
            _row(
                year,
                "R1",
                "forum",
                forum_id,
                forum_name,
                status,
                _share(committed, grant),
                rate,
                "share",
                text,
                forum_id=forum_id,
            )
        )
        weights = {o: v for o, v in sorted(received.items()) if v > 0}
        owner_required = largest_remainder(required, weights) if weights else {}
        names = inputs.owner_names
        for owner_id, need in sorted(owner_required.items()):
            cash, in_kind = committed_by_owner.get(owner_id, (0, 0))
            given = cash + in_kind
            # The owner's part of the forum's grant, of which it must add `rate`.
            basis = int((Decimal(need) / rate).to_integral_value(ROUND_HALF_UP)) if rate else 0
            measured = _share(given, basis)
            short = max(need - given, 0)
            name = names.get(owner_id, owner_id)
            text = (
                f"{name} har bidratt med {fmt.percent(measured)} egenfinansiering "
                f"({fmt.nok(cash)} kontant, {fmt.nok(in_kind)} naturalytelse) av sin andel "
                f"av forumets tilskudd; kravet er {fmt.percent(rate)}"
                + (f", mangler {fmt.nok(short)}" if short else "")
            )
            rows.append(
                _row(
                    year,
                    "R1",
                    "owner",
                    owner_id,
                    name,
                    OK if given >= need else BREACH,
                    measured,
                    rate,
                    "share",
                    text,
                    forum_id=forum_id,
                    owner_id=owner_id,
                )
            )
    return rows


# --- R2 eligible recipient ---------------------------------------------------

ELIGIBLE_KINDS = {"public_uh", "private_uh", "national_centre"}


def r2_eligible_recipient(inputs: Inputs) -> list[dict[str, Any]]:
    """Institution awards go only to Norwegian universities and colleges or
    national centres, never to an external provider."""
    rows = []
    for a in _tuples(inputs.awards[inputs.awards["recipient_institution_id"].notna()]):
        ok = a.institution_kind in ELIGIBLE_KINDS
        text = f"{a.recipient_name} er {KIND_NB.get(a.institution_kind, a.institution_kind)}" + (
            ""
            if ok
            else f"; tildelingen {a.award_id} på {fmt.nok(a.amount_nok)} går til en "
            "ekstern tilbyder, ikke til en skoleeier eller UH-institusjon"
        )
        rows.append(
            _row(
                a.year,
                "R2",
                "award",
                a.award_id,
                a.recipient_name,
                OK if ok else BREACH,
                a.institution_kind,
                "uh|nasjonalt senter|skoleeier",
                "kind",
                text,
                forum_id=a.forum_id,
            )
        )
    return rows


KIND_NB = {
    "public_uh": "en offentlig UH-institusjon",
    "private_uh": "en privat UH-institusjon",
    "national_centre": "et nasjonalt senter",
    "other_provider": "en annen tilbyder",
}


# --- R3 participation ---------------------------------------------------------


def r3_participation(inputs: Inputs) -> list[dict[str, Any]]:
    """An owner that does not take part gets nothing; an award to an owner
    outside the forum or without a needs report is a breach."""
    rows = []
    owner_awards = inputs.awards[inputs.awards["recipient_owner_id"].notna()]
    for a in _tuples(owner_awards):
        problems = []
        if _is_null(a.member_forum_id):
            problems.append("er ikke medlem av noe samarbeidsforum")
        elif a.member_forum_id != a.forum_id:
            problems.append(f"er medlem av et annet forum ({a.member_forum_id})")
        if not a.has_needs_report:
            problems.append(f"har ikke meldt behov for {a.year}")
        status = BREACH if problems else OK
        text = (
            f"{a.recipient_name} fikk {fmt.nok(a.amount_nok)} ({a.award_id}), men "
            + " og ".join(problems)
            if problems
            else f"{a.recipient_name} er med i forumet og har meldt behov"
        )
        rows.append(
            _row(
                a.year,
                "R3",
                "award",
                a.award_id,
                a.recipient_name,
                status,
                "; ".join(problems) or "deltar",
                "medlem og behovsmelding",
                "text",
                text,
                forum_id=a.forum_id,
                owner_id=a.recipient_owner_id,
            )
        )
    awarded = set(zip(owner_awards["year"], owner_awards["recipient_owner_id"], strict=False))
    for o in _tuples(inputs.owners_year):
        if o.fte > 0 and _is_null(o.forum_id) and (o.year, o.owner_id) not in awarded:
            policy = _params(inputs, o.year, o.region_id)["nonparticipant_policy"]
            fate = "omfordeles til de andre" if policy == "redistribute" else "holdes tilbake"
            rows.append(
                _row(
                    o.year,
                    "R3",
                    "owner",
                    o.owner_id,
                    o.owner_name,
                    WARNING,
                    "deltar ikke",
                    "deltar",
                    "text",
                    f"{o.owner_name} deltar ikke i {o.year} og får ingen midler; "
                    f"andelen for {fmt.number(o.fte)} lærerårsverk {fate}",
                    owner_id=o.owner_id,
                )
            )
    return rows


# --- R4 scope of the year -------------------------------------------------------

OWNER_TYPE_NB = {
    "municipality": "kommune",
    "county_authority": "fylkeskommune",
    "private": "privat",
}


def r4_scope(inputs: Inputs) -> list[dict[str, Any]]:
    """Awards only to owner types in the year's scope, with FTE in scope."""
    rows = []
    for a in _tuples(inputs.awards[inputs.awards["recipient_owner_id"].notna()]):
        params = _params(inputs, a.year, a.region_id)
        in_scope = list(params["owner_types_in_scope"])
        allowed = "+".join(in_scope)
        if a.owner_type not in in_scope:
            status = BREACH
            text = (
                f"{a.recipient_name} ({OWNER_TYPE_NB[a.owner_type]}) er utenfor ordningen i "
                f"{a.year}; bare {', '.join(OWNER_TYPE_NB[t] for t in in_scope)} kan få midler "
                f"({a.award_id}, {fmt.nok(a.amount_nok)})"
            )
        elif not a.fte_in_scope or a.fte_in_scope <= 0:
            status = WARNING
            text = f"{a.recipient_name} har ingen lærerårsverk innenfor årets omfang i {a.year}"
        else:
            status, text = OK, f"{a.recipient_name} er innenfor årets omfang"
        rows.append(
            _row(
                a.year,
                "R4",
                "award",
                a.award_id,
                a.recipient_name,
                status,
                a.owner_type,
                allowed,
                "owner_type",
                text,
                forum_id=a.forum_id,
                owner_id=a.recipient_owner_id,
            )
        )
    return rows


# --- R5 needs report deadline ---------------------------------------------------


def r5_needs_deadline(inputs: Inputs) -> list[dict[str, Any]]:
    rows = []
    for n in _tuples(inputs.needs):
        deadline = _params(inputs, n.year, n.region_id)["needs_deadline"]
        late = (n.received_date - deadline).days
        if late > 0:
            status = BREACH
            text = (
                f"Behovsmeldingen fra {n.owner_name} ({n.report_id}) kom "
                f"{fmt.date(n.received_date)}, "
                f"{_days(late)} etter fristen {fmt.date(deadline)}"
            )
        else:
            status = OK
            text = f"Behovsmeldingen fra {n.owner_name} kom innen fristen {fmt.date(deadline)}"
        rows.append(
            _row(
                n.year,
                "R5",
                "needs_report",
                n.report_id,
                n.owner_name,
                status,
                n.received_date,
                deadline,
                "date",
                text,
                forum_id=n.forum_id,
                owner_id=n.owner_id,
            )
        )
    return rows


# --- R6 use confirmed -------------------------------------------------------------


def r6_use_confirmed(inputs: Inputs) -> list[dict[str, Any]]:
    """Each recipient confirms the use of the year's funds by the reporting
    deadline; unused funds are repaid. Not due before the deadline."""
    rows = []
    paid = (
        inputs.awards.assign(
            recipient=inputs.awards["recipient_owner_id"].fillna(
                inputs.awards["recipient_institution_id"]
            )
        )
        .groupby(["year", "region_id", "recipient"], sort=True)
        .agg(
            paid=("paid_nok", "sum"),
            name=("recipient_name", "first"),
            owner_id=("recipient_owner_id", "first"),
            forum_id=("forum_id", "first"),
        )
        .reset_index()
    )
    conf = inputs.confirmations
    confirmations = {
        (year, recipient): (received, int(used) + int(repaid))
        for year, recipient, received, used, repaid in zip(
            *(
                conf[c].tolist()
                for c in (
                    "year",
                    "recipient",
                    "received_date",
                    "amount_used_nok",
                    "amount_repaid_nok",
                )
            ),
            strict=True,
        )
    }
    for r in _tuples(paid):
        deadline = _params(inputs, r.year, r.region_id)["reporting_deadline"]
        owner_id = None if _is_null(r.owner_id) else r.owner_id
        key = (r.year, r.recipient)
        if key in confirmations:
            received, accounted = confirmations[key]
            late = (received - deadline).days
            if late > 0:
                status = BREACH
                text = (
                    f"{r.name} bekreftet bruken av midlene for {r.year} {fmt.date(received)}, "
                    f"{_days(late)} etter fristen {fmt.date(deadline)}"
                )
            elif accounted < r.paid:
                status = WARNING
                text = (
                    f"{r.name} har gjort rede for {fmt.nok(accounted)} av {fmt.nok(int(r.paid))} "
                    f"utbetalt for {r.year}; {fmt.nok(int(r.paid) - accounted)} er verken brukt "
                    "eller tilbakebetalt"
                )
            else:
                status = OK
                text = f"{r.name} bekreftet bruken for {r.year} {fmt.date(received)}"
            measured: Any = received
        elif r.paid == 0:
            status, measured = NOT_APPLICABLE, None
            text = f"Ingenting er utbetalt til {r.name} for {r.year} ennå"
        elif inputs.as_of <= deadline:
            status, measured = NOT_APPLICABLE, None
            text = f"Bekreftelsen fra {r.name} for {r.year} har frist {fmt.date(deadline)}"
        else:
            status, measured = BREACH, None
            text = (
                f"{r.name} har ikke bekreftet bruken av {fmt.nok(int(r.paid))} for {r.year}; "
                f"fristen var {fmt.date(deadline)}"
            )
        rows.append(
            _row(
                r.year,
                "R6",
                "owner" if owner_id else "institution",
                r.recipient,
                r.name,
                status,
                measured,
                deadline,
                "date",
                text,
                forum_id=r.forum_id,
                owner_id=owner_id,
            )
        )
    return rows


# --- R7 status updates ------------------------------------------------------------

RUNNING = {"planned", "started", "ongoing", "delayed"}


def r7_status_updates(inputs: Inputs) -> list[dict[str, Any]]:
    rows = []
    for p in _tuples(inputs.projects):
        year = p.start_date.year
        if p.status not in RUNNING or p.start_date > inputs.as_of:
            continue
        limit = int(p.stale_after_days)
        days = int(p.days_since_report)
        since = fmt.date(p.last_report_date) if not _is_null(p.last_report_date) else "oppstart"
        if days > limit:
            status = BREACH
            text = (
                f"Prosjektet «{p.title}» har ikke rapportert status på {_days(days)} "
                f"(siden {since}); grensen er {limit} dager"
            )
        else:
            status = OK
            text = f"Prosjektet «{p.title}» rapporterte status for {_days(days)} siden"
        rows.append(
            _row(
                year,
                "R7",
                "project",
                p.project_id,
                p.title,
                status,
                days,
                limit,
                "days",
                text,
                forum_id=p.forum_id,
                owner_id=p.lead_owner_id,
            )
        )
    return rows


# --- R8 school-based, R9 long-term (indicators) -------------------------------------


def r8_school_based(inputs: Inputs) -> list[dict[str, Any]]:
    """Share of the budget of the forum's projects started in the year that
    is school-based; an indicator that warns below half."""
    rows = []
    # Per start year and forum, in one pass: the forum's name (from its first
    # project), the whole budget and the school-based part.
    forums: dict[tuple[int, str], list[Any]] = {}
    p = inputs.projects
    for start, forum_id, name, budget, school_based in zip(
        *(p[c].tolist() for c in ("start_date", "forum_id", "forum_name", "budget_nok")),
        p["school_based"].tolist(),
        strict=True,
    ):
        if _is_null(forum_id):
            continue
        found = forums.setdefault((start.year, forum_id), [name, 0, 0])
        found[1] += int(budget)
        if school_based:
            found[2] += int(budget)
    for (year, forum_id), (name, total, school) in sorted(forums.items()):
        share = _share(school, total)
        status = OK if share >= MAIN_SHARE else WARNING
        text = (
            f"{fmt.percent(share)} av budsjettet til prosjektene {name} startet i {year} "
            f"er skolebasert ({fmt.nok(school)} av {fmt.nok(total)})"
        )
        rows.append(
            _row(
                year,
                "R8",
                "forum",
                forum_id,
                name,
                status,
                share,
                MAIN_SHARE,
                "share",
                text,
                forum_id=forum_id,
            )
        )
    return rows


def r9_long_term(inputs: Inputs) -> list[dict[str, Any]]:
    """Share of an owner's development areas that it also reported the year
    before; an indicator that warns below half."""
    rows = []
    needs = inputs.needs
    areas: dict[tuple[str, int], set[str]] = {}
    for owner_id, year, area in zip(
        needs["owner_id"], needs["year"], needs["development_area"], strict=True
    ):
        areas.setdefault((owner_id, int(year)), set()).add(area)
    # The owner's name and forum from its first need of the year.
    first = needs.drop_duplicates(["owner_id", "year"])
    about = {
        (owner_id, int(year)): (name, forum_id)
        for owner_id, year, name, forum_id in zip(
            first["owner_id"], first["year"], first["owner_name"], first["forum_id"], strict=True
        )
    }
    for (owner_id, year), current in sorted(areas.items()):
        previous = areas.get((owner_id, year - 1))
        if previous is None:
            continue
        kept = len(current & previous)
        share = _share(kept, len(current))
        status = OK if share >= MAIN_SHARE else WARNING
        name, forum_id = about[(owner_id, year)]
        text = (
            f"{name} videreførte {kept} av {len(current)} utviklingsområder fra {year - 1} "
            f"til {year} ({fmt.percent(share)})"
        )
        rows.append(
            _row(
                year,
                "R9",
                "owner",
                owner_id,
                name,
                status,
                share,
                MAIN_SHARE,
                "share",
                text,
                forum_id=forum_id,
                owner_id=owner_id,
            )
        )
    return rows


# --- R10 forum decision -----------------------------------------------------------


def r10_forum_decision(inputs: Inputs) -> list[dict[str, Any]]:
    rows = []
    for a in _tuples(inputs.awards):
        owner_id = None if _is_null(a.recipient_owner_id) else a.recipient_owner_id
        if _is_null(a.decision_date):
            status, measured = BREACH, None
            text = f"Tildelingen {a.award_id} til {a.recipient_name} har ingen vedtaksdato"
        elif _is_null(a.agreement_date):
            status, measured = BREACH, a.decision_date
            text = (
                f"Tildelingen {a.award_id} til {a.recipient_name} har ingen avtale i "
                f"samarbeidsforumet for {a.year} å bygge på"
            )
        elif a.decision_date < a.agreement_date:
            status, measured = BREACH, a.decision_date
            text = (
                f"Tildelingen {a.award_id} ble vedtatt {fmt.date(a.decision_date)}, før forumets "
                f"avtale {fmt.date(a.agreement_date)}"
            )
        else:
            status, measured = OK, a.decision_date
            text = (
                f"Tildelingen {a.award_id} bygger på forumets avtale {fmt.date(a.agreement_date)}"
            )
        rows.append(
            _row(
                a.year,
                "R10",
                "award",
                a.award_id,
                a.recipient_name,
                status,
                measured,
                None if _is_null(a.agreement_date) else a.agreement_date,
                "date",
                text,
                forum_id=a.forum_id,
                owner_id=owner_id,
            )
        )
    return rows


ALL_RULES: tuple[Callable[[Inputs], list[dict[str, Any]]], ...] = (
    r1_cofinancing,
    r2_eligible_recipient,
    r3_participation,
    r4_scope,
    r5_needs_deadline,
    r6_use_confirmed,
    r7_status_updates,
    r8_school_based,
    r9_long_term,
    r10_forum_decision,
)


def evaluate(
    inputs: Inputs, rules: Iterable[Callable[[Inputs], list[dict[str, Any]]]] = ALL_RULES
) -> pd.DataFrame:
    """Every rule's rows, sorted: year, rule, status (breaches first), subject."""
    rows = [row for rule in rules for row in rule(inputs)]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["_rule"] = frame["rule_id"].str[1:].astype(int)
    frame["_status"] = frame["status"].map(STATUSES.index)
    frame = frame.sort_values(
        ["year", "_rule", "_status", "subject_type", "subject_id"], kind="stable"
    )
    return frame.drop(columns=["_rule", "_status"]).reset_index(drop=True)
