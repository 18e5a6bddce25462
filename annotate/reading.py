"""Reading an import's files under its choices, with a report of what each file gave: every
record is either read faithfully or counted as left out, with the first few places."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Mapping

from annotate.document import TextDocument
from annotate.formats import input_files, read_file
from annotate.formats.brat import META_KEY as BRAT_KEY
from annotate.formats.checks import Alignment, OffBoundary, aligning
from annotate.formats.conll import describe
from annotate.formats.errors import InputError
from annotate.formats.notes import ImportNotes
from annotate.label_map import relabelled
from annotate.spans import Span

EXAMPLES = 5  # places named per reason; the rest are counted
REFUSED_SHOWN = 20  # misaligned spans listed when they refuse the import
SPANLESS_FORMATS = {"txt"}  # formats that cannot carry spans: their report says none


@dataclass
class FileReport:
    """What one file gave: documents and spans read, spans changed or left out and why."""

    path: Path
    format: str
    documents: int = 0
    spans: int = 0  # read, the model's and people's
    changed: Counter = field(default_factory=Counter)  # reason -> spans
    left_out: Counter = field(default_factory=Counter)  # reason -> spans or records
    places: dict[str, list[str]] = field(default_factory=dict)  # reason -> first places
    # Records the reader passed over without refusing (counted in records, not spans).
    notes: ImportNotes = field(default_factory=ImportNotes)
    decided: str | None = None  # what the reader made of the file (CoNLL: scheme, split)
    # The sources its documents were given (TextDocument.source): what the store counts
    # added and skipped documents by. One for a file, one per text file of a brat folder.
    sources: set[str] = field(default_factory=set)

    @property
    def kept(self) -> int:
        return self.spans - sum(self.left_out.values())

    def note(self, tally: Counter, reason: str, place: str) -> None:
        tally[reason] += 1
        shown = self.places.setdefault(reason, [])
        if len(shown) < EXAMPLES:
            shown.append(place)


def read_documents(
    paths: list[Path], fmt: str = "auto", misaligned: str = "refuse",
    label_map: Mapping[str, str] | None = None, reports: list[FileReport] | None = None,
    doc_sep: str | int | None = None, discontinuous: str = "refuse",
) -> Iterator[TextDocument]:
    """Every document of every file, checked, with misaligned spans handled as `misaligned`
    says (brat's discontinuous spans as `discontinuous` says) and labels renamed by the map.
    With "refuse", reading goes on to the end and then one InputError lists every
    misaligned span. `reports` gets a FileReport per file.

    Each document's source is its file's path from the folder the inputs share: a bare
    name for files of one folder, with the folders where two files share a name."""
    refused: list[OffBoundary] = []
    first_refused_in: Path | None = None
    base = _shared_folder(paths)
    for path, file_format in input_files(paths, fmt):
        report = FileReport(path, file_format)
        file_source = _relative(path, base)  # once: a file may hold 100,000 records
        if reports is not None:
            reports.append(report)
        alignment = Alignment(misaligned)
        with aligning(alignment):
            for document in read_file(path, file_format, report.notes, doc_sep,
                                      discontinuous):
                report.decided = report.decided or describe(document.meta)
                met, alignment.met = alignment.met, []
                document = _settled(document, met, report, misaligned)
                source = (_brat_source(path, document, base, file_source)
                          if file_format == "brat" else file_source)
                if document.source != source:
                    document = replace(document, source=source)
                report.sources.add(source)
                report.documents += 1
                report.spans += _span_count(document) + sum(o.outcome is None for o in met)
                if misaligned == "refuse" and met:
                    refused += met
                    first_refused_in = first_refused_in or path
                if not refused:
                    yield relabelled(document, label_map or {})
    if refused:
        raise MisalignedRefusal(first_refused_in, refused)


class MisalignedRefusal(InputError):
    """Spans off token boundaries refused the import. The message names the first few;
    `refused` holds every one, for a caller with room to list them (the window)."""

    def __init__(self, path: Path, refused: list[OffBoundary]):
        super().__init__(path, _refusal(refused))
        self.refused = refused

    def places(self) -> list[str]:
        """One line per refused span: file:line, label, offsets, text with neighbours."""
        return [_place(o) for o in self.refused]

    def summary(self) -> str:
        """The message without its list of spans, to go above `places()`."""
        return str(InputError(self.path, _refusal(self.refused, shown=0)))


def _shared_folder(paths: list[Path]) -> Path | None:
    folders = [os.path.abspath(p if p.is_dir() else p.parent) for p in paths]
    try:
        return Path(os.path.commonpath(folders)) if folders else None
    except ValueError:  # on different drives
        return None


def _brat_source(path: Path, document: TextDocument, base: Path | None,
                 file_source: str) -> str:
    """A brat document's .txt file (`path` is its folder or its .ann file), from `base`."""
    own = document.meta.get(BRAT_KEY) if isinstance(document.meta, dict) else None
    if not (isinstance(own, dict) and isinstance(own.get("name"), str)):
        return file_source
    return _relative((path if path.is_dir() else path.parent) / f"{own['name']}.txt", base)


def _relative(path: Path, base: Path | None) -> str:
    if base is None:
        return str(path)
    return Path(os.path.relpath(os.path.abspath(path), base)).as_posix()


def _settled(document: TextDocument, met: list[OffBoundary], report: FileReport,
             alignment_choice: str) -> TextDocument:
    """The document with its misaligned spans as the choice made them: those left out are
    taken out of its spans and of people's work alike."""
    if not met:
        return document
    dropped = [o.span for o in met if o.outcome is None]
    for found in met:
        if found.outcome is None:
            reason = ("misaligned, no whole token inside: left out"
                      if alignment_choice == "contract" else "misaligned, left out")
            report.note(report.left_out, reason, f"{found.where} {found.seen}")
        elif found.outcome != found.span:
            report.note(report.changed, "misaligned, snapped to tokens",
                        f"{found.where} {found.seen} -> {found.outcome.start}-"
                        f"{found.outcome.end}")
        else:
            report.note(report.changed, "misaligned, kept as characters",
                        f"{found.where} {found.seen}")
    if not dropped:
        return document

    def without(spans: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple(s for s in spans if s not in dropped)

    return replace(
        document, spans=None if document.spans is None else without(document.spans),
        annotations={name: (without(spans), status)
                     for name, (spans, status) in document.annotations.items()},
        rejected=None if document.rejected is None else without(document.rejected))


def _span_count(document: TextDocument) -> int:
    return (len(document.spans or ()) + len(document.rejected or ())
            + sum(len(spans) for spans, _ in document.annotations.values()))


def _place(found: OffBoundary) -> str:
    return f"{found.where}: {found.span.label} {found.span.start}-{found.span.end} {found.seen!r}"


def _refusal(refused: list[OffBoundary], shown: int = REFUSED_SHOWN) -> str:
    listed = ""
    if shown:
        more = f"; and {len(refused) - shown} more" if len(refused) > shown else ""
        listed = f": {'; '.join(_place(o) for o in refused[:shown])}{more}"
    return (f"{len(refused)} spans do not start and end on token boundaries{listed}. "
            "Nothing was imported; choose --misaligned keep, expand, contract or skip")


def summary_lines(reports: list[FileReport]) -> list[str]:
    """Per file: what was read and what was left out or changed, with the first places."""
    lines = []
    for report in reports:
        decided = f" ({report.decided})" if report.decided else ""
        spans = ("" if report.format in SPANLESS_FORMATS
                 else f", {report.spans} spans read, {report.kept} kept")
        lines.append(f"{report.path}: {report.format}{decided}, {report.documents} "
                     f"documents{spans}")
        lines += [f"  {line}" for line in report.notes.lines()]
        for tally in (report.changed, report.left_out):
            for reason, count in tally.most_common():
                places = ", ".join(report.places.get(reason, []))
                lines.append(f"  {count} {reason}: {places}"
                             + (" …" if count > len(report.places.get(reason, [])) else ""))
    return lines
