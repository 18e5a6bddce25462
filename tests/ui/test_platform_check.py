"""A machine that cannot show the window hears why and what to install, not Qt's abort."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

from tests.conftest import ROOT
from ui.platform_check import XCB_LIBRARIES, window_blocker

X_DESKTOP = {"DISPLAY": ":0"}


def test_missing_xcb_libraries_are_named_with_the_packages_to_install():
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    message = window_blocker(X_DESKTOP, "linux", lambda name: name not in absent)
    assert "libxcb-cursor.so.0" in message and "libxcb-keysyms.so.1" in message
    assert message.endswith("sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1")
    assert "libxcb.so.1" not in message  # only what is missing


def test_a_machine_with_every_library_and_a_display_starts():
    assert window_blocker(X_DESKTOP, "linux", lambda name: True) is None


def test_other_platforms_are_not_held_to_xcb():
    nothing = lambda name: False  # noqa: E731
    assert window_blocker({"QT_QPA_PLATFORM": "offscreen"}, "linux", nothing) is None
    assert window_blocker({"WAYLAND_DISPLAY": "wayland-0"}, "linux", nothing) is None
    assert window_blocker({}, "darwin", nothing) is None
    assert window_blocker({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"},
                          "linux", nothing) is not None  # xcb asked for by name


def test_no_display_is_said_with_the_way_round_it():
    message = window_blocker({}, "linux", lambda name: True)
    assert "DISPLAY is not set" in message and "xvfb-run python main.py" in message


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) not installed")
def test_the_list_covers_what_the_installed_plugin_links_against():
    """PySide6's xcb plugin and Qt libraries: every system library they name is checked."""
    qt = Path(PySide6.__file__).parent / "Qt"
    shipped = {p.name for p in (qt / "lib").iterdir()}
    needed = set()
    for binary in (qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6",
                   qt / "lib" / "libQt6Gui.so.6"):
        dynamic = subprocess.run(["readelf", "-d", str(binary)], capture_output=True,
                                 text=True, check=True).stdout
        needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
    base = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1",
            "libgthread-2.0.so.0", "libzstd.so.1", "ld-linux-x86-64.so.2"}
    assert needed - shipped - base - set(XCB_LIBRARIES) == set()


def test_python_main_py_without_a_display_exits_with_the_message(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")}
    env.update(HOME=str(tmp_path), GOLDSPAN_ANNOTATOR="ana")
    run = subprocess.run([sys.executable, "main.py", "--db", str(tmp_path / "g.db")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "there is no X display" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "g.db").exists()  # nothing was made
