"""Plain-text files: one document per file."""
from __future__ import annotations

from pathlib import Path

from annotate.document import TextDocument
from annotate.formats.checks import checked_text
from annotate.formats.errors import InputError


def read_text_file(path: Path) -> TextDocument:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the "
                               "file as UTF-8 and import it again", line) from None
    if "\x00" in text:
        raise InputError(path, "holds NUL bytes: a binary file, not text")
    # One newline convention, so that offsets mean the same on every system.
    text = checked_text(path, None, text.replace("\r\n", "\n").replace("\r", "\n"),
                        "the file is empty")
    return TextDocument(text=text, source=path.name, meta={"file": path.name})


def text_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    if not files:
        raise InputError(folder, "the folder holds no .txt files")
    return files
