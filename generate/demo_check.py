"""What the demo's files must show beyond the shared read-back check: the
public 2018 figures add up, and a plain reading of the rules in DOMAIN.md
finds exactly the planted breaches (data/README.md) and no others.

Not the app's compliance code: an independent reading, so that a change to
either shows up as a difference.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from generate.demo import FRAMES, TOTAL_2018, DemoBuilder

# How many findings each rule must give on the demo: the planted breaches.
EXPECTED_BREACHES = {
    "R1": 1,
    "R2": 1,
    "R3 award": 1,
    "R3 nonparticipant": 1,
    "R4": 1,
    "R5": 1,
    "R6": 1,
    "R7": 1,
    "R10": 1,
}


def check_demo(parsed: dict[str, list[Any]]) -> list[str]:
    problems = []
    frames = {f.year: f for f in parsed["frames"]}
    if frames[2018].frame_nok != FRAMES[2018]:
        problems.append("frames: 2018 frame is not 39,700,000")
    total = sum(f.fte for f in parsed["fte"] if f.year == 2018 and f.school_level == "compulsory")
    if total != TOTAL_2018:
        problems.append(f"fte: 2018 compulsory total {total} != {TOTAL_2018}")
    for rule, hits in breaches(parsed).items():
        if len(hits) != EXPECTED_BREACHES[rule]:
            problems.append(f"breaches: {rule} expected {EXPECTED_BREACHES[rule]}, found {hits}")
    return problems


def breaches(parsed: dict[str, list[Any]]) -> dict[str, list[str]]:
    """Each rule's findings on the parsed files."""
    found: dict[str, list[str]] = {rule: [] for rule in EXPECTED_BREACHES}
    frames = {f.year: f for f in parsed["frames"]}
    owners = {o.owner_id: o for o in parsed["owners"]}
    kinds = {i.institution_id: i.kind for i in parsed["institutions"]}
    members = {(m.year, m.forum_id, m.owner_id) for m in parsed["memberships"] if m.owner_id}
    member_years = {(m.year, m.owner_id) for m in parsed["memberships"] if m.owner_id}
    agreements = {(f.forum_id, f.year): f.agreement_date for f in parsed["forums"]}
    needs = {(n.year, n.owner_id) for n in parsed["needs"]}
    cofinanced: dict[tuple[int, str], int] = defaultdict(int)
    for c in parsed["cofinancing"]:
        cofinanced[(c.year, c.owner_id)] += c.amount_nok
    forum_total: dict[tuple[int, str], int] = defaultdict(int)
    forum_owners: dict[tuple[int, str], int] = defaultdict(int)
    for a in parsed["awards"]:
        forum_total[(a.year, a.forum_id)] += a.amount_nok
        if a.recipient_owner_id:
            forum_owners[(a.year, a.forum_id)] += a.amount_nok
    for a in parsed["awards"]:
        o = owners.get(a.recipient_owner_id or "")
        frame = frames[a.year]
        if a.recipient_institution_id and kinds[a.recipient_institution_id] == "other_provider":
            found["R2"].append(a.award_id)
        if a.decision_date is None or a.decision_date < agreements[(a.forum_id, a.year)]:
            found["R10"].append(a.award_id)
        if o is None:
            continue
        if (a.year, a.forum_id, o.owner_id) not in members or (a.year, o.owner_id) not in needs:
            found["R3 award"].append(a.award_id)
        levels = {
            f.school_level
            for f in parsed["fte"]
            if f.owner_id == o.owner_id and f.year == a.year and f.fte > 0
        }
        in_scope = levels & set(frame.levels_in_scope)
        if o.owner_type not in frame.owner_types_in_scope or not in_scope:
            found["R4"].append(a.award_id)
        # R1, both readings: 30 % of what the owner received, and 30 % of the
        # forum's whole grant shared pro rata to what each owner received.
        own = a.amount_nok
        share = forum_total[(a.year, a.forum_id)] * own / forum_owners[(a.year, a.forum_id)]
        if cofinanced[(a.year, o.owner_id)] < float(frame.cofinancing_rate) * min(own, share):
            found["R1"].append(f"{o.name} {a.year}")
    for f in parsed["fte"]:
        o = owners[f.owner_id]
        frame = frames[f.year]
        if (
            f.school_level in frame.levels_in_scope
            and o.owner_type in frame.owner_types_in_scope
            and (f.year, f.owner_id) not in member_years
        ):
            found["R3 nonparticipant"].append(f"{o.name} {f.year}")
    for n in parsed["needs"]:
        if n.received_date > frames[n.year].needs_deadline:
            found["R5"].append(n.report_id)
    paid: dict[tuple[int, str], int] = defaultdict(int)
    award_of = {a.award_id: a for a in parsed["awards"]}
    for pay in parsed["payments"]:
        a = award_of[pay.award_id]
        paid[(a.year, a.recipient_owner_id or a.recipient_institution_id)] += pay.amount_nok
    confirmed = {}
    for c in parsed["confirmations"]:
        confirmed[(c.year, c.recipient_owner_id or c.recipient_institution_id)] = c
    for year, who in paid:
        c = confirmed.get((year, who))
        if c is None or c.received_date > frames[year].reporting_deadline:
            found["R6"].append(f"{who} {year}")
    latest: dict[str, Any] = {}
    for s in parsed["status"]:
        latest[s.project_id] = s  # rows are sorted by report date
    stale = frames[max(frames)].stale_after_days
    for pr in parsed["projects"]:
        s = latest.get(pr.project_id)
        if s and s.status in ("completed", "cancelled"):
            continue
        if s is None or (DemoBuilder.AS_OF - s.report_date).days > stale:
            found["R7"].append(pr.project_id)
    return found
