from __future__ import annotations

from pathlib import Path

# Characters that end a line somewhere (str.splitlines, terminals): shown escaped, so that a
# fault is always reported on one line whatever the file or its name holds.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class InputError(Exception):
    """Input that cannot be imported; the message names the file, the line and the fault."""

    def __init__(self, path: Path | str, message: str, line: int | str | None = None):
        # line: a line number, or where else in the file ("task 3")
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(_one_line(f"{where}: {message}"))
        self.path, self.line = Path(path), line


def _one_line(text: str) -> str:
    if not any(char in text for char in LINE_BREAKS):
        return text
    return "".join(char.encode("unicode_escape").decode("ascii") if char in LINE_BREAKS
                   else char for char in text)
