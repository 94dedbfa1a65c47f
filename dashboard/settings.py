"""Settings for the web app, read once from the environment.

Every variable is listed in docs/deployment.md. A setting that cannot work
(an unknown auth mode, basic auth without a users file, proxy auth without
trusted proxies) raises ``SettingsError`` with a Norwegian message, so the
server refuses to start instead of serving unprotected.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from core.data.store import default_db_path

AUTH_MODES = ("none", "basic", "proxy")
DEFAULT_PROXY_USER_HEADER = "X-Remote-User"
DEFAULT_MAX_REQUEST_BYTES = 1_000_000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A setting from the environment is invalid (message in Norwegian)."""


@dataclass(frozen=True)
class Settings:
    db: Path
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    auth: str = "none"
    users_file: Path | None = None
    proxy_user_header: str = DEFAULT_PROXY_USER_HEADER
    trusted_proxies: tuple[Network, ...] = ()
    healthz_public: bool = False
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise SettingsError(
                f"DEKOMP_AUTH={self.auth!r} er ukjent; bruk en av {', '.join(AUTH_MODES)}."
            )
        if self.auth == "basic" and self.users_file is None:
            raise SettingsError("DEKOMP_AUTH=basic krever DEKOMP_USERS_FILE (fila med brukere).")
        if self.auth == "proxy" and not self.trusted_proxies:
            raise SettingsError(
                "DEKOMP_AUTH=proxy krever DEKOMP_TRUSTED_PROXIES "
                "(adressene til proxyen, f.eks. 10.0.0.5 eller 10.0.0.0/24)."
            )
        if self.auth == "proxy" and not self.proxy_user_header.strip():
            raise SettingsError("DEKOMP_PROXY_USER_HEADER kan ikke være tom.")
        if self.max_request_bytes < 1024:
            raise SettingsError("DEKOMP_MAX_REQUEST_BYTES må være minst 1024.")

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        users_file = env.get("DEKOMP_USERS_FILE", "").strip()
        return cls(
            db=default_db_path(),
            host=env.get("HOST", "127.0.0.1"),
            port=_int("PORT", 8050),
            debug=env.get("DEKOMP_DEBUG", "") == "1",
            auth=(env.get("DEKOMP_AUTH", "").strip().lower() or "none"),
            users_file=Path(users_file) if users_file else None,
            proxy_user_header=env.get("DEKOMP_PROXY_USER_HEADER", DEFAULT_PROXY_USER_HEADER),
            trusted_proxies=parse_networks(env.get("DEKOMP_TRUSTED_PROXIES", "")),
            healthz_public=env.get("DEKOMP_HEALTHZ_PUBLIC", "") == "1",
            max_request_bytes=_int("DEKOMP_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES),
        )


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR blocks: '10.0.0.5, 10.1.0.0/16, ::1'."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(
                f"DEKOMP_TRUSTED_PROXIES: «{item}» er ikke en IP-adresse eller et nett (CIDR)."
            ) from None
    return tuple(networks)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} er ikke et heltall.") from None
