"""The core packages stay free of Qt, so they run in batch jobs and tests without a screen;
the window reaches the store only through its functions."""
import ast
import os
import subprocess
import sys

from tests.conftest import ROOT

CORE = ("annotate", "store")
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def imports_in(package: str) -> list[tuple[str, str]]:
    """(file name, imported module) for every import statement under a package."""
    found = []
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                found.append((path.name, node.module or ""))
    return found


def test_core_modules_import_no_qt_statically():
    offenders = [(f, m) for package in CORE for f, m in imports_in(package)
                 if m.split(".")[0] in QT_MODULES]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in CORE for path in (ROOT / package).rglob("*.py")
    ]
    script = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert len(modules) > 10
    assert out.stdout.strip() == "[]"


def test_the_window_reaches_the_store_only_through_its_functions():
    """ui/ calls store functions that return dataclasses; it never queries peewee itself."""
    offenders = [(f, m) for f, m in imports_in("ui")
                 if m.split(".")[0] == "peewee" or m == "store.models"]
    assert offenders == []


def test_the_command_line_and_the_window_start_without_spacy():
    """Importing spaCy costs ~0.45 s: commands that never tokenize (stats, export to JSONL)
    and the window's start must not pay it; it comes with the first tokenizer or pipeline."""
    script = ("import sys, main, ui.main_window, ui.app\n"
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'thinc'}))\n"
              "from annotate.tokenizer import tokens_of\n"
              "tokens_of('Lyon')\n"
              "print('spacy' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["[]", "True"]
