"""Reading JSON Lines a line at a time, with the line number of every fault."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from annotate.formats.errors import InputError


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) of each line that is not blank."""
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(path, "not UTF-8 text", number) from None
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(path, f"not valid JSON: {error.msg} at column {error.colno}",
                                 number) from None


def first_record(path: Path) -> Any:
    """The first value in the file, for telling formats apart; None if there is none."""
    for _, record in json_lines(path):
        return record
    return None
