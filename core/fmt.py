"""Numbers, money, shares and dates for people to read (Babel). Bokmål by
default; the dashboard passes the Babel locale of the user's language.
Exports never use these: they write plain values."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_compact_decimal, format_decimal, format_percent

NB = "nb_NO"


@functools.lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    """Parsed once: the rules format tens of thousands of values per run."""
    return Locale.parse(name)


def number(value: int | Decimal | float, digits: int = 1, locale: str = NB) -> str:
    """12,5 (or 43 with digits=0)"""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(locale))


def nok(value: int, locale: str = NB) -> str:
    """39 700 000 kr"""
    return f"{format_decimal(value, locale=_locale(locale))}\u00a0kr"


def nok_short(value: int, locale: str = NB) -> str:
    """39,7 mill. kr"""
    text = format_compact_decimal(
        value, format_type="short", fraction_digits=1, locale=_locale(locale)
    )
    return f"{text}\u00a0kr"


def percent(share: Decimal | float, locale: str = NB) -> str:
    """0.21 -> 21 %"""
    return format_percent(share, locale=_locale(locale))


@functools.lru_cache(maxsize=4096)
def date(value: dt.date, locale: str = NB) -> str:
    """1. juli 2018 (kept: the rules write the same deadlines many times)"""
    return format_date(value, "d. MMMM y", locale=_locale(locale))


def datetime(value: dt.datetime, locale: str = NB) -> str:
    """29. nov. 2026, 00:05:35"""
    return format_datetime(value, "medium", locale=_locale(locale))
