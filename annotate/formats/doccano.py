"""doccano's sequence-labelling JSONL: `{"text": ..., "label": [[start, end, "LABEL"], ...]}`,
or the `entities` variant with `start_offset` / `end_offset` objects. Other keys are meta."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from annotate.document import ExportableDocument, ExportReport, TextDocument
from annotate.formats.checks import checked_span
from annotate.formats.errors import InputError
from annotate.formats.jsonl import text_records
from annotate.tokenizer import tokens_of

SPAN_KEYS = ("label", "labels", "entities")


def is_doccano(record: dict) -> bool:
    """Whether a JSONL record looks like doccano's rather than Prodigy's."""
    return "spans" not in record and any(isinstance(record.get(k), list) for k in SPAN_KEYS)


def read_doccano(path: Path) -> Iterator[TextDocument]:
    for line, record, text in text_records(path):
        yield _document(path, line, record, text)


def _document(path: Path, line: int, record: dict, text: str) -> TextDocument:
    tokens = tokens_of(text)
    spans = []
    for entry in _entries(path, line, record):
        spans.append(checked_span(path, line, text, *entry, tokens))
    meta = {k: v for k, v in record.items() if k not in ("text", *SPAN_KEYS)}
    return TextDocument(text, tuple(sorted(spans)), meta, path.name, "accepted")


def _entries(path: Path, line: int, record: dict) -> Iterator[tuple]:
    if record.get("entities") is not None:
        entities = record["entities"]
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise InputError(path, '"entities" must be a list of objects with '
                                   '"start_offset", "end_offset" and "label"', line)
        for entity in entities:
            yield entity.get("start_offset"), entity.get("end_offset"), entity.get("label")
        return
    key = "label" if record.get("label") is not None else "labels"
    entries = record.get(key)
    if entries is None:
        return
    if not isinstance(entries, list):
        raise InputError(path, f'"{key}" must be a list of [start, end, "LABEL"] triples, '
                               f"not {entries!r}", line)
    for entry in entries:
        if not isinstance(entry, list) or len(entry) != 3:
            raise InputError(path, f'"{key}" must be a list of [start, end, "LABEL"] triples, '
                                   f"got {entry!r}", line)
        yield tuple(entry)


def write_doccano(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        for document in documents:
            record = {"text": document.text,
                      "label": [[s.start, s.end, s.label] for s in document.spans]}
            record.update({k: v for k, v in document.meta.items() if k not in record})
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.documents += 1
            report.spans += len(document.spans)
    return report
