"""QA figures from the store, for the command line and the window alike."""
from __future__ import annotations

from dataclasses import dataclass

from annotate.agreement import AgreementReport, agreement_report
from annotate.consistency import (
    ModelChanges, SurfaceConflict, label_conflicts, model_changes, rank_by_model_disagreement,
)
from annotate.tokenizer import tokens_of
from store.queries import annotations_by_document, gold_with_predictions


@dataclass(frozen=True)
class ConsistencyFindings:
    documents: int  # finished documents looked at
    label_conflicts: list[SurfaceConflict]
    model_changes: ModelChanges
    by_disagreement: list[tuple[int, float]]  # (document id, distance from the model)


def agreement(dataset_id: int, status: str = "accepted") -> AgreementReport:
    return agreement_report(annotations_by_document(dataset_id, status), tokens_of)


def consistency(dataset_id: int, status: str = "accepted") -> ConsistencyFindings:
    rows = list(gold_with_predictions(dataset_id, status))
    return ConsistencyFindings(
        documents=len(rows),
        label_conflicts=label_conflicts((doc_id, text, gold) for doc_id, text, _, gold in rows),
        model_changes=model_changes((predicted, gold) for _, _, predicted, gold in rows),
        by_disagreement=rank_by_model_disagreement((doc_id, predicted, gold)
                                                   for doc_id, _, predicted, gold in rows),
    )
