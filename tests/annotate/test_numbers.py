import pytest
import spacy
from hypothesis import given, strategies as st

from annotate.numbers import find_numbers, parse_value

NLP = spacy.blank("en")


def numbers_in(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], label) for s, e, label in find_numbers(NLP(text))]


@pytest.mark.parametrize("text, expected", [
    ("21 people died", [("21", "CARDINAL")]),
    ("well over 7,500 marched", [("well over 7,500", "CARDINAL")]),
    ("eight soldiers were missing", [("eight", "CARDINAL")]),
    ("tens of thousands fled", [("tens of thousands", "CARDINAL")]),
    ("at least 20,000 gathered", [("at least 20,000", "CARDINAL")]),
    ("a $3.2 billion deal", [("$3.2 billion", "MONEY")]),
    ("3 million euros", [("3 million euros", "MONEY")]),
    ("£3.5bn", [("£3.5bn", "MONEY")]),
    ("up 12% and 3 per cent", [("12%", "PERCENT"), ("3 per cent", "PERCENT")]),
    ("moved 30 km north", [("30 km", "QUANTITY")]),
    ("the third wave in the 21st century", [("third", "ORDINAL"), ("21st", "ORDINAL")]),
    ("about two hundred and fifty families", [("about two hundred and fifty", "CARDINAL")]),
    ("twenty-one towns", [("twenty-one", "CARDINAL")]),
    ("on the twenty-first day", [("twenty-first", "ORDINAL")]),
    ("no numbers here at all", []),
])
def test_every_numeric_expression_is_found(text, expected):
    assert numbers_in(text) == expected


@pytest.mark.parametrize("text, value", [
    ("7,500", 7500), ("well over 7,500", 7500), ("eight", 8), ("$3.2 billion", 3.2e9),
    ("1.5 million", 1.5e6), ("12%", 12), ("seven thousand five hundred", 7500),
    ("two hundred and fifty", 250), ("21st", 21), ("second", 2), ("twenty-first", 21),
    ("£3.5bn", 3.5e9), ("30 km", 30), ("a dozen", 12),
    ("tens of thousands", None), ("hundreds", None), ("mid-2011", None), ("7,5", None),
    ("Lyon", None),
])
def test_values_are_read_where_the_text_states_one(text, value):
    assert parse_value(text) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_any_grouped_integer_reads_back(n):
    assert parse_value(f"{n:,}") == n
    assert numbers_in(f"We counted {n:,} votes.") == [(f"{n:,}", "CARDINAL")]
