"""The numbers layer: find every numeric expression in a Doc and read its value.

Labels follow OntoNotes (what en_core_web_sm predicts), so gold data stays consistent with
the model: CARDINAL, ORDINAL, MONEY, PERCENT, QUANTITY. A span covers the numeric expression
with its approximation ("well over 7,500"), currency and unit, not the counted noun.
"""
from __future__ import annotations

import re

from text_to_num import alpha2digit, text2num

NUMERIC_LABELS = frozenset({"CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})

SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
# Plural scale words make a count vague: "tens of thousands" has no single value.
VAGUE = {"tens", "dozens", "scores", "hundreds", "thousands", "millions", "billions"}
APPROXIMATIONS = [
    tuple(p.split())
    for p in (
        "well over", "well under", "well above", "well below", "just over", "just under",
        "more than", "less than", "fewer than", "at least", "at most", "up to", "close to",
        "as many as", "as much as", "as few as", "upwards of", "in excess of", "an estimated",
        "an additional", "about", "around", "approximately", "roughly", "nearly", "almost",
        "some", "over", "under", "exactly", "only", "estimated",
    )
]
CURRENCY_SYMBOLS = {"$", "£", "€", "¥", "₹", "us$", "a$", "c$", "hk$"}
CURRENCY_WORDS = {
    "dollar", "dollars", "euro", "euros", "pound", "pounds", "sterling", "yen", "yuan",
    "rupee", "rupees", "franc", "francs", "cents", "pence",
}
UNITS = {
    "km", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles", "metre",
    "metres", "meter", "meters", "cm", "mm", "kg", "kilogram", "kilograms", "gram", "grams",
    "tonne", "tonnes", "ton", "tons", "litre", "litres", "liter", "liters", "gallon",
    "gallons", "barrel", "barrels", "acre", "acres", "hectare", "hectares", "feet", "foot",
    "ft", "inch", "inches", "degrees", "mph", "km/h", "kph", "mw", "gw", "kwh", "millimetre",
    "millimetres", "millimeter", "millimeters", "centimetre", "centimetres", "centimeter",
    "centimeters", "square", "cubic",
}
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
_TENS_ORDINALS = "thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
# text2num reads "second" as a unit of time, so ordinal words get their values here.
ORDINAL_WORDS = {
    **{word: i for i, word in enumerate(_ORDINALS, start=1)},
    **{word: 10 * i for i, word in enumerate(_TENS_ORDINALS, start=3)},
    "hundredth": 100, "thousandth": 1000, "millionth": 1_000_000,
}
DIGIT_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)
DIGITS_WITH_SCALE = re.compile(r"^\d[\d,]*(\.\d+)?(k|m|mn|bn|tn)$", re.IGNORECASE)
PLAIN_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _is_ordinal(token) -> bool:
    return token.lower_ in ORDINAL_WORDS or bool(DIGIT_ORDINAL.match(token.text))


def _is_core(token) -> bool:
    return (
        token.like_num or token.lower_ in VAGUE or _is_ordinal(token)
        or bool(DIGITS_WITH_SCALE.match(token.text))
    )


def _is_word_number(token) -> bool:
    return token.is_alpha and (token.like_num or token.lower_ in VAGUE)


def _extend(doc, start: int) -> int:
    """Token index just past the number that begins at `start`."""
    end = start + 1
    while end < len(doc) and not _is_ordinal(doc[end - 1]):
        token, prev = doc[end], doc[end - 1]
        following = doc[end + 1] if end + 1 < len(doc) else None
        if _is_core(token) and (token.is_alpha or prev.is_alpha):
            end += 1  # "1.5 million", "two hundred"; never two digit groups in a row
        elif (token.lower_ == "of" and prev.lower_ in VAGUE and following is not None
              and following.lower_ in VAGUE):
            end += 2  # "tens of thousands"
        elif (following is not None and _is_word_number(following) and prev.is_alpha and (
                token.text == "-" or (token.lower_ == "and" and prev.lower_ in SCALES))):
            end += 2  # "twenty-one", "two hundred and fifty"
        else:
            break
    return end


def _suffix(doc, end: int) -> tuple[int, str | None]:
    """Extends past a percent sign, currency word or unit; returns (end, label or None)."""
    words = [t.lower_ for t in doc[end : end + 2]]
    if words[:1] in (["%"], ["percent"]):
        return end + 1, "PERCENT"
    if words == ["per", "cent"]:
        return end + 2, "PERCENT"
    if words[:1] and words[0] in CURRENCY_WORDS:
        return end + 1, "MONEY"
    if len(words) == 2 and words[0] in ("us", "u.s.") and words[1] in CURRENCY_WORDS:
        return end + 2, "MONEY"
    if words[:1] and words[0] in UNITS:
        return end + 1, "QUANTITY"
    return end, None


def _prefix(doc, start: int) -> tuple[int, bool]:
    """Extends back over a currency symbol and an approximation; returns (start, is_money)."""
    money = start > 0 and doc[start - 1].lower_ in CURRENCY_SYMBOLS
    if money:
        start -= 1
    for phrase in sorted(APPROXIMATIONS, key=len, reverse=True):
        begin = start - len(phrase)
        if begin >= 0 and tuple(t.lower_ for t in doc[begin:start]) == phrase:
            return begin, money
    return start, money


def find_numbers(doc) -> list[tuple[int, int, str]]:
    """Character spans (start, end, label) of every numeric expression in a Doc."""
    found = []
    i = 0
    while i < len(doc):
        if not _is_core(doc[i]):
            i += 1
            continue
        core_end = _extend(doc, i)
        ordinal = _is_ordinal(doc[core_end - 1])
        end, label = (core_end, "ORDINAL") if ordinal else _suffix(doc, core_end)
        start, money = (i, False) if ordinal else _prefix(doc, i)
        if money:
            label = "MONEY"
        span = doc[start:end]
        found.append((span.start_char, span.end_char, label or "CARDINAL"))
        i = end
    return found


_WORD = re.compile(r"\d[\d,]*(?:\.\d+)?[a-z]*|[a-z]+(?:-[a-z]+)*|%", re.IGNORECASE)
_IGNORED = (
    {w for phrase in APPROXIMATIONS for w in phrase}
    | CURRENCY_WORDS | UNITS | {"%", "percent", "per", "cent", "us", "of", "a", "an", "the"}
)


def parse_value(text: str) -> float | None:
    """The number a numeric expression states, or None where it states none exactly.

    "well over 7,500" -> 7500, "eight" -> 8, "$3.2 billion" -> 3.2e9, "21st" -> 21,
    "tens of thousands" -> None, "mid-2011" -> None.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words or any(w in VAGUE for w in words):
        return None
    words = [w for w in words if w not in _IGNORED or w in SCALES]
    if not words:
        return None
    if words[0][0].isdigit():
        base = _parse_digits(words[0])
        scales = words[1:]
        if base is None or any(w not in SCALES for w in scales):
            return None
        for word in scales:
            base *= SCALES[word]
        return base
    if any(w[0].isdigit() for w in words):
        return None
    return _parse_words(" ".join(words))


def _parse_digits(token: str) -> float | None:
    match = re.match(r"^([\d,]+(?:\.\d+)?)([a-z]*)$", token)
    if not match or not PLAIN_NUMBER.match(match.group(1)):
        return None
    number, suffix = float(match.group(1).replace(",", "")), match.group(2)
    if suffix in ("st", "nd", "rd", "th", ""):
        return number
    return number * SHORT_SCALES[suffix] if suffix in SHORT_SCALES else None


def _parse_words(phrase: str) -> float | None:
    if phrase in ORDINAL_WORDS:
        return float(ORDINAL_WORDS[phrase])
    try:
        return float(text2num(phrase, "en"))
    except ValueError:
        pass
    ordinal = alpha2digit(phrase, "en")  # "twenty-first" -> "21st"
    return _parse_digits(ordinal) if DIGIT_ORDINAL.match(ordinal) else None
