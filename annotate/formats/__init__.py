"""Import and export formats: each has a reader to TextDocuments and a writer from them."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from annotate.document import TextDocument
from annotate.formats.brat import is_brat_folder, read_brat, write_brat
from annotate.formats.conll import read_conll, write_conll
from annotate.formats.docbin import read_docbin, write_docbin
from annotate.formats.doccano import is_doccano, read_doccano, write_doccano
from annotate.formats.errors import InputError
from annotate.formats.jsonl import first_record
from annotate.formats.labelstudio import read_labelstudio
from annotate.formats.labelstudio_writer import write_labelstudio
from annotate.formats.notes import ImportNotes
from annotate.formats.prodigy import read_jsonl, write_jsonl
from annotate.formats.text import read_text_file, text_files

# "jsonl" is Prodigy-style JSONL, the name it had first; "prodigy" says the same.
READERS = {"txt": read_text_file, "jsonl": read_jsonl, "prodigy": read_jsonl,
           "spacy": read_docbin, "doccano": read_doccano, "labelstudio": read_labelstudio,
           "brat": read_brat, "conll": read_conll}
# Each writer with the suffix of its file; brat writes a folder.
WRITERS = {"spacy": (write_docbin, ".spacy"), "jsonl": (write_jsonl, ".jsonl"),
           "prodigy": (write_jsonl, ".jsonl"), "doccano": (write_doccano, ".jsonl"),
           "labelstudio": (write_labelstudio, ".json"), "conll": (write_conll, ".conll"),
           "brat": (write_brat, "")}
FOLDER_FORMATS = {"brat"}
SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".spacy": "spacy",
            ".json": "labelstudio", ".ann": "brat", ".conll": "conll", ".iob": "conll",
            ".bio": "conll", ".biluo": "conll"}


def detect_format(path: Path) -> str:
    """By the name, then by the content where names are shared: a folder with .ann files is
    brat, a JSONL file whose first record has doccano's keys is doccano."""
    if path.is_dir():
        if is_brat_folder(path):
            return "brat"
        # a sharded .spacy export (export --shard-size) reads back as one
        return "spacy" if docbin_files(path) and not any(path.rglob("*.txt")) else "txt"
    chosen = SUFFIXES.get(path.suffix.lower())
    if chosen is None:
        raise InputError(path, f"cannot tell the format from the name; pass --format "
                               f"({', '.join(READERS)})")
    if chosen == "jsonl":
        record = first_record(path)
        return "doccano" if isinstance(record, dict) and is_doccano(record) else "jsonl"
    return chosen


def docbin_files(folder: Path) -> list[Path]:
    """The .spacy files in a folder and below it, in name order, as spaCy's corpus reader
    finds them."""
    return sorted(folder.rglob("*.spacy"))


def export_format(path: Path) -> str:
    """The export format an output file's suffix asks for: DocBin unless it says otherwise.
    (brat writes a folder: it is asked for by name.)"""
    return {".jsonl": "jsonl", ".json": "labelstudio", ".conll": "conll"}.get(
        path.suffix.lower(), "spacy")


def input_files(paths: list[Path], fmt: str = "auto") -> list[tuple[Path, str]]:
    """Each file to read with its format; a folder stands for the .txt files in it (or, in
    brat, for its .txt/.ann pairs)."""
    files = []
    for path in paths:
        if not path.exists():
            raise InputError(path, "no such file or folder")
        chosen = detect_format(path) if fmt == "auto" else fmt
        if chosen not in READERS:
            raise InputError(path, f"unknown format {chosen!r}; known: {', '.join(READERS)}")
        if path.is_dir() and chosen == "txt":
            files += [(file, "txt") for file in text_files(path)]
        elif path.is_dir() and chosen == "spacy":
            found = docbin_files(path)
            if not found:
                raise InputError(path, "the folder holds no .spacy files")
            files += [(file, "spacy") for file in found]
        elif path.is_dir() and chosen not in FOLDER_FORMATS:
            raise InputError(path, f"a folder can be read as txt, brat or spacy, not {chosen}")
        else:
            files.append((path, chosen))
    return files


def read_file(path: Path, fmt: str, notes: ImportNotes | None = None,
              doc_sep: str | int | None = None,
              discontinuous: str = "refuse") -> Iterable[TextDocument]:
    """Every document in one file, one at a time where the format allows; InputError on the
    first fault. `notes` gets what a reader left out without refusing (Label Studio's
    results that are not text spans); `doc_sep` splits a CoNLL file into documents;
    `discontinuous` says what becomes of brat's discontinuous spans."""
    if fmt == "labelstudio":
        return read_labelstudio(path, report=notes)
    if fmt == "conll":
        return read_conll(path, doc_sep=doc_sep)
    if fmt == "brat":
        return read_brat(path, notes, discontinuous)
    if fmt == "spacy":
        return read_docbin(path, notes=notes)
    if fmt in ("jsonl", "prodigy"):
        return read_jsonl(path, notes)
    documents = READERS[fmt](path)
    return [documents] if isinstance(documents, TextDocument) else documents
