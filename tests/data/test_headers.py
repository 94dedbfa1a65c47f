"""core.data.headers: an import file's columns are found by their English key, by
the Norwegian header of the templates, by common variants and by the header
the Excel dialect exports the same column under, in any case and spacing;
and no header can name two columns of one kind."""

from __future__ import annotations

import csv
import io

import pytest

from core.columns import COLUMNS
from core.data import headers
from core.data.kinds import KINDS
from core.export import templates


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_column_has_a_norwegian_header_and_none_is_shared(kind: str) -> None:
    found = headers._lookup(kind)  # raises on a header naming two columns
    for column in KINDS[kind].columns:
        assert headers.norwegian(kind, column)
        assert found[headers.normal(column)] == column
        for name in headers.norwegian(kind, column):
            assert headers.column_of(kind, name) == column


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_excel_dialect_header_of_a_column_is_accepted(kind: str) -> None:
    """A column exported with --dialect excel can be imported under that header."""
    for column in KINDS[kind].columns:
        if column in COLUMNS:
            assert headers.column_of(kind, COLUMNS[column].nb) == column


@pytest.mark.parametrize(
    ("kind", "written", "column"),
    [
        ("fte", "organisasjonsnummer", "owner_id"),
        ("fte", "ORGNR", "owner_id"),
        ("fte", "org. nr.", "owner_id"),
        ("fte", " Org.nr. ", "owner_id"),
        ("fte", "år", "year"),
        ("fte", "År", "year"),
        ("fte", "lærerårsverk", "fte"),
        ("fte", "Lærer­årsverk".replace("\u00ad", ""), "fte"),
        ("fte", "LÆRERÅRSVERK", "fte"),
        ("fte", "owner_id", "owner_id"),
        ("fte", "Owner ID", "owner_id"),
        ("awards", "beløp", "amount_nok"),
        ("awards", "Beløp (kr)", "amount_nok"),
        ("awards", "orgnr", "recipient_owner_id"),
        ("payments", "beløp", "amount_nok"),
        ("cofinancing", "Beløp", "amount_nok"),
        ("needs", "beløp", "amount_requested_nok"),
        ("projects", "orgnr", "lead_owner_id"),
        ("frames", "Grense (dager)", "stale_after_days"),
        ("owners", "Type", "owner_type"),
        ("owners", "kommunenummer", "knr"),
    ],
)
def test_variants_in_any_case_and_spacing(kind: str, written: str, column: str) -> None:
    assert headers.column_of(kind, written) == column


@pytest.mark.parametrize(
    ("kind", "written"),
    [("fte", "skoleeier"), ("fte", "Lærerårsverk 2022"), ("confirmations", "beløp"), ("fte", "")],
)
def test_what_names_no_column(kind: str, written: str) -> None:
    """«skoleeier» holds a name, not an org. no.; a confirmation has two amounts."""
    assert headers.column_of(kind, written) is None


@pytest.mark.parametrize("kind", list(KINDS))
def test_templates_have_the_norwegian_headers(kind: str) -> None:
    text = templates.template_bytes(kind).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == [headers.template_header(kind, c) for c in KINDS[kind].columns]
    assert [headers.column_of(kind, h) for h in header] == list(KINDS[kind].columns)


def test_the_fte_template_header() -> None:
    assert templates.template_bytes("fte").decode("utf-8-sig").splitlines()[0] == (
        "Org.nr.;År;Skoleslag;Lærerårsverk;Kilde"
    )
