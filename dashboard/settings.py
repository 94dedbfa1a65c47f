"""Settings for the web app, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core.store import default_db_path


@dataclass(frozen=True)
class Settings:
    db: Path
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            db=default_db_path(),
            host=os.environ.get("HOST", "127.0.0.1"),
            port=int(os.environ.get("PORT", "8050")),
            debug=os.environ.get("DEKOMP_DEBUG", "") == "1",
        )
