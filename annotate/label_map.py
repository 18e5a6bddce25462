"""Renaming labels on the way in or out: `--label-map FILE` or `--label-map OLD=NEW,...`.

A file holds a JSON object {"OLD": "NEW"}, or one OLD=NEW (or OLD<TAB>NEW) per line."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence, TypeVar

from annotate.formats.errors import InputError
from annotate.labels import label_fault
from annotate.spans import Span

T = TypeVar("T")


def parse_label_map(value: str) -> dict[str, str]:
    path = Path(value)
    if path.is_file():
        return _from_file(path)
    mapping = {}
    for number, pair in enumerate(value.split(","), start=1):
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InputError("--label-map", f"pair {number} ({pair!r}) is not OLD=NEW, and "
                                            f"no file {value!r} exists")
        mapping[old.strip()] = _checked_new("--label-map", f"pair {number}", new.strip())
    return mapping


def _checked_new(path: Path | str, where: str | int | None, label: str) -> str:
    """A label renamed to must be one exports can write."""
    fault = label_fault(label)
    if fault:
        raise InputError(path, fault, where)
    return label


def _from_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(path, f"not valid JSON: {error.msg}", error.lineno) from None
        except (RecursionError, ValueError):
            raise InputError(path, "not a label map: nested too deep or a number too long") \
                from None
        if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in mapping.items()):
            raise InputError(path, 'expected {"OLD": "NEW", ...} with label names as strings')
        return {old: _checked_new(path, None, new) for old, new in mapping.items()}
    mapping = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        old, sep, new = line.partition("\t") if "\t" in line else line.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise InputError(path, f"expected OLD=NEW, got {line.strip()!r}", number)
        mapping[old.strip()] = _checked_new(path, number, new.strip())
    return mapping


def renamed(spans: Sequence[Span], mapping: Mapping[str, str]) -> tuple[Span, ...]:
    return tuple(sorted(replace(s, label=mapping.get(s.label, s.label)) for s in spans))


def relabelled(document: T, mapping: Mapping[str, str]) -> T:
    """The document (any dataclass with spans, and perhaps people's annotations) with its
    labels renamed."""
    if not mapping:
        return document
    changes: dict = {}
    if document.spans is not None:
        changes["spans"] = renamed(document.spans, mapping)
    if getattr(document, "annotations", None):
        changes["annotations"] = {name: (renamed(spans, mapping), status)
                                  for name, (spans, status) in document.annotations.items()}
    return replace(document, **changes)
