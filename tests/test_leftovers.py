"""What a killed import or export leaves (a spool in the temp folder, a hidden temporary file
beside the target, a staging dataset) is removed on the next run; SIGTERM and SIGHUP stop a
command as Ctrl+C does, so it leaves nothing in the first place."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.store.test_staging import dead_pid


@pytest.fixture
def spool_dir(tmp_path, monkeypatch):
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_next_import_removes_spools_of_dead_imports_only(cli, spool_dir):
    dead, alive = dead_pid(), os.getpid()
    names = [f"goldspan-{dead}-import-a1b2.pickle", f"goldspan-{alive}-import-c3d4.pickle",
             "goldspan-import-e5f6.pickle", f"other-{dead}-import-g7.pickle", "notes.txt"]
    for name in names:
        (spool_dir / name).write_bytes(b"spooled")
    result = cli("import", SAMPLES)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in spool_dir.iterdir()) == sorted(names[1:])


def test_the_next_export_removes_temporary_files_of_dead_exports_to_it(cli, tmp_path):
    assert cli("import", SAMPLES).exit_code == 0
    out, host, dead = tmp_path / "out", socket.gethostname(), dead_pid()
    out.mkdir()
    stale = [f".gold.jsonl.goldspan-{dead}-{host}-k3j2h1",
             f".gold.jsonl.goldspan-{dead}-{host}-dir"]
    kept = [f".gold.jsonl.goldspan-{os.getpid()}-{host}-live",  # an export running now
            f".gold.jsonl.goldspan-{dead}-another-host-x1",  # not ours to judge
            f".other.jsonl.goldspan-{dead}-{host}-x2",  # another target's
            ".gold.jsonl.x7y8z9", "gold.jsonl.notes"]
    (out / stale[0]).write_text("half an export")
    (out / stale[1]).mkdir()
    (out / stale[1] / "doc.txt").write_text("half a brat folder")
    for name in kept:
        (out / name).write_text("keep")
    result = cli("export", out / "gold.jsonl", "--status", "any")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(kept + ["gold.jsonl"])


def spools(folder) -> list:
    return list(folder.glob("goldspan-*-import-*.pickle"))


def staging_count(db_path) -> int | None:
    """Staging datasets in the store, read without taking any lock; None if not readable."""
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
            return connection.execute(
                "SELECT COUNT(*) FROM dataset WHERE staging_of_id IS NOT NULL").fetchone()[0]
    except sqlite3.Error:
        return None


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("phase", ["reading", "storing"])
def test_a_command_stopped_by_a_signal_leaves_no_spool_and_no_staging(tmp_path, stop, phase):
    from tests.bench.articles import generated_articles

    spool, db_path = tmp_path / "spool", tmp_path / "goldspan.db"
    spool.mkdir()
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for text in generated_articles(40_000, sentences=4):
            out.write(json.dumps({"text": text}) + "\n")
    process = subprocess.Popen(
        [sys.executable, "main.py", "import", str(big), "--db", str(db_path)], cwd=ROOT,
        env={**os.environ, "TMPDIR": str(spool)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    began = time.monotonic()
    while time.monotonic() - began < 60 and process.poll() is None:
        if (phase == "reading" and spools(spool)) or (
                phase == "storing" and staging_count(db_path)):
            break
        time.sleep(0.005)
    assert process.poll() is None, f"the import ended before it could be stopped while {phase}"
    process.send_signal(getattr(signal, stop))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "stopped" in stderr and "Traceback" not in stderr
    assert spools(spool) == []  # (a library may leave its own temporary file there)
    if db_path.exists():
        assert staging_count(db_path) == 0
        with closing(sqlite3.connect(db_path)) as connection:
            assert connection.execute("SELECT COUNT(*) FROM document").fetchone()[0] == 0
