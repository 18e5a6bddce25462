"""Label sets: name, colour, key and description, kept as JSON under resources/labels."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

LABEL_SETS = Path(__file__).resolve().parent.parent / "resources" / "labels"
DEFAULT_LABEL_SET = LABEL_SETS / "news.json"


@dataclass(frozen=True)
class LabelRecord:
    name: str
    colour: str  # "#rrggbb"
    key: str | None = None  # one character: "1".."9", then letters
    description: str = ""


class LabelSetError(ValueError):
    pass


def load_label_set(path: Path = DEFAULT_LABEL_SET) -> list[LabelRecord]:
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))["labels"]
        labels = [LabelRecord(e["name"], e["colour"], e.get("key"), e.get("description", ""))
                  for e in entries]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LabelSetError(f"{path}: not a label set ({error})") from error
    for field in ("name", "key"):
        values = [getattr(label, field) for label in labels if getattr(label, field)]
        if len(values) != len(set(values)):
            raise LabelSetError(f"{path}: two labels share a {field}")
    return labels
