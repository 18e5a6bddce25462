"""brat standoff: a folder of `NAME.txt` files, each with `NAME.ann` beside it whose `T` lines
(`T1<TAB>LABEL START END<TAB>covered text`) are the spans. Other annotation lines (relations,
events, attributes, notes) are not spans and are passed over. Offsets count characters of the
.txt file as it is, so its line endings are kept."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from annotate.document import ExportableDocument, ExportReport, TextDocument
from annotate.formats.checks import checked_span, checked_text
from annotate.formats.errors import InputError
from annotate.spans import Span, Tokens
from annotate.tokenizer import tokens_of


def is_brat_folder(path: Path) -> bool:
    return path.is_dir() and any(path.rglob("*.ann"))


def read_brat(path: Path) -> Iterator[TextDocument]:
    """A folder of .txt/.ann pairs, or one .ann (or .txt) file of a pair."""
    if path.is_dir():
        texts = sorted(p for p in path.rglob("*.txt") if p.is_file())
        if not texts:
            raise InputError(path, "the folder holds no .txt files")
        for ann_path in sorted(path.rglob("*.ann")):
            if not ann_path.with_suffix(".txt").is_file():  # its spans would be lost
                raise InputError(ann_path, f"no {ann_path.with_suffix('.txt').name} beside it: "
                                           "brat needs the text of each .ann")
    else:
        texts = [path.with_suffix(".txt")]
    for text_path in texts:
        yield _document(text_path, text_path.with_suffix(".ann"))


def _document(text_path: Path, ann_path: Path) -> TextDocument:
    if not text_path.is_file():
        raise InputError(text_path, "no such file: brat needs the text beside its .ann")
    data = text_path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(text_path, f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                         data.count(b"\n", 0, error.start) + 1) from None
    checked_text(text_path, None, text, "the file is empty")
    spans = []
    if ann_path.is_file():
        tokens = tokens_of(text)
        for number, line in enumerate(_ann_lines(ann_path), start=1):
            if line.startswith("T"):
                spans.append(_text_bound(ann_path, number, line, text, tokens))
    return TextDocument(text, tuple(sorted(spans)), {"file": text_path.name}, text_path.name,
                        "accepted")


def _text_bound(path: Path, number: int, line: str, text: str, tokens: Tokens) -> Span:
    """The span of a T line: `T1<TAB>LABEL START END<TAB>covered text`."""
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) < 2 or len(fields[1].split(" ")) < 3:
        raise InputError(path, "a T line needs an id, then LABEL START END", number)
    label, offsets = fields[1].split(" ", 1)
    if ";" in offsets:
        raise InputError(path, f"{fields[0]} is a discontinuous span ({offsets}); only "
                               "continuous spans can be imported", number)
    values = offsets.split(" ")
    if len(values) != 2:
        raise InputError(path, f"{fields[0]} needs LABEL START END, got {fields[1]!r}", number)
    start, end = (_number(path, number, v) for v in values)
    span = checked_span(path, number, text, start, end, label, tokens)
    if len(fields) > 2 and fields[2].split() != text[start:end].split():
        raise InputError(path, f"{fields[0]} says {fields[2]!r} but the text at {start}-{end} "
                               f"is {text[start:end]!r}", number)
    return span


def _ann_lines(path: Path) -> Iterator[str]:
    with open(path, "rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(path, "not UTF-8 text", number) from None


def _number(path: Path, line: int, value: str) -> int:
    # int() would take " 7", "1_0", "٣", and refuses past 4,300 digits with its own error
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        shown = value if len(value) <= 20 else f"{value[:20]}…"
        raise InputError(path, f"{shown!r} is not a character offset", line)
    return int(value)


def write_brat(documents: Iterable[ExportableDocument], folder: Path) -> ExportReport:
    """Writes NNNNN.txt and NNNNN.ann per document into the folder."""
    report = ExportReport()
    folder.mkdir(parents=True, exist_ok=True)
    for number, document in enumerate(documents, start=1):
        stem = folder / f"{number:05d}"
        # newline="": the text's own line endings, so offsets stay true
        with open(stem.with_suffix(".txt"), "w", encoding="utf-8", newline="") as out:
            out.write(document.text)
        with open(stem.with_suffix(".ann"), "w", encoding="utf-8", newline="\n") as out:
            for i, span in enumerate(document.spans, start=1):
                # One line per span: a span across lines shows its text on one line
                out.write(f"T{i}\t{span.label} {span.start} {span.end}\t"
                          f"{' '.join(span.text(document.text).split())}\n")
        report.documents += 1
        report.spans += len(document.spans)
    return report
