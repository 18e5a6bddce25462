"""Batch work that reads files or runs the pipeline and writes the store, or the reverse.

The command line and the window both call these. `progress(n)` is told how many items were
just done; raising from it (a cancel) leaves the store consistent: an import reads and checks
every file before it writes and stores nothing unless all of it is stored, pre-annotation
commits a batch at a time.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import time
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from peewee import SqliteDatabase

from annotate.document import UNNAMED_PARTIAL_WORK, ExportReport, TextDocument
from annotate.formats import FOLDER_FORMATS, WRITERS
from annotate.formats.docbin import DEFAULT_SPANS_KEY
from annotate.label_map import relabelled
from annotate.labels import LabelRecord
from annotate.preannotate import PipelineSpec, predict
from annotate.reading import FileReport, read_documents
from annotate.spans import Mode
from annotate.spool import DocumentSpool, process_alive, remove_stale_spools
from annotate.split import dev_set
from annotate.versions import HeldBack
from store import staging
from store.all_work import all_work
from store.models import database
from store.queries import (
    add_annotations, add_documents, add_labels as add_dataset_labels, content_hash,
    count_documents, current_documents, document_ids, ensure_dataset, find_dataset,
    save_predictions, texts_to_predict,
)
from store.records import DatasetRecord, ImportResult, check_status

Progress = Callable[[int], None]


def _no_progress(done: int) -> None:
    pass


class JobError(Exception):
    """The job cannot run as asked; nothing was written."""


def read_inputs(
    paths: Sequence[Path], fmt: str = "auto", progress: Progress = _no_progress,
    label_map: Mapping[str, str] | None = None, misaligned: str = "refuse",
    reports: list[FileReport] | None = None, doc_sep: str | int | None = None,
    discontinuous: str = "refuse",
) -> DocumentSpool:
    """Every document of every file, each checked, misaligned spans handled as `misaligned`
    says, labels renamed by the map; InputError on a fault. Call it before opening the
    store, so that bad input leaves no trace there. The documents are spooled to a temporary
    file: memory stays flat for any input. `progress` is told of each document read;
    `reports` gets what each file gave (annotate.reading.FileReport)."""
    remove_stale_spools()  # left by imports that were killed
    spool = DocumentSpool()
    try:
        for document in read_documents(list(paths), fmt, misaligned, label_map, reports,
                                       doc_sep, discontinuous):
            spool.add(document)
            progress(1)
    except BaseException:
        spool.close()
        raise
    return spool


# An import commits this many documents (or characters of text) at a time: each chunk's
# transaction stays far below the busy timeout other programs wait (see store.staging).
CHUNK_DOCUMENTS = 2_000
CHUNK_CHARACTERS = 4_000_000
# Another SQLite writer waiting for the lock (the window saving an edit) looks again only
# every 100 ms once it has waited a while, so chunks that follow one another closely could
# starve it past its 5 s busy timeout. After this long holding the lock the import leaves
# it free for a moment longer than that.
BREAK_EVERY, BREAK = 2.0, 0.11  # seconds
CACHE_KIB = 65_536  # SQLite's page cache during an import (see _sqlite_pragmas)


def store_documents(
    dataset_name: str, labels: Sequence[LabelRecord], mode: Mode,
    documents: Iterable[TextDocument], annotator: str | None = None,
    status: str | None = None, progress: Progress = _no_progress,
    reports: Sequence[FileReport] | None = None, add_labels: bool = False,
) -> ImportResult:
    """Adds documents to the dataset (created with these labels if new): their spans as
    predictions, or with an annotator as that person's work (in `status`, else the file's
    own answer). `progress` is told of each chunk stored. With the `reports` of reading
    them, a document whose reader named no file gets its file's name as its source; the
    result counts documents per source either way.

    Spans to be stored with a label outside the dataset's label set (unless the set is
    empty) refuse the import, naming them; with `add_labels` they join the set instead.

    All or nothing, without a long lock: new documents go to a hidden staging dataset a
    chunk at a time, then move to the dataset in one short transaction, which also adds
    people's work to documents the dataset had already. A failure or cancel removes the
    staging dataset; a killed import's is removed by the next import."""
    carried = (documents.annotators if isinstance(documents, DocumentSpool)
               else {name for doc in documents for name in doc.annotations})
    has_partial = (documents.partial if isinstance(documents, DocumentSpool)
                   else any(doc.partial for doc in documents))
    if has_partial and not annotator:  # answers are somebody's work, never the model's spans
        carried = carried | {UNNAMED_PARTIAL_WORK}
        documents = _Named(documents)
    if annotator and carried:
        raise JobError(f"these files name their annotators ({', '.join(sorted(carried))}); "
                       "import them without --annotator")
    if status is not None:
        check_status(status)
    if reports is not None:
        documents = _from_files(documents, reports)
    staging.remove_stale()
    created = find_dataset(dataset_name) is None
    target = ensure_dataset(dataset_name, labels, mode)
    check = _LabelCheck(target, refuse=not add_labels)
    staged = staging.create(target.id)
    # People's work for documents the dataset has already: added in the final transaction.
    onto_known = DocumentSpool() if annotator or carried else None
    tally = _Tally()
    try:
        with _sqlite_pragmas(cache_size=-CACHE_KIB):
            with _sqlite_pragmas(synchronous="normal", wal_autocheckpoint=0):
                _store_chunks(tally, documents, target.id, staged, onto_known, annotator,
                              status, progress, check)
            if check.refusing:
                raise JobError(check.refusal())
            with database.atomic():
                new_labels = (add_dataset_labels(target.id, check.outside) if check.outside
                              else ())
                if onto_known is not None:
                    _store(tally, target.id, onto_known, annotator, status,
                           new_documents=False)
                late = staging.publish(staged, target.id, people_work=onto_known is not None)
    except BaseException as error:
        with suppress(Exception):  # else the next import removes it; the cause matters more
            staging.drop(staged)
            if created:
                staging.drop_if_unused(target.id)
        if isinstance(error, staging.ImportClash):
            raise JobError(str(error)) from None
        raise
    finally:
        if onto_known is not None:
            onto_known.close()
    totals = tally.totals
    by_source = {source: (tally.added[source] - late[source],
                          tally.duplicates[source] + late[source])
                 for source in tally.added | tally.duplicates}
    return ImportResult(totals["added"] - late.total(), totals["duplicates"] + late.total(),
                        totals["annotations"], totals["already_annotated"], by_source,
                        new_labels)


class _Named:
    """The documents, partial work (Prodigy's binary answers, which name nobody) carried as
    the work of UNNAMED_PARTIAL_WORK; each pass reads them afresh, as a spool's does."""

    def __init__(self, documents: Iterable[TextDocument]):
        self.documents = documents

    def __iter__(self) -> Iterator[TextDocument]:
        for doc in self.documents:
            yield (replace(doc, spans=None,
                           annotations={UNNAMED_PARTIAL_WORK: (doc.spans or (), doc.status)})
                   if doc.partial else doc)


def _from_files(documents: Iterable[TextDocument],
                reports: Sequence[FileReport]) -> Iterator[TextDocument]:
    """The documents, each with its file's name as its source where its reader gave none:
    reading yields them file by file, as many from each as its report counts."""
    remaining = iter(documents)
    for report in reports:
        for document in islice(remaining, report.documents):
            yield document if document.source else replace(document, source=report.path.name)
    yield from remaining


@dataclass
class _Tally:
    """What an import stored so far; documents also per source file."""

    totals: Counter = field(default_factory=Counter)
    added: Counter = field(default_factory=Counter)  # source -> documents
    duplicates: Counter = field(default_factory=Counter)  # source -> texts there already

    def documents(self, result: ImportResult) -> None:
        self.totals.update(added=result.added, duplicates=result.duplicates)
        for source, (added, duplicates) in result.by_source.items():
            self.added[source] += added
            self.duplicates[source] += duplicates

    def work(self, result: ImportResult) -> None:
        self.totals.update(annotations=result.annotations,
                           already_annotated=result.already_annotated)


LABEL_PLACES = 5  # files named per label outside the label set
_label = attrgetter("label")


class _LabelCheck:
    """Spans to be stored whose label is outside the dataset's label set (an empty set takes
    any label), in the order first met, with the first files they are in."""

    def __init__(self, dataset: DatasetRecord, refuse: bool):
        self.dataset = dataset
        self.allowed = {label.name for label in dataset.labels}
        self.refuse = refuse
        self.outside: Counter = Counter()  # label -> spans
        self.places: dict[str, list[str]] = {}  # label -> first files
        self.more: set[str] = set()  # labels in more files than those

    @property
    def refusing(self) -> bool:
        return self.refuse and bool(self.outside)

    def look(self, document: TextDocument) -> None:
        if not self.allowed:
            return
        for spans in (document.spans or (), document.rejected or (),
                      *(s for s, _ in document.annotations.values())):
            if self.allowed.issuperset(map(_label, spans)):  # most: one look in C
                continue
            for span in spans:
                if span.label in self.allowed:
                    continue
                self.outside[span.label] += 1
                shown = self.places.setdefault(span.label, [])
                place = document.source or "input"
                if place in shown:
                    continue
                if len(shown) < LABEL_PLACES:
                    shown.append(place)
                else:
                    self.more.add(span.label)

    def refusal(self) -> str:
        spans = self.outside.total()
        each = "; ".join(f"{label}: {n} spans in {', '.join(self.places[label])}"
                         + (" …" if label in self.more else "")
                         for label, n in self.outside.items())
        known = ", ".join(label.name for label in self.dataset.labels)
        return (f"{spans} spans have labels outside the label set of dataset "
                f"{self.dataset.name!r} ({known}): {each}. Nothing was imported: add them "
                "to the set with --add-labels, or rename or drop them with --label-map "
                f"(e.g. {next(iter(self.outside))}=NEW, or {next(iter(self.outside))}= to "
                "leave its spans out)")


def _store_chunks(
    tally: _Tally, documents: Iterable[TextDocument], target_id: int, staged: int,
    onto_known: DocumentSpool | None, annotator: str | None, status: str | None,
    progress: Progress, check: _LabelCheck,
) -> None:
    """Stores the documents new to the target in the staging dataset, a transaction per
    chunk; people's work for documents the target has goes to `onto_known`. Labels of what
    is to be stored are checked; once the check refuses, the rest is only checked."""
    held = 0.0  # seconds the write lock was held since the last break
    for chunk in _chunks(documents):
        began = time.perf_counter()
        with database.atomic():
            fresh = []
            # Into an empty target (most large imports) no text is known: no hashing here.
            hashes = ([content_hash(doc.text) for doc in chunk]
                      if staging.has_documents(target_id) else [])
            known = document_ids(target_id, hashes).keys()
            for digest, doc in zip(hashes or [None] * len(chunk), chunk):
                if digest not in known:
                    check.look(doc)
                    fresh.append(doc)
                    continue
                if onto_known is not None and (annotator or doc.annotations):
                    check.look(doc)
                    if not check.refusing:
                        onto_known.add(doc)
                if not annotator:
                    tally.totals["duplicates"] += 1
                    tally.duplicates[doc.source] += 1
            if not check.refusing:
                _store(tally, staged, fresh, annotator, status)
        held += time.perf_counter() - began
        if held >= BREAK_EVERY and isinstance(database.obj, SqliteDatabase):
            time.sleep(BREAK)
            held = 0.0
        progress(len(chunk))


@contextmanager
def _sqlite_pragmas(**settings) -> Iterator[None]:
    """SQLite's settings changed for a while (nothing on PostgreSQL). While chunks are
    staged, SQLite commits without waiting for the disk and without copying the
    write-ahead log into the database file: a chunk is of no use until the final
    transaction, whose commit (with the settings as before) flushes the log and copies each
    page once, where copying as it grew would copy staged pages twice (again once they
    move). And the whole import keeps more pages in memory: a document's content hash
    puts it anywhere in its index, so with SQLite's default 2 MB the index of 100k
    documents no longer fit, and moving them out of staging took 3.5 s, not 2.2 s."""
    if not isinstance(database.obj, SqliteDatabase):
        yield
        return
    before = {name: database.pragma(name) for name in settings}
    for name, value in settings.items():
        database.pragma(name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            database.pragma(name, value)


def _store(tally: _Tally, dataset_id: int, documents: Iterable[TextDocument],
           annotator: str | None, status: str | None, new_documents: bool = True) -> None:
    """Stores documents and the work they carry (or with an annotator, that person's work,
    the documents with it), adding to the counts."""
    if annotator:
        added = add_annotations(dataset_id, documents, annotator, status)
        tally.documents(added)
        tally.work(added)
        return
    if new_documents:
        tally.documents(add_documents(dataset_id, documents))
    for name in sorted({name for doc in documents for name in doc.annotations}):
        # each person's work, onto the documents just stored (or there already)
        theirs = (replace(doc, spans=doc.annotations[name][0], status=doc.annotations[name][1])
                  for doc in documents if name in doc.annotations)
        tally.work(add_annotations(dataset_id, theirs, name))


def _chunks(documents: Iterable[TextDocument]) -> Iterator[list[TextDocument]]:
    chunk: list[TextDocument] = []
    characters = 0
    for document in documents:
        chunk.append(document)
        characters += len(document.text)
        if len(chunk) >= CHUNK_DOCUMENTS or characters >= CHUNK_CHARACTERS:
            yield chunk
            chunk, characters = [], 0
    if chunk:
        yield chunk


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
    held: list[HeldBack] | None = None, shard_size: int | None = None,
) -> dict[Path, ExportReport]:
    """Writes the documents in `status` to `out`, or with a dev fraction to the folder `out`
    as train and dev files. Files appear whole or not at all. Without a split the dataset
    is walked once; `held` gets the documents with accepted work held back on the way.
    A shard size makes a .spacy export a folder of DocBins (train/ and dev/ with a split)."""
    if shard_size is not None and (fmt != "spacy" or shard_size < 1):
        raise JobError("--shard-size takes a number of documents (1 or more) and goes with "
                       "the spacy format")
    in_folders = fmt in FOLDER_FORMATS or shard_size is not None
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
                         every_doc_in_spans=dataset.mode is Mode.SPANS, shard_size=shard_size)
        suffix = "" if shard_size else suffix
    held = held if held is not None else []
    # Label Studio holds every version of a document side by side: the model's and
    # everyone's work go out, not only the version that stands (store.all_work).
    source = all_work if fmt == "labelstudio" else current_documents

    def documents(keep: Callable[[str], bool] = lambda h: True,
                  collect: list | None = None) -> Iterator:
        found = 0
        for document in source(dataset.id, status, held=collect):
            if keep(document.content_hash):
                found += 1
                progress(1)
                yield relabelled(document, label_map or {})
        if not found and collect is not None:  # the writer stops; its file is removed
            raise _nothing_to_export(dataset, status, collect)

    if dev_fraction is None:
        return {out: _write_whole(writer, documents(collect=held), out, in_folders)}
    hashes = [d.content_hash for d in current_documents(
        dataset.id, status, with_text=False, with_spans=False, held=held)]
    if not hashes:
        raise _nothing_to_export(dataset, status, held)
    dev = dev_set(hashes, dev_fraction, seed)
    out.mkdir(parents=True, exist_ok=True)
    train_path, dev_path = out / f"train{suffix}", out / f"dev{suffix}"
    return {
        train_path: _write_whole(writer, documents(lambda h: h not in dev), train_path,
                                 in_folders),
        dev_path: _write_whole(writer, documents(lambda h: h in dev), dev_path, in_folders),
    }


def _nothing_to_export(dataset: DatasetRecord, status: str, held: list[HeldBack]) -> JobError:
    if status == "accepted" and held:
        return JobError(f"nothing of dataset {dataset.name!r} can be exported yet: "
                        f"{len(held)} documents are held back, the first "
                        f"(document {held[0].document_id}) because {held[0].reason}")
    hint = "" if status == "any" else "; --status any exports every document"
    return JobError(f"no document of dataset {dataset.name!r} has status {status}{hint}")


def _write_whole(writer, documents: Iterable, path: Path, folder: bool = False) -> ExportReport:
    """Writes beside the target and renames, so a failed export leaves no half file (or,
    for a format written as a folder, no half folder). The temporary name says whose it
    is (`.<name>.goldspan-<pid>-<host>-...`): the next export to that target removes one
    whose process is gone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_exports(path)
    prefix = f"{_temporary_prefix(path)}{os.getpid()}-{socket.gethostname()}-"
    while True:  # made as open() and mkdir() make them, so the umask sets their permissions
        temporary = str(path.parent / f"{prefix}{os.urandom(6).hex()}")
        try:
            if folder:
                os.mkdir(temporary, 0o777)
            else:
                os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
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


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}.goldspan-"


def remove_stale_exports(path: Path) -> int:
    """Deletes temporary files (or folders) of exports to `path` whose process, on this
    host, is gone; returns how many."""
    prefix, removed = _temporary_prefix(path), 0
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*"):
        pid, _, rest = leftover.name[len(prefix):].partition("-")
        if not (pid.isdigit() and rest.startswith(f"{socket.gethostname()}-")):
            continue  # not ours to judge: another host's, or not named by Goldspan
        if process_alive(int(pid)):
            continue
        with suppress(OSError):  # gone meanwhile
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
            removed += 1
    return removed
