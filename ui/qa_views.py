"""QA > Figures and QA > Consistency: the figures `qa agreement`, `qa report` and
`qa consistency` print, as tables in the window; consistency cases open their document."""
from __future__ import annotations

import math
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from annotate.qa_output import review_figures
from store import qa_figures
from store.reviews import reviews_by_annotator


def shown(value) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def fill_table(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(list(headers))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(shown(value))
            if not isinstance(value, str):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


def read_only_table() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(22)
    table.setWordWrap(False)
    return table


class FiguresView(QWidget):
    """Agreement between annotators and review pass rates, read afresh on each refresh."""

    def __init__(self, dataset_id: int):
        super().__init__()
        self.dataset_id = dataset_id
        self.summary = QLabel(wordWrap=True)
        self.pairs, self.labels, self.reviews = (read_only_table() for _ in range(3))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        columns = QHBoxLayout()
        for title, table in (("Pairs of annotators", self.pairs), ("Per label", self.labels),
                             ("Reviews per annotator", self.reviews)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))  # our own words, never user text
            column.addWidget(table)
            columns.addLayout(column)
        layout.addLayout(columns)

    def refresh(self) -> None:
        report = qa_figures.agreement(self.dataset_id)
        self.summary.setText(
            f"{report.documents} documents with two or more accepted annotations; "
            f"Krippendorff's alpha over all tokens: {shown(report.alpha)}")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        fill_table(self.pairs, ["pair", "documents", "F1 exact", "F1 partial", "kappa"],
                   [(f"{p.first} / {p.second}", p.documents, p.exact.f1, p.partial.f1, p.kappa)
                    for p in report.pairs])
        fill_table(self.labels, ["label", "F1 exact", "kappa", "alpha"],
                   [(l.label, l.exact_f1, l.kappa, l.alpha) for l in report.labels])
        figures = review_figures(reviews_by_annotator(self.dataset_id))
        fill_table(self.reviews, ["annotator", "reviewed", "passed", "pass rate", "95% interval",
                                  "errors"],
                   [(f["annotator"], f["reviewed"], f["passed"], f["pass_rate"],
                     f"{f['interval_95'][0]:.2f}–{f['interval_95'][1]:.2f}",
                     ", ".join(f"{name} {n}" for name, n in f["errors"].items()))
                    for f in figures])


class ConsistencyView(QWidget):
    """The cases `qa consistency` finds; activating one opens its document."""

    open_document = Signal(int, str)  # document id, the text to select there ("" for none)

    def __init__(self, dataset_id: int):
        super().__init__()
        self.dataset_id = dataset_id
        self.summary = QLabel(wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.cases = QTreeWidget()
        self.cases.setHeaderLabels(["Case", "Details"])
        self.cases.itemActivated.connect(self._activated)
        self.cases.itemDoubleClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.cases)

    def refresh(self, top: int = 50) -> None:
        findings = qa_figures.consistency(self.dataset_id)
        self.summary.setText(f"{findings.documents} accepted documents. Double-click or press "
                             "Enter on a document to open it.")
        self.cases.clear()
        same = QTreeWidgetItem(["Same text, different labels",
                                f"{len(findings.label_conflicts)} surfaces"])
        for conflict in findings.label_conflicts[:top]:
            labels = ", ".join(f"{label} {n}" for label, n in conflict.labels.items())
            row = QTreeWidgetItem([conflict.surface, labels])
            for document_id in conflict.documents:
                row.addChild(self._document_item(document_id, conflict.surface))
            same.addChild(row)
        changes = findings.model_changes
        changed = QTreeWidgetItem(["The model's spans annotators changed", ""])
        for label in sorted(set(changes.removed) | set(changes.resized) | set(changes.kept)):
            changed.addChild(QTreeWidgetItem([label, (
                f"kept {changes.kept[label]}, removed {changes.removed[label]}, "
                f"resized {changes.resized[label]}")]))
        for (before, after), n in changes.relabelled.most_common(top):
            changed.addChild(QTreeWidgetItem([f"{before} → {after}", f"relabelled {n}"]))
        ranked = QTreeWidgetItem(["Documents furthest from the model", ""])
        for document_id, score in findings.by_disagreement[:top]:
            item = self._document_item(document_id, "")
            item.setText(1, f"disagreement {score:.3f}")
            ranked.addChild(item)
        for group in (same, changed, ranked):
            self.cases.addTopLevelItem(group)
            group.setExpanded(True)
        self.cases.resizeColumnToContents(0)

    @staticmethod
    def _document_item(document_id: int, surface: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([f"document {document_id}", ""])
        item.setData(0, Qt.ItemDataRole.UserRole, (document_id, surface))
        return item

    def _activated(self, item: QTreeWidgetItem) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if target is not None:
            self.open_document.emit(*target)
