"""Derived tables (core.derived) answer exactly as the live queries: every
view, under every kind of filter, gives the same frame both ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from core import derived, store, views
from core.export import VIEWS
from core.filters import Filters

STATES = [
    Filters(),
    Filters(year=2018),
    Filters(year=2021),
    Filters(forum="follo"),
    Filters(year=2020, forum="asker-baerum"),
    Filters(municipality="3020"),  # Nordre Follo: Ski and Oppegård before 2020
    Filters(year=2018, municipality="0213"),  # Ski
    Filters(municipality="0301"),
    Filters(owner_type="private"),
    Filters(year=2019, owner_type="county_authority"),
    Filters(year=2021, forum="follo", municipality="3207", owner_type="municipality"),
    Filters(year=2017),  # no scheme year: empty frames
    Filters(municipality="9999"),  # no such number
]


@pytest.fixture(scope="module")
def snap(demo_folder: Path):
    with store.Store(demo_folder / "dekomp.duckdb").snapshot() as snapshot:
        yield snapshot


def test_the_demo_version_has_its_derived_tables(snap) -> None:
    found = derived.meta(snap)
    assert found is not None
    assert found.as_of == views.data_date(snap)
    tables = {r[0] for r in snap.rows("SELECT table_name FROM duckdb_tables()")}
    assert {f"derived_{name}" for name in views.DERIVED} <= tables


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("f", STATES, ids=lambda f: f.to_query() or "all")
def test_every_view_is_the_same_from_derived_tables_and_live(snap, view: str, f: Filters) -> None:
    fast = VIEWS[view].build(snap, f)
    with views.live():
        slow = VIEWS[view].build(snap, f)
    if slow.empty:  # a live empty frame may carry no types (object columns)
        assert fast.empty and list(fast.columns) == list(slow.columns)
        return
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True))


@pytest.mark.parametrize("f", STATES, ids=lambda f: f.to_query() or "all")
def test_key_figures_are_the_same_from_derived_tables_and_live(snap, f: Filters) -> None:
    fast = views.key_figures(snap, f)
    with views.live():
        assert views.key_figures(snap, f) == fast


def test_another_as_of_date_is_answered_live(snap) -> None:
    """The derived tables are for the data's last date; an earlier date
    changes what is counted, and must not read them."""
    earlier = Filters(as_of=dt.date(2019, 6, 30))
    projects = views.projects(snap, earlier)
    assert (projects["start_date"] <= dt.date(2019, 6, 30)).all()
    latest = views.projects(snap, Filters())
    assert len(projects) < len(latest)
    with views.live():
        pd.testing.assert_frame_equal(projects, views.projects(snap, earlier))


def test_dekomp_derive_publishes_the_tables_an_older_version_lacks(
    db: Path, capsys: pytest.CaptureFixture
) -> None:
    """A version published by an older release (no derived tables of this
    layout) is answered live; ``dekomp derive`` publishes the same data with
    them, and says so when there is nothing to do."""
    import duckdb

    from core import cli

    before = store.Paths(db).published()
    with duckdb.connect(str(before)) as conn:  # as an older release left it
        conn.execute(f"DROP TABLE {derived.META}")
    with store.Store(db).snapshot() as snap:
        assert derived.meta(snap) is None
        live = views.forums(snap, Filters(year=2019))
    assert cli.main(["derive", "--db", str(db)]) == 0
    after = store.Paths(db).published()
    assert after != before
    assert "med avledede tabeller" in capsys.readouterr().out
    with store.Store(db).snapshot() as snap:
        assert derived.meta(snap) is not None
        pd.testing.assert_frame_equal(views.forums(snap, Filters(year=2019)), live)
        assert snap.scalar("SELECT count(*) FROM status_report") > 0
    assert cli.main(["derive", "--db", str(db)]) == 0
    assert "allerede" in capsys.readouterr().out
    assert store.Paths(db).published() == after
