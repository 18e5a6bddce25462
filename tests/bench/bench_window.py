"""The window on a large article and a large dataset, against bare Qt in the same run.

    python tests/bench/bench_window.py [--chars 1000000 --spans 10000 --documents 1000000]

- opening: an article of --chars characters with --spans spans, to a painted window; baseline
  a bare QPlainTextEdit showing the same text;
- scrolling: one page down, repainted, 95th percentile; baseline the bare QPlainTextEdit;
- edits: add, relabel and remove a span with the store commit, 95th percentile;
- document list: first page and a text filter over --documents documents.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotate.document import TextDocument  # noqa: E402
from annotate.labels import load_label_set  # noqa: E402
from annotate.spans import Mode, Span  # noqa: E402
from annotate.tokenizer import tokens_of  # noqa: E402
from store.db import open_database  # noqa: E402
from store.models import Document, database  # noqa: E402
from store.queries import add_documents, content_hash, ensure_dataset, save_predictions  # noqa
from tests.bench.articles import generated_articles  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def big_article(chars: int, spans: int) -> tuple[str, list[Span]]:
    pieces, length, seed = [], 0, 3
    while length < chars:
        for article in generated_articles(200, sentences=10, seed=seed):
            pieces.append(article)
            length += len(article) + 1
        seed += 1
    text = "\n".join(pieces)[:chars]
    tokens = tokens_of(text)
    words = [(s, e) for s, e in zip(tokens.starts, tokens.ends) if text[s:e].isalpha()]
    chosen = sorted(random.Random(5).sample(range(len(words)), spans))
    return text, [Span(*words[i], "ORG", "model") for i in chosen]


def painted(app: QApplication, widget) -> None:
    widget.repaint()
    app.processEvents()


def time_bare_open(app, text: str) -> tuple[float, QPlainTextEdit]:
    start = time.perf_counter()
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setPlainText(text)
    view.resize(900, 700)
    view.show()
    painted(app, view)
    return time.perf_counter() - start, view


def scroll_times(app, view, pages: int = 60) -> list[float]:
    bar = view.verticalScrollBar()
    times = []
    for _ in range(pages):
        start = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
        times.append(time.perf_counter() - start)
    return times


def edit_times(window: MainWindow, text: str, rounds: int = 40) -> dict[str, list[float]]:
    rng = random.Random(9)
    tokens = window.session.tokens
    times = {"add": [], "relabel": [], "remove": []}
    for _ in range(rounds):
        while True:  # a free word
            i = rng.randrange(len(tokens.starts))
            start, end = tokens.starts[i], tokens.ends[i]
            if text[start:end].isalpha() and window.session.span_at(start) is None:
                break
        began = time.perf_counter()
        window.editor.draw(start, end)
        times["add"].append(time.perf_counter() - began)
        began = time.perf_counter()
        window.editor.choose_label("GPE")
        times["relabel"].append(time.perf_counter() - began)
        began = time.perf_counter()
        window.editor.delete_selected()
        times["remove"].append(time.perf_counter() - began)
    return times


def many_documents(dataset_id: int, count: int) -> None:
    """Short documents written straight to the table: the list, not import, is measured."""
    rows = ((dataset_id, f"Story {i}: crowds of {i % 977} in town {i % 211}.",
             content_hash(f"doc {i}"), "{}", "") for i in range(count))
    with database.atomic():
        database.cursor().executemany(
            "INSERT INTO document (dataset_id, text, content_hash, meta, source, created) "
            "VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)", rows)


LAUNCH_PROBE = """
import os, sys, time
started = float(sys.argv[1])
sys.path.insert(0, sys.argv[3])
from PySide6.QtWidgets import QApplication
import ui.app
shown = ui.app.MainWindow.show
def show_and_report(window):
    shown(window)
    QApplication.processEvents()
    print(time.time() - started, flush=True)
    os._exit(0)
ui.app.MainWindow.show = show_and_report
import main
sys.argv = ["main.py", "--db", sys.argv[2]]
main.app()
"""


def time_launch(folder: Path) -> tuple[float, float]:
    """`python main.py` on a new database to a shown window (the pipeline still loading in
    the background), and a bare Qt window in a fresh interpreter, in seconds."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GOLDSPAN_ANNOTATOR": "bench"}
    started = time.time()
    run = subprocess.run([sys.executable, "-c", LAUNCH_PROBE, str(started),
                          str(folder / "launch.db"), str(ROOT)],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    ours = float(run.stdout.strip())
    started = time.time()
    subprocess.run([sys.executable, "-c", "from PySide6.QtWidgets import QApplication, QWidget;"
                    " app = QApplication([]); w = QWidget(); w.show(); app.processEvents()"],
                   env=env, check=True, capture_output=True)
    return ours, time.time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=1_000_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    text, spans = big_article(args.chars, args.spans)
    with tempfile.TemporaryDirectory() as folder:
        open_database(Path(folder) / "bench.db")
        dataset = ensure_dataset("bench", load_label_set(), Mode.ENTITIES)
        add_documents(dataset.id, [TextDocument(text)])
        document_id = Document.get().id
        save_predictions([(document_id, spans)])
        settings = QSettings(str(Path(folder) / "s.ini"), QSettings.Format.IniFormat)

        bare_open, bare = time_bare_open(app, text)
        bare_scroll = scroll_times(app, bare)
        bare.close()

        began = time.perf_counter()
        window = MainWindow(dataset, "ana", settings)
        window.resize(1400, 800)
        window.show()
        window.table.selectRow(0)
        painted(app, window)
        opened = time.perf_counter() - began
        ours_scroll = scroll_times(app, window.article)
        edits = edit_times(window, text)
        window.close()

        print(f"article: {len(text):,} characters, {len(spans):,} spans")
        print(f"  open to painted window: {opened * 1000:7.0f} ms   bare QPlainTextEdit "
              f"{bare_open * 1000:6.0f} ms   ratio {opened / bare_open:5.2f}  (target <= 1000 ms)")
        print(f"  scroll a page, p95:     {p95(ours_scroll) * 1000:7.1f} ms   bare "
              f"{p95(bare_scroll) * 1000:6.1f} ms   ratio {p95(ours_scroll) / p95(bare_scroll):5.2f}"
              "  (target <= 16 ms)")
        for name, samples in edits.items():
            print(f"  {name:<8} with commit, p95: {p95(samples) * 1000:6.1f} ms  (target <= 20 ms)")

        many = ensure_dataset("many", load_label_set(), Mode.ENTITIES)
        many_documents(many.id, args.documents)
        from store.routing import document_rows
        began = time.perf_counter()
        document_rows(many.id, "ana")
        first = time.perf_counter() - began
        began = time.perf_counter()
        found = document_rows(many.id, "ana", containing=f"Story {args.documents - 1}:")
        filtered = time.perf_counter() - began
        print(f"document list of {args.documents:,}: first page {first * 1000:.0f} ms "
              f"(target <= 200), text filter {filtered * 1000:.0f} ms for {len(found)} rows "
              "(target <= 1000)")
        ours, bare = time_launch(Path(folder))
        print(f"launch to a shown window: {ours:.2f} s, a bare Qt window {bare:.2f} s "
              "(target <= 1.5 s)")


if __name__ == "__main__":
    main()
