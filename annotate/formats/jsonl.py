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


def json_array_items(path: Path, chunk_size: int = 1 << 20) -> Iterator[Any]:
    """The items of a file holding one JSON array (or one object), decoded one at a time, so
    a large file is read in constant memory. Faults name the line."""
    decoder = json.JSONDecoder()
    with open(path, "rb") as raw:
        reader = _Utf8Chunks(path, raw, chunk_size)
        buffer, done_lines = reader.more(""), 0
        position = _skip_space(buffer, 0)
        if buffer[position:position + 1] == "{":  # a single task
            buffer += reader.rest()
            yield _decoded(path, decoder, buffer, position, 0)[0]
            return
        if buffer[position:position + 1] != "[":
            raise InputError(path, "expected a JSON list", 1)
        position += 1
        expect_item = True
        while True:
            position = _skip_space(buffer, position)
            if position == len(buffer):
                if reader.finished:
                    raise InputError(path, "not valid JSON: the list is not closed",
                                     done_lines + buffer.count("\n") + 1)
                buffer = reader.more(buffer)
                continue
            if buffer[position] == "]":
                return
            if not expect_item:
                if buffer[position] != ",":
                    raise InputError(path, "not valid JSON: expected ',' between tasks",
                                     done_lines + buffer.count("\n", 0, position) + 1)
                position += 1
                expect_item = True
                continue
            try:
                item, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError as error:
                if not reader.finished:  # perhaps only cut off: read on and try again
                    buffer = reader.more(buffer)
                    continue
                raise InputError(path, f"not valid JSON: {error.msg}",
                                 done_lines + buffer.count("\n", 0, error.pos) + 1) from None
            yield item
            expect_item = False
            done_lines += buffer.count("\n", 0, end)
            buffer, position = buffer[end:], 0


class _Utf8Chunks:
    def __init__(self, path: Path, raw, size: int):
        self.path, self.raw, self.size = path, raw, size
        self.finished = False
        self._pending = b""
        self._first = True

    def more(self, buffer: str) -> str:
        data = self.raw.read(self.size)
        self.size *= 2  # an item longer than a chunk is re-read in fewer, larger steps
        self.finished = not data
        data = self._pending + data
        cut = len(data) if self.finished else _complete_utf8(data)
        self._pending = data[cut:]
        try:
            text = data[:cut].decode("utf-8-sig" if self._first else "utf-8")
        except UnicodeDecodeError:
            raise InputError(self.path, "not UTF-8 text") from None
        self._first = False
        return buffer + text

    def rest(self) -> str:
        text = ""
        while not self.finished:
            text = self.more(text)
        return text


def _complete_utf8(data: bytes) -> int:
    """Where the last whole UTF-8 character ends: a chunk may cut one in two."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # a lead byte or ASCII
            width = 1 if byte < 0x80 else 2 if byte >> 5 == 0b110 else 3 if byte >> 4 == 0b1110 \
                else 4
            return len(data) if width <= back else len(data) - back
    return len(data)


def _skip_space(buffer: str, position: int) -> int:
    while position < len(buffer) and buffer[position] in " \t\r\n":
        position += 1
    return position


def _decoded(path: Path, decoder: json.JSONDecoder, buffer: str, position: int, lines: int):
    try:
        return decoder.raw_decode(buffer, position)
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", lines + error.lineno) from None


def text_records(path: Path) -> Iterator[tuple[int, dict, str]]:
    """(line number, record, its text) of each line, which must be a JSON object with a
    "text" that is not empty; a file without any is refused too."""
    found = False
    for line, record in json_lines(path):
        if not isinstance(record, dict):
            raise InputError(path, "each line must be a JSON object", line)
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(path, 'needs a "text" string that is not empty', line)
        found = True
        yield line, record, text
    if not found:
        raise InputError(path, "the file holds no documents")
