"""Rules R1-R6 (DOMAIN.md): co-financing, eligible recipients,
participation, the year's scope, the needs deadline and confirmed use."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core import fmt
from core.rules.allocation import largest_remainder
from core.rules.common import (
    BREACH,
    NOT_APPLICABLE,
    OK,
    WARNING,
    Inputs,
    days_text,
    is_null,
    rule,
    rule_row,
    share_of,
    tuples_of,
    year_params,
)

# --- R1 co-financing --------------------------------------------------------


@rule
def r1_cofinancing(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """Per forum: owners' co-financing against rate x the state grant to the
    forum. Per owner: the forum's requirement shared pro rata to what each
    owner received (largest remainder, so owners add up to the forum)."""
    awards = inputs.awards
    members = inputs.owners_year[inputs.owners_year["forum_id"].notna()]
    members_of: dict[tuple[int, str], set[str]] = {}
    for year, forum_id, owner_id in zip(
        members["year"], members["forum_id"], members["owner_id"], strict=True
    ):
        members_of.setdefault((year, forum_id), set()).add(owner_id)
    cofin = {
        (c.year, c.owner_id): (int(c.cash), int(c.in_kind)) for c in tuples_of(inputs.cofinancing)
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
        if is_null(forum_id):
            continue
        key = (int(year), forum_id)
        _, _, received = forums.setdefault(key, (region_id, forum_name, {}))
        grants[key] = grants.get(key, 0) + int(amount)
        if not is_null(owner_id):
            received[owner_id] = received.get(owner_id, 0) + int(amount)
    for (year, forum_id), (region_id, forum_name, received) in sorted(forums.items()):
        rate = Decimal(str(year_params(inputs, year, region_id)["cofinancing_rate"]))
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
            f"({fmt.percent(share_of(committed, grant))} av tilskuddet på {fmt.nok(grant)}); "
            f"kravet er {fmt.percent(rate)}, {fmt.nok(required)}"
            + (f", mangler {fmt.nok(missing)}" if missing else "")
        )
        yield rule_row(
            year,
            "R1",
            ("forum", forum_id, forum_name),
            status,
            (share_of(committed, grant), rate, "share"),
            text,
            forum_id=forum_id,
        )
        weights = {o: v for o, v in sorted(received.items()) if v > 0}
        owner_required = largest_remainder(required, weights) if weights else {}
        names = inputs.owner_names
        for owner_id, need in sorted(owner_required.items()):
            cash, in_kind = committed_by_owner.get(owner_id, (0, 0))
            given = cash + in_kind
            # The owner's part of the forum's grant, of which it must add `rate`.
            basis = int((Decimal(need) / rate).to_integral_value(ROUND_HALF_UP)) if rate else 0
            measured = share_of(given, basis)
            short = max(need - given, 0)
            name = names.get(owner_id, owner_id)
            text = (
                f"{name} har bidratt med {fmt.percent(measured)} egenfinansiering "
                f"({fmt.nok(cash)} kontant, {fmt.nok(in_kind)} naturalytelse) av sin andel "
                f"av forumets tilskudd; kravet er {fmt.percent(rate)}"
                + (f", mangler {fmt.nok(short)}" if short else "")
            )
            yield rule_row(
                year,
                "R1",
                ("owner", owner_id, name),
                OK if given >= need else BREACH,
                (measured, rate, "share"),
                text,
                forum_id=forum_id,
                owner_id=owner_id,
            )


# --- R2 eligible recipient ---------------------------------------------------

ELIGIBLE_KINDS = {"public_uh", "private_uh", "national_centre"}


@rule
def r2_eligible_recipient(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """Institution awards go only to Norwegian universities and colleges or
    national centres, never to an external provider."""
    for a in tuples_of(inputs.awards[inputs.awards["recipient_institution_id"].notna()]):
        ok = a.institution_kind in ELIGIBLE_KINDS
        text = f"{a.recipient_name} er {KIND_NB.get(a.institution_kind, a.institution_kind)}" + (
            ""
            if ok
            else f"; tildelingen {a.award_id} på {fmt.nok(a.amount_nok)} går til en "
            "ekstern tilbyder, ikke til en skoleeier eller UH-institusjon"
        )
        yield rule_row(
            a.year,
            "R2",
            ("award", a.award_id, a.recipient_name),
            OK if ok else BREACH,
            (a.institution_kind, "uh|nasjonalt senter|skoleeier", "kind"),
            text,
            forum_id=a.forum_id,
        )


KIND_NB = {
    "public_uh": "en offentlig UH-institusjon",
    "private_uh": "en privat UH-institusjon",
    "national_centre": "et nasjonalt senter",
    "other_provider": "en annen tilbyder",
}


# --- R3 participation ---------------------------------------------------------


@rule
def r3_participation(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """An owner that does not take part gets nothing; an award to an owner
    outside the forum or without a needs report is a breach."""
    owner_awards = inputs.awards[inputs.awards["recipient_owner_id"].notna()]
    for a in tuples_of(owner_awards):
        problems = []
        if is_null(a.member_forum_id):
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
        yield rule_row(
            a.year,
            "R3",
            ("award", a.award_id, a.recipient_name),
            status,
            ("; ".join(problems) or "deltar", "medlem og behovsmelding", "text"),
            text,
            forum_id=a.forum_id,
            owner_id=a.recipient_owner_id,
        )
    awarded = set(zip(owner_awards["year"], owner_awards["recipient_owner_id"], strict=False))
    for o in tuples_of(inputs.owners_year):
        if o.fte > 0 and is_null(o.forum_id) and (o.year, o.owner_id) not in awarded:
            policy = year_params(inputs, o.year, o.region_id)["nonparticipant_policy"]
            fate = "omfordeles til de andre" if policy == "redistribute" else "holdes tilbake"
            yield rule_row(
                o.year,
                "R3",
                ("owner", o.owner_id, o.owner_name),
                WARNING,
                ("deltar ikke", "deltar", "text"),
                f"{o.owner_name} deltar ikke i {o.year} og får ingen midler; "
                f"andelen for {fmt.number(o.fte)} lærerårsverk {fate}",
                owner_id=o.owner_id,
            )


# --- R4 scope of the year -------------------------------------------------------

OWNER_TYPE_NB = {
    "municipality": "kommune",
    "county_authority": "fylkeskommune",
    "private": "privat",
}


@rule
def r4_scope(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """Awards only to owner types in the year's scope, with FTE in scope."""
    for a in tuples_of(inputs.awards[inputs.awards["recipient_owner_id"].notna()]):
        params = year_params(inputs, a.year, a.region_id)
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
        yield rule_row(
            a.year,
            "R4",
            ("award", a.award_id, a.recipient_name),
            status,
            (a.owner_type, allowed, "owner_type"),
            text,
            forum_id=a.forum_id,
            owner_id=a.recipient_owner_id,
        )


# --- R5 needs report deadline ---------------------------------------------------


@rule
def r5_needs_deadline(inputs: Inputs) -> Iterator[dict[str, Any]]:
    for n in tuples_of(inputs.needs):
        deadline = year_params(inputs, n.year, n.region_id)["needs_deadline"]
        late = (n.received_date - deadline).days
        if late > 0:
            status = BREACH
            text = (
                f"Behovsmeldingen fra {n.owner_name} ({n.report_id}) kom "
                f"{fmt.date(n.received_date)}, "
                f"{days_text(late)} etter fristen {fmt.date(deadline)}"
            )
        else:
            status = OK
            text = f"Behovsmeldingen fra {n.owner_name} kom innen fristen {fmt.date(deadline)}"
        yield rule_row(
            n.year,
            "R5",
            ("needs_report", n.report_id, n.owner_name),
            status,
            (n.received_date, deadline, "date"),
            text,
            forum_id=n.forum_id,
            owner_id=n.owner_id,
        )


# --- R6 use confirmed -------------------------------------------------------------


@rule
def r6_use_confirmed(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """Each recipient confirms the use of the year's funds by the reporting
    deadline; unused funds are repaid. Not due before the deadline."""
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
    confirmations = {
        (c.year, c.recipient): (c.received_date, int(c.amount_used_nok) + int(c.amount_repaid_nok))
        for c in tuples_of(inputs.confirmations)
    }
    for r in tuples_of(paid):
        deadline = year_params(inputs, r.year, r.region_id)["reporting_deadline"]
        owner_id = None if is_null(r.owner_id) else r.owner_id
        key = (r.year, r.recipient)
        if key in confirmations:
            received, accounted = confirmations[key]
            late = (received - deadline).days
            if late > 0:
                status = BREACH
                text = (
                    f"{r.name} bekreftet bruken av midlene for {r.year} {fmt.date(received)}, "
                    f"{days_text(late)} etter fristen {fmt.date(deadline)}"
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
        yield rule_row(
            r.year,
            "R6",
            ("owner" if owner_id else "institution", r.recipient, r.name),
            status,
            (measured, deadline, "date"),
            text,
            forum_id=r.forum_id,
            owner_id=owner_id,
        )
