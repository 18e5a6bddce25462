"""Why the window could not start, said before Qt starts and aborts.

On Linux Qt draws through its xcb plugin, which needs system libraries that a fresh Debian
or Ubuntu machine lacks (libxcb-cursor0 above all). Qt then aborts with "could not load
the Qt platform plugin" and a core dump. This module imports no Qt: it tries the libraries
the plugin and Qt's own libraries link against (PySide6 6.11's `readelf -d`, less those
PySide6 ships) and names the packages to install.
"""
from __future__ import annotations

import ctypes
import os
import sys
from typing import Callable, Mapping

# The system libraries PySide6's xcb platform needs, with the Debian/Ubuntu package of each.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def loads(soname: str) -> bool:
    """Whether the dynamic loader finds the library (as Qt's plugin loader would)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(can_load: Callable[[str], bool] = loads) -> dict[str, str]:
    """The xcb platform's libraries that cannot be loaded, with their packages."""
    return {name: package for name, package in XCB_LIBRARIES.items() if not can_load(name)}


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will start on xcb: on Linux, unless another platform is asked for or a
    Wayland session lets Qt choose Wayland."""
    if not platform.startswith("linux"):
        return False
    asked = environ.get("QT_QPA_PLATFORM", "")
    if asked:
        return asked.split(";")[0].split(":")[0] == "xcb"
    return not (environ.get("WAYLAND_DISPLAY") or environ.get("XDG_SESSION_TYPE") == "wayland")


def window_blocker(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                   can_load: Callable[[str], bool] = loads) -> str | None:
    """What stops the window from starting, as one message with its fix; None if nothing
    is seen to."""
    if not uses_xcb(environ, platform):
        return None
    missing = missing_libraries(can_load)
    if missing:
        packages = " ".join(dict.fromkeys(missing.values()))
        return (f"the window cannot start: Qt's xcb platform needs system libraries that are "
                f"missing ({', '.join(missing)}). Install them with: "
                f"sudo apt-get install {packages}")
    if not environ.get("DISPLAY"):
        return ("the window cannot start: there is no X display (DISPLAY is not set). Run it "
                "in a desktop session, or under a virtual display: xvfb-run python main.py. "
                "The batch commands need no display (python main.py --help)")
    return None
