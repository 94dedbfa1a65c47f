"""Cell parsers for imported files: one function per column type.

Each parser takes a raw cell (a string from a CSV file, or the typed value
openpyxl gives for an Excel cell) and returns a clean Python value, or raises
``PydanticCustomError`` whose type is the rule broken and whose message is the
Norwegian text an adviser reads. ``core.kinds`` wires them into pydantic models
with ``BeforeValidator``, so pydantic does the row iteration and error
collection and these functions only say what a valid cell is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic_core import PydanticCustomError

# Dates outside this window are typing errors (a year 1899 from Excel's
# zero date, 2108 for 2018), not scheme data.
FIRST_PLAUSIBLE_DATE = dt.date(2015, 1, 1)
LAST_PLAUSIBLE_DATE = dt.date(2050, 12, 31)
MAX_NOK = 10**12  # far above any frame; keeps sums well inside BIGINT
FIRST_SCHEME_YEAR = 2017
LAST_SCHEME_YEAR = 2050

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_FORMULA_START = ("=", "+", "@")

# Human names of the rules, used in error reports and in docs/import-formats.md.
RULES: dict[str, str] = {
    "required": "påkrevd verdi",
    "integer": "heltall",
    "decimal": "tall",
    "money": "hele kroner",
    "date": "dato",
    "year": "årstall",
    "range": "gyldig område",
    "format": "format",
    "choice": "tillatt verdi",
    "formula": "ingen formler",
    "boolean": "ja/nei",
    "one_of": "én av kolonnene",
    "unknown_column": "ukjent kolonne",
    "missing_column": "påkrevd kolonne",
    "duplicate": "ingen duplikater",
    "exists": "finnes allerede",
    "reference": "kjent referanse",
    "consistent": "samme verdi som før",
    "municipality_year": "kommunen finnes det året",
    "owner_active": "skoleeieren finnes det året",
    "file": "lesbar fil",
    "database": "databasens regler",
}


def fail(rule: str, message: str, **context: Any) -> PydanticCustomError:
    """An error for pydantic to collect; ``rule`` is a key of RULES."""
    return PydanticCustomError(rule, message, context)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _number_text(value: Any) -> str:
    """Normalise a numeric cell written the Norwegian or the English way."""
    s = _SPACES.sub("", _text_of(value))
    if s.startswith(_FORMULA_START):
        raise fail("formula", "er en formel eller tekst, ikke et tall")
    if s.endswith("kr"):
        s = s[:-2]
    if "," in s and "." in s:
        # 1.234,50 (Norwegian thousands) or 1,234.50 (English thousands).
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    else:
        s = s.replace(",", ".")
    return s


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise fail("decimal", "er ikke et tall")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise fail("decimal", "er ikke et tall")
        # Excel stores 12,3 computed by a formula as 12.300000000000002.
        return Decimal(repr(round(value, 9))).normalize()
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise fail("decimal", "er ikke et tall") from None
    if not number.is_finite():
        raise fail("decimal", "er ikke et tall")
    return number


def parse_integer(value: Any) -> int:
    try:
        number = parse_decimal(value)
    except PydanticCustomError as err:
        if err.type == "formula":
            raise
        raise fail("integer", "er ikke et heltall") from None
    if number != number.to_integral_value():
        raise fail("integer", "er ikke et heltall")
    return int(number)


def parse_money(value: Any) -> int:
    try:
        number = parse_decimal(value)
    except PydanticCustomError as err:
        if err.type == "formula":
            raise
        raise fail("money", "er ikke et beløp i kroner") from None
    if number != number.to_integral_value():
        raise fail("money", "beløp skal være hele kroner, uten øre")
    if number < 0:
        raise fail("range", "beløp kan ikke være negativt")
    if number > MAX_NOK:
        raise fail("range", "beløpet er urimelig høyt (over 1 000 milliarder kroner)")
    return int(number)


def parse_share(value: Any) -> Decimal:
    """A share in [0, 1]: 0,3 or 0.30 or 30 % all mean 30 %."""
    text = _text_of(value) if isinstance(value, str) else None
    percent = text is not None and text.endswith("%")
    number = parse_decimal(text[:-1] if percent and text else value)
    if percent:
        number = number / 100
    if not Decimal(0) <= number <= Decimal(1):
        raise fail("range", "andelen må være mellom 0 og 1 (0 % og 100 %)")
    return number.quantize(Decimal("0.0001"))


def parse_year(value: Any) -> int:
    year = parse_integer(value)
    if not FIRST_SCHEME_YEAR <= year <= LAST_SCHEME_YEAR:
        raise fail("year", f"årstallet må være mellom {FIRST_SCHEME_YEAR} og {LAST_SCHEME_YEAR}")
    return year


def parse_history_year(value: Any) -> int:
    """A year in the municipality or region history, which goes further back."""
    year = parse_integer(value)
    if not 1838 <= year <= 2100:
        raise fail("year", "årstallet må være mellom 1838 og 2100")
    return year


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y")


def _iso_date(text: str) -> dt.date | None:
    """The common case first: YYYY-MM-DD, without strptime's cost."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _date_in_other_formats(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        text = _text_of(value)
        if text.startswith(_FORMULA_START):
            raise fail("formula", "er en formel, ikke en dato")
        # Excel and pandas write datetimes as "2018-07-01 00:00:00".
        text = re.sub(r"[ T]00:00(:00)?$", "", text)
        found = _iso_date(text) or _date_in_other_formats(text)
        if found is None:
            raise fail("date", "er ikke en dato; skriv ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ")
        date = found
    if not FIRST_PLAUSIBLE_DATE <= date <= LAST_PLAUSIBLE_DATE:
        raise fail(
            "range",
            f"datoen er ikke troverdig; den må ligge mellom "
            f"{FIRST_PLAUSIBLE_DATE:%d.%m.%Y} og {LAST_PLAUSIBLE_DATE:%d.%m.%Y}",
        )
    return date


_TRUE = {"ja", "j", "true", "sann", "1", "x", "yes"}
_FALSE = {"nei", "n", "false", "usann", "0", "no"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _text_of(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise fail("boolean", "skriv ja eller nei")


def parse_text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text_of(value)
        if len(text) > max_length:
            raise fail("range", f"teksten er for lang ({len(text)} tegn; høyst {max_length})")
        if "\x00" in text:
            raise fail("format", "teksten inneholder et ugyldig tegn (NUL)")
        return text

    return parse


def parse_pattern(pattern: str, description: str) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def parse(value: Any) -> str:
        # Excel stores 0213 as the number 213: pad knr-like numbers back.
        text = _text_of(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = str(int(value))
        if not compiled.fullmatch(text):
            raise fail("format", f"må være {description}")
        return text

    return parse


def parse_knr(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{int(value):04d}"
    text = _text_of(value)
    if re.fullmatch(r"[0-9]{3}", text):
        text = "0" + text  # a leading zero lost in Excel
    if not re.fullmatch(r"[0-9]{4}", text):
        raise fail("format", "kommunenummer skal ha fire sifre, for eksempel 0301")
    return text


_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_check_digit(first_eight: str) -> int | None:
    """The mod-11 check digit of a Norwegian organisation number, or None
    when no valid number begins with these eight digits."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, _ORGNR_WEIGHTS, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def parse_orgnr(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))
    text = _SPACES.sub("", _text_of(value))
    if not re.fullmatch(r"[0-9]{9}", text):
        raise fail("format", "organisasjonsnummer skal ha ni sifre")
    if orgnr_check_digit(text[:8]) != int(text[8]):
        raise fail("format", "organisasjonsnummeret har feil kontrollsiffer")
    return text


def parse_choice(labels: dict[str, str]) -> Callable[[Any], str]:
    """Map a code or its Norwegian label (any case) to the code."""
    lookup = {k.lower(): v for k, v in labels.items()} | {v.lower(): v for v in labels.values()}
    shown = ", ".join(sorted({k for k in labels if k != labels[k]} or set(labels.values())))

    def parse(value: Any) -> str:
        text = _text_of(value).lower()
        if text in lookup:
            return lookup[text]
        raise fail("choice", f"ukjent verdi; bruk en av: {shown}")

    return parse


def parse_choice_list(labels: dict[str, str]) -> Callable[[Any], list[str]]:
    """Several choices joined by + (``grunnskole+videregående``)."""
    one = parse_choice(labels)

    def parse(value: Any) -> list[str]:
        parts = [p for p in re.split(r"[+|]", _text_of(value)) if p.strip()]
        codes: list[str] = []
        for part in parts:
            code = one(part)
            if code not in codes:
                codes.append(code)
        if not codes:
            raise fail("required", "mangler verdi")
        return codes

    return parse


def required(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if is_blank(value):
            raise fail("required", "mangler verdi")
        return parser(value)

    return parse


def optional(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        return None if is_blank(value) else parser(value)

    return parse


def labels_for(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{Norwegian label: code} plus {code: code}."""
    mapping: dict[str, str] = {}
    for label, code in pairs:
        mapping[label] = code
        mapping[code] = code
    return mapping
