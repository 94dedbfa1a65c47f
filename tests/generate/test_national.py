"""The national profile (python -m generate national) at scale 0.01, as CI
runs it: its files pass the real import as one version, cover the whole
country and every kind, pass the generator's own read-back check, and are
the same bytes on every run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.data import ingest, store, versions
from core.data.kinds import KINDS
from generate import cli, national
from generate.common import check, files, read_back, write_all
from generate.national import NationalBuilder

SCALE = 0.01


@pytest.fixture(scope="module")
def builder() -> NationalBuilder:
    built = NationalBuilder(SCALE)
    built.build()
    return built


@pytest.fixture(scope="module")
def small(builder: NationalBuilder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national")
    write_all(builder.rows, out)
    return out


def test_files_have_the_import_columns_and_the_demo_format(small: Path) -> None:
    for kind, spec in KINDS.items():
        data = (small / f"{kind}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, kind
        assert data.decode("utf-8").split("\n", 1)[0] == ",".join(spec.columns), kind


def test_the_read_back_check_finds_nothing(small: Path) -> None:
    problems, parsed = read_back(small)
    assert problems == []
    assert check(parsed) == []
    assert len(parsed["status"]) == 5_000


def test_imports_as_one_version_with_the_whole_country(small: Path, tmp_path: Path) -> None:
    db = tmp_path / "dekomp.duckdb"
    result = ingest.import_files(db, files(small), description=national.DESCRIPTION)
    assert result.version_id == 1
    history = versions.list_versions(db)
    assert [(v.version_id, v.description) for v in history] == [(1, "nasjonale testdata")]
    with store.Store(db).snapshot() as snap:
        counts = dict(snap.rows("SELECT kind, row_count FROM import_file"))
        assert set(counts) == set(KINDS)
        assert all(n > 0 for n in counts.values()), counts
        assert snap.scalar("SELECT count(*) FROM region") == 15
        in_2020 = "SELECT count(*) FROM municipality WHERE 2020 BETWEEN valid_from AND "
        assert snap.scalar(in_2020 + "coalesce(valid_to, 9999)") == 356
        assert snap.scalar("SELECT count(DISTINCT region_id) FROM municipality") == 15
        assert snap.scalar("SELECT count(*) FROM forum") == 120
        assert snap.scalar("SELECT count(*) FROM scheme_year") == 15 * len(NationalBuilder.YEARS)
        owners = dict(
            snap.rows("SELECT owner_type::VARCHAR, count(*) FROM school_owner GROUP BY 1")
        )
        assert owners == {"municipality": 356, "county_authority": 15, "private": 4}
        # The 2018 key: 60,000.0 compulsory FTE in Norway, NOK 3,219 per FTE.
        fte_2018 = snap.scalar(
            "SELECT sum(fte) FROM teacher_fte JOIN school_owner USING (owner_id) "
            "WHERE year = 2018 AND school_level = 'compulsory' AND NOT abroad"
        )
        assert fte_2018 == Decimal("60000.0")
        frame_2018 = snap.scalar("SELECT sum(frame_nok) FROM scheme_year WHERE year = 2018")
        assert abs(frame_2018 / 60_000 - 3219) < 10
    # The scaled kinds: 1 % of the national counts.
    assert counts["awards"] == 150
    assert counts["payments"] == 1_000
    assert counts["projects"] == 200
    assert counts["status"] == 5_000


def test_entitlements_share_each_region_frame_exactly(builder: NationalBuilder) -> None:
    """Redistribute years: the owners taking part share the whole frame
    (core.rules.allocation in whole kroner); 2019 withholds the others' shares."""
    given: dict[tuple[int, str], int] = {}
    for (year, owner_id), amount in builder.entitlement.items():
        key = (year, builder.owners[owner_id].region)
        given[key] = given.get(key, 0) + amount
    assert len(given) == 15 * len(NationalBuilder.YEARS)
    held_back = 0
    for (year, region), amount in given.items():
        if year == 2019:
            assert amount <= builder.frame[(year, region)]
            held_back += builder.frame[(year, region)] - amount
        else:
            assert amount == builder.frame[(year, region)], (year, region)
    assert held_back > 0


def test_same_bytes_on_a_second_run(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert cli.main(["national", "--out", str(again), "--scale", str(SCALE)]) == 0
    for kind in KINDS:
        name = f"{kind}.csv"
        assert (again / name).read_bytes() == (small / name).read_bytes(), name
