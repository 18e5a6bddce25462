"""Prodigy-style JSONL: one task per line with text, tokens, spans, hashes and answer."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from murmurhash import hash_unicode

from annotate.document import ExportableDocument, ExportReport, Misaligned, TextDocument
from annotate.formats.checks import checked_span
from annotate.formats.errors import InputError
from annotate.formats.jsonl import text_records
from annotate.spans import Tokens
from annotate.tokenizer import make_doc, tokens_of

ANSWER_OF_STATUS = {"accepted": "accept", "rejected": "reject", "skipped": "ignore"}
STATUS_OF_ANSWER = {answer: status for status, answer in ANSWER_OF_STATUS.items()}


def read_jsonl(path: Path) -> Iterator[TextDocument]:
    """A line at a time: a large file is read in constant memory."""
    for line, record, text in text_records(path):
        yield _document(path, line, record, text)


def _document(path: Path, line: int, record: dict, text: str) -> TextDocument:
    meta = record.get("meta")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(path, '"meta" must be a JSON object', line)
    answer = record.get("answer")
    if answer is not None and (not isinstance(answer, str) or answer not in STATUS_OF_ANSWER):
        raise InputError(path, f'"answer" must be accept, reject or ignore, not {answer!r}', line)
    status = STATUS_OF_ANSWER.get(answer, "pending")
    raw_spans = record.get("spans")
    if raw_spans is None:
        return TextDocument(text, None, meta, path.name, status)
    if not isinstance(raw_spans, list) or not all(isinstance(s, dict) for s in raw_spans):
        raise InputError(path, '"spans" must be a list of objects', line)
    tokens = _given_tokens(path, line, text, record.get("tokens")) or tokens_of(text)
    spans = tuple(sorted(
        checked_span(path, line, text, s.get("start"), s.get("end"), s.get("label"), tokens)
        for s in raw_spans
    ))
    return TextDocument(text, spans, meta, path.name, status)


def _given_tokens(path: Path, line: int, text: str, tokens) -> Tokens | None:
    if tokens is None:
        return None
    fault = '"tokens" must be a list of objects with whole-number "start" and "end"'
    if not isinstance(tokens, list) or not all(isinstance(t, dict) for t in tokens):
        raise InputError(path, fault, line)
    bounds = [(t.get("start"), t.get("end")) for t in tokens]
    for start, end in bounds:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise InputError(path, f"{fault}, got {start!r} and {end!r}", line)
        if not 0 <= start <= end <= len(text):
            raise InputError(path, f"token {start}-{end} is outside the text, which has "
                                   f"{len(text)} characters", line)
    return Tokens(bounds)


def write_jsonl(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        for position, document in enumerate(documents, start=1):
            out.write(json.dumps(_task(document, position, report), ensure_ascii=False) + "\n")
    return report


def _task(document: ExportableDocument, position: int, report: ExportReport) -> dict:
    doc = make_doc(document.text)
    spans = []
    for span in document.spans:
        entry = {"start": span.start, "end": span.end, "label": span.label}
        aligned = doc.char_span(span.start, span.end)
        if aligned is None:  # written with character offsets only, and reported
            report.misaligned.append(Misaligned(position, span, span.text(document.text)))
        else:
            entry["token_start"], entry["token_end"] = aligned.start, aligned.end - 1
        if span.source:
            entry["source"] = span.source
        if span.value is not None:
            entry["value"] = span.value
        spans.append(entry)
    report.documents += 1
    report.spans += len(spans)
    input_hash = hash_unicode(document.text)
    task = {
        "text": document.text,
        "tokens": [{"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
                    "ws": bool(t.whitespace_)} for t in doc],
        "spans": spans,
        "_input_hash": input_hash,
        "_task_hash": hash_unicode(
            f"{input_hash} " + json.dumps([[s["start"], s["end"], s["label"]] for s in spans])),
        "meta": document.meta,
    }
    if document.status in ANSWER_OF_STATUS:  # a pending document is still a task to answer
        task["answer"] = ANSWER_OF_STATUS[document.status]
    return task
