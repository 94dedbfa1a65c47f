"""The scheme's rules R1-R10 (DOMAIN.md) as pure functions.

Each rule takes the tidy frames it needs (``Inputs``, read by
core.data.facts) and returns one row per subject it judges: the year, the
subject (owner, forum, award, project), the rule id, a status, the measured
and the required value, and an explanation in Norwegian that a leader
understands. The year's parameters (rate, deadlines, scope, stale limit)
come from the scheme-year rows, never from constants here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.rules.common import COLUMNS, STATUSES, Inputs, Rule
from core.rules.funding import (
    r1_cofinancing,
    r2_eligible_recipient,
    r3_participation,
    r4_scope,
    r5_needs_deadline,
    r6_use_confirmed,
)
from core.rules.projects import (
    r7_status_updates,
    r8_school_based,
    r9_long_term,
    r10_forum_decision,
)

if TYPE_CHECKING:  # pandas loads with the first frame, not with the app
    import pandas as pd

ALL_RULES: tuple[Rule, ...] = (
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


def evaluate(inputs: Inputs, rules: Iterable[Rule] = ALL_RULES) -> pd.DataFrame:
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
