"""Prodigy-style JSONL: one task per line with text, tokens, spans, hashes and answer.

Prodigy's own fields (`_input_hash`, `_task_hash`, `_view_id`, `_session_id`,
`_annotator_id`, `_timestamp`) are kept in the document's meta under PRODIGY_KEY and written
back on export; a task that had no hashes gets them computed as `prodigy.set_hashes` does.
Binary answers (ner.teach: accept or reject one suggested span) are partial annotation, not
a complete one: see annotate.formats.prodigy_binary."""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from contextlib import closing
from pathlib import Path
from typing import Any, Iterable, Iterator

from murmurhash import hash as murmur, hash_unicode

from annotate.document import ExportableDocument, ExportReport, Misaligned, TextDocument
from annotate.formats.checks import checked_span
from annotate.formats.errors import InputError
from annotate.formats.jsonl import text_records
from annotate.formats.notes import ImportNotes
from annotate.formats.prodigy_binary import BINARY_VIEW, BinaryAnswers, binary_tasks
from annotate.spans import Tokens, has_overlaps
from annotate.stored_tokens import spacy_bounds, spacy_doc, unpack
from annotate.tokens_ahead import with_tokens, worker_count

ANSWER_OF_STATUS = {"accepted": "accept", "rejected": "reject", "skipped": "ignore"}
STATUS_OF_ANSWER = {answer: status for status, answer in ANSWER_OF_STATUS.items()}
# Prodigy's fields of a task, kept as they were: name -> the JSON type they must have
PRODIGY_KEY = "_prodigy"  # in a document's meta
KEPT_FIELDS = {"_input_hash": int, "_task_hash": int, "_view_id": str, "_session_id": str,
               "_annotator_id": str, "_timestamp": int}
# A pending document goes out as "answer": "ignore" with this mark, so that `prodigy db-in`
# (which takes a task without an answer for an accepted one) cannot count it as gold.
PENDING_MARK = "goldspan_status"
# prodigy.set_hashes defaults (prodigy.util INPUT_HASH_KEYS, TASK_HASH_KEYS, IGNORE_HASH_KEYS)
INPUT_HASH_KEYS = ("text", "image", "html", "input")
TASK_HASH_KEYS = ("spans", "label", "options", "arcs")
IGNORE_HASH_KEYS = ("score", "rank", "model", "source", "pattern", "priority", "path",
                    "_view_id", "_session_id", "_annotator_id", "answer")


def read_jsonl(path: Path, notes: ImportNotes | None = None) -> Iterator[TextDocument]:
    """A line at a time: a large file is read in constant memory (besides one number per
    task that holds a single span, to tell binary data apart, and the binary answers, whose
    documents come at the end). `notes` gets the binary answers left out."""
    single_spans: dict[int, tuple[int, tuple]] = {}
    binary = BinaryAnswers(path, notes)
    # spaCy's tokens of each text the task does not tokenize itself, made ahead; closed
    # at once when a fault stops the reading, which stops the workers
    with closing(with_tokens(text_records(path),
                             lambda item: item[2] if item[1].get("tokens") is None else None,
                             worker_count(path.stat().st_size))) as records:
        for (line, record, text), packed in records:
            document = _document(path, line, record, text, single_spans, binary, packed)
            if document is not None:
                yield document
    yield from binary.documents()


def _document(path: Path, line: int, record: dict, text: str,
              single_spans: dict[int, tuple[int, tuple]],
              binary: BinaryAnswers, packed: bytes | None) -> TextDocument | None:
    meta = record.get("meta")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError(path, '"meta" must be a JSON object', line)
    if PRODIGY_KEY in meta:
        raise InputError(path, f'"meta" holds "{PRODIGY_KEY}", the key Goldspan keeps '
                               "Prodigy's own fields under", line)
    answer = record.get("answer")
    if answer is not None and (not isinstance(answer, str) or answer not in STATUS_OF_ANSWER):
        raise InputError(path, f'"answer" must be accept, reject or ignore, not {answer!r}', line)
    status = STATUS_OF_ANSWER.get(answer, "pending")
    mark = record.get(PENDING_MARK)
    if mark is not None and mark != "pending":
        raise InputError(path, f'"{PENDING_MARK}" can only be "pending", not {mark!r}', line)
    if mark == "pending" and answer == "ignore":  # answered since in Prodigy: the answer holds
        status = "pending"
    kept = _kept_fields(path, line, record)
    if kept:
        meta = {**meta, PRODIGY_KEY: kept}
    raw_spans = record.get("spans")
    if raw_spans is None:
        return TextDocument(text, None, meta, path.name, status, tokens=packed)
    if not isinstance(raw_spans, list) or not all(isinstance(s, dict) for s in raw_spans):
        raise InputError(path, '"spans" must be a list of objects', line)
    is_binary = _is_binary(path, line, record, text, raw_spans, single_spans)
    given = _given_tokens(path, line, text, record.get("tokens"))
    tokens = given or unpack(packed)
    spans = [checked_span(path, line, text, s.get("start"), s.get("end"), s.get("label"),
                          tokens) for s in raw_spans]
    if is_binary:
        binary.add(line, record, text, list(zip(spans, raw_spans)), kept,
                   record.get("meta") or {})
        return None
    return TextDocument(text, tuple(sorted(spans)), meta, path.name, status,
                        tokens=None if given else packed)  # spaCy's are stored


def _kept_fields(path: Path, line: int, record: dict) -> dict:
    kept = {}
    for name, kind in KEPT_FIELDS.items():
        if name not in record:
            continue
        value = record[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            wanted = "a whole number" if kind is int else "a string"
            raise InputError(path, f'"{name}" must be {wanted}, not {value!r}', line)
        kept[name] = value
    return kept


def _is_binary(path: Path, line: int, record: dict, text: str, raw_spans: list,
               single_spans: dict[int, tuple[int, tuple]]) -> bool:
    """Whether a task answers yes or no about suggested spans (Prodigy's ner.teach and
    other binary recipes), whose other tokens are unknown, not "no entity". A task answered
    in a manual view never is one; where the file cannot tell, it is refused, not guessed."""
    view = record.get("_view_id")
    if view is not None:
        return view == BINARY_VIEW
    if len(raw_spans) == 1 and ("score" in raw_spans[0] or record.get("answer") == "reject"):
        return True  # a model's suggestion with its score, or a rejected suggestion
    if record.get("answer") == "reject" and raw_spans:
        why = ('it rejects a task that has several spans, and no "_view_id" says whether it '
               "was annotated by hand or answered about suggestions")
    elif len(raw_spans) == 1:
        key = record.get("_input_hash")
        if not isinstance(key, int) or isinstance(key, bool):
            key = hash_unicode(text)
        span = tuple(raw_spans[0].get(k) for k in ("start", "end", "label"))
        first = single_spans.setdefault(key, (line, span))
        if first[1] == span:
            return False
        why = (f"line {first[0]} asks about another single span of the same text, so these "
               "may be answers about suggestions")
    else:
        return False
    raise InputError(path, f"cannot tell whether this task is a complete annotation or a "
                           f"binary answer about suggested spans: {why}. Add \"_view_id\": "
                           f"\"{BINARY_VIEW}\" to binary answers (as Prodigy writes them) or "
                           "\"ner_manual\" to tasks annotated by hand", line)


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


def prodigy_hashes(task: dict) -> tuple[int, int]:
    """(input hash, task hash) of a task as `prodigy.set_hashes` computes them by default:
    the input hash from its `text` (and `image`, `html`, `input`), the task hash from the
    input hash and its `spans` (and `label`, `options`, `arcs`); each a signed 32-bit
    MurmurHash3 of the JSON of those keys with sorted keys, keys Prodigy ignores (a span's
    `source`, `score`, ...) left out. Not checked against Prodigy's own values."""
    input_hash = _hashed(task, INPUT_HASH_KEYS)
    return input_hash, _hashed(task, TASK_HASH_KEYS, prefix=str(input_hash))


def _hashed(task: dict, keys: tuple[str, ...], prefix: str = "") -> int:
    values = {key: _without_ignored(task[key]) for key in keys if key in task}
    return murmur(prefix + json.dumps(values, sort_keys=True))


def _without_ignored(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ignored(v) for k, v in value.items() if k not in IGNORE_HASH_KEYS}
    if isinstance(value, list):
        return [_without_ignored(v) for v in value]
    return value


def write_jsonl(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    """A task per document; a partial one (Prodigy's binary answers) as a task per answer,
    as ner.teach wrote them."""
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        for position, document in enumerate(documents, start=1):
            rejected = getattr(document, "rejected", None)
            tasks = ([_task(document, position, report)] if rejected is None
                     else _binary_tasks(document, rejected, position, report))
            out.writelines(json.dumps(task, ensure_ascii=False) + "\n" for task in tasks)
    return report


def _binary_tasks(document: ExportableDocument, rejected, position: int,
                  report: ExportReport) -> list[dict]:
    text = document.text
    tokens = _tokens(document, (*document.spans, *rejected), position, report)
    kept = document.meta.get(PRODIGY_KEY)
    input_hash = kept.get("_input_hash") if isinstance(kept, dict) else None
    if input_hash is None:
        input_hash = _hashed({"text": text}, INPUT_HASH_KEYS)
    report.documents += 1
    report.spans += len(document.spans)
    return binary_tasks(text, tokens, document.spans, rejected, document.meta, input_hash,
                        lambda task: _hashed(task, TASK_HASH_KEYS, prefix=str(input_hash)))


def _tokens(document: ExportableDocument, spans, position: int,
            report: ExportReport) -> list[dict]:
    """spaCy's tokens of the text as Prodigy writes them, cut where a span starts or ends
    inside one (such spans are reported), so that the file reads back as it was."""
    text = document.text
    stored = getattr(document, "tokens", None)
    if isinstance(stored, bytes):
        stored = unpack(stored)
    bounds = (spacy_bounds(text, stored) if stored is not None
              else [(t.idx, t.idx + len(t.text)) for t in spacy_doc(text)])
    starts, ends = {s for s, _ in bounds}, {e for _, e in bounds}
    cuts = set()
    for span in spans:
        if span.start not in starts or span.end not in ends:  # written all the same, reported
            report.misaligned.append(Misaligned(position, span, span.text(text)))
            cuts.update(b for b, ok in ((span.start, starts), (span.end, ends)) if b not in ok)
    if cuts:
        bounds = _cut(text, bounds, sorted(cuts))
    next_starts = [s for s, _ in bounds[1:]] + [len(text)]
    return [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": following > e}
            for i, ((s, e), following) in enumerate(zip(bounds, next_starts))]


def _task(document: ExportableDocument, position: int, report: ExportReport) -> dict:
    text, document_spans = document.text, document.spans or ()
    tokens = _tokens(document, document_spans, position, report)
    token_at_start = {t["start"]: t["id"] for t in tokens}
    token_at_end = {t["end"]: t["id"] for t in tokens}
    spans = []
    for span in document_spans:
        entry = {"start": span.start, "end": span.end, "label": span.label,
                 "token_start": token_at_start[span.start],
                 "token_end": token_at_end[span.end]}
        if span.source:
            entry["source"] = span.source
        if span.value is not None:
            entry["value"] = span.value
        spans.append(entry)
    report.documents += 1
    report.spans += len(spans)
    task = {"text": text, "tokens": tokens, "spans": spans}
    kept = document.meta.get(PRODIGY_KEY)
    kept = kept if isinstance(kept, dict) else {}
    input_hash = kept.get("_input_hash")
    if input_hash is None:
        input_hash = _hashed(task, INPUT_HASH_KEYS)
    task["_input_hash"] = input_hash
    task["_task_hash"] = kept.get("_task_hash",
                                  _hashed(task, TASK_HASH_KEYS, prefix=str(input_hash)))
    # The view a whole-text annotation is made in: it tells a rejected task from a rejected
    # suggestion (binary data) when the file is read back, and Prodigy's review needs it.
    task["_view_id"] = kept.get("_view_id") or (
        "spans_manual" if has_overlaps(document_spans) else "ner_manual")
    for name in ("_session_id", "_annotator_id", "_timestamp"):
        if name in kept:
            task[name] = kept[name]
    task["meta"] = {k: v for k, v in document.meta.items() if k != PRODIGY_KEY}
    if document.status in ANSWER_OF_STATUS:
        task["answer"] = ANSWER_OF_STATUS[document.status]
    else:  # pending: still a task to answer, which db-in must not take for an accepted one
        task["answer"] = "ignore"
        task[PENDING_MARK] = "pending"
    return task


def _cut(text: str, bounds: list[tuple[int, int]], cuts: list[int]) -> list[tuple[int, int]]:
    """spaCy's tokens cut at each position a span starts or ends inside one; where such a
    position falls in the white space between tokens, that space becomes tokens too."""
    pieces = []
    position = 0
    for start, end in bounds + [(len(text), len(text))]:
        if position < start:  # white space before this token
            first, last = bisect_left(cuts, position), bisect_right(cuts, start)
            if first < last:
                pieces += _split(position, start, cuts[first:last])
        if start < end:
            first, last = bisect_right(cuts, start), bisect_left(cuts, end)
            pieces += _split(start, end, cuts[first:last])
        position = end
    return pieces


def _split(start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    edges = [start, *(c for c in cuts if start < c < end), end]
    return list(zip(edges, edges[1:]))
