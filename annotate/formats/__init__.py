"""Import and export formats: each has a reader to TextDocuments and a writer from them."""
from __future__ import annotations

from pathlib import Path

from annotate.document import TextDocument
from annotate.formats.docbin import read_docbin, write_docbin
from annotate.formats.errors import InputError
from annotate.formats.prodigy import read_jsonl, write_jsonl
from annotate.formats.text import read_text_file, text_files

READERS = {"txt": read_text_file, "jsonl": read_jsonl, "spacy": read_docbin}
WRITERS = {"spacy": (write_docbin, ".spacy"), "jsonl": (write_jsonl, ".jsonl")}
SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".spacy": "spacy"}


def detect_format(path: Path) -> str:
    if path.is_dir():
        return "txt"
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    raise InputError(path, f"cannot tell the format from the name; pass --format "
                           f"({', '.join(READERS)})")


def input_files(paths: list[Path], fmt: str = "auto") -> list[tuple[Path, str]]:
    """Each file to read with its format; a folder stands for the .txt files in it."""
    files = []
    for path in paths:
        if not path.exists():
            raise InputError(path, "no such file or folder")
        chosen = detect_format(path) if fmt == "auto" else fmt
        if chosen not in READERS:
            raise InputError(path, f"unknown format {chosen!r}; known: {', '.join(READERS)}")
        if path.is_dir():
            if chosen != "txt":
                raise InputError(path, f"a folder can only be read as txt, not {chosen}")
            files += [(file, "txt") for file in text_files(path)]
        else:
            files.append((path, chosen))
    return files


def read_file(path: Path, fmt: str) -> list[TextDocument]:
    """Every document in one file; InputError on the first fault."""
    documents = READERS[fmt](path)
    return [documents] if isinstance(documents, TextDocument) else documents
