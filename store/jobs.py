"""Batch work that reads files or runs the pipeline and writes the store, or the reverse.

The command line and the window both call these. `progress(n)` is told how many items were
just done; raising from it (a cancel) leaves the store consistent: an import reads and checks
every file before it writes, pre-annotation commits a batch at a time.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from annotate.document import ExportReport, TextDocument
from annotate.formats import FOLDER_FORMATS, WRITERS, input_files, read_file
from annotate.formats.docbin import DEFAULT_SPANS_KEY
from annotate.label_map import relabelled
from annotate.labels import LabelRecord
from annotate.preannotate import PipelineSpec, predict
from annotate.spans import Mode
from annotate.spool import DocumentSpool
from annotate.split import dev_set
from store.models import database
from store.queries import (
    add_annotations, add_documents, count_documents, current_documents, ensure_dataset,
    held_back, save_predictions, texts_to_predict,
)
from store.records import DatasetRecord, ImportResult

Progress = Callable[[int], None]


def _no_progress(done: int) -> None:
    pass


class JobError(Exception):
    """The job cannot run as asked; nothing was written."""


def read_inputs(
    paths: Sequence[Path], fmt: str = "auto", progress: Progress = _no_progress,
    label_map: Mapping[str, str] | None = None,
) -> DocumentSpool:
    """Every document of every file, each checked, labels renamed by the map; InputError on
    the first fault. Call it before opening the store, so that bad input leaves no trace
    there. The documents are spooled to a temporary file: memory stays flat for any input.
    `progress` is told of each document read."""
    spool = DocumentSpool()
    try:
        for path, file_format in input_files(list(paths), fmt):
            for document in read_file(path, file_format):
                spool.add(relabelled(document, label_map or {}))
                progress(1)
    except BaseException:
        spool.close()
        raise
    return spool


def store_documents(
    dataset_name: str, labels: Sequence[LabelRecord], mode: Mode,
    documents: Iterable[TextDocument], annotator: str | None = None,
    status: str | None = None,
) -> ImportResult:
    """Adds documents to the dataset (created with these labels if new), all in one
    transaction: their spans as predictions, or with an annotator as that person's work
    (in `status`, else the file's own answer)."""
    carried = (documents.annotators if isinstance(documents, DocumentSpool)
               else {name for doc in documents for name in doc.annotations})
    if annotator and carried:
        raise JobError(f"these files name their annotators ({', '.join(sorted(carried))}); "
                       "import them without --annotator")
    with database.atomic():
        dataset = ensure_dataset(dataset_name, labels, mode)
        if annotator:
            return add_annotations(dataset.id, documents, annotator, status)
        result = add_documents(dataset.id, documents)
        annotations = kept = 0
        for name in sorted(carried):  # each person's work, onto the documents just stored
            theirs = (replace(doc, spans=doc.annotations[name][0],
                              status=doc.annotations[name][1])
                      for doc in documents if name in doc.annotations)
            added = add_annotations(dataset.id, theirs, name)
            annotations += added.annotations
            kept += added.already_annotated
        return replace(result, annotations=annotations, already_annotated=kept)


@dataclass
class PreannotateSummary:
    documents: int = 0
    spans_by_source: Counter = field(default_factory=Counter)
    left_out_labels: Counter = field(default_factory=Counter)  # not in the dataset's labels


def preannotate_dataset(
    dataset: DatasetRecord, spec: PipelineSpec, processes: int = 1, batch_size: int = 64,
    overwrite: bool = False, progress: Progress = _no_progress,
) -> PreannotateSummary:
    """Predicts spans for documents without predictions (all with overwrite).

    Only labels of the dataset's label set are kept; the rest are counted. Each batch is
    committed on its own, so an interrupted run resumes where it stopped.
    """
    allowed = {label.name for label in dataset.labels}
    summary = PreannotateSummary()
    batch: list[tuple[int, list]] = []

    def flush() -> None:
        save_predictions(batch)
        progress(len(batch))
        batch.clear()

    texts = texts_to_predict(dataset.id, overwrite)
    for doc_id, spans in predict(spec, texts, processes, batch_size):
        kept = [span for span in spans if not allowed or span.label in allowed]
        if len(kept) < len(spans):
            summary.left_out_labels.update(s.label for s in spans if s.label not in allowed)
        summary.spans_by_source.update(span.source for span in kept)
        summary.documents += 1
        batch.append((doc_id, kept))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return summary


def count_to_preannotate(dataset: DatasetRecord, overwrite: bool = False) -> int:
    return count_documents(dataset.id, unpredicted_only=not overwrite)


def export_dataset(
    dataset: DatasetRecord, out: Path, fmt: str = "spacy", status: str = "accepted",
    dev_fraction: float | None = None, seed: int = 0, spans_key: str = DEFAULT_SPANS_KEY,
    progress: Progress = _no_progress, label_map: Mapping[str, str] | None = None,
) -> dict[Path, ExportReport]:
    """Writes the documents in `status` to `out`, or with a dev fraction to the folder `out`
    as train and dev files. Files appear whole or not at all."""
    in_folders = fmt in FOLDER_FORMATS
    if dev_fraction is None and out.is_dir() and not in_folders:
        raise JobError(f"{out} is a folder: name a file, or add --split to write train and "
                       "dev files into the folder")
    if in_folders and dev_fraction is None and out.is_dir() and any(out.iterdir()):
        raise JobError(f"{out} is a folder with files in it: {fmt} writes a new folder")
    if dev_fraction is not None and out.exists() and not out.is_dir():
        raise JobError(f"{out} is a file: --split writes train and dev files into a folder")
    writer, suffix = WRITERS[fmt]
    if fmt == "spacy":
        writer = partial(writer, spans_key=spans_key,
                         every_doc_in_spans=dataset.mode is Mode.SPANS)
    hashes = [d.content_hash for d in
              current_documents(dataset.id, status, with_text=False, with_spans=False)]
    if not hashes and status == "accepted" and (held := held_back(dataset.id)):
        raise JobError(f"nothing of dataset {dataset.name!r} can be exported yet: "
                       f"{len(held)} documents are held back, the first "
                       f"(document {held[0].document_id}) because {held[0].reason}")
    if not hashes:
        hint = "" if status == "any" else "; --status any exports every document"
        raise JobError(f"no document of dataset {dataset.name!r} has status {status}{hint}")

    def documents(keep: Callable[[str], bool] = lambda h: True) -> Iterator:
        for document in current_documents(dataset.id, status):
            if keep(document.content_hash):
                progress(1)
                yield relabelled(document, label_map or {})

    if dev_fraction is None:
        return {out: _write_whole(writer, documents(), out, in_folders)}
    dev = dev_set(hashes, dev_fraction, seed)
    out.mkdir(parents=True, exist_ok=True)
    train_path, dev_path = out / f"train{suffix}", out / f"dev{suffix}"
    return {
        train_path: _write_whole(writer, documents(lambda h: h not in dev), train_path,
                                 in_folders),
        dev_path: _write_whole(writer, documents(lambda h: h in dev), dev_path, in_folders),
    }


def _write_whole(writer, documents: Iterable, path: Path, folder: bool = False) -> ExportReport:
    """Writes beside the target and renames, so a failed export leaves no half file (or,
    for a format written as a folder, no half folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if folder:
        temporary = tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.")
    else:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(handle)
    try:
        report = writer(documents, Path(temporary))
        if folder and path.is_dir():
            path.rmdir()  # checked empty before the export began
        os.replace(temporary, path)
    finally:
        if os.path.isdir(temporary):
            shutil.rmtree(temporary)
        elif os.path.exists(temporary):
            os.remove(temporary)
    return report
