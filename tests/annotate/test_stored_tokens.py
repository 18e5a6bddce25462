"""Tokens stored at import stand for spaCy's tokenizer: the boundaries, and the Doc built
from them, are the ones spaCy makes of the text, white space of every kind included."""
import random

import spacy

from annotate.spans import Tokens
from annotate.stored_tokens import (
    pack, pack_tokens, packed_tokens, spacy_bounds, spacy_doc, unpack,
)

PIECES = ["Anna", "U.S.", "don't", "Aug.", "he's", "I'd", "'cause", "isn't", "Anna's", " ", "  ", "\n", "\n\n", "\t", "\xa0", "\u2003", "21",
          ",", ".", "(about 7,500)", "--", "e-mail", "'s", "http://x.org/a", "“quoted”", "é"]


def texts(count=2000, seed=3):
    rng = random.Random(seed)
    fixed = [" a", "a  b", "a \n b", "  a\t\tb \t c\n", "x\u2003 y", "end. ", "a"]
    return fixed + ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))
                    for _ in range(count)]


def test_stored_tokens_rebuild_the_doc_spacy_makes():
    nlp = spacy.blank("en")
    for text in texts():
        made = nlp.make_doc(text)
        tokens = unpack(pack(made))
        assert (tokens.starts, tokens.ends) == (Tokens.of(made).starts, Tokens.of(made).ends)
        rebuilt = spacy_doc(text, tokens)
        assert [(t.text, t.whitespace_, t.norm_) for t in rebuilt] == \
            [(t.text, t.whitespace_, t.norm_) for t in made], repr(text)
        assert spacy_bounds(text, tokens) == [(t.idx, t.idx + len(t)) for t in made]


def test_packing_tokens_and_tokenizing_in_one_pass_agree():
    nlp = spacy.blank("en")
    sample = texts(200, seed=5)
    expected = [pack(nlp.make_doc(text)) for text in sample]
    assert [pack_tokens(unpack(blob)) for blob in expected] == expected
    known = [blob if i % 3 == 0 else None for i, blob in enumerate(expected)]
    assert packed_tokens(sample, known) == expected
