"""Norwegian number, money and date formats (Babel), for display only."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_datetime
from babel.numbers import format_decimal

LOCALE = "nb_NO"


def integer(value: int) -> str:
    return format_decimal(value, locale=LOCALE)


def nok(value: int) -> str:
    return f"{format_decimal(value, locale=LOCALE)}\u00a0kr"


def datetime(value: dt.datetime) -> str:
    return format_datetime(value, "d. MMMM y 'kl.' HH:mm", locale=LOCALE)
