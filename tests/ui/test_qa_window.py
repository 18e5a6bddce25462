"""Review, adjudication and the QA views, driven with keys and the mouse."""
import json

import pytest
from PySide6.QtCore import Qt

from annotate.spans import Span
from store import jobs
from store.editing import open_annotation
from store.models import Annotation, Document
from store.queries import save_annotation, spans_for
from store.records import AnnotationKey
from store.reviews import create_sample, review_queue
from tests.ui.conftest import TEXT, active_window, drag

CARDINAL, DATE = Span(0, 15, "CARDINAL"), Span(42, 49, "DATE")
GPE, LOC = Span(34, 38, "GPE"), Span(34, 38, "LOC")


@pytest.fixture
def two_annotators(article):
    """ana and ben accepted the article; ben missed the date and called Lyon a LOC."""
    save_annotation(article, "ana", [CARDINAL, GPE, DATE], "accepted")
    save_annotation(article, "ben", [CARDINAL, LOC], "accepted")
    return article


@pytest.fixture
def reviewer_window(qtbot, open_window, settings, store):
    """open_window's documents, opened by rita (a reviewer) instead of ana."""
    from ui.main_window import MainWindow

    def open_() -> MainWindow:
        open_window().close()  # adds the other documents
        window = active_window(qtbot, store, "rita", settings)
        window.article.setFocus()
        return window
    return open_


def key(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.article, key, modifier)


CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def test_a_reviewer_fails_and_fixes_work_then_adjudicates_and_the_export_follows(
        qtbot, reviewer_window, two_annotators, store, tmp_path):
    ben = Annotation.get(Annotation.annotator == "ben").id
    create_sample([ben], "spot check")
    window = reviewer_window()

    key(qtbot, window, Qt.Key.Key_R, CTRL)  # QA > Review queue
    panel = window.qa.review
    assert window.session.key == AnnotationKey(two_annotators, "ben", "reviewed")
    assert window.session.spans == [CARDINAL, LOC]
    groups = {panel.differences.topLevelItem(i).text(0): panel.differences.topLevelItem(i)
              for i in range(panel.differences.topLevelItemCount())}
    assert set(groups) == {"model", "ana"}
    against_ana = [groups["ana"].child(i).text(1) for i in range(groups["ana"].childCount())]
    assert against_ana == ["+ LOC 'Lyon'", "− GPE 'Lyon'", "− DATE 'Tuesday'"]

    # The fix: ben missed the date.
    window.editor.active_label = "DATE"
    drag(qtbot, window.article, 42, 49)
    assert spans_for(two_annotators, "ben") == [CARDINAL, LOC]  # the original is kept
    reviewed = open_annotation(AnnotationKey(two_annotators, "ben", "reviewed"))
    assert reviewed.spans == (CARDINAL, LOC, DATE)

    # The verdict: fail, missed span, with a comment.
    qtbot.mouseClick(panel.categories["missed span"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.comment, "Dates are entities too")
    key(qtbot, window, Qt.Key.Key_Return, CTRL | SHIFT)
    [item] = review_queue(store.id)
    assert (item.verdict.verdict, item.verdict.categories, item.verdict.comment,
            item.verdict.reviewer) == ("fail", ("missed span",), "Dates are entities too",
                                       "rita")
    assert panel.queue.item(0).text().startswith("✗ fail")
    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # a verdict is undone like any edit
    assert review_queue(store.id)[0].verdict.verdict == "pending"
    key(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert review_queue(store.id)[0].verdict.verdict == "fail"

    # Disagreement left: Lyon. The export holds the document back until it is settled.
    with pytest.raises(jobs.JobError, match="1 documents are held back.*annotators disagree"):
        jobs.export_dataset(store, tmp_path / "before.jsonl", "jsonl")

    key(qtbot, window, Qt.Key.Key_J, CTRL)  # QA > Adjudicate
    assert window.session.key.kind == "adjudicated"
    assert window.session.spans == [CARDINAL, DATE]  # agreed, with ben's corrected version
    conflicts = window.qa.adjudication.conflicts
    assert conflicts.topLevelItemCount() == 1
    first = conflicts.topLevelItem(0)
    assert [first.child(i).text(0) for i in range(first.childCount())] == [
        "Ctrl+1  GPE 'Lyon'", "Ctrl+2  LOC 'Lyon'"]
    assert [first.child(i).text(1) for i in range(first.childCount())] == ["ana", "ben"]
    key(qtbot, window, Qt.Key.Key_1, CTRL)
    assert first.text(1) == "settled"
    key(qtbot, window, Qt.Key.Key_A)
    adjudicated = Annotation.get(Annotation.kind == "adjudicated")
    assert (adjudicated.annotator, adjudicated.status) == ("rita", "accepted")

    out = tmp_path / "gold.jsonl"
    jobs.export_dataset(store, out, "jsonl")
    [line] = [json.loads(row) for row in out.read_text().splitlines()
              if json.loads(row)["text"] == TEXT]
    assert [(s["start"], s["end"], s["label"]) for s in line["spans"]] == [
        (0, 15, "CARDINAL"), (34, 38, "GPE"), (42, 49, "DATE")]


def test_an_adjudication_is_accepted_only_once_every_conflict_is_settled(
        qtbot, reviewer_window, two_annotators, store):
    window = reviewer_window()
    key(qtbot, window, Qt.Key.Key_J, CTRL)
    panel = window.qa.adjudication
    assert panel.conflicts.topLevelItemCount() == 2  # Lyon, and ben's missing date
    key(qtbot, window, Qt.Key.Key_A)
    assert "2 conflicts are not settled yet" in window.statusBar().currentMessage()
    assert Annotation.get(Annotation.kind == "adjudicated").status == "pending"
    key(qtbot, window, Qt.Key.Key_2, CTRL)  # Lyon: ben's LOC
    key(qtbot, window, Qt.Key.Key_0, CTRL)  # the date: no span
    assert window.session.spans == [CARDINAL, LOC]
    key(qtbot, window, Qt.Key.Key_Z, CTRL)  # reopens the date conflict
    assert panel.conflicts.topLevelItem(1).text(1) == "open"
    panel.conflicts.setCurrentItem(panel.conflicts.topLevelItem(0))
    key(qtbot, window, Qt.Key.Key_1, CTRL)  # Lyon again, now ana's GPE: it replaces LOC
    assert window.session.spans == [CARDINAL, GPE]
    key(qtbot, window, Qt.Key.Key_2, CTRL)  # the open one: ana's date
    key(qtbot, window, Qt.Key.Key_A)
    stored = open_annotation(AnnotationKey(two_annotators, "rita", "adjudicated"))
    assert (stored.status, stored.spans) == ("accepted", (CARDINAL, GPE, DATE))
    assert window.statusBar().currentMessage() == "The adjudicated version is accepted."


def test_adjudication_needs_two_annotations(qtbot, reviewer_window, article):
    save_annotation(article, "ana", [CARDINAL], "accepted")
    window = reviewer_window()
    key(qtbot, window, Qt.Key.Key_J, CTRL)
    assert window.session.key.kind == "annotation"
    assert "needs two or more" in window.statusBar().currentMessage()


def test_figures_and_consistency_views_show_the_store_and_jump_to_cases(
        qtbot, reviewer_window, two_annotators, store):
    window = reviewer_window()
    key(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)
    pairs = window.qa.figures.pairs
    assert [pairs.item(0, c).text() for c in range(3)] == ["ana / ben", "1", "0.400"]
    # exact F1: 1 span matches of 3 (ana) and 2 (ben): 2·1 / (3 + 2) = 0.4
    # The article is held back (ana and ben disagree); ben's other document is gold.
    paris = Document.get(Document.text.startswith("Paris")).id
    save_annotation(paris, "ben", [Span(0, 5, "GPE")], "accepted")
    key(qtbot, window, Qt.Key.Key_K, CTRL | SHIFT)
    cases = window.qa.consistency.cases
    ranked = cases.topLevelItem(2)
    assert ranked.text(0) == "Documents furthest from the model"
    assert ranked.child(0).text(0) == f"document {paris}"
    assert window.session.document_id != paris
    cases.setCurrentItem(ranked.child(0))
    qtbot.keyClick(cases, Qt.Key.Key_Return)
    assert window.session.document_id == paris


def test_next_document_skips_what_has_enough_annotators(qtbot, open_window, store, article):
    from store.queries import set_annotators_per_document
    window = open_window()
    others = [d.id for d in Document.select().where(Document.id != article)
              .order_by(Document.id)]
    save_annotation(others[0], "ben", [], "accepted")  # one annotator: enough
    key(qtbot, window, Qt.Key.Key_A)
    assert window.session.document_id == others[1]
    set_annotators_per_document(store.id, 2)
    window.table.selectRow(0)
    key(qtbot, window, Qt.Key.Key_A)  # now ben's document wants a second annotator
    assert window.session.document_id == others[0]


def test_the_list_marks_the_document_a_review_opens(qtbot, reviewer_window, two_annotators):
    ben = Annotation.get(Annotation.annotator == "ben").id
    create_sample([ben], "spot check")
    window = reviewer_window()
    window.table.selectRow(1)  # another document first
    assert window.session.document_id != two_annotators
    key(qtbot, window, Qt.Key.Key_R, CTRL)  # QA > Review queue opens ben's work
    assert window.session.document_id == two_annotators
    [selected] = window.table.selectionModel().selectedRows()
    assert window.documents.document_id(selected.row()) == two_annotators
