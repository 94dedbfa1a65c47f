"""The users file of the dashboard's basic authentication (``DEKOMP_AUTH=basic``).

One user a line, ``name:hash``, where the hash is werkzeug.security's
(scrypt by default: ``scrypt:32768:8:1$salt$hex``); blank lines and lines
starting with ``#`` are ignored. ``dekomp user add NAME`` writes it; the
dashboard (dashboard/auth.py) reads it. Only werkzeug here, no Flask or Dash,
so the CLI can use it without building the app.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from werkzeug.security import generate_password_hash

# Names go into HTTP Basic credentials (no ':') and one line of the file.
NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MIN_PASSWORD_LENGTH = 10
HASH_METHOD = "scrypt"


class UsersFileError(ValueError):
    """The users file is missing, unreadable or malformed (message in Norwegian)."""


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise UsersFileError(
            f"Ugyldig brukernavn «{name}»: bruk 1-64 tegn blant A-Z, a-z, 0-9 og . _ @ -"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsersFileError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.")
    if "\n" in password or "\r" in password:
        raise UsersFileError("Passordet kan ikke inneholde linjeskift.")
    return password


def parse(text: str, source: str = "brukerfila") -> dict[str, str]:
    """Name -> password hash; every malformed line is an error naming its number."""
    users: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.partition(":")
        if not sep or not NAME.match(name) or "$" not in hashed:
            raise UsersFileError(f"{source}, linje {number}: forventet «navn:passord-hash».")
        if name in users:
            raise UsersFileError(f"{source}, linje {number}: brukeren «{name}» står to ganger.")
        users[name] = hashed
    return users


def read(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UsersFileError(f"Kan ikke lese brukerfila {path}: {_reason(err)}.") from None
    except UnicodeDecodeError:
        raise UsersFileError(f"Brukerfila {path} er ikke UTF-8.") from None
    return parse(text, str(path))


def _reason(err: OSError) -> str:
    reasons = {
        errno.ENOENT: "finnes ikke",
        errno.EACCES: "mangler tilgang",
        errno.EISDIR: "er en mappe",
        errno.ENOTDIR: "mappa finnes ikke",
    }
    return reasons.get(err.errno or 0, err.strerror or "ukjent feil")


def format_users(users: dict[str, str]) -> str:
    header = "# Dekomp monitor users: name:hash (werkzeug.security). Edit with `dekomp user`.\n"
    return header + "".join(f"{name}:{hashed}\n" for name, hashed in sorted(users.items()))


def write(path: Path, users: dict[str, str]) -> None:
    """Replace the file atomically, readable by its owner only (it holds hashes)."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as err:
        raise UsersFileError(f"Kan ikke skrive brukerfila {path}: {_reason(err)}.") from None
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(format_users(users))
        partial.chmod(0o600)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def set_password(path: Path, name: str, password: str) -> bool:
    """Add a user or change their password; True if the user is new."""
    check_name(name)
    check_password(password)
    users = read(path) if path.exists() else {}
    is_new = name not in users
    users[name] = generate_password_hash(password, method=HASH_METHOD)
    write(path, users)
    return is_new


def remove(path: Path, name: str) -> None:
    users = read(path)
    if name not in users:
        raise UsersFileError(f"Fant ingen bruker «{name}» i {path}.")
    del users[name]
    write(path, users)
