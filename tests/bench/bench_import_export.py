"""Import and export of 10,000 news-like stories (tests/bench/news.py): time and peak memory,
against baselines measured in the same run.

    python tests/bench/bench_import_export.py [--docs 10000]

Each phase runs in a fresh process, so its peak resident memory is its own. Baselines: for
import, reading and hashing the same files (the least any importer does); for export, spaCy
alone tokenising the same texts into a DocBin.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _phase(name: str, folder: str, queue) -> None:
    """Runs one phase in this fresh process and reports (seconds, peak MiB)."""
    sys.path.insert(0, str(ROOT))
    from annotate.labels import load_label_set
    from annotate.preannotate import PipelineSpec
    from annotate.spans import Mode
    from store import jobs
    from store.db import open_database
    from store.queries import find_dataset

    work = Path(folder)
    database = work / ("jsonl.db" if "jsonl" in name else "txt.db")
    if name in ("numbers layer (to have spans)", "export spacy", "export jsonl"):
        open_database(database)
        dataset = find_dataset("bench")
    start = time.perf_counter()
    if name == "baseline: read + hash files":
        import hashlib
        for path in sorted((work / "txt").glob("*.txt")):
            hashlib.sha256(path.read_bytes()).hexdigest()
    elif name == "baseline: spaCy DocBin of the texts":
        from spacy.tokens import DocBin
        from annotate.tokenizer import make_doc
        out = DocBin()
        for line in (work / "articles.jsonl").open(encoding="utf-8"):
            out.add(make_doc(json.loads(line)["text"]))
        out.to_disk(work / "baseline.spacy")
    elif name.startswith("import"):
        documents = jobs.read_inputs([work / ("articles.jsonl" if "jsonl" in name else "txt")])
        open_database(database)
        jobs.store_documents("bench", load_label_set(), Mode.ENTITIES, documents)
    elif name == "numbers layer (to have spans)":
        jobs.preannotate_dataset(dataset, PipelineSpec(None))
    elif name == "export spacy":
        jobs.export_dataset(dataset, work / "out.spacy", "spacy", "any")
    elif name == "export jsonl":
        jobs.export_dataset(dataset, work / "out.jsonl", "jsonl", "any")
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_phase(name: str, folder: str) -> tuple[float, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_phase, args=(name, folder, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args()
    from tests.bench.news import stories

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "txt").mkdir()
        articles = stories(args.docs)
        with (work / "articles.jsonl").open("w", encoding="utf-8") as out:
            for number, text in enumerate(articles):
                (work / "txt" / f"{number:06}.txt").write_text(text, encoding="utf-8")
                out.write(json.dumps({"text": text, "meta": {"n": number}}) + "\n")
        size = sum(len(t) for t in articles) / 2**20
        print(f"{args.docs} articles, {size:.1f} MiB of text")
        phases = ["baseline: read + hash files", "import txt folder", "import jsonl",
                  "numbers layer (to have spans)", "baseline: spaCy DocBin of the texts",
                  "export spacy", "export jsonl"]
        results = {name: run_phase(name, folder) for name in phases}
    for name, (seconds, peak) in results.items():
        print(f"  {name:<38} {seconds:7.2f} s   peak {peak:7.0f} MiB")
    read = results["baseline: read + hash files"][0]
    docbin = results["baseline: spaCy DocBin of the texts"][0]
    print(f"import txt / read+hash:      {results['import txt folder'][0] / read:.1f}x the time")
    print(f"export spacy / bare DocBin:  {results['export spacy'][0] / docbin:.2f}x the time")
    print(f"export jsonl / bare DocBin:  {results['export jsonl'][0] / docbin:.2f}x the time")


if __name__ == "__main__":
    main()
