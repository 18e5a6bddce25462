from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input that cannot be imported; the message names the file, the line and the fault."""

    def __init__(self, path: Path | str, message: str, line: int | str | None = None):
        # line: a line number, or where else in the file ("task 3")
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line = Path(path), line
