"""Message catalogs: bokmål (the default), nynorsk and English, one JSON file
per language with the same keys. ``translator(lang)`` gives a function that
looks a key up and formats it; a key missing in nn or en falls back to nb."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
DEFAULT = "nb"
BABEL_LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}
# Plotly's decimal and thousands separators per language.
PLOTLY_SEPARATORS = {"nb": ", ", "nn": ", ", "en": ".,"}

HERE = Path(__file__).resolve().parent


@cache
def catalog(lang: str) -> dict[str, str]:
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def valid(lang: object) -> str:
    return lang if isinstance(lang, str) and lang in LANGUAGES else DEFAULT


def translator(lang: str) -> Callable[..., str]:
    messages = catalog(valid(lang))
    fallback = catalog(DEFAULT)

    def translate(key: str, **values: object) -> str:
        text = messages.get(key) or fallback.get(key)
        if text is None:
            raise KeyError(f"no message {key!r} in the catalogs")
        return text.format(**values) if values else text

    return translate
