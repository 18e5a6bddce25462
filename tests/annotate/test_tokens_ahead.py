"""Tokens made ahead of a reader, here or in worker processes: the same as spaCy's
tokenizer gives, in the reader's order, and a reader's fault where it came."""
import pytest
import spacy

from annotate.stored_tokens import pack
from annotate.tokens_ahead import BATCH, with_tokens
from tests.annotate.test_stored_tokens import texts


class Broken(Exception):
    pass


def read(sample, broken_at=None):
    for position, text in enumerate(sample):
        if position == broken_at:
            raise Broken(f"record {position}")
        yield position, text


@pytest.mark.parametrize("workers", [0, 2])
def test_each_text_gets_the_tokens_spacy_makes_in_order(workers):
    nlp = spacy.blank("en")
    sample = texts(2 * BATCH + 7, seed=11)
    made = list(with_tokens(read(sample), lambda item: item[1] if item[0] % 5 else None,
                            workers))
    assert [item for item, _ in made] == list(enumerate(sample))
    assert [blob for _, blob in made] == [pack(nlp.make_doc(text)) if position % 5 else None
                                          for position, text in enumerate(sample)]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_fault_while_reading_comes_after_the_records_before_it(workers):
    sample = texts(3 * BATCH, seed=12)
    given = []
    with pytest.raises(Broken, match="record 1234"):
        for item, _ in with_tokens(read(sample, broken_at=1234), lambda item: item[1],
                                   workers):
            given.append(item[0])
    assert given == list(range(1234))
