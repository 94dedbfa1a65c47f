"""Norwegian (bokmål) formats for numbers, money, shares and dates, for
explanations and display. Exports never use these: they write plain values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALE = "nb_NO"


def integer(value: int) -> str:
    return format_decimal(value, locale=LOCALE)


def number(value: Decimal | float, digits: int = 1) -> str:
    return format_decimal(value, format=f"#,##0.{'0' * digits}", locale=LOCALE)


def nok(value: int) -> str:
    """39 700 000 kr"""
    return f"{format_decimal(value, locale=LOCALE)}\u00a0kr"


def percent(share: Decimal | float) -> str:
    """0.21 -> 21 %"""
    return format_percent(share, locale=LOCALE)


def date(value: dt.date) -> str:
    """1. juli 2018"""
    return format_date(value, "d. MMMM y", locale=LOCALE)


def datetime(value: dt.datetime) -> str:
    return format_datetime(value, "d. MMMM y 'kl.' HH:mm", locale=LOCALE)
