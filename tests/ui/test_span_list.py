"""The span list follows edits a row at a time: real keys and mouse on the window, the
model's signals counted (a reset would make the view ask for every row again), the rows
checked against the store after each step."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings, strategies as st
from PySide6.QtCore import Qt

from annotate import spans as span_ops
from annotate.labels import LabelRecord
from annotate.spans import Mode, Span
from store.queries import spans_for
from tests.ui.conftest import TEXT, drag
from ui.panels import SpanListModel


class Signals:
    """Counts what a model tells its views."""

    def __init__(self, model):
        self.seen: list[tuple] = []
        model.modelReset.connect(lambda: self.seen.append(("reset",)))
        model.rowsInserted.connect(lambda _, a, b: self.seen.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _, a, b: self.seen.append(("removed", a, b)))
        model.dataChanged.connect(
            lambda a, b, roles=(): self.seen.append(("changed", a.row(), b.row())))

    def take(self) -> list[tuple]:
        seen, self.seen = self.seen, []
        return seen


def shown_rows(window) -> list[str]:
    model = window.spans.list_model
    return [model.data(model.index(row)) for row in range(model.rowCount())]


def expected_rows(spans) -> list[str]:
    return [f"{s.label}  {' '.join(TEXT[s.start:s.end].split())}" for s in spans]


def key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.article, key, modifier)


def test_edits_and_undo_change_one_row_never_resetting(qtbot, open_window, article):
    window = open_window()
    model = window.spans.list_model
    signals = Signals(model)

    def step(action, changes):
        with qtbot.assertNotEmitted(model.modelReset):
            action()
        assert signals.take() == changes
        stored = spans_for(article, "ana")
        assert model.rows == window.session.spans == stored
        assert shown_rows(window) == expected_rows(stored)
        selected = window.session.selected
        current = window.spans.selectionModel().selectedRows()
        assert [model.rows[i.row()] for i in current] == ([selected] if selected else [])

    marched = TEXT.index("marched")
    window.editor.active_label = "EVENT"
    step(lambda: drag(qtbot, window.article, marched, marched + 7), [("inserted", 1, 1)])
    assert window.spans.currentIndex().row() == 1
    step(lambda: key(qtbot, window, Qt.Key.Key_3), [("changed", 1, 1)])  # GPE
    assert model.rows[1] == Span(23, 30, "GPE")
    # "marched in": past the PERSON at 34? no: "in" ends at 33, the row stays in place
    step(lambda: key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier),
         [("changed", 1, 1)])
    assert model.rows[1] == Span(23, 33, "GPE")
    step(lambda: key(qtbot, window, Qt.Key.Key_Delete), [("removed", 1, 1)])
    undo, redo = Qt.KeyboardModifier.ControlModifier, (Qt.KeyboardModifier.ControlModifier
                                                      | Qt.KeyboardModifier.ShiftModifier)
    step(lambda: key(qtbot, window, Qt.Key.Key_Z, undo), [("inserted", 1, 1)])
    step(lambda: key(qtbot, window, Qt.Key.Key_Z, undo), [("changed", 1, 1)])  # resize
    step(lambda: key(qtbot, window, Qt.Key.Key_Z, undo), [("changed", 1, 1)])  # relabel
    assert model.rows[1] == Span(23, 30, "EVENT")
    step(lambda: key(qtbot, window, Qt.Key.Key_Z, undo), [("removed", 1, 1)])  # the add
    step(lambda: key(qtbot, window, Qt.Key.Key_Z, redo), [("inserted", 1, 1)])
    # Selecting another span changes no row: only the list's current row.
    step(lambda: key(qtbot, window, Qt.Key.Key_Tab), [])
    assert window.spans.currentIndex().row() == 2


def test_a_click_on_a_row_selects_its_span_and_another_document_resets(qtbot, open_window):
    window = open_window()
    spans = window.spans
    qtbot.mouseClick(spans.viewport(), Qt.MouseButton.LeftButton,
                     pos=spans.visualRect(spans.list_model.index(2)).center())
    assert window.session.selected == Span(42, 49, "DATE")
    signals = Signals(spans.list_model)
    key(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert signals.take()[0] == ("reset",)
    assert spans.count() == len(window.session.spans) == 0


def test_the_model_passes_qts_model_tester(qtbot, open_window, qtmodeltester):
    window = open_window()
    window.editor.active_label = "EVENT"
    drag(qtbot, window.article, TEXT.index("marched"), TEXT.index("marched") + 7)
    qtmodeltester.check(window.spans.list_model)


# The model alone, on many spans and random edits, as the session reports them

LONG = "word " * 400
edits = st.lists(st.tuples(st.sampled_from(["add", "remove", "relabel", "resize", "settle"]),
                           st.integers(0, 399), st.integers(1, 4), st.sampled_from("ABC")),
                 min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(edits)
def test_rows_follow_any_edits_without_a_reset(qapp, edits):
    session = SimpleNamespace(text=LONG, dataset=SimpleNamespace(
        labels=(LabelRecord("A", "#ffffff"),)))
    spans = [Span(i * 20, i * 20 + 4, "A") for i in range(100)]
    model = SpanListModel(session)
    model.reset(spans)
    signals = Signals(model)
    for kind, word, words, label in edits:
        start = word * 5
        new = Span(start, min(start + words * 5 - 1, len(LONG)), label)
        near = [s for s in spans if s.start >= start][:1] or spans[-1:]
        if kind == "settle":  # as adjudication settles a region: its spans, one range
            region = [Span(start, start + 2, label), Span(start + 3, start + 4, label),
                      Span(start + 4, start + 5, "A")]
            inside = [s for s in spans if start <= s.start < start + 5]
            spans = sorted({*spans, *region} - set(inside))
            touched = [Span(start, start + 5, "")]
        elif kind == "add" and new not in spans:
            spans, touched = span_ops.add(spans, new, Mode.SPANS), [new]
        elif kind == "remove" and near:
            spans, touched = span_ops.remove(spans, near[0]), near
        elif kind in ("relabel", "resize") and near and new not in spans:
            changed = (Span(near[0].start, near[0].end, label) if kind == "relabel" else new)
            if changed in spans:
                continue
            spans = span_ops.replace_span(spans, near[0], changed, Mode.SPANS)
            touched = [near[0], changed]
        else:
            continue
        model.update(spans, [(s.start, s.end) for s in touched])
        assert model.rows == spans
    assert ("reset",) not in signals.take()
