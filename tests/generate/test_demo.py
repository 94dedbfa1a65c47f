"""The demo profile (python -m generate demo): it writes exactly the files
in data/demo/ that the app and the other tests use, passes its own checks,
holds each planted breach once, and takes its entitlements from
core.rules.allocation."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data.kinds import KINDS
from core.rules.allocation import OwnerFte, entitlements
from generate import cli
from generate.common import read_back, render
from generate.demo import DemoBuilder
from generate.demo_check import breaches

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
ROWS = {
    "regions": 4,
    "municipalities": 61,
    "successors": 41,
    "frames": 4,
    "institutions": 8,
    "owners": 51,
    "forums": 27,
    "memberships": 230,
    "fte": 187,
    "needs": 186,
    "awards": 231,
    "payments": 257,
    "cofinancing": 204,
    "projects": 42,
    "status": 230,
    "confirmations": 198,
}


@pytest.fixture(scope="module")
def built() -> DemoBuilder:
    builder = DemoBuilder()
    builder.build()
    return builder


def test_writes_data_demo_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--out", str(tmp_path)]) == 0  # 0: every check passed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{k}.csv" for k in KINDS)
    for kind in KINDS:
        name = f"{kind}.csv"
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
    assert f"{'all':20} {sum(ROWS.values()):8} rows" in capsys.readouterr().out  # 1961


def test_row_counts(built: DemoBuilder) -> None:
    assert {kind: len(rows) for kind, rows in built.rows.items()} == ROWS


def test_same_bytes_on_a_second_build(built: DemoBuilder) -> None:
    again = DemoBuilder().build()
    assert all(render(k, again[k]) == render(k, built.rows[k]) for k in KINDS)


def test_each_planted_breach_once() -> None:
    problems, parsed = read_back(DEMO)
    assert problems == []
    assert breaches(parsed) == {
        "R1": ["Lørenskog kommune 2019"],
        "R2": ["T2020-005"],
        "R3 award": ["T2020-048"],
        "R3 nonparticipant": ["Hurdal kommune 2019"],
        "R4": ["T2018-012"],
        "R5": ["N2018-041"],
        "R6": ["998921864 2019"],
        "R7": ["P2019-04"],
        "R10": ["T2019-041"],
    }


def test_entitlements_are_core_allocation(built: DemoBuilder) -> None:
    """2019 withholds Hurdal's share (it does not take part); the other years
    share the whole frame among the owners taking part."""

    def given(year: int) -> int:
        return sum(v for (y, _), v in built.entitlement.items() if y == year)

    assert [given(year) for year in (2018, 2020, 2021)] == [39_700_000, 60_100_000, 62_400_000]
    hurdal = built.keyed["m0239"]
    owners = [
        OwnerFte(o.owner_id, built.in_scope(o, 2019), o is not hurdal)
        for o in built.owners.values()
        if o.active(2019)
    ]
    shares = {e.owner_id: e for e in entitlements(57_600_000, owners, "withhold")}
    assert shares[hurdal.owner_id].withheld_nok == 97_619
    assert given(2019) == 57_600_000 - 97_619
    for (year, owner_id), amount in built.entitlement.items():
        if year == 2019:
            assert amount == shares[owner_id].entitlement_nok
