"""Finding inconsistencies in finished work: pure functions over texts and spans."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

from annotate.agreement import span_agreement
from annotate.spans import Span


@dataclass(frozen=True)
class SurfaceConflict:
    surface: str  # as written most often
    labels: dict[str, int]  # label -> how often the surface got it
    documents: tuple[Hashable, ...]  # where it occurs, to jump to


@dataclass(frozen=True)
class ModelChanges:
    kept: Counter  # label -> predictions annotators left as they were
    removed: Counter  # label -> predictions annotators deleted
    relabelled: Counter  # (model's label, annotator's label) -> count
    resized: Counter  # label -> predictions kept with other boundaries


def surface(text: str) -> str:
    """The form spans are compared by: case and spacing do not make a different name."""
    return " ".join(text.split()).casefold()


def label_conflicts(
    documents: Iterable[tuple[Hashable, str, Sequence[Span]]]
) -> list[SurfaceConflict]:
    """Surfaces given two or more labels across the documents, most frequent first."""
    labels: dict[str, Counter] = defaultdict(Counter)
    forms: dict[str, Counter] = defaultdict(Counter)
    where: dict[str, dict[Hashable, None]] = defaultdict(dict)
    for document_id, text, spans in documents:
        for span in spans:
            written = span.text(text)
            key = surface(written)
            labels[key][span.label] += 1
            forms[key][" ".join(written.split())] += 1
            where[key][document_id] = None
    conflicts = [SurfaceConflict(forms[key].most_common(1)[0][0], dict(counts.most_common()),
                                 tuple(where[key]))
                 for key, counts in labels.items() if len(counts) > 1]
    return sorted(conflicts, key=lambda c: (-sum(c.labels.values()), c.surface))


def model_changes(pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]]) -> ModelChanges:
    """What annotators did with the model's spans: (predictions, final spans) per document."""
    kept, removed, relabelled, resized = Counter(), Counter(), Counter(), Counter()
    for predictions, final in pairs:
        final_set = set(final)
        by_offsets = {(s.start, s.end): s for s in final}
        for predicted in predictions:
            if predicted in final_set:
                kept[predicted.label] += 1
            elif (predicted.start, predicted.end) in by_offsets:
                relabelled[predicted.label, by_offsets[predicted.start, predicted.end].label] += 1
            elif any(s.label == predicted.label and s.start < predicted.end
                     and predicted.start < s.end for s in final):
                resized[predicted.label] += 1
            else:
                removed[predicted.label] += 1
    return ModelChanges(kept, removed, relabelled, resized)


def rank_by_model_disagreement(
    documents: Iterable[tuple[Hashable, Sequence[Span], Sequence[Span]]]
) -> list[tuple[Hashable, float]]:
    """(document, 1 - exact F1 between model and final spans), most disagreement first."""
    scored = [(document_id, 1 - span_agreement(predictions, final).f1)
              for document_id, predictions, final in documents]
    return sorted(scored, key=lambda item: (-item[1], str(item[0])))
