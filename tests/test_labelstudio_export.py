"""A Label Studio export as Label Studio exports a project with overlap: one task per
document holding the model's predictions and every person's work, the adjudicated version
as the ground truth; and its round trip through a fresh database."""
import json

import pytest
from typer.testing import CliRunner

import main
from annotate.spans import Span
from store.db import close_database, open_database
from store.editing import add_span, open_annotation, set_status, settle
from store.models import Annotation, Document
from store.queries import save_annotation
from store.records import AnnotationKey

TEXT = "Ada Lovelace met Babbage in London."
ADA = Span(0, 12, "PERSON")
BABBAGE = Span(17, 24, "PERSON")
LONDON_GPE, LONDON_LOC = Span(28, 34, "GPE"), Span(28, 34, "LOC")
ANA = {"id": 1, "email": "ana@example.org"}


def result(result_id, span: Span) -> dict:
    return {"id": result_id, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": TEXT[span.start:span.end],
                      "labels": [span.label]}}


# Ana and user 2 annotated the text in Label Studio, where a model had predicted London.
SOURCE = [{
    "id": 7, "data": {"text": TEXT, "title": "letters"}, "meta": {"batch": 3},
    "annotations": [
        {"id": 71, "completed_by": ANA, "ground_truth": False, "was_cancelled": False,
         "result": [result("a1", ADA), result("a2", LONDON_GPE)]},
        {"id": 72, "completed_by": 2, "ground_truth": False, "was_cancelled": False,
         "result": [result("b1", ADA), result("b2", BABBAGE), result("b3", LONDON_LOC)]}],
    "predictions": [{"id": 9, "model_version": "ner-v1", "score": 0.8,
                     "result": [result("p1", LONDON_GPE)]}],
}]


@pytest.fixture
def imported(cli, tmp_path, db_path):
    """The Label Studio file imported; then the document's id, with the store open."""
    (tmp_path / "source.json").write_text(json.dumps(SOURCE))
    assert cli("import", tmp_path / "source.json").exit_code == 0
    open_database(db_path)
    yield Document.get().id
    close_database()


def adjudicate(doc_id: int, adjudicator: str) -> None:
    """Ana's reading of London, and no span on Babbage."""
    judge = AnnotationKey(doc_id, adjudicator, "adjudicated")
    open_annotation(judge)
    settle(judge, (28, 34), [LONDON_GPE], 0)
    settle(judge, (17, 24), [], 1)
    set_status(judge, "accepted", 2)


def run(db, *args: str):
    """`main.py ARGS --db DB`, the database closed after."""
    outcome = CliRunner().invoke(main.app, [*map(str, args), "--db", str(db)])
    close_database()
    return outcome


def export(db, out, *options: str) -> list[dict]:
    outcome = run(db, "export", out, *options)
    assert outcome.exit_code == 0, outcome.output
    return json.loads(out.read_text(encoding="utf-8"))


ANAS = {"id": 71, "completed_by": ANA, "result": [result("a1", ADA), result("a2", LONDON_GPE)],
        "was_cancelled": False, "ground_truth": False}
USER_2S = {"id": 72, "completed_by": 2, "was_cancelled": False, "ground_truth": False,
           "result": [result("b1", ADA), result("b2", BABBAGE), result("b3", LONDON_LOC)]}
PREDICTIONS = [{"id": 9, "score": 0.8, "model_version": "ner-v1",
                "result": [result("p1", LONDON_GPE)]}]


def test_every_persons_work_beside_the_predictions_with_the_adjudicated_as_ground_truth(
        imported, tmp_path, db_path):
    adjudicate(imported, "jo")
    close_database()
    [task] = export(db_path, tmp_path / "out.json")
    assert task == {
        "id": 7, "data": {"text": TEXT, "title": "letters"}, "meta": {"batch": 3},
        # Label Studio's ids, users and results come back as they were; the adjudicated
        # version, made here, gets new result ids and no annotation id.
        "annotations": [ANAS, USER_2S, {
            "completed_by": {"email": "jo"}, "result": [result("1-1", ADA),
                                                        result("1-2", LONDON_GPE)],
            "was_cancelled": False, "ground_truth": True}],
        "predictions": PREDICTIONS}


@pytest.mark.parametrize("adjudicator", ["jo", "ana@example.org"])
def test_an_export_read_back_into_a_fresh_database_exports_the_same(imported, tmp_path,
                                                                    db_path, adjudicator):
    """With an adjudicator who also annotated the text (ana), too: Label Studio then has two
    annotations by her, one the ground truth."""
    adjudicate(imported, adjudicator)
    close_database()
    first = export(db_path, tmp_path / "first.json")
    fresh = tmp_path / "fresh.db"
    outcome = run(fresh, "import", tmp_path / "first.json")
    assert outcome.exit_code == 0, outcome.output
    # The store makes adjudicated versions by adjudicating: the ground truth comes back as
    # a person's work, and the import says so.
    assert "ground-truth annotation" in outcome.output
    # Its spans differ from user 2's, so an accepted export holds the document back until
    # it is adjudicated again; everything else the file said comes back.
    assert run(fresh, "export", tmp_path / "held.json").exit_code != 0
    assert export(fresh, tmp_path / "again.json", "--status", "any") == first
    names = {"jo": ["ana@example.org", "jo", "labelstudio-user-2"],
             "ana@example.org": ["ana@example.org", "ana@example.org (ground truth)",
                                 "labelstudio-user-2"]}[adjudicator]
    open_database(fresh)
    assert [a.annotator for a in Annotation.select().where(Annotation.annotator.is_null(False))
            .order_by(Annotation.annotator)] == names


def test_held_back_documents_stay_back_and_unfinished_work_needs_status_any(
        imported, tmp_path, db_path):
    save_annotation(imported, "cleo", [BABBAGE], "pending")  # opened, never finished
    close_database()
    # Ana and user 2 disagree and nobody adjudicated: nothing to export, and said why.
    outcome = run(db_path, "export", tmp_path / "out.json")
    assert outcome.exit_code != 0 and "annotators disagree" in outcome.output
    [task] = export(db_path, tmp_path / "out.json", "--status", "any")
    assert [a.get("completed_by") for a in task["annotations"]] == [ANA, {"email": "cleo"}, 2]
    open_database(db_path)
    save_annotation(imported, "labelstudio-user-2", [ADA, LONDON_GPE], "accepted")
    close_database()
    [task] = export(db_path, tmp_path / "out.json")  # they agree now
    assert [a.get("completed_by") for a in task["annotations"]] == [ANA, 2]
    assert not any(a["ground_truth"] for a in task["annotations"])


def test_a_reviewers_correction_replaces_the_work_it_corrects_under_its_ids(
        imported, tmp_path, db_path):
    add_span(AnnotationKey(imported, "ana@example.org", "reviewed"), BABBAGE, 0)
    set_status(AnnotationKey(imported, "labelstudio-user-2"), "rejected", 0)
    close_database()
    [task] = export(db_path, tmp_path / "out.json", "--status", "any")
    corrected, rejected = task["annotations"]
    assert corrected == {**ANAS, "result": [result("a1", ADA), result("1-2", BABBAGE),
                                            result("a2", LONDON_GPE)]}
    # Label Studio has no rejected annotation: cancelled, it never comes back as accepted.
    assert rejected == {**USER_2S, "was_cancelled": True}


def test_a_label_map_renames_every_version(imported, tmp_path, db_path):
    close_database()
    [task] = export(db_path, tmp_path / "out.json", "--status", "any",
                    "--label-map", "GPE=LOC,PERSON=")
    labels = [[r["value"]["labels"] for r in block["result"]]
              for block in task["annotations"] + task["predictions"]]
    assert labels == [[["LOC"]], [["LOC"]], [["LOC"]]]  # ana's, user 2's, the model's
