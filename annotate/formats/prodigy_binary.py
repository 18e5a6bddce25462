"""Prodigy's binary answers (ner.teach and the like: accept or reject one suggested span per
task) as partial annotation.

All the answers about one text become one document: the accepted suggestions are its spans
(gold), the rejected ones are kept as known-wrong, and every other token is unknown, never
"no entity". What each task was (its hashes, session, score, meta) is kept in the document's
meta so that the export writes the same tasks back, one per answer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from annotate.document import TextDocument
from annotate.formats.notes import ImportNotes
from annotate.spans import Span

BINARY_VIEW = "ner"  # Prodigy's accept/reject view of suggested spans
ANSWERS_KEY = "answers"  # under the document's Prodigy meta: one entry per task answered
# Kept per answer: Prodigy's own fields that differ from task to task.
TASK_FIELDS = ("_task_hash", "_session_id", "_annotator_id", "_timestamp")
# A suggested span's own keys, written back as they were (ner.teach adds text, score, rank,
# source and input_hash); the rest are the span itself or made anew from the tokens.
SPAN_KEYS = ("start", "end", "label", "token_start", "token_end")


@dataclass
class _Text:
    """Everything answered about one text, in the order met."""

    first_line: int
    input_hash: int | None
    answers: list[tuple[int, Span, str, dict]] = field(default_factory=list)


class BinaryAnswers:
    """Gathers binary tasks while a file is read; their documents come at its end, since
    answers about one text may be anywhere in the file."""

    def __init__(self, path: Path, notes: ImportNotes | None):
        self.path = path
        self.notes = notes if notes is not None else ImportNotes()
        self.texts: dict[str, _Text] = {}

    def add(self, line: int, record: dict, text: str, spans: list[tuple[Span, dict]],
            kept: dict, meta: dict) -> None:
        """One task's answer about its spans (each with the span's object as written)."""
        answer = record.get("answer")
        if answer not in ("accept", "reject"):
            what = "answered ignore" if answer == "ignore" else "not answered"
            self.notes.note(f"binary task {what}: it says nothing about its span, left out",
                            f"{self.path.name}:{line}")
            return
        if not spans:
            self.notes.note("binary task without a span: left out", f"{self.path.name}:{line}")
            return
        about = self.texts.setdefault(text, _Text(line, kept.get("_input_hash")))
        entry = {name: kept[name] for name in TASK_FIELDS if name in kept}
        if meta:
            entry["meta"] = meta
        for span, written in spans:
            extra = {k: v for k, v in written.items() if k not in SPAN_KEYS}
            about.answers.append((line, span, answer, {**entry, "span": extra} if extra
                                  else entry))

    def documents(self) -> Iterator[TextDocument]:
        for text, about in self.texts.items():
            yield self._document(text, about)

    def _document(self, text: str, about: _Text) -> TextDocument:
        verdicts: dict[Span, set[str]] = {}
        lines: dict[Span, list[int]] = {}
        for line, span, answer, _ in about.answers:
            verdicts.setdefault(span, set()).add(answer)
            lines.setdefault(span, []).append(line)
        both = {span for span, said in verdicts.items() if len(said) > 1}
        for span in both:
            self.notes.note("span both accepted and rejected: left out",
                            f"{self.path.name}:{'/'.join(map(str, lines[span]))} "
                            f"{span.label} {text[span.start:span.end]!r}")
        for span, seen in lines.items():
            if span not in both and len(seen) > 1:
                self.notes.note("the same answer more than once: kept once",
                                f"{self.path.name}:{'/'.join(map(str, seen))}")
        accepted = tuple(sorted(s for s, said in verdicts.items() if said == {"accept"}))
        rejected = tuple(sorted(s for s, said in verdicts.items() if said == {"reject"}))
        answers = [{"start": span.start, "end": span.end, "label": span.label,
                    "answer": answer, **entry}
                   for _, span, answer, entry in about.answers if span not in both]
        prodigy = {ANSWERS_KEY: answers, "_view_id": BINARY_VIEW}
        if about.input_hash is not None:
            prodigy["_input_hash"] = about.input_hash
        return TextDocument(text, accepted, {"_prodigy": prodigy}, self.path.name,
                            "accepted", rejected=rejected)


def kept_answers(meta: dict) -> dict[tuple[int, int, str, str], dict]:
    """(start, end, label, answer) -> what the import kept of the task that answered it."""
    prodigy = meta.get("_prodigy")
    answers = prodigy.get(ANSWERS_KEY) if isinstance(prodigy, dict) else None
    found = {}
    for entry in answers if isinstance(answers, list) else ():
        if isinstance(entry, dict):
            key = tuple(entry.get(k) for k in ("start", "end", "label", "answer"))
            found.setdefault(key, entry)
    return found


def binary_tasks(text: str, tokens: list[dict], accepted, rejected, meta: dict,
                 input_hash: int, hashed) -> list[dict]:
    """One task per answer, as ner.teach writes them: the text, its tokens, one span and
    the answer; what the import kept of each is written back, new answers get new hashes
    (`hashed(task)` gives a task hash)."""
    kept = kept_answers(meta)
    order = {key: index for index, key in enumerate(kept)}  # as the tasks were read
    shared = {k: v for k, v in meta.items() if k != "_prodigy"}
    starts = {t["start"]: t["id"] for t in tokens}
    ends = {t["end"]: t["id"] for t in tokens}
    tasks = []
    for answer, spans in (("accept", accepted), ("reject", rejected)):
        for span in spans:
            key = (span.start, span.end, span.label, answer)
            entry = kept.get(key, {})
            extra = entry.get("span")
            task = {"text": text, "tokens": tokens,
                    "spans": [{"start": span.start, "end": span.end, "label": span.label,
                               "token_start": starts.get(span.start),
                               "token_end": ends.get(span.end),
                               **(extra if isinstance(extra, dict) else {})}],
                    "_input_hash": input_hash}
            task["_task_hash"] = entry.get("_task_hash", hashed(task))
            task["_view_id"] = BINARY_VIEW
            task.update({k: entry[k] for k in TASK_FIELDS[1:] if k in entry})
            own = entry.get("meta")
            task["meta"] = {**shared, **(own if isinstance(own, dict) else {})}
            task["answer"] = answer
            tasks.append((order.get(key, len(order)), task))
    return [task for _, task in sorted(tasks, key=lambda pair: pair[0])]
