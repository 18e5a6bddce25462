"""spaCy's binary training format (DocBin, `.spacy`)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from spacy.tokens import DocBin

from annotate.document import ExportableDocument, ExportReport, Misaligned, TextDocument
from annotate.formats.checks import IMPORT_SOURCE, checked_label, checked_text
from annotate.formats.errors import InputError
from annotate.spans import Span, has_overlaps
from annotate.tokenizer import english, make_doc

DEFAULT_SPANS_KEY = "sc"  # spaCy's spancat reads this key by default


def read_docbin(path: Path) -> list[TextDocument]:
    try:
        docs = list(DocBin().from_disk(path).get_docs(english().vocab))
    except Exception as error:  # msgpack, zlib and spaCy each raise their own kind
        raise InputError(path, f"not a spaCy DocBin file ({type(error).__name__}: {error})") \
            from None
    if not docs:
        raise InputError(path, "the file holds no documents")
    documents = []
    for number, doc in enumerate(docs, start=1):
        where = f"document {number}"
        checked_text(path, where, doc.text, "the document has no text")
        groups = [doc.ents, *doc.spans.values()]
        spans = {Span(s.start_char, s.end_char, checked_label(path, where, s.label_),
                      IMPORT_SOURCE) for group in groups for s in group}
        documents.append(TextDocument(
            text=doc.text, spans=tuple(sorted(spans)), source=path.name,
            meta=_meta(path, where, doc.user_data.get("meta")),
        ))
    return documents


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
    every_doc_in_spans: bool = False,
) -> ExportReport:
    """Non-overlapping spans go to doc.ents; a document whose spans overlap, or every document
    with every_doc_in_spans (a spans-mode dataset, for spancat), gets doc.spans[spans_key].

    Documents' meta stays out: training does not read it, and each user_data or span group
    costs a msgpack call that scans installed packages (srsly's encoder registry), which
    tripled export time. JSONL carries the meta.
    """
    report = ExportReport()
    out = DocBin()
    for position, document in enumerate(documents, start=1):
        doc = make_doc(document.text)
        aligned, unknown = [], []
        for span in document.spans:
            piece = doc.char_span(span.start, span.end, label=span.label)
            if piece is None:
                report.misaligned.append(Misaligned(position, span, span.text(document.text)))
                unknown.append(doc.char_span(span.start, span.end, alignment_mode="expand"))
            else:
                aligned.append(piece)
        overlapping = has_overlaps(document.spans)
        if overlapping or every_doc_in_spans:
            doc.spans[spans_key] = aligned
        if overlapping:
            report.overlapping_documents += 1  # NER sees no labels here: all tokens missing
        else:
            # Tokens of a misaligned span are "missing", not "outside": training must not
            # learn that they are no entity.
            doc.set_ents(aligned, missing=[s for s in unknown if s is not None])
        out.add(doc)
        report.documents += 1
        report.spans += len(aligned)
    out.to_disk(path)
    return report
