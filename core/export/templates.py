"""Import templates: one CSV per kind with its Norwegian header and an example
row, written for Norwegian Excel (UTF-8 with BOM, ``;``, decimal comma), so an
adviser opens it, replaces the example and imports it as it is. The English
key of each header (what a program may write instead) is beside it in
docs/import-formats.md (``core.data.headers``)."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from core.data.headers import template_header
from core.data.kinds import KINDS

# One example row per kind (a list where one row cannot stand alone); together
# they import as a set, in load order, into an empty database.
EXAMPLES_PATH = Path(__file__).with_name("templates.toml")
EXAMPLES: dict[str, dict[str, str] | list[dict[str, str]]] = tomllib.loads(
    EXAMPLES_PATH.read_text(encoding="utf-8")
)


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
