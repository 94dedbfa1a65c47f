"""Cell parsers for imported files: one function per column type.

Each parser takes a raw cell (a string from a CSV file, or the typed value
openpyxl gives for an Excel cell) and returns a clean Python value, or raises
``PydanticCustomError`` whose type is the rule broken and whose message is the
Norwegian text an adviser reads. ``core.data.kinds`` wires them into pydantic models
with ``BeforeValidator``, so pydantic does the row iteration and error
collection and these functions only say what a valid cell is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from core.data.problems import count

# Dates outside this window are typing errors (a year 1899 from Excel's
# zero date, 2108 for 2018), not scheme data.
FIRST_PLAUSIBLE_DATE = dt.date(2015, 1, 1)
LAST_PLAUSIBLE_DATE = dt.date(2050, 12, 31)
MAX_NOK = 10**12  # far above any frame; keeps sums well inside BIGINT
FIRST_SCHEME_YEAR = 2017
LAST_SCHEME_YEAR = 2050

# Spaces that may group digits by thousands: the space, the no-break space
# that Excel and Babel write in Norwegian, the figure space, and the thin and
# narrow no-break spaces of typeset text.
GROUP_SPACES = " \u00a0\u2007\u2009\u202f"
_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_FORMULA_START = ("=", "+", "@")


def fail(rule: str, message: str, **context: Any) -> PydanticCustomError:
    """An error for pydantic to collect; ``rule`` is a key of core.data.problems.RULES."""
    return PydanticCustomError(rule, message, context)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


# A number as a Norwegian reader reads it: digits grouped by thousands with
# spaces only, and at most one decimal mark, a comma or a point.
_NUMBER = re.compile(
    r"(?P<minus>[-\u2212])?"
    rf"(?P<whole>[0-9]{{1,3}}(?:[{GROUP_SPACES}][0-9]{{3}})+|[0-9]*)"
    r"(?:(?P<mark>[.,])(?P<fraction>[0-9]+))?"
)
# 1e3, 4,5E+05: what Excel shows of a number too wide for its column.
_EXPONENT = re.compile(r"[-\u2212]?[0-9]*[.,]?[0-9]+[eE][-+]?[0-9]+")
# One to three digits, a mark, then three digits: 450.000 and 1,000 are a
# thousand times apart depending on whether the mark groups or decimates.
_THOUSANDS_OR_DECIMAL = re.compile(r"[1-9][0-9]{0,2}")
# The amount in kr 450 000, 450 000 kr, 450 000,- and 450 000,- kr.
_CURRENCY = re.compile(
    r"(?:(?:kr\.?|nok)\s*)?(?P<amount>.*?)(?:[,.]-)?(?:\s*(?:kr\.?|nok))?", re.IGNORECASE
)

_NOT_A = {
    "decimal": "er ikke et tall",
    "integer": "er ikke et heltall",
    "money": "er ikke et beløp i kroner",
}


_MARK_NAMES = {".": "punktum", ",": "komma"}


def _why_not_a_number(text: str, rule: str) -> PydanticCustomError:
    if text.startswith(_FORMULA_START):
        return fail("formula", "er en formel eller tekst, ikke et tall")
    if _EXPONENT.fullmatch(text):
        return fail(
            "format",
            "tall i vitenskapelig notasjon (med E) godtas ikke; skriv tallet med alle sifre, "
            "og formater kolonnen som tall uten eksponent i Excel",
        )
    compact = _SPACES.sub("", text)
    if text.startswith("'") and re.search(r"[0-9]", text):
        return fail(
            rule,
            "har en apostrof foran tallet, slik Excel viser tall lagret som tekst; "
            "formater kolonnen som tall i Excel, eller fjern apostrofen",
        )
    marks = re.sub(r"[^.,']", "", compact)
    if marks and re.fullmatch(r"[-\u2212]?[0-9]+(?:[.,'][0-9]+)+", compact):
        # Several marks: read as the writer meant them (the last one decimal
        # when both kinds appear), only to show how to write it.
        if "." in marks and "," in marks:
            written, fraction = compact.rsplit(marks[-1], 1)
            whole = re.sub(r"[^0-9]", "", written)
            example = f"{whole},{fraction} eller {count(int(whole))},{fraction}"
        else:
            digits = re.sub(r"[^0-9]", "", compact)
            example = f"{int(digits)} eller {count(int(digits))}"
        return fail(
            "ambiguous",
            "punktum, komma og apostrof kan ikke skille tusener: punktum og komma forveksles "
            f"med desimaltegnet; skriv tallet uten tusenskille eller med mellomrom ({example})",
        )
    if re.fullmatch(r"[-\u2212]?[0-9.,]+", compact):
        return fail(
            "format",
            "mellomrom i et tall skal bare skille grupper på tre sifre, for eksempel 1 234 567",
        )
    return fail(rule, _NOT_A[rule])


def _ambiguous(match: re.Match[str], rule: str) -> PydanticCustomError:
    whole, fraction, mark = match["whole"], match["fraction"], _MARK_NAMES[match["mark"]]
    as_thousands = count(int(whole + fraction))
    as_decimal = f"{whole},{fraction}".rstrip("0").rstrip(",")
    if rule == "money":
        kroner = "krone" if as_decimal == "1" else "kroner"
        return fail(
            "ambiguous",
            f"tvetydig: {mark} foran tre sifre kan være tusenskille ({as_thousands} kr) eller "
            f"desimaltegn ({as_decimal} kr); skriv {whole + fraction} eller {as_thousands} for "
            f"{as_thousands} kroner, eller {as_decimal} for {as_decimal} {kroner}",
        )
    return fail(
        "ambiguous",
        f"tvetydig: {mark} foran tre sifre kan være tusenskille ({as_thousands}) eller "
        f"desimaltegn ({as_decimal}); skriv {whole + fraction} eller {as_thousands} hvis du "
        "mener tusentallet, uten punktum og komma",
    )


def _read_number(text: str, rule: str) -> Decimal:
    """The number in ``text``, or an error whose rule is ``rule`` when the text
    is no number at all. Refuses what a reader could take two ways."""
    text = text.strip()
    if text.isdigit() and text.isascii():
        return Decimal(text)  # the plain spelling: nothing to read two ways
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["whole"] or match["fraction"]):
        raise _why_not_a_number(text, rule)
    whole, fraction = match["whole"], match["fraction"]
    if fraction is None:
        number = _SPACES.sub("", whole)
    elif len(fraction) == 3 and _THOUSANDS_OR_DECIMAL.fullmatch(whole):
        raise _ambiguous(match, rule)
    else:
        number = f"{_SPACES.sub('', whole) or '0'}.{fraction}"
    return Decimal("-" + number if match["minus"] else number)


def _number_of(value: Any, rule: str) -> Decimal:
    """A cell's number: Excel's typed cells as they are, text as read above."""
    if isinstance(value, bool):
        raise fail(rule, _NOT_A[rule])
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise fail(rule, _NOT_A[rule])
        # Excel stores 12,3 computed by a formula as 12.300000000000002.
        return Decimal(repr(round(value, 9))).normalize()
    if isinstance(value, int | Decimal):
        if isinstance(value, Decimal) and not value.is_finite():
            raise fail(rule, _NOT_A[rule])
        return Decimal(value)
    return _read_number(_text_of(value), rule)


def parse_decimal(value: Any) -> Decimal:
    return _number_of(value, "decimal")


def parse_integer(value: Any) -> int:
    number = _number_of(value, "integer")
    if number != number.to_integral_value():
        raise fail("integer", "er ikke et heltall")
    return int(number)


def parse_money(value: Any) -> int:
    """Whole kroner: 450000, 450 000, 450000,00, kr 450 000, 450 000,-.
    Never 450.000 or 1,000, which are a thousand times apart by locale."""
    if isinstance(value, str):
        amount = _CURRENCY.fullmatch(value.strip())
        assert amount is not None  # every text matches: the affixes are optional
        value = amount["amount"]
    number = _number_of(value, "money")
    if number != number.to_integral_value():
        raise fail("money", "beløp skal være hele kroner, uten øre")
    if number.is_signed():  # -0 too: a minus has no place in an amount
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


# Day first, as Norwegians write: 1.7.2018, 01.07.2018, 01.07.18.
_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y")
_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _iso_date(text: str) -> dt.date | None:
    """The common case first: YYYY-MM-DD, without strptime's cost."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _dotted_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def slash_dates_day_first(values: Iterable[Any]) -> bool:
    """Whether a column's dates with slashes prove that the day comes first:
    one of them has a first part over 12, and none a second part over 12.
    03/02/2020 is 3 February in Norway and 2 March in the United States; only
    the rest of the column can tell."""
    day_first = month_first = False
    for value in values:
        if (
            isinstance(value, str)
            and "/" in value
            and (match := _SLASH_DATE.fullmatch(value.strip()))
        ):
            day_first |= 12 < int(match[1]) <= 31
            month_first |= 12 < int(match[2]) <= 31
    return day_first and not month_first


def _slash_date(text: str, day_first: bool) -> dt.date | None:
    match = _SLASH_DATE.fullmatch(text)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    if not day_first:
        _why_not_day_first(first, second, year)
    try:
        return dt.date(year, second, first)
    except ValueError:
        return None


def _why_not_day_first(first: int, second: int, year: int) -> None:
    """Refuse a slash date of a column that did not prove day first, saying
    how to write it; return for what is no date either way."""
    as_day_first = f"{first:02d}.{second:02d}.{year}"
    if not (1 <= first <= 31 and 1 <= second <= 31):
        return
    if first <= 12 and second <= 12:
        raise fail(
            "ambiguous",
            "en dato med skråstrek kan være dag/måned/år eller måned/dag/år, og ingen dato i "
            "kolonnen viser hvilken (ingen har dag over 12); skriv DD.MM.ÅÅÅÅ "
            f"({as_day_first} hvis dagen står først) eller ÅÅÅÅ-MM-DD",
        )
    if first <= 12 < second <= 31:
        raise fail(
            "ambiguous",
            "datoen står som måned/dag/år (amerikansk rekkefølge), og kolonnen viser ikke "
            f"hvilken rekkefølge som gjelder; skriv DD.MM.ÅÅÅÅ ({second:02d}.{first:02d}.{year} "
            "hvis måneden står først) eller ÅÅÅÅ-MM-DD",
        )
    if second <= 12 < first <= 31:
        raise fail(
            "ambiguous",
            "kolonnen har datoer med skråstrek i begge rekkefølger (dag/måned og måned/dag); "
            f"skriv DD.MM.ÅÅÅÅ ({as_day_first} hvis dagen står først) eller ÅÅÅÅ-MM-DD",
        )


def parse_date(value: Any, *, day_first: bool = False) -> dt.date:
    """ISO dates and DD.MM.ÅÅÅÅ; DD/MM/ÅÅÅÅ only where ``day_first`` says the
    column proved the order (``slash_dates_day_first``)."""
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
        found = _iso_date(text) or _dotted_date(text) or _slash_date(text, day_first)
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


_EXCEL_EXPONENT = re.compile(r"[0-9][.,][0-9]+E\+?[0-9]+", re.IGNORECASE)


def _excel_identifier_hint(text: str, what: str) -> None:
    """What Excel does to a column of long numbers, said so it can be undone."""
    if text.startswith("'"):
        raise fail(
            "format",
            f"{what} har en apostrof foran, slik Excel viser tall lagret som tekst; "
            "formater kolonnen som tekst i Excel og skriv nummeret uten apostrof",
        )
    if _EXCEL_EXPONENT.fullmatch(text):
        raise fail(
            "format",
            f"Excel har vist {what} i vitenskapelig notasjon, og sifrene etter de første er "
            "tapt; formater kolonnen som tekst i Excel og skriv numrene inn på nytt",
        )


def parse_knr(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"{int(value):04d}"
    text = _text_of(value)
    _excel_identifier_hint(text, "kommunenummeret")
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
    _excel_identifier_hint(_text_of(value), "organisasjonsnummeret")
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
