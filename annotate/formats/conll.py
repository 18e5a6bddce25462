"""CoNLL-style NER files: a token per line, its tag in the last column, a blank line between
sentences and `-DOCSTART-` between documents.

Tags may be IOB2, IOB1 or BILUO (BIOES too); spaCy's own converters decode them. A document's
text is rebuilt from its tokens: single spaces between tokens, a newline between sentences.
We write IOB2 over spaCy's tokens, which `python -m spacy convert FILE OUT --converter ner`
reads back to the same entities.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from spacy.training import biluo_to_iob, iob_to_biluo, offsets_to_biluo_tags
from spacy.training.iob_utils import tags_to_entities

from annotate.document import ExportableDocument, ExportReport, Misaligned, TextDocument
from annotate.formats.checks import IMPORT_SOURCE, checked_label, checked_text
from annotate.formats.errors import InputError
from annotate.spans import Span
from annotate.tokenizer import make_doc

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O"  # as CoNLL-2003 and spaCy's converter write it
BIOES = {"S": "U", "E": "L"}


def read_conll(path: Path) -> Iterator[TextDocument]:
    """Documents one at a time, so a large file is read in constant memory."""
    sentences: list[tuple[int, list[str], list[str]]] = []  # (first line, words, tags)
    words: list[str] = []
    tags: list[str] = []
    first_line = 0
    found = 0
    for number, line in _lines(path):
        fields = line.split()
        if fields and fields[0] == DOCSTART:
            if words:
                sentences.append((first_line, words, tags))
                words, tags = [], []
            if sentences:
                found += 1
                yield _document(path, sentences, found)
            sentences = []
        elif not fields:
            if words:
                sentences.append((first_line, words, tags))
                words, tags = [], []
        else:
            if len(fields) < 2:
                raise InputError(path, f"expected a token and its tag, got {line.strip()!r}",
                                 number)
            if not words:
                first_line = number
            words.append(fields[0])
            tags.append(_normalised_tag(path, number, fields[-1]))
    if words:
        sentences.append((first_line, words, tags))
    if sentences:
        found += 1
        yield _document(path, sentences, found)
    if not found:
        raise InputError(path, "the file holds no tokens")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(path, "not UTF-8 text", number) from None


def _normalised_tag(path: Path, line: int, tag: str) -> str:
    if tag == "O":
        return tag
    prefix, dash, label = tag.partition("-")
    if not dash or not label or prefix not in ("B", "I", "L", "U", *BIOES):
        raise InputError(path, f"{tag!r} is not an IOB, BILUO or BIOES tag", line)
    return f"{BIOES.get(prefix, prefix)}-{checked_label(path, line, label)}"


def _document(path: Path, sentences, number: int) -> TextDocument:
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    for first_line, words, tags in sentences:
        starts = []
        for word in words:
            starts.append(offset)
            offset += len(word) + 1  # the space after it (a newline after the sentence)
        biluo = tags if any(t[0] in "LU" for t in tags if t != "O") else iob_to_biluo(tags)
        broken = _first_invalid(biluo)
        if broken is not None:
            raise InputError(path, f"tag {tags[broken]!r} does not continue the entity before "
                                   "it, or an entity is left unfinished", first_line + broken)
        entities = tags_to_entities(biluo)
        for label, first, last in entities:
            spans.append(Span(starts[first], starts[last] + len(words[last]), label,
                              IMPORT_SOURCE))
        pieces.append(" ".join(words))
    text = checked_text(path, sentences[0][0], "\n".join(pieces))
    return TextDocument(text=text, spans=tuple(sorted(spans)), source=path.name,
                        meta={"file": path.name, "document": number}, status="accepted")


def _first_invalid(tags: list[str]) -> int | None:
    """Where a BILUO sequence breaks (spaCy's decoder drops such entities silently)."""
    open_label = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix in ("I", "L"):
            if open_label != label:
                return i
            open_label = label if prefix == "I" else None
        elif open_label is not None:
            return i
        else:
            open_label = label if prefix == "B" else None
    return len(tags) - 1 if open_label is not None else None


def write_conll(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        for position, document in enumerate(documents, start=1):
            out.write(DOCSTART_LINE + "\n\n")
            for sentence in _sentences(document, position, report):
                out.writelines(f"{word} {tag}\n" for word, tag in sentence)
                out.write("\n")
            report.documents += 1
    return report


def _sentences(document: ExportableDocument, position: int, report: ExportReport):
    """(word, IOB2 tag) per token; a run of white space holding a newline ends a sentence.
    Spans off spaCy's token boundaries cannot be tagged: they are left out and reported."""
    doc = make_doc(document.text)
    entities = []
    for span in document.spans:
        if doc.char_span(span.start, span.end) is None:
            report.misaligned.append(Misaligned(position, span, span.text(document.text)))
        else:
            entities.append((span.start, span.end, span.label))
    try:
        tags = biluo_to_iob(offsets_to_biluo_tags(doc, entities))
    except ValueError:  # overlapping spans: CoNLL has one tag per token
        report.overlapping_documents += 1
        tags = ["O"] * len(doc)
        entities = []
    report.spans += len(entities)
    sentence: list[tuple[str, str]] = []
    for token, tag in zip(doc, tags):
        if token.is_space:
            if "\n" in token.text and sentence and tag == "O":
                yield sentence
                sentence = []
            continue
        sentence.append((token.text, tag))
    if sentence:
        yield sentence
