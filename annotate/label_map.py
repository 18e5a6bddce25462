"""Renaming labels on the way in or out: `--label-map FILE` or `--label-map OLD=NEW,...`.

A file holds a JSON object {"OLD": "NEW"}, or one OLD=NEW (or OLD<TAB>NEW) per line. An
empty NEW (`MISC=`) or JSON null drops the label: its spans are left out, and counted. A key
given twice is refused. The parsed map counts, as it is applied, how many spans each key
renamed or dropped, so that a caller can warn about keys that matched nothing."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Sequence, TypeVar

from annotate.formats.errors import InputError
from annotate.labels import label_fault
from annotate.spans import Span

T = TypeVar("T")


class LabelMap(Mapping):
    """OLD -> NEW, or OLD -> None to drop the label; counts its use as it is applied."""

    def __init__(self, mapping: Mapping[str, str | None]):
        self._mapping = dict(mapping)
        self.renamed: Counter = Counter()  # old label -> spans renamed
        self.dropped: Counter = Counter()  # label -> spans left out

    def __getitem__(self, key: str) -> str | None:
        return self._mapping[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping)

    def __len__(self) -> int:
        return len(self._mapping)

    def __repr__(self) -> str:
        return f"LabelMap({self._mapping!r})"

    def unused(self) -> list[str]:
        """The keys that matched no span's label, in the order given."""
        return [key for key in self._mapping
                if not self.renamed[key] and not self.dropped[key]]

    def renamed_spans(self, spans: Sequence[Span]) -> tuple[Span, ...]:
        kept = []
        for span in spans:
            if span.label not in self._mapping:
                kept.append(span)
            elif self._mapping[span.label] is None:
                self.dropped[span.label] += 1
            else:
                self.renamed[span.label] += 1
                kept.append(replace(span, label=self._mapping[span.label]))
        return tuple(sorted(kept))


def parse_label_map(value: str) -> LabelMap:
    path = Path(value)
    if path.is_file():
        return LabelMap(_from_file(path))
    mapping: dict[str, str | None] = {}
    for number, pair in enumerate(value.split(","), start=1):
        old, sep, new = pair.partition("=")
        if not sep or not old.strip():
            raise InputError("--label-map", f"pair {number} ({pair!r}) is not OLD=NEW, and "
                                            f"no file {value!r} exists")
        _add(mapping, "--label-map", f"pair {number}", old.strip(), new.strip() or None)
    return LabelMap(mapping)


def _add(mapping: dict, path: Path | str, where: str | int | None, old: str,
         new: str | None) -> None:
    """One OLD=NEW entry: a key given twice is refused, a label renamed to must be one
    exports can write, and None (no NEW) drops the label."""
    if old in mapping:
        raise InputError(path, f"label {old!r} is mapped twice", where)
    if new is not None:
        fault = label_fault(new)
        if fault:
            raise InputError(path, fault, where)
    mapping[old] = new


def _from_file(path: Path) -> dict[str, str | None]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        return _from_json(path, text)
    mapping: dict[str, str | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        old, sep, new = line.partition("\t") if "\t" in line else line.partition("=")
        if not sep or not old.strip():
            raise InputError(path, f"expected OLD=NEW, got {line.strip()!r}", number)
        _add(mapping, path, number, old.strip(), new.strip() or None)
    return mapping


def _from_json(path: Path, text: str) -> dict[str, str | None]:
    try:
        pairs = json.loads(text, object_pairs_hook=lambda items: items)
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", error.lineno) from None
    except (RecursionError, ValueError):
        raise InputError(path, "not a label map: nested too deep or a number too long") \
            from None
    if not isinstance(pairs, list) or not all(
            isinstance(k, str) and k and (v is None or isinstance(v, str)) for k, v in pairs):
        raise InputError(path, 'expected {"OLD": "NEW", ...} with label names as strings '
                               '(null drops a label)')
    mapping: dict[str, str | None] = {}
    for old, new in pairs:
        if new == "":
            raise InputError(path, f"label {old!r} is mapped to an empty name; null drops "
                                   "a label", _key_line(text, old, 1))
        where = _key_line(text, old, 2) if old in mapping else None
        _add(mapping, path, where, old, new)
    return mapping


def _key_line(text: str, key: str, occurrence: int) -> int | None:
    """The line of the key's n-th occurrence as an object key, to name in a fault."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    for seen, found in enumerate(pattern.finditer(text), start=1):
        if seen == occurrence:
            return text.count("\n", 0, found.start()) + 1
    return None  # written with escapes json.dumps does not use: the fault goes unplaced


def renamed(spans: Sequence[Span], mapping: Mapping[str, str | None]) -> tuple[Span, ...]:
    """The spans with their labels renamed; those whose label maps to None left out."""
    if isinstance(mapping, LabelMap):
        return mapping.renamed_spans(spans)
    return LabelMap(mapping).renamed_spans(spans)


def relabelled(document: T, mapping: Mapping[str, str | None]) -> T:
    """The document (any dataclass with spans, and perhaps people's annotations; or with
    the model's `predictions` and everyone's `work`, store.all_work) with its labels renamed
    and dropped labels' spans left out. A LabelMap counts what it did."""
    if not mapping:
        return document
    changes: dict = {}
    for key in ("spans", "predictions"):
        if getattr(document, key, None) is not None:
            changes[key] = renamed(getattr(document, key), mapping)
    if getattr(document, "annotations", None):
        changes["annotations"] = {name: (renamed(spans, mapping), status)
                                  for name, (spans, status) in document.annotations.items()}
    if getattr(document, "rejected", None) is not None:
        changes["rejected"] = renamed(document.rejected, mapping)
    if getattr(document, "work", None):
        changes["work"] = tuple(replace(w, spans=renamed(w.spans, mapping))
                                for w in document.work)
    return replace(document, **changes)
