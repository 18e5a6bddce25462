"""The window: opening, edits, moving through a large dataset and launch, measured by
bench_budgets.py's window, edit, navigate, list and launch groups.

    python tests/bench/bench_window.py [--quick] [--runs N] [--sizes small|full]

This script used to time the window in one process on generated text, the bare widget
first and warm, best of N, and stopped the launch clock at show(); those figures read better
than use. Every figure now comes from a fresh process, on news-like text, median of N.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    script = Path(__file__).with_name("bench_budgets.py")
    sys.exit(subprocess.call([sys.executable, str(script), "--only",
                              "window,edit,navigate,list,launch", *sys.argv[1:]]))
