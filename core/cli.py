"""The ``dekomp`` command: build the demo database, import files, list versions.

Messages for users are Norwegian; a user error prints what is wrong and
exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only light modules here: each command imports what it needs, so that
# `dekomp export status-history` starts without pandas, pydantic or openpyxl.
import duckdb

from core import export, views
from core.data import facts, problems, store, versions
from core.filters import OWNER_TYPES, FilterError, Filters

if TYPE_CHECKING:
    from core.data import ingest

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def _keep_default() -> int:
    try:
        return int(os.environ.get("DEKOMP_KEEP_VERSIONS", versions.DEFAULT_KEEP_VERSIONS))
    except ValueError:
        return versions.DEFAULT_KEEP_VERSIONS


class _KindNames:
    """The import kinds as argparse choices, read from core.data.kinds (pydantic
    models) only when ``dekomp import`` is parsed or its help shown."""

    def __iter__(self) -> Iterator[str]:
        from core.data.kinds import LOAD_ORDER

        return iter(LOAD_ORDER)

    def __contains__(self, value: object) -> bool:
        return value in tuple(self)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the published database (default: $DEKOMP_DB or data/dekomp.duckdb)",
    )
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--year", help="scheme year, e.g. 2018")
    filters.add_argument("--forum", help="forum id, e.g. follo")
    filters.add_argument("--municipality", help="municipality number; follows the reforms")
    filters.add_argument("--owner-type", choices=OWNER_TYPES, help="owner type")
    filters.add_argument("--as-of", help="as-of date YYYY-MM-DD (default: the data's last date)")
    filters.add_argument(
        "--dialect",
        choices=list(export.DIALECTS),
        default="csv",
        help="csv: UTF-8, ',' and decimal point; excel: Norwegian Excel (BOM, ';', decimal comma)",
    )
    parser = argparse.ArgumentParser(
        prog="dekomp", description="Dekomp monitor: data versions, imports and exports."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", parents=[common], help="build the demo database")
    demo.add_argument("--source", type=Path, default=DEMO_DIR, help="folder of demo CSV files")
    demo.add_argument("--keep", type=int, default=_keep_default(), help="versions to keep")

    load = commands.add_parser("import", parents=[common], help="import a CSV or .xlsx file")
    load.add_argument("kind", choices=_KindNames(), metavar="KIND", help="%(choices)s")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--keep", type=int, default=_keep_default(), help="versions to keep")
    load.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    load.add_argument(
        "--errors",
        type=Path,
        metavar="FILE",
        help="write every problem of a refused file to FILE as CSV for Excel",
    )

    commands.add_parser("versions", parents=[common], help="list the data versions")
    derive = commands.add_parser(
        "derive",
        parents=[common],
        help="publish the current data again with this release's facts",
    )
    derive.add_argument("--keep", type=int, default=_keep_default(), help="versions to keep")

    exp = commands.add_parser(
        "export", parents=[common, filters], help="write a view as CSV (see docs/exports.md)"
    )
    exp.add_argument("view", choices=list(views.VIEWS), metavar="VIEW", help=" ".join(views.VIEWS))
    exp.add_argument("--out", type=Path, help="output file (default: standard output)")

    snap = commands.add_parser(
        "snapshot", parents=[common, filters], help="write every view, metadata and LESMEG as ZIP"
    )
    snap.add_argument("--out", type=Path, required=True, help="the ZIP file to write")

    tmpl = commands.add_parser("templates", help="write an import template per kind")
    tmpl.add_argument("--out", type=Path, default=Path("data/templates"))

    user = commands.add_parser(
        "user", help="add a dashboard user or change their password, or remove one (basic auth)"
    )
    user.add_argument("action", choices=["add", "remove"])
    user.add_argument("name", metavar="NAME")
    user.add_argument(
        "--users-file", type=Path, help="the users file (default: $DEKOMP_USERS_FILE)"
    )
    return parser


def _report(rejected: ingest.ImportRejected, errors: Path | None = None) -> int:
    """The first problems in full, the rest counted (core.data.problems); every
    one of them in ``errors``, when given."""
    total = problems.count(len(rejected.problems))
    print(f"Importen ble avvist: {total} feil. Ingenting er endret.", file=sys.stderr)
    for line in problems.report_lines(rejected.problems):
        print(f"  {line}", file=sys.stderr)
    if errors is not None:
        try:
            with open(errors, "wb") as out:
                export.write_problems(rejected.problems, out)
        except OSError as err:
            print(f"Kunne ikke skrive feilene til {errors}: {err.strerror}", file=sys.stderr)
        else:
            print(f"Alle {total} feil er skrevet til {errors}.", file=sys.stderr)
    elif len(rejected.problems) > problems.SHOWN_IN_FULL:
        print("Skriv alle feilene til en CSV-fil med --errors FIL.", file=sys.stderr)
    return EXIT_REJECTED


def _warn(warnings: Sequence[ingest.Problem]) -> None:
    """Not wrong, but worth a second look (core.data.checks.warnings)."""
    if not warnings:
        return
    noun = "advarsel" if len(warnings) == 1 else "advarsler"
    sys.stdout.flush()  # after the result line, also when both go to one pipe
    print(
        f"{problems.count(len(warnings))} {noun} (ikke feil, men sjekk tallene):", file=sys.stderr
    )
    for line in problems.report_lines(warnings, noun="advarsler"):
        print(f"  {line}", file=sys.stderr)


def _import(
    args: argparse.Namespace,
    files: list[tuple[str, Path]],
    *,
    errors: Path | None = None,
    description: str | None = None,
    dry_run: bool = False,
) -> int:
    """Import ``files`` (kind, path) as one version and say how it went."""
    from core.data import ingest

    try:
        result = ingest.import_files(
            args.db, files, description=description, keep=args.keep, dry_run=dry_run
        )
    except ingest.ImportRejected as rejected:
        return _report(rejected, errors)
    print(result.message)
    _warn(result.warnings)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from core.data.kinds import LOAD_ORDER
    from core.data.summary import DEMO_DESCRIPTION

    files = [
        (k, args.source / f"{k}.csv") for k in LOAD_ORDER if (args.source / f"{k}.csv").exists()
    ]
    if not files:
        print(f"Fant ingen demodata i {args.source}.", file=sys.stderr)
        return EXIT_USAGE
    # Only the shipped demo set is labelled demo data (the UI then says so).
    is_demo = args.source.resolve() == DEMO_DIR
    description = DEMO_DESCRIPTION if is_demo else f"import {args.source}"
    return _import(args, files, description=description)


def _cmd_import(args: argparse.Namespace) -> int:
    return _import(args, [(args.kind, args.file)], errors=args.errors, dry_run=args.dry_run)


def _cmd_versions(args: argparse.Namespace) -> int:
    history = versions.list_versions(args.db)
    if not history:
        print(f"Ingen versjoner i {args.db}.")
        return EXIT_OK
    print(f"{'versjon':>7}  {'tidspunkt':19}  {'status':9}  beskrivelse")
    for v in history:
        status = "gjeldende" if v.current else ("lagret" if v.on_disk else "slettet")
        print(f"{v.version_id:>7}  {v.created_at:%Y-%m-%d %H:%M:%S}  {status:9}  {v.description}")
        for kind, name, sha, rows in v.files:
            print(f"{'':>7}  {kind:13} {name:28} {rows:>8} rader  sha256 {sha}")
    return EXIT_OK


def _cmd_derive(args: argparse.Namespace) -> int:
    """After an upgrade that changed the facts (core.data.facts.SHAPE), the
    published version is answered from facts computed on demand until the
    next import; this publishes the same data with stored facts now."""
    with store.Store(args.db).snapshot() as snap:
        if facts.stored_date(snap) is not None:
            print(f"Versjonen i {args.db} har allerede fakta for denne utgaven.")
            return EXIT_OK
    published = versions.build_version(
        args.db, "Fakta for denne utgaven", lambda conn, v: None, keep=args.keep
    )
    print(f"Publiserte versjon {published.version_id} med fakta.")
    return EXIT_OK


def _filters(args: argparse.Namespace) -> Filters:
    return Filters.parse(
        year=args.year,
        forum=args.forum,
        municipality=args.municipality,
        owner_type=args.owner_type,
        as_of=args.as_of,
    )


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """``write`` a temporary file beside ``target`` (its path is given), then
    rename it to ``target``: never half a file."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    partial = Path(name)
    try:
        write(partial)
        umask = os.umask(0)
        os.umask(umask)
        partial.chmod(0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _cmd_export(args: argparse.Namespace) -> int:
    filters = _filters(args)
    dialect = export.DIALECTS[args.dialect]
    with store.Store(args.db).snapshot() as snap:
        if args.out is None:
            export.export(snap, args.view, filters, sys.stdout.buffer, dialect)
            sys.stdout.buffer.flush()
        else:
            counts: list[int] = []
            _write_atomically(
                args.out,
                lambda path: counts.append(
                    export.export_file(snap, args.view, filters, path, dialect)
                ),
            )
            print(f"Skrev {counts[0]} rader til {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from core.export import snapshot

    filters = _filters(args)
    with store.Store(args.db).snapshot() as snap:
        data = snapshot.build(snap, filters, export.DIALECTS[args.dialect])
    _write_atomically(args.out, lambda path: path.write_bytes(data))
    print(f"Skrev øyeblikksbilde til {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_templates(args: argparse.Namespace) -> int:
    from core.export import templates

    written = templates.write_templates(args.out)
    print(f"Skrev {len(written)} maler til {args.out}")
    return EXIT_OK


def _cmd_user(args: argparse.Namespace) -> int:
    """The password comes from a prompt (twice), or from the first line of stdin."""
    from core import users

    path = args.users_file or (
        Path(os.environ["DEKOMP_USERS_FILE"]) if os.environ.get("DEKOMP_USERS_FILE") else None
    )
    if path is None:
        print("Oppgi brukerfila med --users-file eller DEKOMP_USERS_FILE.", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.action == "remove":
            users.remove(path, args.name)
            print(f"Fjernet brukeren {args.name} fra {path}")
            return EXIT_OK
        users.check_name(args.name)
        if sys.stdin.isatty():
            password = getpass.getpass(f"Passord for {args.name}: ")
            if getpass.getpass("Gjenta passordet: ") != password:
                print("Passordene er ulike. Ingenting er endret.", file=sys.stderr)
                return EXIT_USAGE
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        is_new = users.set_password(path, args.name, password)
    except users.UsersFileError as err:
        print(f"Feil: {err} Ingenting er endret.", file=sys.stderr)
        return EXIT_USAGE
    done = "La til brukeren" if is_new else "Endret passordet til"
    print(f"{done} {args.name} i {path}")
    return EXIT_OK


COMMANDS = {
    "demo": _cmd_demo,
    "import": _cmd_import,
    "versions": _cmd_versions,
    "derive": _cmd_derive,
    "export": _cmd_export,
    "snapshot": _cmd_snapshot,
    "templates": _cmd_templates,
    "user": _cmd_user,
}


def main(argv: Sequence[str] | None = None) -> int:
    # `dekomp versions | head` should end quietly, as other Unix tools do.
    if argv is None and hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = _parser().parse_args(argv)
    if getattr(args, "db", None) is None and args.command != "templates":
        args.db = store.default_db_path()
    try:
        return COMMANDS[args.command](args)
    except FilterError as err:
        print(f"Feil i filteret: {err}", file=sys.stderr)
        return EXIT_USAGE
    except store.StoreError as err:
        print(f"Feil: {err}", file=sys.stderr)
        return EXIT_REJECTED
    except (KeyboardInterrupt, duckdb.InterruptException):
        # Ctrl-C inside a DuckDB statement (an import's copy, a snapshot's
        # queries) comes back as DuckDB's own error: the same answer.
        print("Avbrutt. Publisert versjon er uendret.", file=sys.stderr)
        return 130


def run() -> None:
    """The ``dekomp`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    run()
