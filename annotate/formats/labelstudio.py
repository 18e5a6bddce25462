"""Label Studio's JSON export: a list of tasks, each with `data.text`, people's work in
`annotations` (`completions` before Label Studio 1.0) and the model's in `predictions`, each
holding `result` items; a `labels` result's `value` holds `start`, `end`, `text`, `labels`.

Predictions come in as the model's spans (their source is the `model_version`); each
annotation as its annotator's accepted work (a cancelled one as skipped), named after
`completed_by`; a `ground_truth` one too, said so (see _Task._named). Results that are no text span (`choices`, `relation`, `textarea`,
`rectanglelabels`, ...) are left out and reported: an annotation made of nothing else is
not imported at all, since an accepted annotation with no spans would say "no entity here".

What Label Studio knew a document by (task, annotation and result ids, the task's `meta`,
which `data` keys were data, which annotations were ground truth) is kept in the document's
meta under `labelstudio`, and written back on export (annotate.formats.labelstudio_writer).
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterator

from annotate.document import TextDocument
from annotate.formats.checks import IMPORT_SOURCE, checked_span, checked_text
from annotate.formats.errors import InputError
from annotate.formats.jsonl import numbered_array_items
from annotate.formats.notes import ImportNotes
from annotate.spans import Span, Tokens
from annotate.stored_tokens import pack_tokens
from annotate.tokenizer import tokens_of

TEXT_KEY = "text"  # the data key of the text, as in Label Studio's NER template
RESERVED = "labelstudio"  # the meta key holding what Label Studio knew the document by
SPAN_TYPE = "labels"  # the one result type that is a character span of the text
NAMES = ("label", "text")  # from_name and to_name of Label Studio's NER template
# Task keys of Label Studio's export (its task format and API pages; `completions` and
# `task_path` from before 1.0). An unknown key holding results is refused: its results
# would otherwise be dropped without a word.
WORK_KEYS = ("annotations", "completions")
KNOWN_KEYS = {
    "id", "data", "meta", *WORK_KEYS, "predictions", "drafts", "created_at", "updated_at",
    "inner_id", "total_annotations", "cancelled_annotations", "total_predictions",
    "comment_count", "unresolved_comment_count", "last_comment_updated_at", "project",
    "updated_by", "file_upload", "comment_authors", "annotators", "is_labeled", "overlap",
    "completed_at", "annotations_results", "predictions_results", "predictions_score",
    "predictions_model_versions", "annotations_ids", "predictions_ids", "avg_lead_time",
    "draft_exists", "storage_filename", "ground_truth", "agreement", "task_path",
}
NUMBERED_USER = re.compile(r"labelstudio-user-(\d+)")


def read_labelstudio(path: Path, report: ImportNotes | None = None) -> Iterator[TextDocument]:
    """A task at a time, so a large export is read in constant memory. What is left out
    without refusing the file is counted in `report`, when given."""
    notes = report if report is not None else ImportNotes()
    number = 0
    for number, (line, task) in enumerate(numbered_array_items(path), start=1):
        yield _Task(path, f"{line} (task {number})", notes).document(task)
    if not number:
        raise InputError(path, "expected a JSON list of Label Studio tasks; it is empty")


class _Task:
    """Reads one task: its place in the file for faults and notes."""

    def __init__(self, path: Path, where: str, notes: ImportNotes):
        self.path, self.where, self.notes = path, where, notes
        self.place = f"{path}:{where}"
        self.names: list[str] | None = None  # from_name and to_name of its first span

    def fault(self, message: str) -> InputError:
        return InputError(self.path, message, self.where)

    def document(self, task) -> TextDocument:
        data = task.get("data") if isinstance(task, dict) else None
        text = data.get(TEXT_KEY) if isinstance(data, dict) else None
        checked_text(self.path, self.where, text, 'needs "data": {"text": ...} with some text')
        self._refuse_unknown_work(task)
        tokens = tokens_of(text)
        kept: dict = {}
        predictions = self._predictions(task, text, tokens, kept)
        annotations = self._annotations(task, text, tokens, kept)
        self._note_drafts(task)
        if self.names and tuple(self.names) != NAMES:
            kept["names"] = self.names
        meta = self._meta(task, data, kept)
        return TextDocument(text, predictions, meta, self.path.name,
                            "accepted" if annotations else "pending", annotations=annotations,
                            tokens=pack_tokens(tokens))

    def _refuse_unknown_work(self, task: dict) -> None:
        for key, value in task.items():
            if key not in KNOWN_KEYS and isinstance(value, list) and any(
                    isinstance(item, dict) and isinstance(item.get("result"), list)
                    for item in value):
                raise self.fault(f'"{key}" holds results, but is none of Label Studio\'s '
                                 'task keys Goldspan reads ("annotations", "completions", '
                                 '"predictions"); rename it or remove it')

    def _predictions(self, task: dict, text: str, tokens: Tokens,
                     kept: dict) -> tuple[Span, ...] | None:
        found: tuple[Span, ...] | None = None
        for prediction in self._list(task, "predictions"):
            version = prediction.get("model_version")
            source = version if isinstance(version, str) and version.strip() else IMPORT_SOURCE
            read = self._text_spans(prediction, "prediction", text, tokens, source)
            if read is None:
                continue
            spans, ids = read
            found = (found or ()) + spans
            if ids:
                kept.setdefault("prediction_result_ids", {}).update(ids)
            about = {k: prediction[k] for k in ("id", "score") if scalar(prediction.get(k))}
            if about:
                kept.setdefault("predictions", {})[source] = about
        return tuple(sorted(found)) if found is not None else None

    def _text_spans(self, block: dict, what: str, text: str, tokens: Tokens, source: str):
        """(spans, result ids) of a prediction or annotation; None, noted, when it holds only
        results that are not text spans (it would otherwise say "no entity here")."""
        spans, ids, others = self._results(block, text, tokens, source)
        if others and not spans:
            self.notes.note(f"{what} with only {_types(others)} results, no text span: not "
                            "imported", self.place)
            return None
        self._note_beside(others)
        return spans, ids

    def _annotations(self, task: dict, text: str, tokens: Tokens,
                     kept: dict) -> dict[str, tuple[tuple[Span, ...], str]]:
        annotations: dict[str, tuple[tuple[Span, ...], str]] = {}
        for annotation, name, apart in self._named(task):
            completed_by = annotation.get("completed_by")
            read = self._text_spans(annotation, "annotation", text, tokens, IMPORT_SOURCE)
            if read is None:
                continue
            spans, ids = read
            if annotation.get("ground_truth") is True:
                kept.setdefault("ground_truth", []).append(name)
                self.notes.note('ground-truth annotation beside its annotator\'s own: '
                                'imported as "NAME (ground truth)"\'s work' if apart else
                                "ground-truth annotation: imported as its annotator's work, "
                                "not as an adjudicated version", self.place)
            annotations[name] = (spans, "skipped" if annotation.get("was_cancelled")
                                 else "accepted")
            if scalar(annotation.get("id")):
                kept.setdefault("annotation_ids", {})[name] = annotation["id"]
            if isinstance(completed_by, dict) or apart:  # else the name says it
                kept.setdefault("completed_by", {})[name] = completed_by
            if ids:
                kept.setdefault("result_ids", {})[name] = ids
        return annotations

    def _named(self, task: dict) -> list[tuple[dict, str, bool]]:
        """Each annotation with the name its work is stored under (its annotator's), and
        whether that name was set apart from the annotator's.

        A ground-truth annotation is Label Studio's reference for the task (Goldspan exports
        its adjudicated version so). Goldspan cannot take one in as an adjudicated version,
        which is made by settling conflicts here: it comes in as its annotator's own work,
        and is noted, never silently. Beside another annotation by the same person (an
        adjudicator who also annotated the task) it is stored as "NAME (ground truth)"'s
        work, and written back under the person's own `completed_by`. Two ordinary
        annotations by one person are refused: keeping one would drop the other."""
        listed = [(annotation, self._annotator_name(annotation.get("completed_by")))
                  for key in WORK_KEYS for annotation in self._list(task, key)]
        count = Counter(name for _, name in listed)
        references = Counter(name for annotation, name in listed
                             if annotation.get("ground_truth") is True)
        named = []
        for annotation, name in listed:
            apart = count[name] > 1 and annotation.get("ground_truth") is True
            if count[name] > 1 and (count[name] > 2 or references[name] != 1
                                    or f"{name} (ground truth)" in count):
                raise self.fault(f"two annotations by {name}; Goldspan keeps one per person")
            named.append((annotation, f"{name} (ground truth)" if apart else name, apart))
        return named

    def _note_drafts(self, task: dict) -> None:
        drafts = task.get("drafts")
        for draft in drafts if isinstance(drafts, list) else ():
            if isinstance(draft, dict) and draft.get("result"):
                self.notes.note("draft (work not submitted in Label Studio): not imported",
                                self.place)

    def _note_beside(self, others: list[str]) -> None:
        for kind in others:
            self.notes.note(f"{kind} result beside text spans: left out", self.place)

    def _meta(self, task: dict, data: dict, kept: dict) -> dict:
        """The data's other keys and the task's `meta` as the document's meta; which came
        from where (and a `meta` value a data key hides) under RESERVED."""
        task_meta = task.get("meta")
        if task_meta is None:
            task_meta = {}
        if not isinstance(task_meta, dict):
            raise self.fault(f'"meta" must be an object, not {task_meta!r}')
        if RESERVED in data or RESERVED in task_meta:
            raise self.fault(f'"{RESERVED}" is the meta key Goldspan keeps Label Studio\'s '
                             "ids under; rename that key")
        meta = {k: v for k, v in data.items() if k != TEXT_KEY}
        if meta:
            kept["data_keys"] = sorted(meta)
        hidden = {k: v for k, v in task_meta.items() if k in meta}
        if hidden:
            kept["meta"] = hidden
        meta.update((k, v) for k, v in task_meta.items() if k not in hidden)
        if scalar(task.get("id")):
            kept["task_id"] = task["id"]
        if kept:
            meta[RESERVED] = kept
        return meta

    def _annotator_name(self, completed_by) -> str:
        """The e-mail, else the user id; an annotation without either is "labelstudio"'s."""
        if isinstance(completed_by, dict):
            completed_by = completed_by.get("email") or completed_by.get("id")
            if isinstance(completed_by, str):
                return completed_by
        if completed_by is None:
            return "labelstudio"
        if isinstance(completed_by, bool) or not isinstance(completed_by, (int, str)):
            raise self.fault('"completed_by" must be a user id or an object with "email" or '
                             f'"id", not {completed_by!r}')
        return f"labelstudio-user-{completed_by}"

    def _list(self, task: dict, key: str) -> list[dict]:
        found = task.get(key)
        if found is None:
            return []
        if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
            raise self.fault(f'"{key}" must be a list of objects')
        return found

    def _results(self, block: dict, text: str, tokens: Tokens,
                 source: str) -> tuple[tuple[Span, ...], dict[str, object], list[str]]:
        """The text spans of an annotation or prediction, their result ids by span
        ("start-end-LABEL"), and the type of every result that is not a text span."""
        results = block.get("result")
        if results is None:
            return (), {}, []
        if not isinstance(results, list):
            raise self.fault('"result" must be a list')
        spans, ids, others = [], {}, []
        for number, result in enumerate(results, start=1):
            if not isinstance(result, dict):
                raise self.fault(f"result {number} must be an object, not {result!r}")
            value = result.get("value")
            if value is not None and not isinstance(value, dict):  # only a relation has none
                raise self.fault(f'result {number}: "value" must be an object, not {value!r}')
            kind = _result_type(result)
            if not isinstance(kind, str):
                raise self.fault(f'result {number}: "type" must be a string, not {kind!r}')
            if kind != SPAN_TYPE:
                others.append(kind)
                continue
            if value is None:
                raise self.fault(f'result {number} is a "labels" result without a "value"')
            labels = value.get("labels")
            if not isinstance(labels, list) or not labels:
                raise self.fault(f"result {number} at {value.get('start')!r} has no "
                                 '"labels" list')
            start, end = self._code_points(text, value)
            names = [result.get("from_name"), result.get("to_name")]
            if self.names is None and all(isinstance(n, str) for n in names):
                self.names = names
            for label in labels:
                span = checked_span(self.path, self.where, text, start, end, label, tokens,
                                    source)
                spans.append(span)
                if scalar(result.get("id")):
                    ids[span_key(span)] = result["id"]
        return tuple(sorted(spans)), ids, others

    def _code_points(self, text: str, value: dict) -> tuple:
        """The result's offsets in code points, as Python counts. Older Label Studio counted
        JavaScript's UTF-16 units, so after an emoji every offset was off; where the
        result's own `text` shows that, the offsets are converted rather than trusted."""
        start, end, covered = value.get("start"), value.get("end"), value.get("text")
        offsets = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
        if not isinstance(covered, str) or not offsets or not 0 <= start < end:
            return start, end  # checked_span says what is wrong, if anything
        if text[start:end] == covered:
            return start, end
        units = _utf16_to_code_points(text)
        if end < len(units) and text[units[start]:units[end]] == covered:
            return units[start], units[end]
        raise self.fault(f"the result at {start}-{end} says {covered!r} but the text there "
                         f"is {text[start:end]!r}")


def _result_type(result: dict):
    """The result's `type`; one written without it is a span if its value holds `labels`
    (Label Studio names a result's value key after its type)."""
    if "type" in result:
        return result["type"]
    value = result.get("value")
    if isinstance(value, dict) and "labels" in value:
        return SPAN_TYPE
    return "relation" if "from_id" in result else "untyped"


def _types(kinds: list[str]) -> str:
    return ", ".join(sorted(set(kinds)))


def scalar(value) -> bool:
    """An id or score worth keeping: a number or a string, never a structure."""
    return isinstance(value, (int, float, str)) and not isinstance(value, bool)


def span_key(span: Span) -> str:
    return f"{span.start}-{span.end}-{span.label}"


def _utf16_to_code_points(text: str) -> list[int]:
    """Code point offset of each UTF-16 offset (the one past the end included)."""
    offsets = []
    for index, char in enumerate(text):
        offsets += [index] * (2 if ord(char) > 0xFFFF else 1)
    offsets.append(len(text))
    return offsets
