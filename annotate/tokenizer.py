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
    """The text tokenized. The tokenizer is called itself: `nlp.make_doc` refuses a text
    over `nlp.max_length` (E088), a limit for the parser's and NER's memory, not its own."""
    return english().tokenizer(text)


def tokens_of(text: str) -> Tokens:
    return Tokens.of(make_doc(text))
