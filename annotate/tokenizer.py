"""spaCy's English tokenizer, the one exports and training use, loaded once."""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from annotate.spans import Tokens


@lru_cache(maxsize=1)
def english() -> Language:
    return spacy.blank("en")


def make_doc(text: str) -> Doc:
    return english().make_doc(text)


def tokens_of(text: str) -> Tokens:
    return Tokens.of(make_doc(text))
