"""The numbers layer: find every numeric expression in a Doc and read its value.

Labels follow OntoNotes (what en_core_web_sm predicts), so gold data stays consistent with
the model: CARDINAL, ORDINAL, MONEY, PERCENT, QUANTITY. A span covers the numeric expression
with its approximation ("well over 7,500"), currency and unit, not the counted noun.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple, Sequence


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


# Approximations by their last word, longest first: the scanner looks back from a number.
_APPROXIMATIONS_ENDING_IN: dict[str, list[tuple[str, ...]]] = {}
for _phrase in sorted(APPROXIMATIONS, key=len, reverse=True):
    _APPROXIMATIONS_ENDING_IN.setdefault(_phrase[-1], []).append(_phrase)


class _Token(NamedTuple):
    """What the scanner needs of a spaCy token, read once: Doc indexing is slow in Python."""

    lower: str
    alpha: bool
    core: bool  # can begin or continue a number
    ordinal: bool
    start: int
    end: int


class _SpacyKeys(NamedTuple):
    attrs: list  # read for all tokens in one call
    candidate_words: frozenset  # hashes of vague and ordinal words
    digits: frozenset  # hashes of the digits


@lru_cache(maxsize=1)
def _spacy_keys() -> _SpacyKeys:
    """spaCy's attribute ids and string hashes (the same in every vocab), made once, when
    first scanned: spaCy is not imported by whoever only parses values."""
    from spacy.attrs import IDX, IS_ALPHA, LENGTH, LIKE_NUM, LOWER, PREFIX
    from spacy.strings import hash_string

    return _SpacyKeys([LIKE_NUM, LOWER, PREFIX, IS_ALPHA, IDX, LENGTH],
                      frozenset(hash_string(w) for w in VAGUE | set(ORDINAL_WORDS)),
                      frozenset(hash_string(str(d)) for d in range(10)))


class _Tokens:
    """A Doc's tokens as _Token records, made on first use from spaCy's attribute array:
    no spaCy Token objects, and most tokens are never looked at."""

    def __init__(self, doc, text: str):
        self.keys = _spacy_keys()
        self.rows = doc.to_array(self.keys.attrs)
        self.strings = doc.vocab.strings
        self.text = text
        self.cache: dict[int, _Token] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> _Token:
        if i not in self.cache:
            like_num, lower, _, alpha, start, length = self.rows[i].tolist()
            lower, text = self.strings[lower], self.text[start : start + length]
            ordinal = lower in ORDINAL_WORDS or bool(DIGIT_ORDINAL.match(text))
            core = (bool(like_num) or lower in VAGUE or ordinal
                    or bool(DIGITS_WITH_SCALE.match(text)))
            self.cache[i] = _Token(lower, bool(alpha), core, ordinal, start, start + length)
        return self.cache[i]

    def lowers(self, start: int, end: int) -> tuple[str, ...]:
        return tuple(self[i].lower for i in range(max(start, 0), min(end, len(self))))

    def candidates(self) -> list[int]:
        """Tokens that may begin a number: like_num, a vague or ordinal word, or a digit."""
        # Sets over lists, not numpy.isin: its fixed cost dwarfs a document's few hundred rows.
        columns = self.rows[:, :3].T.tolist()
        words, digits = self.keys.candidate_words, self.keys.digits
        return [i for i, (like_num, lower, prefix) in enumerate(zip(*columns))
                if like_num or lower in words or prefix in digits]


def _extend(tokens: _Tokens, start: int) -> int:
    """Token index just past the number that begins at `start`."""
    end = start + 1
    while end < len(tokens) and not tokens[end - 1].ordinal:
        token, prev = tokens[end], tokens[end - 1]
        following = tokens[end + 1] if end + 1 < len(tokens) else None
        if token.core and (token.alpha or prev.alpha):
            end += 1  # "1.5 million", "two hundred"; never two digit groups in a row
        elif (token.lower == "of" and prev.lower in VAGUE and following is not None
              and following.lower in VAGUE):
            end += 2  # "tens of thousands"
        elif (following is not None and following.alpha and following.core and prev.alpha
              and (token.lower == "-" or (token.lower == "and" and prev.lower in SCALES))):
            end += 2  # "twenty-one", "two hundred and fifty"
        else:
            break
    return end


def _suffix(tokens: _Tokens, end: int) -> tuple[int, str | None]:
    """Extends past a percent sign, currency word or unit; returns (end, label or None)."""
    words = list(tokens.lowers(end, end + 2))
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


def _prefix(tokens: _Tokens, start: int) -> tuple[int, bool]:
    """Extends back over a currency symbol and an approximation; returns (start, is_money)."""
    money = start > 0 and tokens[start - 1].lower in CURRENCY_SYMBOLS
    if money:
        start -= 1
    if start == 0:
        return start, money
    for phrase in _APPROXIMATIONS_ENDING_IN.get(tokens[start - 1].lower, ()):
        begin = start - len(phrase)
        if begin >= 0 and tokens.lowers(begin, start) == phrase:
            return begin, money
    return start, money


def find_numbers(
    doc, text: str | None = None, taken: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    """Character spans (start, end, label) of every numeric expression in a Doc.

    `text` is doc.text, when the caller has it: spaCy rebuilds that string on every access.
    No number starts inside a `taken` token range (start, end): the caller keeps what is there.
    """
    if len(doc) == 0:
        return []
    tokens = _Tokens(doc, doc.text if text is None else text)
    found = []
    taken_tokens = {i for start, end in taken for i in range(start, end)}
    next_free = 0  # tokens before this belong to a number already found
    for i in tokens.candidates():
        if i < next_free or i in taken_tokens or not tokens[i].core:
            continue
        core_end = _extend(tokens, i)
        ordinal = tokens[core_end - 1].ordinal
        end, label = (core_end, "ORDINAL") if ordinal else _suffix(tokens, core_end)
        start, money = (i, False) if ordinal else _prefix(tokens, i)
        found.append((tokens[start].start, tokens[end - 1].end,
                      "MONEY" if money else label or "CARDINAL"))
        next_free = end
    return found


_WORD = re.compile(r"\d[\d,]*(?:\.\d+)?[a-z]*|[a-z]+(?:-[a-z]+)*|%", re.IGNORECASE)
_IGNORED = (
    {w for phrase in APPROXIMATIONS for w in phrase}
    | CURRENCY_WORDS | UNITS | {"%", "percent", "per", "cent", "us", "of", "a", "an", "the"}
)


@lru_cache(maxsize=65536)  # news repeats its numbers: "two", "21", "$1 million"
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
    if phrase == "dozen":  # "a dozen"; text2num does not read it
        return 12.0
    try:
        return float(text2num(phrase, "en"))
    except ValueError:
        pass
    ordinal = alpha2digit(phrase, "en")  # "twenty-first" -> "21st"
    return _parse_digits(ordinal) if DIGIT_ORDINAL.match(ordinal) else None
