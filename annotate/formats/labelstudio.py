"""Label Studio's JSON export: a list of tasks, each with `data.text`, `annotations[].result[]`
and `predictions[].result[]` whose `value` holds `start`, `end` and `labels`.

Predictions come in as the model's spans; each annotation as its annotator's accepted work
(a cancelled one as skipped), named after Label Studio's `completed_by`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from annotate.document import ExportableDocument, ExportReport, TextDocument
from annotate.formats.checks import checked_span, checked_text
from annotate.formats.errors import InputError
from annotate.formats.jsonl import numbered_array_items
from annotate.spans import Span, Tokens
from annotate.tokenizer import tokens_of

TEXT_KEY = "text"  # the data key of the text, as in Label Studio's NER template


def read_labelstudio(path: Path) -> Iterator[TextDocument]:
    """A task at a time, so a large export is read in constant memory."""
    number = 0
    for number, (line, task) in enumerate(numbered_array_items(path), start=1):
        yield _document(path, f"{line} (task {number})", task)
    if not number:
        raise InputError(path, "expected a JSON list of Label Studio tasks; it is empty")


def _document(path: Path, where: str, task) -> TextDocument:
    data = task.get("data") if isinstance(task, dict) else None
    text = data.get(TEXT_KEY) if isinstance(data, dict) else None
    checked_text(path, where, text, 'needs "data": {"text": ...} with some text')
    tokens = tokens_of(text)
    predictions = None
    for prediction in _list(path, where, task, "predictions"):
        predictions = (predictions or ()) + _spans(path, where, text, tokens, prediction)
    annotations: dict[str, tuple[tuple[Span, ...], str]] = {}
    for annotation in _list(path, where, task, "annotations"):
        name = _annotator_name(path, where, annotation.get("completed_by"))
        if name in annotations:  # keeping one would drop the other without a word
            raise InputError(path, f"two annotations by {name}; Goldspan keeps one per person",
                             where)
        annotations[name] = (_spans(path, where, text, tokens, annotation),
                             "skipped" if annotation.get("was_cancelled") else "accepted")
    meta = {k: v for k, v in data.items() if k != TEXT_KEY}
    if "id" in task:
        meta["labelstudio_id"] = task["id"]
    return TextDocument(text, tuple(sorted(predictions)) if predictions is not None else None,
                        meta, path.name, "accepted" if annotations else "pending",
                        annotations=annotations)


def _annotator_name(path: Path, where: str, completed_by) -> str:
    """The e-mail, else the user id; an annotation without either is "labelstudio"'s."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
        if isinstance(completed_by, str):
            return completed_by
    if completed_by is None:
        return "labelstudio"
    if isinstance(completed_by, bool) or not isinstance(completed_by, (int, str)):
        raise InputError(path, '"completed_by" must be a user id or an object with "email" '
                               f"or \"id\", not {completed_by!r}", where)
    return f"labelstudio-user-{completed_by}"


def _list(path: Path, where: str, task: dict, key: str) -> list[dict]:
    found = task.get(key)
    if found is None:
        return []
    if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
        raise InputError(path, f'"{key}" must be a list of objects', where)
    return found


def _spans(path: Path, where: str, text: str, tokens: Tokens, block: dict) -> tuple[Span, ...]:
    results = block.get("result")
    if results is None:
        return ()
    if not isinstance(results, list):
        raise InputError(path, '"result" must be a list', where)
    spans = []
    for number, result in enumerate(results, start=1):
        if not isinstance(result, dict):
            raise InputError(path, f"result {number} must be an object, not {result!r}", where)
        value = result.get("value")
        if value is None:
            continue  # a relation: no value, no span
        if not isinstance(value, dict):
            raise InputError(path, f'result {number}: "value" must be an object, not '
                                   f"{value!r}", where)
        if "start" not in value and "end" not in value:
            continue  # not a span (a choice, a rating, a text area)
        labels = value.get("labels") or value.get("hypertextlabels")
        if not isinstance(labels, list) or not labels:
            raise InputError(path, f"result {number} at {value.get('start')!r} has no "
                                   '"labels" list', where)
        start, end = _code_points(path, where, text, value)
        for label in labels:
            spans.append(checked_span(path, where, text, start, end, label, tokens))
    return tuple(sorted(spans))


def _code_points(path: Path, where: str, text: str, value: dict) -> tuple:
    """The result's offsets in code points, as Python counts. Older Label Studio counted
    JavaScript's UTF-16 units, so after an emoji every offset was off; where the result's
    own `text` shows that, the offsets are converted rather than trusted."""
    start, end, covered = value.get("start"), value.get("end"), value.get("text")
    offsets = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
    if not isinstance(covered, str) or not offsets or not 0 <= start < end:
        return start, end  # checked_span says what is wrong, if anything
    if text[start:end] == covered:
        return start, end
    units = _utf16_to_code_points(text)
    if end < len(units) and text[units[start]:units[end]] == covered:
        return units[start], units[end]
    raise InputError(path, f"the result at {start}-{end} says {covered!r} but the text there "
                           f"is {text[start:end]!r}", where)


def _utf16_to_code_points(text: str) -> list[int]:
    """Code point offset of each UTF-16 offset (the one past the end included)."""
    offsets = []
    for index, char in enumerate(text):
        offsets += [index] * (2 if ord(char) > 0xFFFF else 1)
    offsets.append(len(text))
    return offsets


def write_labelstudio(documents: Iterable[ExportableDocument], path: Path) -> ExportReport:
    """One task per document with its spans as one annotation. Written a task at a time."""
    report = ExportReport()
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for number, document in enumerate(documents, start=1):
            results = [{"id": f"{number}-{i}", "from_name": "label", "to_name": "text",
                        "type": "labels",
                        "value": {"start": s.start, "end": s.end, "text": s.text(document.text),
                                  "labels": [s.label]}}
                       for i, s in enumerate(document.spans, start=1)]
            task = {"id": number, "data": {TEXT_KEY: document.text, **{
                        k: v for k, v in document.meta.items() if k != TEXT_KEY}},
                    "annotations": [{"result": results,
                                     "was_cancelled": document.status == "skipped"}]}
            out.write(("\n" if number == 1 else ",\n") + json.dumps(task, ensure_ascii=False))
            report.documents += 1
            report.spans += len(results)
        out.write("\n]\n")
    return report
