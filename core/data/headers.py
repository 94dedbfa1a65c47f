"""The column headers an import file may have: each kind's English key (the
model's field name, ``core.data.kinds``) and its Norwegian headers.

An adviser writes the headers in Norwegian, or keeps the ones an export in
the Excel dialect wrote (``core.columns``), or copies a template; a program
writes the English keys. All are accepted, in any case and with any spacing
or punctuation: ``Org.nr.``, ``org nr``, ``ORGNR`` and ``orgnr`` are one
header. The first Norwegian header of a column is the one the templates
write (``core.export.templates``); docs/import-formats.md lists them with their keys.
"""

from __future__ import annotations

import re
from functools import cache

from core.columns import COLUMNS
from core.data.kinds import KINDS

_ORGNR = ("Org.nr.", "Organisasjonsnummer", "Orgnr")

# Norwegian headers per column key, the template's first; the same in every
# kind unless BY_KIND says otherwise.
COMMON: dict[str, tuple[str, ...]] = {
    "region_id": ("Region-id",),
    "short_name": ("Kortnavn",),
    "name": ("Navn",),
    "valid_from": ("Gyldig fra",),
    "valid_to": ("Gyldig til",),
    "knr": ("Kommunenummer", "Kommunenr", "Knr"),
    "successor_knr": ("Nytt kommunenummer", "Nytt kommunenr"),
    "year": ("År", "Årstall", "Aar"),
    "frame_nok": ("Ramme (kr)", "Ramme"),
    "cofinancing_rate": ("Egenfinansieringssats", "Egenandel"),
    "levels_in_scope": ("Skoleslag",),
    "owner_types_in_scope": ("Skoleeiertyper",),
    "needs_deadline": ("Frist behovsmelding",),
    "reporting_deadline": ("Frist rapportering",),
    "stale_after_days": ("Status gammel etter (dager)", "Grense (dager)"),
    "nonparticipant_policy": ("Regel for andelen til dem som ikke deltar",),
    "institution_id": ("Institusjon-id",),
    "kind": ("Type",),
    "owner_id": _ORGNR,
    "owner_type": ("Skoleeiertype", "Type"),
    "abroad": ("I utlandet", "Utlandet"),
    "active_from": ("Aktiv fra",),
    "active_to": ("Aktiv til",),
    "forum_id": ("Forum-id",),
    "institution_share": ("UH-andel", "Institusjonsandel"),
    "agreement_date": ("Avtaledato", "Dato for avtale"),
    "school_level": ("Skoleslag",),
    "fte": ("Lærerårsverk", "Årsverk"),
    "source": ("Kilde",),
    "report_id": ("Meldings-id", "Behovsmelding-id"),
    "received_date": ("Mottatt", "Mottatt dato"),
    "development_area": ("Utviklingsområde",),
    "sector_goal": ("Sektormål",),
    "target_group": ("Målgruppe",),
    "participants": ("Deltakere", "Antall deltakere"),
    "amount_requested_nok": ("Omsøkt beløp (kr)", "Omsøkt beløp", "Beløp (kr)", "Beløp"),
    "award_id": ("Tildelings-id", "Tildeling-id"),
    "recipient_owner_id": ("Mottakers org.nr.", *_ORGNR),
    "recipient_institution_id": ("Mottakers institusjon-id", "Institusjon-id"),
    "amount_nok": ("Beløp (kr)", "Beløp"),
    "decision_date": ("Vedtaksdato",),
    "payment_id": ("Utbetalings-id",),
    "paid_date": ("Utbetalt", "Utbetalingsdato"),
    "note": ("Merknad", "Kommentar"),
    "project_id": ("Prosjekt-id",),
    "title": ("Prosjekt", "Tittel", "Prosjektnavn"),
    "lead_owner_id": ("Ansvarlig org.nr.", *_ORGNR),
    "school_based": ("Skolebasert",),
    "start_date": ("Start", "Startdato"),
    "planned_end": ("Planlagt slutt", "Sluttdato"),
    "budget_nok": ("Budsjett (kr)", "Budsjett"),
    "report_date": ("Rapportdato",),
    "status": ("Status",),
    "spent_to_date_nok": ("Brukt hittil (kr)", "Brukt hittil", "Forbruk"),
    "amount_used_nok": ("Brukt (kr)", "Brukt beløp"),
    "amount_repaid_nok": ("Tilbakebetalt (kr)", "Tilbakebetalt beløp"),
}

BY_KIND: dict[tuple[str, str], tuple[str, ...]] = {
    ("municipalities", "name"): ("Kommunenavn", "Navn"),
    ("owners", "name"): ("Navn", "Skoleeiernavn"),
    ("institutions", "name"): ("Navn", "Institusjonsnavn"),
    ("institutions", "kind"): ("Type", "Institusjonstype"),
    ("forums", "name"): ("Forumnavn", "Navn"),
    ("cofinancing", "kind"): ("Type", "Egenfinansieringstype", "Art"),
}


def normal(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", header.casefold())


def norwegian(kind: str, column: str) -> tuple[str, ...]:
    """The Norwegian headers of ``column`` in ``kind``, the template's first,
    then the header the Excel dialect exports the same column under."""
    names = BY_KIND.get((kind, column)) or COMMON[column]
    exported = COLUMNS[column].nb if column in COLUMNS else None
    return names + ((exported,) if exported and normal(exported) not in map(normal, names) else ())


def template_header(kind: str, column: str) -> str:
    return norwegian(kind, column)[0]


@cache
def _lookup(kind: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for column in KINDS[kind].columns:
        for name in (column, *norwegian(kind, column)):
            other = found.setdefault(normal(name), column)
            if other != column:
                raise ValueError(f"{kind}: «{name}» names both {other} and {column}")
    return found


def column_of(kind: str, header: str) -> str | None:
    """The key of the column that ``header`` names in ``kind``, or None."""
    return _lookup(kind).get(normal(header))


def described(kind: str, column: str) -> str:
    """«Lærerårsverk» (fte): how messages name a column."""
    return f"«{template_header(kind, column)}» ({column})"
