"""Below the span list: what the open document's source file had besides spans (doccano's
relations, brat's other lines; see annotate.extras), read-only and resolved against the
spans as they stand. Choosing a row selects the first span it points at."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotate.extras import SourceExtra, partial_rows, source_extras
from store.document_extras import document_meta
from store.editing import EditError
from ui.plain import literal
from ui.session import AnnotationSession

TITLE = "Relations and notes from the source"


class SourceExtrasPanel(QWidget):
    """A title and the rows; hidden for a document whose source had nothing besides
    spans. A list rather than a tree: it wraps long rows to its width."""

    def __init__(self, session: AnnotationSession):
        super().__init__()
        self.session = session
        self.title = QLabel(TITLE, textFormat=Qt.TextFormat.PlainText)
        self.list = QListWidget()
        self.list.setWordWrap(True)  # a relation reads whole
        self.list.setResizeMode(QListView.ResizeMode.Adjust)  # and wraps again on resize
        self.list.setAlternatingRowColors(True)  # where one wrapped row ends
        self.list.itemClicked.connect(self._chosen)
        self.list.itemActivated.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        self.rows: list[SourceExtra] = []
        self._meta_of: int | None = None  # the document whose meta is read
        self._meta: dict = {}
        # The document and spans list the rows were made for: an edit makes a new list.
        self._shown: tuple[int | None, list | None] = (None, None)
        session.changed.connect(self.refresh)
        self.hide()

    def refresh(self) -> None:
        session = self.session
        if session.document_id == self._shown[0] and session.spans is self._shown[1]:
            return  # a selection or the like: the rows stand
        if session.document_id != self._meta_of:
            self._meta_of = session.document_id
            try:  # read once per document: the meta does not change after import
                self._meta = (document_meta(session.document_id)
                              if session.document_id is not None else {})
            except EditError:
                self._meta = {}  # the rows are a courtesy; the session says what failed
        self._shown = (session.document_id, session.spans)
        self.rows = (partial_rows(session.rejected, session.text)
                     + source_extras(self._meta, session.text, session.spans))
        self.list.clear()
        faded = QBrush(self.palette().color(QPalette.ColorGroup.Disabled,
                                            QPalette.ColorRole.Text))
        for row in self.rows:
            item = QListWidgetItem(row.text)  # item text is never read as markup
            item.setToolTip(literal(row.detail))
            if row.gone:  # an export would leave it out
                item.setForeground(faded)
            self.list.addItem(item)
        self.title.setText(f"{TITLE} ({len(self.rows)})")
        self.setVisible(bool(self.rows))

    def _chosen(self, item: QListWidgetItem) -> None:
        row = self.rows[self.list.row(item)]
        if row.spans and row.spans[0] in self.session.spans:
            self.session.select(row.spans[0])
