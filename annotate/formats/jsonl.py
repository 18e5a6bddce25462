"""Reading JSON Lines a line at a time, with the line number of every fault."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

from annotate.formats.checks import checked_text
from annotate.formats.errors import InputError

MAX_JSON_DEPTH = 100  # far beyond any format's own nesting; json.dumps recurses on store
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # raw surrogates fail UTF-8 decoding


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
                value = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(path, f"not valid JSON: {error.msg} at column {error.colno}",
                                 number) from None
            except (RecursionError, ValueError) as error:
                raise InputError(path, _decoder_refusal(error), number) from None
            yield number, checked_json(path, number, value, line)


def checked_json(path: Path, line: int | str, value: Any, source: str, start: int = 0,
                 end: int | None = None) -> Any:
    """The value decoded from source[start:end], unless it is nested too deep for the steps
    after reading (storing meta as JSON) or a string in it holds a lone surrogate (a
    "\\ud800" escape without its pair), which is not text and which no database stores.
    The source is searched first, so that ordinary records are not walked."""
    end = len(source) if end is None else end
    brackets = source.count("[", start, end) + source.count("{", start, end)
    if brackets > MAX_JSON_DEPTH and _too_deep(value):
        raise InputError(path, f"nested more than {MAX_JSON_DEPTH} levels deep", line)
    if _SURROGATE_ESCAPE.search(source, start, end):
        _refuse_surrogates(path, line, value)
    return value


def _too_deep(value: Any) -> bool:
    level = [value]
    for _ in range(MAX_JSON_DEPTH):
        level = [child for item in level
                 for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, (dict, list))]
        if not level:
            return False
    return True


def _refuse_surrogates(path: Path, line: int | str, value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack += [*item, *item.values()]
        elif isinstance(item, list):
            stack += item
        elif isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as error:
                raise InputError(path, f"a string holds {item[error.start]!r}, half of a "
                                       "UTF-16 surrogate pair without its other half: not a "
                                       "character", line) from None


def _decoder_refusal(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return f"nested more than {MAX_JSON_DEPTH} levels deep"
    # json's only other refusal: a number longer than Python converts
    return f"not valid JSON: a number has more than {sys.get_int_max_str_digits():,} digits"


def first_record(path: Path) -> Any:
    """The first value in the file, for telling formats apart; None if there is none."""
    for _, record in json_lines(path):
        return record
    return None


def json_array_items(path: Path, chunk_size: int = 1 << 20) -> Iterator[Any]:
    """The items of a file holding one JSON array (or one object), decoded one at a time, so
    a large file is read in constant memory. Faults name the line."""
    return (item for _, item in numbered_array_items(path, chunk_size))


def numbered_array_items(path: Path, chunk_size: int = 1 << 20) -> Iterator[tuple[int, Any]]:
    """(line where it starts, item) of each item of json_array_items."""
    decoder = json.JSONDecoder()
    with open(path, "rb") as raw:
        reader = _Utf8Chunks(path, raw, chunk_size)
        buffer, done_lines = reader.more(""), 0
        position = _skip_space(buffer, 0)
        if buffer[position:position + 1] == "{":  # a single task
            buffer += reader.rest()
            item, end = _decoded(path, decoder, buffer, position)
            _refuse_trailing_data(path, reader, buffer, end, 0)
            yield 1, checked_json(path, buffer.count("\n", 0, position) + 1, item, buffer)
            return
        if buffer[position:position + 1] != "[":
            raise InputError(path, "expected a JSON list", 1)
        position += 1
        expect_item, seen_item = True, False
        while True:
            position = _skip_space(buffer, position)
            line = done_lines + buffer.count("\n", 0, position) + 1
            if position == len(buffer):
                if reader.finished:
                    raise InputError(path, "not valid JSON: the list is not closed", line)
                buffer = reader.more(buffer)
                continue
            if buffer[position] == "]":
                if expect_item and seen_item:
                    raise InputError(path, "not valid JSON: a ',' before the closing ']'", line)
                _refuse_trailing_data(path, reader, buffer, position + 1, done_lines)
                return
            if not expect_item:
                if buffer[position] != ",":
                    raise InputError(path, "not valid JSON: expected ',' between tasks", line)
                position += 1
                expect_item = True
                continue
            try:
                item, end = decoder.raw_decode(buffer, position)
            except (RecursionError, ValueError) as error:
                if not reader.finished and not isinstance(error, RecursionError):
                    buffer = reader.more(buffer)  # perhaps only cut off: read on, try again
                    continue
                if isinstance(error, json.JSONDecodeError):
                    line = done_lines + buffer.count("\n", 0, error.pos) + 1
                    raise InputError(path, f"not valid JSON: {error.msg}", line) from None
                raise InputError(path, _decoder_refusal(error), line) from None
            yield line, checked_json(path, line, item, buffer, position, end)
            expect_item, seen_item = False, True
            done_lines += buffer.count("\n", 0, end)
            buffer, position = buffer[end:], 0


def _refuse_trailing_data(path: Path, reader: "_Utf8Chunks", buffer: str, position: int,
                          done_lines: int) -> None:
    """Anything but white space after the value is a fault, not to be passed over."""
    while True:
        position = _skip_space(buffer, position)
        if position < len(buffer):
            raise InputError(path, "data after the end of the JSON value: "
                                   f"{buffer[position:position + 20]!r}",
                             done_lines + buffer.count("\n", 0, position) + 1)
        if reader.finished:
            return
        done_lines += buffer.count("\n")
        buffer, position = reader.more(""), 0


class _Utf8Chunks:
    def __init__(self, path: Path, raw, size: int):
        self.path, self.raw, self.size = path, raw, size
        self.finished = False
        self._pending = b""
        self._first = True
        self._lines_read = 0  # newlines in the bytes decoded so far, to place a bad byte

    def more(self, buffer: str) -> str:
        data = self.raw.read(self.size)
        self.size *= 2  # an item longer than a chunk is re-read in fewer, larger steps
        self.finished = not data
        data = self._pending + data
        cut = len(data) if self.finished else _complete_utf8(data)
        self._pending = data[cut:]
        try:
            text = data[:cut].decode("utf-8-sig" if self._first else "utf-8")
        except UnicodeDecodeError as error:
            line = self._lines_read + data.count(b"\n", 0, error.start) + 1
            raise InputError(self.path, f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                             line) from None
        self._first = False
        self._lines_read += data.count(b"\n", 0, cut)
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


def _decoded(path: Path, decoder: json.JSONDecoder, buffer: str, position: int):
    try:
        return decoder.raw_decode(buffer, position)
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", error.lineno) from None
    except (RecursionError, ValueError) as error:
        line = buffer.count("\n", 0, position) + 1
        raise InputError(path, _decoder_refusal(error), line) from None


def text_records(path: Path) -> Iterator[tuple[int, dict, str]]:
    """(line number, record, its text) of each line, which must be a JSON object with a
    "text" that is not empty; a file without any is refused too."""
    found = False
    for line, record in json_lines(path):
        if not isinstance(record, dict):
            raise InputError(path, "each line must be a JSON object", line)
        text = checked_text(path, line, record.get("text"),
                            'needs a "text" string that is not empty')
        found = True
        yield line, record, text
    if not found:
        raise InputError(path, "the file holds no documents")
