"""What import and export say, as lines of text, from the reports the jobs return.
Presentation only, as annotate/qa_output.py is for QA."""
from __future__ import annotations

from pathlib import Path

from annotate.document import ExportReport
from annotate.reading import FileReport, summary_lines

SHOWN = 20  # items listed per kind; the rest are counted


def stored_from(report: FileReport, by_source: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """(added, already there) of the documents read from a file, or from a brat folder's
    files: the store counts them by the sources reading gave them, which tell apart files
    of one name in different folders."""
    counts = [by_source[source] for source in report.sources if source in by_source]
    return sum(added for added, _ in counts), sum(there for _, there in counts)


def import_lines(dataset: str, reports: list[FileReport], result, renames,
                 annotator: str | None) -> list[str]:
    """After an import (`result`: store.records.ImportResult): per file what was read and
    stored, what the label map did, and the totals."""
    lines = []
    for report in reports:
        lines += summary_lines([report])
        added, there = stored_from(report, result.by_source)
        lines.append(f"  stored: {added} documents added, {there} already there")
    lines += label_map_lines(renames)
    if result.labels_added:
        lines.append(f"{dataset}: labels added to the label set: "
                     f"{', '.join(result.labels_added)}")
    if annotator:
        kept = (f"; {result.already_annotated} they had annotated already, left as they were"
                if result.already_annotated else "")
        lines.append(f"{dataset}: {result.annotations} annotations by {annotator}, "
                     f"{result.added} of them on new documents{kept}")
        return lines
    lines.append(f"{dataset}: {result.added} documents added"
                 + (f", {result.duplicates} already there and skipped" if result.duplicates
                    else "")
                 + (f"; {result.annotations} people's annotations" if result.annotations
                    else ""))
    return lines


def label_map_lines(renames) -> list[str]:
    """What --label-map did: labels it dropped, and keys that matched no label."""
    if renames is None:
        return []
    lines = [f"--label-map left out {n} {label} spans" for label, n in renames.dropped.items()]
    lines += [f"--label-map: {key} matched no label in the input" for key in renames.unused()]
    return lines


def export_lines(reports: dict[Path, ExportReport], fmt: str, spans_key: str) -> list[str]:
    """Per file written: documents and spans, and everything the format could not hold."""
    lines = []
    for path, report in reports.items():
        lines.append(f"wrote {report.documents} documents with {report.spans} spans to {path}")
        for position, relation in getattr(report, "dropped_relations", [])[:SHOWN]:
            lines.append(f"  document {position}: relation {relation} left out: one of its "
                         "entities is no longer there")
        for position, name, line in getattr(report, "dropped_extras", [])[:SHOWN]:
            lines.append(f"  document {position} ({name}): {line!r} left out: what it points "
                         "at is no longer there")
        if report.partial_held_back:
            lines.append(f"  {report.partial_held_back} documents of partial work (Prodigy's "
                         f"binary answers) left out: {fmt} cannot mark the unknown tokens; "
                         "export them to .spacy or Prodigy JSONL")
        if report.overlapping_documents:
            where = (f"written to doc.spans[{spans_key!r}] only, not doc.ents" if fmt == "spacy"
                     else "their spans are not in the file (one tag per token)")
            lines.append(f"  {report.overlapping_documents} documents have overlapping spans: "
                         f"{where}")
        if report.misaligned:
            where = ("not in the file" if fmt in ("spacy", "conll")
                     else "kept with their character offsets")
            lines.append(f"  {len(report.misaligned)} spans do not start and end on token "
                         f"boundaries ({where}):")
            lines += [f"    document {item.document}: {item.span.start}-{item.span.end} "
                      f"{item.span.label} {item.text!r}" for item in report.misaligned[:SHOWN]]
    return lines
