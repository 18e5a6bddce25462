"""How long a large import holds SQLite's write lock: the longest single write transaction,
and the longest a second program waited for the lock, during an import of 60,000 articles.

    python tests/bench/bench_import_lock.py [--docs 60000]

The import runs in a fresh process that times every transaction from its BEGIN to its
COMMIT or ROLLBACK (SQLite's trace callback). Beside it, a probe process plays the window:
every 0-50 ms it takes the write lock (BEGIN IMMEDIATE, then ROLLBACK) and records how long
it waited. The window gives up after its 5 s busy timeout.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _import(folder: str, queue, settings: dict) -> None:
    sys.path.insert(0, str(ROOT))
    from annotate.labels import load_label_set
    from annotate.spans import Mode
    from store import jobs
    from store.db import open_database

    for name, value in settings.items():  # --chunk: to compare settings
        if value is not None and hasattr(jobs, name):
            setattr(jobs, name, value)

    work = Path(folder)
    durations: list[float] = []
    began = None

    def traced(statement: str) -> None:
        nonlocal began
        word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if word == "BEGIN":
            began = time.perf_counter()
        elif word in ("COMMIT", "ROLLBACK", "END") and began is not None:
            durations.append(time.perf_counter() - began)
            began = None

    start = time.perf_counter()
    documents = jobs.read_inputs([work / "articles.jsonl"])
    read = time.perf_counter() - start
    db = open_database(work / "bench.db")
    db.connection().set_trace_callback(traced)
    (work / "ready").touch()  # the probe starts once the store exists
    stored_at = time.perf_counter()
    with documents:
        result = jobs.store_documents("bench", load_label_set(), Mode.ENTITIES, documents)
    end = time.perf_counter()
    queue.put({"read": read, "store": end - stored_at, "total": end - start,
               "longest": max(durations), "transactions": len(durations),
               "median": sorted(durations)[len(durations) // 2], "last": durations[-1],
               "added": result.added})


def _probe(folder: str, stop, queue) -> None:
    work = Path(folder)
    while not (work / "ready").exists():
        time.sleep(0.01)
    connection = sqlite3.connect(work / "bench.db", timeout=60, isolation_level=None)
    waits = []
    while not stop.is_set():
        began = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - began)
        connection.execute("ROLLBACK")
        time.sleep(random.uniform(0, 0.05))
    connection.close()
    waits.sort()
    queue.put({"longest_wait": waits[-1], "probes": len(waits),
               "median_wait": waits[len(waits) // 2], "p95_wait": waits[len(waits) * 95 // 100],
               "over_1s": sum(w > 1 for w in waits), "over_5s": sum(w > 5 for w in waits)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=60_000)
    parser.add_argument("--chunk", type=int, help="documents per chunk [store.jobs']")
    args = parser.parse_args()
    from tests.bench.news import stories

    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        articles = stories(args.docs)
        with (work / "articles.jsonl").open("w", encoding="utf-8") as out:
            for number, text in enumerate(articles):
                out.write(json.dumps({"text": text, "meta": {"n": number}}) + "\n")
        size = sum(len(t) for t in articles) / 2**20
        del articles
        print(f"{args.docs} articles, {size:.1f} MiB of text")
        results, probed, stop = context.Queue(), context.Queue(), context.Event()
        probe = context.Process(target=_probe, args=(folder, stop, probed))
        probe.start()
        settings = {"CHUNK_DOCUMENTS": args.chunk}
        importer = context.Process(target=_import, args=(folder, results, settings))
        importer.start()
        figures = results.get()
        importer.join()
        stop.set()
        figures.update(probed.get())
        probe.join()
    print(f"  documents added                  {figures['added']:>8}")
    print(f"  read and check (spool)           {figures['read']:8.2f} s")
    print(f"  store                            {figures['store']:8.2f} s")
    print(f"  import in all                    {figures['total']:8.2f} s")
    print(f"  write transactions               {figures['transactions']:>8}")
    print(f"  longest write transaction        {figures['longest']:8.3f} s")
    print(f"  median, last write transaction   {figures['median']:8.3f} s, "
          f"{figures['last']:.3f} s")
    print(f"  a second writer's wait, median   {figures['median_wait']:8.3f} s "
          f"({figures['probes']} probes)")
    print(f"  a second writer's wait, p95      {figures['p95_wait']:8.3f} s")
    print(f"  a second writer's longest wait   {figures['longest_wait']:8.3f} s "
          f"({figures['over_1s']} over 1 s, {figures['over_5s']} over 5 s)")


if __name__ == "__main__":
    main()
