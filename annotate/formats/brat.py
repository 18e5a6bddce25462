"""brat standoff: a folder of `NAME.txt` files, each with `NAME.ann` beside it.

`T` lines (`T1<TAB>LABEL START END<TAB>covered text`) are the spans. The other annotation
lines, `R` relations, `E` events, `A`/`M` attributes, `N` normalizations, `#` notes and `*`
equivalences, are not spans: they are kept as they were read in meta["brat"], with the ids
they point at, and written back by write_brat pointing at the same `T` ids (the window lists
them read-only, annotate.extras). A discontinuous span (`T1<TAB>Loc 0 5;16 23<TAB>North America`) is
refused, split or joined as `discontinuous` says. Offsets count characters of the .txt file
as it is, so its line endings are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from annotate.document import ExportableDocument, ExportReport, TextDocument, complete_only
from annotate.formats.checks import checked_span, checked_text
from annotate.formats.errors import InputError
from annotate.formats.notes import ImportNotes
from annotate.spans import Span, Tokens
from annotate.tokenizer import tokens_of

META_KEY = "brat"  # the meta key holding the file's name, T ids and other annotation lines
EXTRA_KINDS = "REAMN#*"  # the first character of each kept non-span line
# What an import does with a discontinuous span (`--discontinuous`):
DISCONTINUOUS_CHOICES = {
    "refuse": "list every such span and import nothing",
    "split": "one span per fragment",
    "join": "one span from the first start to the last end, the gaps taken in",
}
SPLIT_NOTE = ("discontinuous span split: each fragment became a span of its own, the link "
              "between them left out")
JOIN_NOTE = ("discontinuous span joined: one span from its first start to its last end, the "
             "gaps taken in")
REFUSED_SHOWN = 20  # discontinuous spans listed when they refuse the import
_ID = re.compile(r"[TERAMN#][^\s:]*")


def is_brat_folder(path: Path) -> bool:
    return path.is_dir() and any(path.rglob("*.ann"))


def read_brat(path: Path, notes: ImportNotes | None = None,
              discontinuous: str = "refuse") -> Iterator[TextDocument]:
    """A folder of .txt/.ann pairs, or one .ann (or .txt) file of a pair. `notes` gets the
    discontinuous spans split or joined; with "refuse", reading goes on to the end and then
    one InputError lists every discontinuous span."""
    if discontinuous not in DISCONTINUOUS_CHOICES:
        raise ValueError(f"discontinuous: one of {', '.join(DISCONTINUOUS_CHOICES)}")
    if path.is_dir():
        texts = sorted(p for p in path.rglob("*.txt") if p.is_file())
        if not texts:
            raise InputError(path, "the folder holds no .txt files")
        for ann_path in sorted(path.rglob("*.ann")):
            if not ann_path.with_suffix(".txt").is_file():  # its spans would be lost
                raise InputError(ann_path, f"no {ann_path.with_suffix('.txt').name} beside it: "
                                           "brat needs the text of each .ann")
        names = [p.relative_to(path).with_suffix("").as_posix() for p in texts]
    else:
        texts = [path.with_suffix(".txt")]
        names = [path.stem]
    reader = _Reader(notes if notes is not None else ImportNotes(), discontinuous)
    for text_path, name in zip(texts, names):
        document = reader.document(text_path, text_path.with_suffix(".ann"), name)
        if not reader.refused:
            yield document
    if reader.refused:
        where, _ = reader.refused[0]
        shown = "; ".join(f"{place}: {line}" for place, line in reader.refused[:REFUSED_SHOWN])
        more = (f"; and {len(reader.refused) - REFUSED_SHOWN} more"
                if len(reader.refused) > REFUSED_SHOWN else "")
        raise InputError(where.rsplit(":", 1)[0],
                         f"{len(reader.refused)} discontinuous span"
                         f"{'s' if len(reader.refused) > 1 else ''}: {shown}{more}. Nothing "
                         "was imported; choose --discontinuous split or join")


@dataclass
class _Reader:
    notes: ImportNotes
    discontinuous: str
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file:line, the T line)

    def document(self, text_path: Path, ann_path: Path, name: str) -> TextDocument:
        if not text_path.is_file():
            raise InputError(text_path, "no such file: brat needs the text beside its .ann")
        data = text_path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(text_path, f"not UTF-8 text (byte 0x{data[error.start]:02x})",
                             data.count(b"\n", 0, error.start) + 1) from None
        checked_text(text_path, None, text, "the file is empty")
        spans: dict[Span, None] = {}  # a span twice (two T ids) is one span, both ids kept
        ids: list[dict] = []  # each T id with its span and place among the lines
        extras: list[dict] = []
        extra_lines: list[int] = []
        defined: dict[str, int] = {}  # id -> line
        if ann_path.is_file():
            tokens = tokens_of(text)
            position = 0
            for number, line in enumerate(_ann_lines(ann_path), start=1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                ident = line.split("\t", 1)[0]
                if ident != "*":
                    if ident in defined:
                        raise InputError(ann_path, f"{ident} is there twice (line "
                                                   f"{defined[ident]} and here)", number)
                    defined[ident] = number
                if line.startswith("T"):
                    found = self._text_bound(ann_path, number, line, text, tokens)
                    for i, span in enumerate(found):
                        spans[span] = None
                        if i == 0:  # split: the first fragment keeps the id
                            ids.append({"id": ident, "start": span.start, "end": span.end,
                                        "label": span.label, "position": position})
                elif line[0] in EXTRA_KINDS:
                    try:
                        ident, refers_to = parse_extra(line)
                    except ValueError as error:
                        raise InputError(ann_path, str(error), number) from None
                    extras.append({"line": line, "id": ident, "refers_to": refers_to,
                                   "position": position})
                    extra_lines.append(number)
                else:
                    raise InputError(ann_path, f"{ident[:20]!r} starts no brat annotation "
                                               "line (T, R, E, A, M, N, # or *)", number)
                position += 1
            for extra, number in zip(extras, extra_lines):
                missing = [i for i in extra["refers_to"] if i not in defined]
                if missing:
                    raise InputError(ann_path, f"{extra['id'] or '*'} points at {missing[0]}, "
                                               "which the file has no line for", number)
        meta = {"file": text_path.name,
                META_KEY: {"name": name, "spans": ids, "extras": extras}}
        return TextDocument(text, tuple(sorted(spans)), meta, text_path.name, "accepted")

    def _text_bound(self, path: Path, number: int, line: str, text: str,
                    tokens: Tokens) -> list[Span]:
        """The spans of a T line: `T1<TAB>LABEL START END<TAB>covered text`, or with
        fragments `T1<TAB>LABEL 0 5;16 23<TAB>covered texts joined by a space`."""
        fields = line.split("\t")
        if len(fields) < 2 or len(fields[1].split(" ")) < 3:
            raise InputError(path, "a T line needs an id, then LABEL START END", number)
        label, offsets = fields[1].split(" ", 1)
        fragments = []
        for fragment in offsets.split(";"):
            values = fragment.split(" ")
            if len(values) != 2:
                raise InputError(path, f"{fields[0]} needs LABEL START END, got "
                                       f"{fields[1]!r}", number)
            fragments.append(tuple(_number(path, number, v) for v in values))
        for start, end in fragments:
            if not 0 <= start < end <= len(text):
                raise InputError(path, f"span {start}-{end} ({label}) is outside the text, "
                                       f"which has {len(text)} characters", number)
        covered = " ".join(text[s:e] for s, e in fragments)
        if len(fields) > 2 and fields[2].split() != covered.split():
            at = ";".join(f"{s}-{e}" for s, e in fragments)
            raise InputError(path, f"{fields[0]} says {fields[2]!r} but the text at {at} "
                                   f"is {covered!r}", number)
        if len(fragments) == 1:
            return [checked_span(path, number, text, *fragments[0], label, tokens)]
        place = f"{path}:{number}"
        if self.discontinuous == "refuse":
            self.refused.append((place, f"{fields[0]} is a discontinuous span ({offsets}): "
                                        f"{label} {covered!r}"))
            return []
        if self.discontinuous == "join":
            self.notes.note(JOIN_NOTE, f"{place} {fields[0]}")
            return [checked_span(path, number, text, min(s for s, _ in fragments),
                                 max(e for _, e in fragments), label, tokens)]
        self.notes.note(SPLIT_NOTE, f"{place} {fields[0]}")
        return [checked_span(path, number, text, s, e, label, tokens) for s, e in fragments]


def parse_extra(line: str) -> tuple[str | None, list[str]]:
    """The id of an R, E, A, M, N, # or * line and the ids it points at; ValueError saying
    what the line lacks."""
    fields = line.split("\t")
    ident, kind = fields[0], line[0]
    words = fields[1].split(" ") if len(fields) > 1 else []
    if kind == "*":
        if ident != "*" or len(words) < 3:
            raise ValueError("an equivalence line is `*<TAB>TYPE ID ID...`")
        refs = words[1:]
    elif kind == "R":
        if len(words) < 3 or not all(":" in w for w in words[1:]):
            raise ValueError(f"{ident}: a relation line is `{ident}<TAB>TYPE Arg1:ID Arg2:ID`")
        refs = [w.split(":", 1)[1] for w in words[1:]]
    elif kind == "E":
        if not words or not all(":" in w for w in words):
            raise ValueError(f"{ident}: an event line is `{ident}<TAB>TYPE:TRIGGER ROLE:ID...`")
        refs = [w.split(":", 1)[1] for w in words]
    elif kind in "AM":
        if len(words) not in (2, 3):
            raise ValueError(f"{ident}: an attribute line is `{ident}<TAB>NAME ID [VALUE]`")
        refs = [words[1]]
    else:  # N and #
        if len(words) < 2 + (kind == "N"):
            shape = "TYPE ID DB:KEY" if kind == "N" else "TYPE ID"
            raise ValueError(f"{ident}: a {'normalization' if kind == 'N' else 'note'} line is "
                             f"`{ident}<TAB>{shape}<TAB>text`")
        refs = [words[1]]
    bad = [r for r in refs if not _ID.fullmatch(r)]
    if bad or (kind != "*" and not _ID.fullmatch(ident)):
        raise ValueError(f"{ident}: {(bad or [ident])[0]!r} is no brat annotation id")
    return (None if kind == "*" else ident), refs


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


@dataclass
class BratExportReport(ExportReport):
    # (document's position in the export, its file name, the line) for R/E/A/M/N/#/* lines
    # left out because a T id they point at (or a line that does) is no longer there
    dropped_extras: list[tuple[int, str, str]] = field(default_factory=list)


def write_brat(documents: Iterable[ExportableDocument], folder: Path) -> BratExportReport:
    """NAME.txt and NAME.ann per document into the folder, and an annotation.conf for the
    labels and kept lines, so that brat opens it. A document read from brat keeps its name,
    its T ids and its other annotation lines; any other gets the name NNNNN (its place)."""
    report = BratExportReport()
    folder.mkdir(parents=True, exist_ok=True)
    names: set[str] = set()  # casefolded: NAME and name are one file on some systems
    conf = _Conf()
    documents = complete_only(documents, report)  # no way to say "unknown"
    for position, document in enumerate(documents, start=1):
        own = _own(document.meta)
        name = _unique_name(own["name"] if own else None, position, names)
        lines, kept_extras = _ann_lines_of(document, own, position, name, report, conf)
        txt = folder / f"{name}.txt"
        txt.parent.mkdir(parents=True, exist_ok=True)
        # newline="": the text's own line endings, so offsets stay true
        with open(txt, "w", encoding="utf-8", newline="") as out:
            out.write(document.text)
        with open(folder / f"{name}.ann", "w", encoding="utf-8", newline="\n") as out:
            out.writelines(f"{line}\n" for line in lines)
        report.documents += 1
        report.spans += len(document.spans)
    with open(folder / "annotation.conf", "w", encoding="utf-8", newline="\n") as out:
        out.write(conf.text())
    return report


def _ann_lines_of(document: ExportableDocument, own: dict | None, position: int, name: str,
                  report: BratExportReport, conf: "_Conf") -> tuple[list[str], list[dict]]:
    """The .ann lines in the order they were read: spans still there keep their T ids (by
    offsets and label; by offsets alone where a label was renamed and no other span shares
    them), new spans get ids after the largest and come last; other lines follow the T ids
    they point at, and are left out (and reported) when one is gone."""
    known = own["spans"] if own else []
    by_key: dict[tuple, list[dict]] = {}
    by_offsets: dict[tuple, list[dict]] = {}
    for entry in known:
        by_key.setdefault((entry["start"], entry["end"], entry["label"]), []).append(entry)
        by_offsets.setdefault((entry["start"], entry["end"]), []).append(entry)
    here: dict[tuple, int] = {}
    for span in document.spans:
        here[(span.start, span.end)] = here.get((span.start, span.end), 0) + 1
    next_id = max((int(e["id"][1:]) for e in known if e["id"][1:].isdigit()), default=0) + 1
    labels: dict[str, str] = {}  # T id -> label
    rows: list[tuple[float, int, str]] = []
    for order, span in enumerate(document.spans):
        entries = [e for e in by_key.get((span.start, span.end, span.label), ())
                   if e["id"] not in labels]
        at = by_offsets.get((span.start, span.end), [])
        if not entries and here[(span.start, span.end)] == 1 and len(at) == 1 \
                and at[0]["id"] not in labels:
            entries = at
        if not entries:
            entries, next_id = [{"id": f"T{next_id}", "position": float("inf")}], next_id + 1
        covered = " ".join(span.text(document.text).split())  # one line, whatever it spans
        for entry in entries:
            labels[entry["id"]] = span.label
            rows.append((entry["position"], order,
                         f"{entry['id']}\t{span.label} {span.start} {span.end}\t{covered}"))
    extras = own["extras"] if own else []
    kept = list(extras)
    while True:  # a line pointing at a line left out is left out too
        alive = set(labels) | {e["id"] for e in kept if e["id"]}
        still = [e for e in kept if all(r in alive for r in e["refers_to"])]
        if len(still) == len(kept):
            break
        kept = still
    kept_ids = {id(e) for e in kept}
    report.dropped_extras += [(position, name, e["line"]) for e in extras
                              if id(e) not in kept_ids]
    rows += [(e["position"], 0, e["line"]) for e in kept]
    conf.add(labels, kept)
    return [line for _, _, line in sorted(rows, key=lambda row: row[:2])], kept


def _own(meta: dict) -> dict | None:
    """meta["brat"] when it has the shape read_brat gives it, else None (a document from
    elsewhere, whatever its meta holds under that key)."""
    own = meta.get(META_KEY) if isinstance(meta, dict) else None
    if not isinstance(own, dict) or not isinstance(own.get("name"), str):
        return None
    spans, extras = own.get("spans"), own.get("extras")
    if not isinstance(spans, list) or not isinstance(extras, list):
        return None
    for entry in spans:
        if not (isinstance(entry, dict) and isinstance(entry.get("id"), str)
                and entry["id"].startswith("T") and isinstance(entry.get("label"), str)
                and all(_whole(entry.get(k)) for k in ("start", "end", "position"))):
            return None
    for extra in extras:
        if not (isinstance(extra, dict) and isinstance(extra.get("line"), str)
                and extra["line"][:1] in EXTRA_KINDS and "\n" not in extra["line"]
                and (extra.get("id") is None or isinstance(extra["id"], str))
                and isinstance(extra.get("refers_to"), list)
                and all(isinstance(r, str) for r in extra["refers_to"])
                and _whole(extra.get("position"))):
            return None
    return own


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_NAME_PART = re.compile(r"[^\x00-\x1f\x7f\\/:*?\"<>|]{1,120}")


def _unique_name(wanted: str | None, position: int, taken: set[str]) -> str:
    """The document's brat name when it is a safe relative path no other document took,
    else NNNNN (its place in the export); `-2`, `-3`, ... after a name already taken."""
    parts = wanted.split("/") if wanted else []
    safe = bool(parts) and len(parts) <= 8 and all(
        _NAME_PART.fullmatch(p) and p not in (".", "..") and p == p.strip() for p in parts)
    base = wanted if safe else f"{position:05d}"
    name, more = base, 2
    while name.casefold() in taken:
        name, more = f"{base}-{more}", more + 1
    taken.add(name.casefold())
    return name


@dataclass
class _Conf:
    """annotation.conf from what the export wrote: every label under [entities] (those
    that are event triggers under [events]), and the types of kept R, E, A/M and * lines."""

    entities: set[str] = field(default_factory=set)
    triggers: set[str] = field(default_factory=set)
    relations: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    equivalences: dict[str, set[str]] = field(default_factory=dict)
    # event type -> role -> [instances having it, most in one instance]
    events: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    event_types: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # its targets
    event_count: dict[str, int] = field(default_factory=dict)
    attributes: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)

    def add(self, labels: dict[str, str], extras: list[dict]) -> None:
        self.entities.update(labels.values())
        kinds = {e["id"]: e["line"][0] for e in extras if e["id"]}
        events = {e["id"]: e["line"].split("\t")[1].split(" ")[0].split(":")[0]
                  for e in extras if e["line"][0] == "E"}

        def type_of(ident: str) -> str:
            if ident in labels:
                return labels[ident]
            return {"E": "<EVENT>", "R": "<RELATION>"}.get(kinds.get(ident, ""), "<ANY>")

        for extra in extras:
            kind, words = extra["line"][0], extra["line"].split("\t")[1].split(" ")
            if kind == "R":
                roles = self.relations.setdefault(words[0], {})
                for word in words[1:]:
                    role, target = word.split(":", 1)
                    roles.setdefault(role, set()).add(type_of(target))
            elif kind == "*":
                self.equivalences.setdefault(words[0], set()).update(
                    type_of(w) for w in words[1:])
            elif kind == "E":
                kind_name, trigger = words[0].split(":", 1)
                if trigger in labels:
                    self.triggers.add(labels[trigger])
                roles = self.events.setdefault(kind_name, {})
                counts: dict[str, int] = {}
                for word in words[1:]:
                    role, target = word.split(":", 1)
                    role = role.rstrip("0123456789") or role  # Theme2: Theme again
                    counts[role] = counts.get(role, 0) + 1
                    roles.setdefault(role, [0, 0])
                    self.event_types.setdefault((kind_name, role), set()).add(
                        "<EVENT>" if target in events else type_of(target))
                for role, seen in roles.items():
                    seen[0] += role in counts
                    seen[1] = max(seen[1], counts.get(role, 0))
                self.event_count[kind_name] = self.event_count.get(kind_name, 0) + 1
            elif kind in "AM":
                targets, values = self.attributes.setdefault(words[0], (set(), set()))
                target = words[1]
                targets.add("<EVENT>" if target in events else
                            "<ENTITY>" if target in labels else type_of(target))
                if len(words) > 2:
                    values.add(words[2])

    def text(self) -> str:
        lines = ["[entities]", *sorted(self.entities - self.triggers), "[relations]"]
        for name, roles in sorted(self.relations.items()):
            lines.append(f"{name}\t" + ", ".join(f"{role}:{'|'.join(sorted(types))}"
                                                 for role, types in sorted(roles.items())))
        for name, types in sorted(self.equivalences.items()):
            both = "|".join(sorted(types))
            lines.append(f"{name}\tArg1:{both}, Arg2:{both}, <REL-TYPE>:symmetric-transitive")
        lines.append("[events]")
        for name in sorted(self.events.keys() | self.triggers):
            args = []
            for role, (present, most) in sorted(self.events.get(name, {}).items()):
                every = present == self.event_count.get(name, 0)
                mark = ("" if every and most == 1 else "?" if most == 1 else
                        "+" if every else "*")
                args.append(f"{role}{mark}:{'|'.join(sorted(self.event_types[name, role]))}")
            lines.append(f"{name}\t{', '.join(args)}" if args else name)
        lines.append("[attributes]")
        for name, (targets, values) in sorted(self.attributes.items()):
            value = f", Value:{'|'.join(sorted(values))}" if values else ""
            lines.append(f"{name}\tArg:{'|'.join(sorted(targets))}{value}")
        return "\n".join(lines) + "\n"
