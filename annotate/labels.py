"""Label sets: name, colour, key and description, kept as JSON under resources/labels."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABEL_SETS = Path(__file__).resolve().parent.parent / "resources" / "labels"
DEFAULT_LABEL_SET = LABEL_SETS / "news.json"
# Control, format, surrogate and separator characters: brat and CoNLL lines are split on
# white space, so a label holding one would write a corrupt line on export.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"}
_NAMED = {"\t": "a tab", "\n": "a newline", "\r": "a carriage return", " ": "a space"}


@dataclass(frozen=True)
class LabelRecord:
    name: str
    colour: str  # "#rrggbb"
    key: str | None = None  # one character: "1".."9", then letters
    description: str = ""


class LabelSetError(ValueError):
    pass


def label_fault(label) -> str | None:
    """What makes this unusable as a label name, or None if it is fine."""
    if not isinstance(label, str):
        return f"a label must be a string, not {label!r}"
    return _string_label_fault(label)


@lru_cache(maxsize=4096)  # an import checks the same few labels on every span
def _string_label_fault(label: str) -> str | None:
    if not label:
        return "a label cannot be empty"
    for char in label:
        if char.isspace() or unicodedata.category(char) in _REFUSED_CATEGORIES:
            what = _NAMED.get(char) or f"the character U+{ord(char):04X}"
            return (f"label {label!r} holds {what}; labels are single words without white "
                    "space or control characters")
    return None


def load_label_set(path: Path = DEFAULT_LABEL_SET) -> list[LabelRecord]:
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))["labels"]
        labels = [LabelRecord(e["name"], e["colour"], e.get("key"), e.get("description", ""))
                  for e in entries]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise LabelSetError(f"{path}: not a label set ({error})") from error
    for number, label in enumerate(labels, start=1):
        fault = label_fault(label.name)
        if fault:
            raise LabelSetError(f"{path}: label {number}: {fault}")
        if not isinstance(label.colour, str) or not isinstance(label.key, (str, type(None))) \
                or not isinstance(label.description, str):
            raise LabelSetError(f"{path}: label {number} ({label.name}): colour, key and "
                                "description must be strings")
    for field in ("name", "key"):
        values = [getattr(label, field) for label in labels if getattr(label, field)]
        if len(values) != len(set(values)):
            raise LabelSetError(f"{path}: two labels share a {field}")
    return labels
