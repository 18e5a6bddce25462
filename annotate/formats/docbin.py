"""spaCy's binary training format (DocBin, `.spacy`).

A document's spans are its `doc.ents`. What else a Doc carries is kept in the document's meta
under "spacy" and written back on export, so a DocBin round-trips:
- "spans": {key: [[start, end, label], ...]}, each `doc.spans` group that is not the
  document's spans, under its name (not editable in the window);
- "spans_in": where the document's spans were: "ents" and the names of the groups that
  held the same spans (written there again), or only a group's name when the Doc had no
  entity annotation at all and its groups held one set of spans;
- "cats": `doc.cats`;
- "missing": [[start, end], ...], character ranges of the tokens whose entity annotation was
  missing (`token.ent_iob_ == ""`), which training must not take for "outside".

Partial work (Prodigy's binary answers) is written with every token outside its spans
missing, and its rejected suggestions in doc.spans["incorrect_spans"].
"""
from __future__ import annotations

import json
from itertools import chain, count, islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterable


from annotate.document import (
    ExportableDocument, ExportReport, Misaligned, TextDocument, complete_only,
)
from annotate.formats.checks import IMPORT_SOURCE, checked_label, checked_text
from annotate.formats.errors import InputError
from annotate.formats.notes import ImportNotes
from annotate.spans import Span, has_overlaps
from annotate.stored_tokens import document_doc
from annotate.tokenizer import english

if TYPE_CHECKING:  # spaCy is imported when a DocBin is read or written, not before
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

DEFAULT_SPANS_KEY = "sc"  # spaCy's spancat reads this key by default
META_KEY = "spacy"  # where a document's meta keeps what the DocBin had besides its spans
ENTS = "ents"  # in "spans_in": the document's spans were doc.ents
# The span group of partial work's rejected suggestions: set `incorrect_spans_key` of the
# ner component to it and training learns not to predict them.
INCORRECT_SPANS_KEY = "incorrect_spans"

KEPT_APART = "spans of doc.spans[{key!r}] kept apart in meta (spacy.spans), not editable"
MISSING_TOKENS = "tokens with missing entity annotation (doc.ents), kept missing"
NO_ENTS = "documents whose doc.ents were never set (every token missing), kept missing"
SEVERAL_GROUPS = ("documents without doc.ents whose span groups differ: no group became "
                  "their spans, every group kept apart")


def read_docbin(path: Path, notes: ImportNotes | None = None) -> list[TextDocument]:
    """Every Doc as a document: `doc.ents` are its spans; span groups, cats and missing
    tokens go to meta["spacy"], and `notes` (when given) counts what was set apart."""
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_disk(path).get_docs(english().vocab))
    except Exception as error:  # msgpack, zlib and spaCy each raise their own kind
        raise InputError(path, f"not a spaCy DocBin file ({type(error).__name__}: {error})") \
            from None
    if not docs:
        raise InputError(path, "the file holds no documents")
    notes = notes if notes is not None else ImportNotes()
    return [_document(path, f"document {number}", doc, notes)
            for number, doc in enumerate(docs, start=1)]


def _document(path: Path, where: str, doc: Doc, notes: ImportNotes) -> TextDocument:
    checked_text(path, where, doc.text, "the document has no text")
    meta = _meta(path, where, doc.user_data.get("meta"))
    place = f"{path} ({where})"
    ents = _spans(path, where, doc.ents)
    groups = {key: _spans(path, where, group) for key, group in doc.spans.items()}
    annotated = any(token.ent_iob_ for token in doc)
    if annotated:
        spans, spans_in = ents, [ENTS]
    else:
        distinct = {frozenset(group) for group in groups.values() if group}
        spans = next(iter(distinct)) if len(distinct) == 1 else None
        spans_in = []
        if len(distinct) > 1:
            notes.note(SEVERAL_GROUPS, place)
    if spans:  # a group holding the document's spans is theirs, not kept twice
        spans_in += [key for key, group in groups.items() if set(group) == set(spans)]
    kept = {key: group for key, group in groups.items() if key not in spans_in}
    for key, group in kept.items():
        if group:
            notes.note(KEPT_APART.format(key=key), place, len(group))
    missing = _missing(doc)
    if not annotated:
        notes.note(NO_ENTS, place)
    elif missing:
        notes.note(MISSING_TOKENS, place, sum(token.ent_iob_ == "" for token in doc))
    spacy_meta = {name: value for name, value in (
        ("spans", {key: [[s.start, s.end, s.label] for s in group]
                   for key, group in kept.items()}),
        ("spans_in", spans_in if spans_in != [ENTS] else []),
        ("cats", dict(doc.cats)), ("missing", missing)) if value}
    if spacy_meta:
        if META_KEY in meta:
            raise InputError(path, f"its meta has a {META_KEY!r} key, which Goldspan keeps "
                                   "for the Doc's span groups, cats and missing tokens", where)
        meta = {**meta, META_KEY: spacy_meta}
    return TextDocument(text=doc.text, spans=None if spans is None else tuple(sorted(spans)),
                        source=path.name, meta=meta)


def _spans(path: Path, where: str, group: Iterable[SpacySpan]) -> list[Span]:
    return [Span(s.start_char, s.end_char, checked_label(path, where, s.label_), IMPORT_SOURCE)
            for s in group]


def _missing(doc: Doc) -> list[list[int]]:
    """Character ranges of the runs of tokens whose entity annotation is missing."""
    ranges: list[list[int]] = []
    for token in doc:
        if token.ent_iob_:
            continue
        end = token.idx + len(token.text)
        if ranges and ranges[-1][1] == token.i:  # the run goes on: [start, next token]
            ranges[-1][1:] = [token.i + 1, end]
        else:
            ranges.append([token.idx, token.i + 1, end])
    return [[start, end] for start, _, end in ranges]


def _meta(path: Path, where: str, meta) -> dict:
    """user_data's meta if it is a JSON object, which is how it is stored."""
    if not isinstance(meta, dict):
        return {}
    try:
        json.dumps(meta, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        raise InputError(path, "its meta is not a JSON object with names as keys",
                         where) from None
    return meta


def write_docbin(
    documents: Iterable[ExportableDocument], path: Path, spans_key: str = DEFAULT_SPANS_KEY,
    every_doc_in_spans: bool = False, shard_size: int | None = None,
) -> ExportReport:
    """Non-overlapping spans go to doc.ents; a document whose spans overlap, or every document
    with every_doc_in_spans (a spans-mode dataset, for spancat), gets doc.spans[spans_key].
    What a DocBin import kept in meta["spacy"] goes back: span groups under their names,
    cats, and missing tokens (those no span covers now) as missing in doc.ents.

    The rest of the meta stays out: training does not read it, and each user_data or span
    group costs a msgpack call that scans installed packages (srsly's encoder registry),
    which tripled export time. JSONL carries the meta.

    With a shard size, `path` is a folder that gets DocBins of at most that many documents
    (0000.spacy, 0001.spacy, ...): spaCy's corpus reader takes the folder.
    """
    report = ExportReport()
    if every_doc_in_spans:  # a span group has no "unknown": partial work would read complete
        documents = complete_only(documents, report)
    docs = (_training_doc(document, position, report, spans_key, every_doc_in_spans)
            for position, document in enumerate(documents, start=1))
    if shard_size is None:
        _write_shard(docs, path)
    else:
        for number in count():
            first = next(docs, None)
            if first is None:
                break
            _write_shard(chain([first], islice(docs, shard_size - 1)),
                         path / f"{number:04d}.spacy")
    return report


def _write_shard(docs: Iterable[Doc], path: Path) -> None:
    from annotate.formats.docbin_stream import StreamingDocBin

    out = StreamingDocBin(path.parent)  # spaCy's DocBin, in memory that does not grow
    for doc in docs:
        out.add(doc)
    out.to_disk(path)


def _training_doc(document: ExportableDocument, position: int, report: ExportReport,
                  spans_key: str, every_doc_in_spans: bool) -> Doc:
    """The document as spaCy trains on it; what it could not hold goes to `report`."""
    doc = document_doc(document)
    rejected = getattr(document, "rejected", None)
    kept = _kept(document.meta)
    aligned, unknown = [], []
    for span in document.spans or ():
        piece = doc.char_span(span.start, span.end, label=span.label)
        if piece is None:
            report.misaligned.append(Misaligned(position, span, span.text(document.text)))
            unknown.append(doc.char_span(span.start, span.end, alignment_mode="expand"))
        else:
            aligned.append(piece)
    overlapping = has_overlaps(document.spans or ())
    spans_in = kept.get("spans_in") or [ENTS]
    targets = [key for key in spans_in if key != ENTS]
    if overlapping or every_doc_in_spans:
        targets.append(spans_key)
    groups = kept.get("spans", {})
    for key in dict.fromkeys(targets):
        if key not in groups:  # a group kept apart keeps its name
            doc.spans[key] = aligned
    for key, triples in groups.items():
        doc.spans[key] = _group(doc, position, key, triples, report)
    if overlapping and ENTS in spans_in:
        report.overlapping_documents += 1  # NER sees no labels here: all tokens missing
    else:
        # Tokens of a misaligned span are "missing", not "outside": training must not
        # learn that they are no entity; nor those the source left missing.
        missing = [s for s in unknown if s is not None]
        written = aligned if ENTS in spans_in else []
        covered = {token.i for piece in written + missing for token in piece}
        missing += _runs(doc, _missing_tokens(doc, kept.get("missing", [])) - covered)
        # Partial work (Prodigy's binary answers): only its spans are known.
        doc.set_ents(written, missing=missing,
                     default="outside" if rejected is None else "missing")
    if rejected:  # what ner's incorrect_spans_key learns not to predict
        doc.spans[INCORRECT_SPANS_KEY] = _group(
            doc, position, INCORRECT_SPANS_KEY,
            [[s.start, s.end, s.label] for s in rejected], report)
    if kept.get("cats"):
        doc.cats = kept["cats"]
    report.documents += 1
    report.spans += len(aligned)
    return doc


def _kept(meta) -> dict:
    """What a DocBin import kept in meta["spacy"], its malformed parts left out (the meta
    may have come from another format)."""
    kept = meta.get(META_KEY) if isinstance(meta, dict) else None
    if not isinstance(kept, dict):
        return {}

    def triple(item) -> bool:
        return (isinstance(item, list) and len(item) == 3 and isinstance(item[2], str)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in item[:2]))

    groups = kept.get("spans")
    spans_in, cats, missing = kept.get("spans_in"), kept.get("cats"), kept.get("missing")
    return {
        "spans": {key: group for key, group in groups.items() if isinstance(key, str)
                  and isinstance(group, list) and all(map(triple, group))}
        if isinstance(groups, dict) else {},
        "spans_in": [key for key in spans_in if isinstance(key, str)]
        if isinstance(spans_in, list) else [],
        "cats": {name: float(score) for name, score in cats.items()
                 if isinstance(name, str) and isinstance(score, (int, float))
                 and not isinstance(score, bool)} if isinstance(cats, dict) else {},
        "missing": [r for r in missing if isinstance(r, list) and len(r) == 2
                    and all(isinstance(v, int) and not isinstance(v, bool) for v in r)]
        if isinstance(missing, list) else [],
    }


def _group(doc: Doc, position: int, key: str, triples: list, report: ExportReport) \
        -> list[SpacySpan]:
    """A kept span group on this Doc's tokens; a span off them is reported, as misaligned."""
    group = []
    for start, end, label in triples:
        piece = doc.char_span(start, end, label=label) if 0 <= start < end <= len(doc.text) \
            else None
        if piece is None:
            span = Span(start, end, label, f"doc.spans[{key!r}]")
            report.misaligned.append(Misaligned(position, span, span.text(doc.text)))
        else:
            group.append(piece)
    return group


def _missing_tokens(doc: Doc, ranges: list[list[int]]) -> set[int]:
    tokens: set[int] = set()
    for start, end in ranges:
        piece = doc.char_span(max(start, 0), min(end, len(doc.text)), alignment_mode="expand")
        if piece is not None:
            tokens.update(range(piece.start, piece.end))
    return tokens


def _runs(doc: Doc, tokens: set[int]) -> list[SpacySpan]:
    """The tokens as spans of consecutive tokens."""
    runs: list[list[int]] = []
    for i in sorted(tokens):
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [doc[start:end] for start, end in runs]
