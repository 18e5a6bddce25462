"""doccano's sequence-labelling JSONL, in each shape doccano has written it:

- `"label": [[start, end, "LABEL"], ...]` (also `"labels"`), doccano 1.6 and later;
- `"entities": [[start, end, "LABEL"], ...]`;
- the relation export: `"entities": [{"id", "label", "start_offset", "end_offset"}]` with
  `"relations": [{"id", "from_id", "to_id", "type"}]`;
- doccano 1.x: `"annotations": [{"label", "start_offset", "end_offset", "user", ...}]`, where
  each user's annotations are that person's work when a record holds several users'.

Every other key is meta. A record whose spans stand under two keys, or under a key in a shape
none of these has (text-classification labels, label ids instead of names), is refused by
name: it is never read as a text without spans. Entity ids and relations are kept in
meta["doccano"] and written back by write_doccano, pointing at the same entities.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from annotate.document import ExportableDocument, ExportReport, TextDocument, complete_only
from annotate.formats.checks import checked_span
from annotate.formats.errors import InputError
from annotate.formats.jsonl import text_records
from annotate.spans import Span
from annotate.stored_tokens import pack_tokens
from annotate.tokenizer import tokens_of

SPAN_KEYS = ("label", "labels", "entities", "annotations")
META_KEY = "doccano"  # the meta key holding entity ids and relations
TRIPLES = 'a list of [start, end, "LABEL"] triples'
OBJECTS = 'a list of objects with "start_offset", "end_offset" and "label"'


def is_doccano(record: dict) -> bool:
    """Whether a JSONL record looks like doccano's rather than Prodigy's (or a Label Studio
    task, whose `annotations` go with `data`)."""
    if "spans" in record:
        return False
    return (any(isinstance(record.get(k), list) for k in ("label", "labels", "entities"))
            or (isinstance(record.get("annotations"), list) and "data" not in record))


def read_doccano(path: Path) -> Iterator[TextDocument]:
    """Each record read whole or refused: nothing is left out along the way."""
    for line, record, text in text_records(path):
        yield _document(path, line, record, text)


def _document(path: Path, line: int, record: dict, text: str) -> TextDocument:
    key = _span_key(path, line, record)
    meta = {k: v for k, v in record.items() if k not in ("text", "relations", *SPAN_KEYS)}
    if key is None:  # no spans given at all: a text to annotate, not gold "no entity"
        return TextDocument(text, None, meta, path.name, "pending")
    tokens = tokens_of(text)

    def span(start, end, label) -> Span:
        return checked_span(path, line, text, start, end, label, tokens)

    entries = record[key]
    if entries is None or entries == []:
        _relations_only(path, line, record)
        spans, own = (), ({"entity_ids": {}, "relations": []}
                          if key == "entities" and "relations" in record else None)
    elif not isinstance(entries, list):
        shape = OBJECTS if key == "annotations" else TRIPLES
        raise InputError(path, f'"{key}" must be {shape}, not {entries!r}', line)
    elif key == "annotations":
        by_user = _annotations(path, line, entries, span)
        if len(by_user) > 1:
            people = {f"doccano-user-{user}": (tuple(sorted(spans)), "accepted")
                      for user, spans in by_user.items()}
            return TextDocument(text, None, meta, path.name, "accepted", people,
                                tokens=pack_tokens(tokens))
        spans, own = next(iter(by_user.values())), None
    elif key == "entities" and all(isinstance(e, dict) for e in entries):
        spans, own = _entity_objects(path, line, record, entries, span)
    else:
        spans, own = [span(*_triple(path, line, key, entry)) for entry in entries], None
        _relations_only(path, line, record)
    if own is not None:
        meta[META_KEY] = own
    return TextDocument(text, tuple(sorted(spans)), meta, path.name, "accepted",
                        tokens=pack_tokens(tokens))


def _span_key(path: Path, line: int, record: dict) -> str | None:
    """The one key the record's spans stand under (None: it has none of them)."""
    if "spans" in record:
        raise InputError(path, '"spans" is Prodigy\'s key, not doccano\'s: import the file '
                               "with --format jsonl", line)
    if META_KEY in record:
        raise InputError(path, f'"{META_KEY}" is the key Goldspan keeps entity ids and '
                               "relations under; rename it in the file", line)
    present = [k for k in SPAN_KEYS if k in record]
    holding = [k for k in present if record[k] not in (None, [])]
    if len(holding) > 1:
        raise InputError(path, f'spans under both "{holding[0]}" and "{holding[1]}": which '
                               "to read would be a guess; keep one", line)
    return (holding or present or [None])[0]


def _triple(path: Path, line: int, key: str, entry) -> tuple:
    if not isinstance(entry, list) or len(entry) != 3:
        hint = (" (doccano writes text-classification labels so; they are no spans)"
                if isinstance(entry, str) else "")
        raise InputError(path, f'"{key}" must be {TRIPLES}, got {entry!r}{hint}', line)
    return tuple(entry)


def _offsets(path: Path, line: int, key: str, entry) -> tuple:
    if not isinstance(entry, dict):
        raise InputError(path, f'"{key}" must be {OBJECTS}, got {entry!r}', line)
    if "start_offset" not in entry and "end_offset" not in entry:
        raise InputError(path, f'"{key}" holds {entry!r}, without "start_offset" and '
                               '"end_offset": text classification, not spans', line)
    label = entry.get("label")
    if isinstance(label, (int, float)) and not isinstance(label, bool):
        raise InputError(path, f'"{key}" gives the label as the number {label!r}: doccano 1.x '
                               "exported label ids, not names; map the ids to the project's "
                               "label names first", line)
    return entry.get("start_offset"), entry.get("end_offset"), label


def _annotations(path: Path, line: int, entries, span) -> dict:
    """doccano 1.x: user -> spans (one entry, None, when no entry names a user)."""
    by_user: dict = {}
    for entry in entries:
        found = span(*_offsets(path, line, "annotations", entry))
        user = entry.get("user")
        if not isinstance(user, (int, str, type(None))) or isinstance(user, bool):
            raise InputError(path, f'"user" must be a user id or name, not {user!r}', line)
        by_user.setdefault(user, []).append(found)
    return by_user


def _entity_objects(path: Path, line: int, record: dict, entries: list, span):
    """The spans of the relation export, and its entity ids and relations."""
    spans, ids = [], {}
    for entry in entries:
        found = span(*_offsets(path, line, "entities", entry))
        spans.append(found)
        if "id" in entry:
            if not isinstance(entry["id"], (int, str)) or isinstance(entry["id"], bool):
                raise InputError(path, f"an entity id must be a number or a string, not "
                                       f"{entry['id']!r}", line)
            if entry["id"] in ids.values():
                raise InputError(path, f"entity id {entry['id']!r} is given twice", line)
            ids[_span_id_key(found)] = entry["id"]
    relations = _relations(path, line, record, set(ids.values()))
    if not ids and relations is None:
        return spans, None
    return spans, {"entity_ids": ids, "relations": relations or []}


def _relations(path: Path, line: int, record: dict, ids: set) -> list | None:
    relations = record.get("relations")
    if relations is None:
        return None
    if not isinstance(relations, list) or not all(isinstance(r, dict) for r in relations):
        raise InputError(path, '"relations" must be a list of objects with "from_id", '
                               '"to_id" and "type"', line)
    for relation in relations:
        for end in ("from_id", "to_id"):
            if relation.get(end) not in ids or isinstance(relation.get(end), bool):
                raise InputError(path, f"relation {relation.get('id', '?')!r}: {end} "
                                       f"{relation.get(end)!r} is no entity id of the record",
                                 line)
    return relations


def _relations_only(path: Path, line: int, record: dict) -> dict | None:
    """Relations without entity objects have nothing to point at: refused unless empty."""
    if record.get("relations") in (None, []):
        return None
    raise InputError(path, '"relations" need "entities" given as objects with ids', line)


def _span_id_key(span: Span) -> str:
    return f"{span.start}-{span.end}-{span.label}"


@dataclass
class DoccanoExportReport(ExportReport):
    # (document's position in the export, the relation) for relations left out because an
    # entity they join is no longer among the document's spans
    dropped_relations: list[tuple[int, dict]] = field(default_factory=list)


def write_doccano(documents: Iterable[ExportableDocument], path: Path) -> DoccanoExportReport:
    """`text` and `label` triples; a document read from doccano's relation export gets
    `entities` with their ids and `relations` again instead."""
    report = DoccanoExportReport()
    with open(path, "w", encoding="utf-8") as out:
        documents = complete_only(documents, report)  # no way to say "unknown"
        for position, document in enumerate(documents, start=1):
            own = document.meta.get(META_KEY)
            if isinstance(own, dict) and isinstance(own.get("entity_ids"), dict):
                record = {"text": document.text,
                          **_with_relations(document.spans, own, position, report)}
            else:
                record = {"text": document.text,
                          "label": [[s.start, s.end, s.label] for s in document.spans]}
            record.update({k: v for k, v in document.meta.items()
                           if k not in record and k != META_KEY})
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.documents += 1
            report.spans += len(document.spans)
    return report


def _with_relations(spans, own: dict, position: int, report: DoccanoExportReport) -> dict:
    """Entities with the ids they came with (by offsets and label; by offsets alone where a
    label was renamed and no other span shares them), new ids after the largest for new
    spans, and the relations whose two entities are still there."""
    known = dict(own["entity_ids"])
    at_offsets: dict[str, list] = {}
    for key, entity_id in known.items():
        at_offsets.setdefault(key.rsplit("-", 1)[0], []).append(entity_id)
    current: dict[str, int] = {}
    for span in spans:
        offsets = f"{span.start}-{span.end}"
        current[offsets] = current.get(offsets, 0) + 1
    numbers = [i for i in known.values() if isinstance(i, int)]
    next_id = max(numbers, default=0) + 1
    used, entities = set(), []
    for span in spans:
        offsets = f"{span.start}-{span.end}"
        entity_id = known.get(_span_id_key(span))
        if entity_id is None and current[offsets] == 1 and len(at_offsets.get(offsets, ())) == 1:
            entity_id = at_offsets[offsets][0]
        if entity_id is None or entity_id in used:
            entity_id, next_id = next_id, next_id + 1
        used.add(entity_id)
        entities.append({"id": entity_id, "label": span.label, "start_offset": span.start,
                         "end_offset": span.end})
    relations = []
    for relation in own.get("relations") or []:
        if isinstance(relation, dict) and relation.get("from_id") in used \
                and relation.get("to_id") in used:
            relations.append(relation)
        else:
            report.dropped_relations.append((position, relation))
    return {"entities": entities, "relations": relations}
