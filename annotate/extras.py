"""What a source file had besides spans, as rows the window lists read-only: doccano's
relations between entities (meta["doccano"]) and brat's other annotation lines, R, E, A, M,
N, # and * (meta["brat"]). Each row is resolved against the spans as they stand now, so an
annotator sees which of them still point at something: an id whose span was deleted shows as
such, and an export would leave that row out (see write_doccano and write_brat)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from annotate.formats.brat import META_KEY as BRAT_KEY
from annotate.formats.doccano import META_KEY as DOCCANO_KEY
from annotate.spans import Span

TEXT_SHOWN = 40  # characters of a span's text in a row; longer ones end in "…"


@dataclass(frozen=True)
class SourceExtra:
    """One relation or line from the source, as the window lists it."""

    text: str  # the row: a relation with its spans' texts, or brat's line
    detail: str  # where it comes from, and what each id it names points at
    spans: tuple[Span, ...]  # the spans it points at that are still there, in its order
    gone: tuple[str, ...] = ()  # ids it points at whose span is no longer there


def source_extras(meta: object, text: str, spans: Sequence[Span]) -> list[SourceExtra]:
    """The rows for a document's meta, text and current spans; none for meta of another
    shape (a document from elsewhere may hold anything under these keys)."""
    if not isinstance(meta, dict) or not any(isinstance(meta.get(key), dict)
                                             for key in (DOCCANO_KEY, BRAT_KEY)):
        return []  # nothing to resolve: the spans are not indexed (10 ms at 10,000)
    found = _Found(spans)
    return (doccano_relations(meta.get(DOCCANO_KEY), text, found)
            + brat_lines(meta.get(BRAT_KEY), text, found))


def partial_rows(rejected: Sequence[Span] | None, text: str) -> list[SourceExtra]:
    """For partial work (Prodigy's binary answers): a row saying so, and one per rejected
    suggestion; none for complete work."""
    if rejected is None:
        return []
    rows = [SourceExtra("Partial annotation: only its spans are known; other tokens are "
                        "unknown, not \"no entity\"",
                        "Prodigy's binary answers (ner.teach): accepted suggestions are the "
                        "spans, rejected ones are listed here; exports to .spacy mark the "
                        "other tokens missing, formats without \"unknown\" leave it out", ())]
    rows += [SourceExtra(f"rejected: {shown(text, s.start, s.end, s.label, s)}",
                         f"a suggestion answered \"reject\": {s.label} at {s.start}-{s.end} "
                         "is known to be wrong", ()) for s in rejected]
    return rows


class _Found:
    """The current spans by offsets and label, and by offsets alone where a label was
    changed since (as the exports find them)."""

    def __init__(self, spans: Sequence[Span]):
        self.exact = {(s.start, s.end, s.label): s for s in spans}
        self.at: dict[tuple[int, int], list[Span]] = {}
        for span in spans:
            self.at.setdefault((span.start, span.end), []).append(span)

    def span(self, start: int, end: int, label: str) -> Span | None:
        there = self.exact.get((start, end, label))
        if there is None and len(self.at.get((start, end), ())) == 1:
            there = self.at[(start, end)][0]
        return there


def shown(text: str, start: int, end: int, label: str, span: Span | None) -> str:
    """`LABEL 'text'` of the span as it is now, or as it was where it is gone."""
    words = " ".join(text[start:end].split())
    if len(words) > TEXT_SHOWN:
        words = words[:TEXT_SHOWN - 1] + "…"
    if span is None:
        return f"{label} '{words}' (no longer a span)"
    return f"{span.label} '{words}'"


def doccano_relations(own: object, text: str, found: _Found) -> list[SourceExtra]:
    """`ORG 'Acme' —works_for→ PERSON 'Ann'` per relation, through the entity ids."""
    if not isinstance(own, dict) or not isinstance(own.get("entity_ids"), dict) \
            or not isinstance(own.get("relations"), list):
        return []
    entities: dict = {}  # entity id -> (start, end, label)
    for key, entity_id in own["entity_ids"].items():
        parts = key.split("-", 2) if isinstance(key, str) else []
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit() \
                and isinstance(entity_id, (int, str)):
            entities[entity_id] = (int(parts[0]), int(parts[1]), parts[2])
    rows = []
    for relation in own["relations"]:
        if not isinstance(relation, dict):
            continue
        ends, there, gone = [], [], []
        for end in ("from_id", "to_id"):
            entity_id = relation.get(end)
            where = entities.get(entity_id) if isinstance(entity_id, (int, str)) else None
            if where is None:
                ends.append(f"entity {entity_id!r} (not in the source)")
                gone.append(str(entity_id))
                continue
            span = found.span(*where)
            ends.append(shown(text, *where, span))
            if span is None:
                gone.append(str(entity_id))
            else:
                there.append(span)
        kind = relation.get("type")
        rows.append(SourceExtra(
            f"{ends[0]} —{kind if isinstance(kind, str) else '?'}→ {ends[1]}",
            f"doccano relation {relation.get('id', '?')}: entity {relation.get('from_id')!r} "
            f"to entity {relation.get('to_id')!r}", tuple(there), tuple(gone)))
    return rows


def brat_lines(own: object, text: str, found: _Found) -> list[SourceExtra]:
    """Each kept line as it was read, with the spans its T ids point at (through the lines
    it names, for an attribute of an event); ids no longer there are named."""
    if not isinstance(own, dict) or not isinstance(own.get("spans"), list) \
            or not isinstance(own.get("extras"), list):
        return []
    bounds: dict[str, tuple[int, int, str]] = {}  # T id -> (start, end, label)
    for entry in own["spans"]:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) \
                and all(_whole(entry.get(k)) for k in ("start", "end")) \
                and isinstance(entry.get("label"), str):
            bounds[entry["id"]] = (entry["start"], entry["end"], entry["label"])
    extras = [e for e in own["extras"] if isinstance(e, dict) and isinstance(e.get("line"), str)
              and isinstance(e.get("refers_to"), list)]
    refers = {e["id"]: [r for r in e["refers_to"] if isinstance(r, str)]
              for e in extras if isinstance(e.get("id"), str)}
    lines = {e["id"]: e["line"].replace("\t", "  ") for e in extras
             if isinstance(e.get("id"), str)}
    spans = {ident: found.span(*where) for ident, where in bounds.items()}
    alive = {ident for ident, span in spans.items() if span is not None}
    while True:  # a line pointing at a line that is gone is gone too, as in an export
        more = {ident for ident, to in refers.items()
                if ident not in alive and all(r in alive for r in to)}
        if not more:
            break
        alive |= more
    rows = []
    for extra in extras:
        to = [r for r in extra["refers_to"] if isinstance(r, str)]
        gone = tuple(r for r in to if r not in alive)
        line = extra["line"].replace("\t", "  ")
        rows.append(SourceExtra(
            line + (f"  ({', '.join(gone)} no longer there)" if gone else ""),
            "brat: " + "; ".join(
                f"{r} = {shown(text, *bounds[r], spans[r])}" if r in bounds else
                f"{r} = {lines.get(r, '?')}" + ("" if r in alive else " (no longer there)")
                for r in to),
            _pointed_at(to, spans, refers), gone))
    return rows


def _pointed_at(ids: list[str], spans: dict[str, Span | None],
                refers: dict[str, list[str]]) -> tuple[Span, ...]:
    """The spans still there that the ids name, directly or through the lines they name."""
    found: list[Span] = []
    seen: set[str] = set()
    waiting = list(ids)
    while waiting:
        ident = waiting.pop(0)
        if ident in seen:
            continue
        seen.add(ident)
        if spans.get(ident) is not None and spans[ident] not in found:
            found.append(spans[ident])
        waiting += refers.get(ident, [])
    return tuple(found)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
