"""The streaming DocBin writes the bytes spaCy's DocBin writes for the same Docs: entities,
missing tokens, span groups and cats included."""
from pathlib import Path

from spacy.tokens import DocBin, Span

from annotate.formats.docbin_stream import StreamingDocBin
from annotate.tokenizer import english
from tests.conftest import SAMPLES


def sample_docs():
    nlp = english()
    docs = []
    for number, text in enumerate(p.read_text() for p in sorted(SAMPLES.glob("*.txt"))):
        doc = nlp.make_doc(text)
        if number % 2:
            doc.set_ents([Span(doc, 0, 2, label="PERSON")], default="missing")
        else:
            doc.set_ents([Span(doc, 3, 4, label="GPE")])
        if number % 3 == 0:
            doc.spans["sc"] = [Span(doc, 0, 1, label="X"), Span(doc, 0, 2, label="Y")]
            doc.cats = {"news": 1.0, "sport": 0.25}
        docs.append(doc)
    return docs


def test_the_file_is_the_one_spacys_docbin_writes(tmp_path: Path):
    docs = sample_docs() * 7  # enough Docs for msgpack's longer array headers
    spacys = DocBin()
    streamed = StreamingDocBin(tmp_path)
    for doc in docs:
        spacys.add(doc)
        streamed.add(doc)
    spacys.to_disk(tmp_path / "spacy.spacy")
    streamed.to_disk(tmp_path / "ours.spacy")
    assert (tmp_path / "ours.spacy").read_bytes() == (tmp_path / "spacy.spacy").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.spacy", "spacy.spacy"]


def test_an_empty_export_is_spacys_empty_docbin(tmp_path: Path):
    DocBin().to_disk(tmp_path / "spacy.spacy")
    StreamingDocBin(tmp_path).to_disk(tmp_path / "ours.spacy")
    assert (tmp_path / "ours.spacy").read_bytes() == (tmp_path / "spacy.spacy").read_bytes()
