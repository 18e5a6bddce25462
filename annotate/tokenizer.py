"""spaCy's English tokenizer, the one exports and training use, loaded once, and only when
first needed: importing spaCy costs ~0.45 s, which commands and the window that never
tokenize should not pay."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from annotate.spans import Tokens

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@lru_cache(maxsize=1)
def english() -> Language:
    import spacy

    return spacy.blank("en")


def make_doc(text: str) -> Doc:
    return english().make_doc(text)


def tokens_of(text: str) -> Tokens:
    return Tokens.of(make_doc(text))
