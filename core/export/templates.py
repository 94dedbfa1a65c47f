"""Import templates: one CSV per kind with its Norwegian header and an example
row, written for Norwegian Excel (UTF-8 with BOM, ``;``, decimal comma), so an
adviser opens it, replaces the example and imports it as it is. The English
key of each header (what a program may write instead) is beside it in
docs/import-formats.md (``core.data.headers``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core.data.headers import template_header
from core.data.kinds import KINDS

# One example row per kind (a list where one row cannot stand alone); together
# they import as a set, in load order, into an empty database.
EXAMPLES: dict[str, dict[str, str] | list[dict[str, str]]] = {
    "regions": {
        "region_id": "oslo-akershus",
        "short_name": "Oslo og Akershus",
        "name": "Fylkesmannen i Oslo og Akershus",
        "valid_from": "2016",
        "valid_to": "2018",
    },
    "municipalities": [
        {"knr": "0301", "name": "Oslo", "valid_from": "1838", "region_id": "oslo-akershus"},
        {
            "knr": "0213",
            "name": "Ski",
            "valid_from": "1838",
            "valid_to": "2019",
            "region_id": "oslo-akershus",
        },
        {
            "knr": "3020",
            "name": "Nordre Follo",
            "valid_from": "2020",
            "valid_to": "2023",
            "region_id": "oslo-akershus",
        },
    ],
    "successors": {"knr": "0213", "successor_knr": "3020", "year": "2020"},
    "frames": {
        "year": "2018",
        "region_id": "oslo-akershus",
        "frame_nok": "39700000",
        "cofinancing_rate": "30 %",
        "levels_in_scope": "grunnskole",
        "owner_types_in_scope": "kommune+privat",
        "needs_deadline": "01.07.2018",
        "reporting_deadline": "01.03.2019",
        "stale_after_days": "180",
        "nonparticipant_policy": "omfordel",
    },
    "institutions": {
        "institution_id": "oslomet",
        "name": "OsloMet – storbyuniversitetet",
        "kind": "offentlig uh",
    },
    "owners": {
        "owner_id": "958935420",
        "name": "Oslo kommune",
        "owner_type": "kommune",
        "knr": "0301",
        "region_id": "oslo-akershus",
        "abroad": "nei",
        "active_from": "1838",
        "active_to": "",
    },
    "forums": {
        "forum_id": "follo",
        "name": "Follo",
        "region_id": "oslo-akershus",
        "year": "2018",
        "institution_share": "0,45",
        "agreement_date": "15.09.2018",
    },
    "memberships": {
        "year": "2018",
        "forum_id": "follo",
        "owner_id": "958935420",
        "institution_id": "",
    },
    "fte": {
        "owner_id": "958935420",
        "year": "2018",
        "school_level": "grunnskole",
        "fte": "4841,4",
        "source": "Skoleporten 2017-18",
    },
    "needs": {
        "report_id": "N2018-001",
        "year": "2018",
        "owner_id": "958935420",
        "forum_id": "follo",
        "received_date": "20.06.2018",
        "development_area": "Lesing og skriving",
        "sector_goal": "grunnleggende ferdigheter",
        "target_group": "Lærere 1.-4. trinn",
        "participants": "120",
        "amount_requested_nok": "450000",
    },
    "awards": {
        "award_id": "T2018-001",
        "year": "2018",
        "forum_id": "follo",
        "recipient_owner_id": "958935420",
        "recipient_institution_id": "",
        "amount_nok": "425000",
        "decision_date": "01.10.2018",
    },
    "payments": {
        "payment_id": "U2018-001",
        "award_id": "T2018-001",
        "paid_date": "15.11.2018",
        "amount_nok": "425000",
    },
    "cofinancing": {
        "year": "2018",
        "owner_id": "958935420",
        "kind": "naturalytelse",
        "amount_nok": "127500",
        "note": "Lærernes arbeidstid",
    },
    "projects": {
        "project_id": "P2018-01",
        "title": "Lesing i alle fag",
        "forum_id": "follo",
        "lead_owner_id": "958935420",
        "institution_id": "oslomet",
        "development_area": "Lesing og skriving",
        "sector_goal": "grunnleggende ferdigheter",
        "school_based": "ja",
        "start_date": "01.09.2018",
        "planned_end": "30.06.2020",
        "budget_nok": "850000",
    },
    "status": {
        "project_id": "P2018-01",
        "report_date": "01.12.2018",
        "status": "startet",
        "spent_to_date_nok": "120000",
        "participants": "85",
        "note": "Oppstartssamling gjennomført",
    },
    "confirmations": {
        "year": "2018",
        "recipient_owner_id": "958935420",
        "recipient_institution_id": "",
        "received_date": "01.03.2019",
        "amount_used_nok": "400000",
        "amount_repaid_nok": "25000",
    },
}


def template_bytes(kind: str) -> bytes:
    columns = KINDS[kind].columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([template_header(kind, c) for c in columns])
    example = EXAMPLES[kind]
    for row in example if isinstance(example, list) else [example]:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


def write_templates(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = folder / f"{kind}.csv"
        path.write_bytes(template_bytes(kind))
        written.append(path)
    return written
