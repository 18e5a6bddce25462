"""Import of JSONL records with spans: this tree against another checkout of Goldspan (an
earlier commit), and against reading and parsing the same file, in the same run.

    git worktree add /tmp/goldspan-before <commit>
    python tests/bench/bench_import_spans.py --records 100000 --before /tmp/goldspan-before

Each import runs in a fresh process on a new database, three times each, alternating; the
figure is the median. The spans are words of the text, on token boundaries, so every
importer takes them.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import(root: str, source: str, database: str, queue) -> None:
    sys.path.insert(0, root)
    from annotate.labels import load_label_set
    from annotate.spans import Mode
    from store import jobs
    from store.db import open_database

    start = time.perf_counter()
    documents = jobs.read_inputs([Path(source)])
    open_database(database)
    with documents:
        jobs.store_documents("bench", load_label_set(), Mode.ENTITIES, documents)
    queue.put(time.perf_counter() - start)


def _parse(source: str, queue) -> None:
    start = time.perf_counter()
    with open(source, encoding="utf-8") as lines:
        for line in lines:
            json.loads(line)
    queue.put(time.perf_counter() - start)


def timed(target, *args) -> float:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    seconds = queue.get()
    process.join()
    return seconds


def write_records(path: Path, count: int) -> int:
    """News-like stories, each with up to five word spans; returns the spans."""
    sys.path.insert(0, str(ROOT))
    from tests.bench.news import stories

    rng, spans_written = random.Random(4), 0
    texts = stories(min(count, 5_000))
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            text = f"Report {number}. {texts[number % len(texts)]}"
            words, at = [], 0
            for word in text.split(" "):
                if word.isalpha() and len(word) > 3:
                    words.append((at, at + len(word)))
                at += len(word) + 1
            chosen = sorted(rng.sample(words, min(5, len(words))))
            spans = [{"start": s, "end": e, "label": rng.choice(["ORG", "GPE", "PERSON"])}
                     for s, e in chosen]
            spans_written += len(spans)
            out.write(json.dumps({"text": text, "spans": spans}) + "\n")
    return spans_written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--before", type=Path, help="another checkout to compare with")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "records.jsonl"
        spans = write_records(source, args.records)
        print(f"{args.records:,} records with {spans:,} spans, "
              f"{source.stat().st_size / 2**20:.0f} MiB")
        trees = {"this tree": ROOT, **({"before": args.before} if args.before else {})}
        times: dict[str, list[float]] = {name: [] for name in trees}
        for run in range(args.runs):
            for name, root in trees.items():
                database = Path(folder) / f"{name.replace(' ', '-')}-{run}.db"
                times[name].append(timed(_import, str(root), str(source), str(database)))
        parse = timed(_parse, str(source))
    print(f"  read and parse the JSON alone: {parse:6.2f} s")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  import, {name:<10} median {median:6.2f} s  "
              f"({', '.join(f'{s:.2f}' for s in samples)}); {median / parse:.1f}x parsing")
    if args.before:
        ratio = statistics.median(times["this tree"]) / statistics.median(times["before"])
        print(f"this tree / before: {ratio:.2f} (the issue's limit: 1.10)")


if __name__ == "__main__":
    main()
