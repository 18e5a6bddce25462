"""The QA menu's docks: review queue, adjudication, figures and consistency cases.

The window names these handlers in ui.actions; they open the right annotation in the session
and show the dock, and the docks redraw from the session's one signal like every view.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QInputDialog, QWidget

from annotate.consistency import surface
from annotate.versions import ADJUDICATED
from store.editing import people_annotations
from store.queries import set_annotators_per_document
from ui.adjudication_panel import AdjudicationPanel
from ui.qa_views import ConsistencyView, FiguresView
from ui.review_panel import ReviewPanel

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class QaDocks:
    def __init__(self, window: MainWindow):
        self.window, self.session = window, window.session
        dataset_id = window.session.dataset.id
        self.review = ReviewPanel(window.editor)
        self.adjudication = AdjudicationPanel(window.editor)
        self.figures = FiguresView(dataset_id)
        self.consistency = ConsistencyView(dataset_id)
        self.docks = {
            "review": self._dock("Review queue", self.review, Qt.DockWidgetArea.RightDockWidgetArea),
            "adjudication": self._dock("Adjudication", self.adjudication,
                                       Qt.DockWidgetArea.RightDockWidgetArea),
            "figures": self._dock("QA figures", self.figures,
                                  Qt.DockWidgetArea.BottomDockWidgetArea),
            "consistency": self._dock("Consistency", self.consistency,
                                      Qt.DockWidgetArea.BottomDockWidgetArea),
        }
        window.tabifyDockWidget(self.docks["review"], self.docks["adjudication"])
        window.tabifyDockWidget(self.docks["figures"], self.docks["consistency"])
        for action in self.adjudication.settle_actions:
            window.addAction(action)  # window-wide keys; enabled only while adjudicating
        for panel in (self.review, self.adjudication):
            panel.reveal.connect(window.article.scroll_to)
            panel.message.connect(window.say)
        self.consistency.open_document.connect(self._open_case)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        dock.hide()
        return dock

    def _show(self, name: str) -> None:
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    # Handlers named by ui.actions

    def review_queue(self) -> None:
        self._show("review")
        self.review.load()

    def pass_review(self) -> None:
        self.review.decide("pass")

    def fail_review(self) -> None:
        self.review.decide("fail")

    def adjudicate(self) -> None:
        document_id = self.session.document_id
        if document_id is None:
            return
        people = people_annotations(document_id)
        if len(people) < 2:
            self.window.say("Adjudication needs two or more people's annotations of this "
                            f"document; it has {len(people)}.")
            return
        self.session.open(document_id, self.session.annotator, ADJUDICATED)
        self.window.show_comparison(True)  # everyone's spans, as ghosts where left out
        self._show("adjudication")

    def open_conflicts(self) -> int:
        """Conflicts not settled yet, when the adjudicated version is open."""
        comparison = self.session.comparison
        if self.session.key is None or self.session.key.kind != ADJUDICATED or not comparison:
            return 0
        return sum((c.start, c.end) not in self.session.settled for c in comparison.conflicts)

    def qa_figures(self) -> None:
        self._show("figures")
        self.figures.refresh()

    def consistency_cases(self) -> None:
        self._show("consistency")
        self.consistency.refresh()

    def set_annotators_per_document(self) -> None:
        dataset = self.session.dataset
        count, chosen = QInputDialog.getInt(
            self.window, "Annotators per document",
            "How many people should annotate each document?",
            dataset.annotators_per_document, 1, 100)
        if chosen:
            self.session.dataset = set_annotators_per_document(dataset.id, count)
            self.window.say(f"Each document now goes to {count} annotators.")

    def _open_case(self, document_id: int, text: str) -> None:
        self.window.open_document(document_id)
        if self.session.document_id != document_id:
            return
        match = next((s for s in self.session.spans
                      if surface(s.text(self.session.text)) == text), None) if text else None
        if match is not None:
            self.session.select(match)
