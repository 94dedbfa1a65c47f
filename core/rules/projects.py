"""Rules R7-R10 (DOMAIN.md): status updates, school-based work, long-term
work and the forum's decision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core import fmt
from core.rules.common import (
    BREACH,
    MAIN_SHARE,
    OK,
    WARNING,
    Inputs,
    days_text,
    is_null,
    rule,
    rule_row,
    share_of,
    tuples_of,
)

# --- R7 status updates ------------------------------------------------------------

RUNNING = {"planned", "started", "ongoing", "delayed"}


@rule
def r7_status_updates(inputs: Inputs) -> Iterator[dict[str, Any]]:
    for p in tuples_of(inputs.projects):
        year = p.start_date.year
        if p.status not in RUNNING or p.start_date > inputs.as_of:
            continue
        limit = int(p.stale_after_days)
        days = int(p.days_since_report)
        since = fmt.date(p.last_report_date) if not is_null(p.last_report_date) else "oppstart"
        if days > limit:
            status = BREACH
            text = (
                f"Prosjektet «{p.title}» har ikke rapportert status på {days_text(days)} "
                f"(siden {since}); grensen er {limit} dager"
            )
        else:
            status = OK
            text = f"Prosjektet «{p.title}» rapporterte status for {days_text(days)} siden"
        yield rule_row(
            year,
            "R7",
            ("project", p.project_id, p.title),
            status,
            (days, limit, "days"),
            text,
            forum_id=p.forum_id,
            owner_id=p.lead_owner_id,
        )


# --- R8 school-based, R9 long-term (indicators) -------------------------------------


@rule
def r8_school_based(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """Share of the budget of the forum's projects started in the year that
    is school-based; an indicator that warns below half."""
    # Per start year and forum, in one pass: the forum's name (from its first
    # project), the whole budget and the school-based part.
    forums: dict[tuple[int, str], list[Any]] = {}
    p = inputs.projects
    for start, forum_id, name, budget, school_based in zip(
        *(p[c].tolist() for c in ("start_date", "forum_id", "forum_name", "budget_nok")),
        p["school_based"].tolist(),
        strict=True,
    ):
        if is_null(forum_id):
            continue
        found = forums.setdefault((start.year, forum_id), [name, 0, 0])
        found[1] += int(budget)
        if school_based:
            found[2] += int(budget)
    for (year, forum_id), (name, total, school) in sorted(forums.items()):
        share = share_of(school, total)
        status = OK if share >= MAIN_SHARE else WARNING
        text = (
            f"{fmt.percent(share)} av budsjettet til prosjektene {name} startet i {year} "
            f"er skolebasert ({fmt.nok(school)} av {fmt.nok(total)})"
        )
        yield rule_row(
            year,
            "R8",
            ("forum", forum_id, name),
            status,
            (share, MAIN_SHARE, "share"),
            text,
            forum_id=forum_id,
        )


@rule
def r9_long_term(inputs: Inputs) -> Iterator[dict[str, Any]]:
    """Share of an owner's development areas that it also reported the year
    before; an indicator that warns below half."""
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
        share = share_of(kept, len(current))
        status = OK if share >= MAIN_SHARE else WARNING
        name, forum_id = about[(owner_id, year)]
        text = (
            f"{name} videreførte {kept} av {len(current)} utviklingsområder fra {year - 1} "
            f"til {year} ({fmt.percent(share)})"
        )
        yield rule_row(
            year,
            "R9",
            ("owner", owner_id, name),
            status,
            (share, MAIN_SHARE, "share"),
            text,
            forum_id=forum_id,
            owner_id=owner_id,
        )


# --- R10 forum decision -----------------------------------------------------------


@rule
def r10_forum_decision(inputs: Inputs) -> Iterator[dict[str, Any]]:
    for a in tuples_of(inputs.awards):
        owner_id = None if is_null(a.recipient_owner_id) else a.recipient_owner_id
        if is_null(a.decision_date):
            status, measured = BREACH, None
            text = f"Tildelingen {a.award_id} til {a.recipient_name} har ingen vedtaksdato"
        elif is_null(a.agreement_date):
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
        yield rule_row(
            a.year,
            "R10",
            ("award", a.award_id, a.recipient_name),
            status,
            (measured, None if is_null(a.agreement_date) else a.agreement_date, "date"),
            text,
            forum_id=a.forum_id,
            owner_id=owner_id,
        )
