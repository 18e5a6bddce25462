"""The benchmarks' inputs, built once and kept in a cache folder.

Datasets are SQLite files made through the store's own bulk import (probe_data); their
names carry a digest of the code that makes them and the store's schema version, so a
change to either builds them again instead of measuring a migration. How long each build
took is kept beside it and printed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from tests.bench.harness import ROOT, probe

MAKERS = ("tests/bench/news.py", "tests/bench/probe_data.py")


def default_cache() -> Path:
    base = os.environ.get("GOLDSPAN_BENCH_CACHE") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "goldspan-bench"
    return Path(base)


def _schema_version() -> str:
    found = re.search(r"^SCHEMA_VERSION = (\d+)", (ROOT / "store/db.py").read_text(), re.M)
    return found.group(1) if found else "unknown"


class Cache:
    def __init__(self, folder: Path, say):
        digest = hashlib.sha256(b"".join((ROOT / m).read_bytes() for m in MAKERS)).hexdigest()
        self.folder = folder / f"schema{_schema_version()}-{digest[:10]}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.say = say
        self.log = self.folder / "builds.json"
        self.builds = json.loads(self.log.read_text()) if self.log.exists() else {}

    def _made(self, name: str, action: str, *args) -> Path:
        path = self.folder / name
        if path.exists():
            return path
        partial = self.folder / f"building-{name}"
        for leftover in self.folder.glob(f"building-{name}*"):  # an interrupted build
            leftover.unlink()
        result = probe("probe_data", action, partial, *args, timeout=6 * 3600)
        partial.rename(path)
        self.builds[name] = result["wall"]
        self.log.write_text(json.dumps(self.builds, indent=1))
        self.say(f"  built {name} in {result['wall']:.1f} s "
                 f"({', '.join(f'{k} {v}' for k, v in result.items() if k in ('documents', 'spans', 'chars', 'records'))})")
        return path

    def documents(self, count: int) -> Path:
        return self._made(f"documents-{count}.db", "build-documents", count)

    def article(self, chars: int, spans: int) -> Path:
        return self._made(f"article-{chars}-{spans}.db", "build-article", chars, spans)

    def stories(self, count: int) -> Path:
        return self._made(f"stories-{count}.db", "build-stories", count)

    def records(self, count: int) -> Path:
        return self._made(f"records-{count}.jsonl", "write-records", count)

    def expected_rows(self, db: Path) -> str:
        """What the document list must show first after each sort and the filter."""
        path = db.with_suffix(".first-rows.json")
        if not path.exists():
            result = probe("probe_list", "expect", db)
            path.write_text(json.dumps({k: result[k] for k in ("status", "title", "spans",
                                                                 "filter")}))
        return path.read_text()

    def built(self) -> dict:
        return {name: seconds for name, seconds in self.builds.items()
                if (self.folder / name).exists()}

    def missing(self, names: list[str]) -> list[str]:
        return [n for n in names if not (self.folder / n).exists()]


def fresh_copy(source: Path, target: Path) -> Path:
    """A copy a run may change (its own edits, a pre-annotation), with no -wal left over."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target
