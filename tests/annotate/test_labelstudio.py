"""Label Studio files as Label Studio writes them (tests/data/labelstudio, written by hand in
the shape of its task format page): what is read, what is reported, what comes back out."""
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotate.formats import read_file
from annotate.formats.errors import InputError
from annotate.formats.labelstudio import read_labelstudio
from annotate.formats.labelstudio_writer import write_labelstudio
from annotate.formats.notes import ImportNotes
from annotate.spans import Span

DATA = Path(__file__).parent.parent / "data" / "labelstudio"
MODEL = "en_core_web_sm 3.8.0"


@dataclass
class Version:
    """One version of a document as the store hands it to a writer (CurrentDocument)."""

    text: str
    spans: tuple
    meta: dict
    status: str
    annotator: str | None  # None: the model's predictions


def read(path: Path) -> tuple[list, ImportNotes]:
    notes = ImportNotes()
    return list(read_labelstudio(path, notes)), notes


def spans(found) -> list[tuple]:
    return [(s.start, s.end, s.label, s.source) for s in found]


def tasks_of(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def written(tmp_path: Path, versions: list[Version]) -> list[dict]:
    out = tmp_path / "out.json"
    report = write_labelstudio(versions, out)
    assert report.documents == len(versions)
    assert report.spans == sum(len(v.spans) for v in versions)
    return tasks_of(out)


def what_the_format_says(task: dict, work: str) -> dict:
    """A task as far as Goldspan keeps it: ids, data, meta, and of `work` ("annotations" or
    "predictions") ids, authors, model versions, scores and the labels results."""
    kept = {k: task[k] for k in ("id", "data", "meta") if k in task}
    kept[work] = [
        {**{k: block[k] for k in ("id", "completed_by", "model_version", "score", "was_cancelled")
            if k in block},
         "result": [{k: r[k] for k in ("id", "from_name", "to_name", "type", "value")}
                    for r in block["result"] if r.get("type") == "labels"]}
        for block in task.get(work) or task.get("completions", [])]
    if work == "annotations":
        for block in kept[work]:
            block.setdefault("was_cancelled", False)
    return kept


# --- reading -------------------------------------------------------------------------------

def test_an_export_gives_the_models_spans_and_each_persons_work():
    documents, notes = read(DATA / "ner_export.json")
    assert [d.text for d in documents] == [
        "Ada Lovelace met Charles Babbage in London.", "Floods hit Lyon on Tuesday.",
        "Nothing to see in this sentence.", "Eight soldiers were missing near Lille."]
    first, floods, nothing, eight = documents
    assert spans(first.spans) == [(36, 42, "GPE", MODEL)]
    assert {name: (spans(found), status) for name, (found, status)
            in first.annotations.items()} == {
        "ana@example.org": ([(0, 12, "PERSON", "import"), (36, 42, "GPE", "import")],
                            "accepted")}
    assert [first.text[s.start:s.end] for s in first.annotations["ana@example.org"][0]] == [
        "Ada Lovelace", "London"]
    assert spans(floods.spans) == [(11, 15, "GPE", MODEL), (19, 26, "DATE", MODEL)]
    assert floods.annotations == {"labelstudio-user-2": ((), "skipped")}
    # An empty result someone submitted says "no entity here": that is kept, as it is.
    assert nothing.spans is None
    assert nothing.annotations == {"labelstudio-user-2": ((), "accepted")}
    # Two model versions: each span remembers its own.
    assert spans(eight.spans) == [(0, 5, "CARDINAL", MODEL), (33, 38, "GPE", "gazetteer-2024")]
    assert eight.annotations == {} and eight.status == "pending"
    # The task's meta and the data's other keys are the document's meta; where each came
    # from and Label Studio's ids are kept apart, under "labelstudio".
    assert first.meta == {
        "title": "letters", "source": "archive-7", "batch": 3,
        "labelstudio": {
            "task_id": 101, "data_keys": ["title"],
            "annotation_ids": {"ana@example.org": 2001},
            "completed_by": {"ana@example.org": {"id": 1, "first_name": "Ana",
                                                 "last_name": "Lima",
                                                 "email": "ana@example.org"}},
            "result_ids": {"ana@example.org": {"0-12-PERSON": "Xk2bA91ISN",
                                               "36-42-GPE": "p9QwE0aZcV"}},
            "prediction_result_ids": {"36-42-GPE": "p9QwE0aZcV"},
            "predictions": {MODEL: {"id": 55, "score": 0.91}}}}
    # A draft is work nobody submitted: not imported, and said so.
    assert dict(notes.counts) == {"draft (work not submitted in Label Studio): not imported": 1}
    assert notes.places == {"draft (work not submitted in Label Studio): not imported": [
        f"{DATA / 'ner_export.json'}:53 (task 2)"]}


def test_results_that_are_no_text_spans_never_become_empty_gold():
    documents, notes = read(DATA / "mixed_results.json")
    assert len(documents) == 2
    letters, page = documents
    # Spans beside a relation, a choice and a per-region text area: the spans are kept.
    assert {name: spans(found) for name, (found, _) in letters.annotations.items()} == {
        "labelstudio-user-1": [(0, 12, "PERSON", "import"), (22, 37, "PERSON", "import")]}
    # labelstudio-user-2 only chose a topic and a rating: no span annotation of theirs.
    assert "labelstudio-user-2" not in letters.annotations
    # Only a box on an image and a sentiment prediction: no work, no predictions.
    assert page.annotations == {} and page.spans is None and page.status == "pending"
    assert page.meta["image"] == "/data/upload/4/page-12.png"
    path = DATA / "mixed_results.json"
    assert dict(notes.counts) == {
        "relation result beside text spans: left out": 1,
        "choices result beside text spans: left out": 1,
        "textarea result beside text spans: left out": 1,
        "annotation with only choices, rating results, no text span: not imported": 1,
        "annotation with only rectanglelabels results, no text span: not imported": 1,
        "prediction with only choices results, no text span: not imported": 1,
    }
    assert notes.places["annotation with only choices, rating results, no text span: "
                        "not imported"] == [f"{path}:2 (task 1)"]
    assert notes.places["prediction with only choices results, no text span: "
                        "not imported"] == [f"{path}:36 (task 2)"]
    assert notes.lines()[0].startswith("1 × annotation with only choices, rating results")


def test_completions_from_before_label_studio_1_0_are_read_as_annotations():
    documents, notes = read(DATA / "completions_pre_1_0.json")
    blackburn, lovely = documents
    assert blackburn.text == "Peter Blackburn flew to Brussels."
    [(found, status)] = blackburn.annotations.values()
    assert list(blackburn.annotations) == ["labelstudio"]  # no completed_by before 1.0
    assert status == "accepted"
    assert [(s.start, s.end, s.label, blackburn.text[s.start:s.end]) for s in found] == [
        (0, 15, "PER", "Peter Blackburn"), (24, 32, "LOC", "Brussels")]
    assert blackburn.meta["labelstudio"]["task_id"] == 0
    assert lovely.annotations == {} and lovely.status == "pending"
    assert dict(notes.counts) == {
        "annotation with only choices results, no text span: not imported": 1}


@pytest.mark.parametrize("key", ["reviews", "annotations_v2", "completions_backup"])
def test_an_unknown_key_holding_results_is_refused_by_name(tmp_path, key):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"data": {"text": "Lyon is big."}, key: [{"result": [
        {"type": "labels", "value": {"start": 0, "end": 4, "text": "Lyon",
                                     "labels": ["GPE"]}}]}]}]))
    with pytest.raises(InputError, match=f'tasks.json:1 \\(task 1\\): "{key}" holds results'):
        list(read_labelstudio(path))


def test_unknown_keys_without_results_are_passed_over(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([{"data": {"text": "Lyon is big."}, "is_labeled": True,
                                 "custom_flag": 1, "tags": ["a", {"b": 2}],
                                 "annotations": [{"completed_by": 3, "result": []}]}]))
    documents, notes = read(path)
    assert [d.annotations for d in documents] == [{"labelstudio-user-3": ((), "accepted")}]
    assert documents[0].meta == {} and not notes


def test_read_file_reads_label_studio_without_a_report():
    documents = list(read_file(DATA / "mixed_results.json", "labelstudio"))
    assert [len(d.annotations) for d in documents] == [1, 0]


def test_a_meta_value_a_data_key_hides_is_kept_apart(tmp_path):
    path = tmp_path / "tasks.json"
    task = {"id": 5, "data": {"text": "Lyon is big.", "title": "A"},
            "meta": {"title": "B", "url": "u"}}
    path.write_text(json.dumps([task]))
    [document], _ = read(path)
    assert document.meta == {"title": "A", "url": "u", "labelstudio": {
        "task_id": 5, "data_keys": ["title"], "meta": {"title": "B"}}}
    [out] = written(tmp_path, [Version(document.text, (), document.meta, "pending", None)])
    assert out == {**task, "predictions": []}


@pytest.mark.parametrize("task, message", [
    ({"data": {"text": "Lyon", "labelstudio": 1}}, '"labelstudio" is the meta key'),
    ({"data": {"text": "Lyon"}, "meta": ["x"]}, '"meta" must be an object'),
    ({"data": {"text": "Lyon"}, "annotations": [{"result": [{"type": 3}]}]},
     '"type" must be a string'),
    ({"data": {"text": "Lyon"}, "annotations": [{"result": [{"type": "labels",
                                                             "value": {"start": 0}}]}]},
     'has no "labels" list'),
])
def test_malformed_tasks_are_refused_with_their_place(tmp_path, task, message):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]))
    with pytest.raises(InputError, match=r"tasks.json:1 \(task 1\): .*" + message):
        list(read_labelstudio(path))


def ground_truth_task(*annotations) -> dict:
    return {"id": 1, "data": {"text": "Lyon is big."}, "annotations": [
        {"id": number, "completed_by": by, "ground_truth": reference, "result": [
            {"id": f"r{number}", "type": "labels", "value": {
                "start": 0, "end": 4, "text": "Lyon", "labels": [label]}}]}
        for number, (by, reference, label) in enumerate(annotations, start=1)]}


def test_a_ground_truth_annotation_is_its_annotators_work_and_said_so(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([ground_truth_task((1, True, "GPE"), (2, False, "LOC"))]))
    [document], notes = read(path)
    assert {name: spans(found) for name, (found, _) in document.annotations.items()} == {
        "labelstudio-user-1": [(0, 4, "GPE", "import")],
        "labelstudio-user-2": [(0, 4, "LOC", "import")]}
    assert document.meta["labelstudio"]["ground_truth"] == ["labelstudio-user-1"]
    assert notes.lines() == ["1 × ground-truth annotation: imported as its annotator's work, "
                             f"not as an adjudicated version ({path}:1 (task 1))"]


def test_a_ground_truth_annotation_beside_its_annotators_own_is_kept_apart(tmp_path):
    """As Goldspan exports an adjudicator's own work and the adjudicated version."""
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([ground_truth_task((3, True, "GPE"), (3, False, "LOC"))]))
    [document], notes = read(path)
    assert {name: spans(found) for name, (found, _) in document.annotations.items()} == {
        "labelstudio-user-3 (ground truth)": [(0, 4, "GPE", "import")],
        "labelstudio-user-3": [(0, 4, "LOC", "import")]}
    kept = document.meta["labelstudio"]
    assert kept["ground_truth"] == ["labelstudio-user-3 (ground truth)"]
    assert kept["completed_by"] == {"labelstudio-user-3 (ground truth)": 3}  # written back
    assert list(notes.counts) == ["ground-truth annotation beside its annotator's own: "
                                  'imported as "NAME (ground truth)"\'s work']


@pytest.mark.parametrize("annotations", [
    ((3, False, "GPE"), (3, False, "LOC")), ((3, True, "GPE"), (3, True, "LOC")),
    ((3, True, "GPE"), (3, False, "LOC"), (3, False, "ORG")),
])
def test_one_persons_two_annotations_are_refused_unless_one_is_ground_truth(tmp_path,
                                                                          annotations):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([ground_truth_task(*annotations)]))
    with pytest.raises(InputError, match="two annotations by labelstudio-user-3"):
        read(path)


# --- round trips ---------------------------------------------------------------------------

def test_people_work_round_trips_with_its_ids_authors_and_meta(tmp_path):
    source = tasks_of(DATA / "ner_export.json")
    documents, _ = read(DATA / "ner_export.json")
    versions = [Version(d.text, found, d.meta, status, name)
                for d in documents[:3] for name, (found, status) in d.annotations.items()]
    out = written(tmp_path, versions)
    for original, task in zip(source[:3], out):
        assert task == what_the_format_says(original, "annotations")
    assert "predictions" not in out[0]
    again, notes = read(tmp_path / "out.json")
    assert not notes
    for before, after in zip(documents[:3], again):
        assert after.annotations == before.annotations
        assert spans(next(iter(after.annotations.values()))[0]) == spans(
            next(iter(before.annotations.values()))[0])
        assert {k: v for k, v in after.meta.items() if k != "labelstudio"} == {
            k: v for k, v in before.meta.items() if k != "labelstudio"}
        ids = ("task_id", "annotation_ids", "result_ids", "completed_by", "data_keys")
        assert {k: after.meta["labelstudio"].get(k) for k in ids} == {
            k: before.meta["labelstudio"].get(k) for k in ids}


def test_the_models_spans_round_trip_as_predictions_per_model_version(tmp_path):
    source = tasks_of(DATA / "ner_export.json")
    documents, _ = read(DATA / "ner_export.json")
    eight = documents[3]
    [task] = written(tmp_path, [Version(eight.text, eight.spans, eight.meta, "pending", None)])
    assert task == what_the_format_says(source[3], "predictions")
    assert [p["model_version"] for p in task["predictions"]] == [MODEL, "gazetteer-2024"]
    [again], _ = read(tmp_path / "out.json")
    assert spans(again.spans) == spans(eight.spans)
    assert again.meta == eight.meta


def test_names_of_the_labeling_config_and_pre_1_0_ids_come_back(tmp_path):
    documents, _ = read(DATA / "mixed_results.json")
    letters = documents[0]
    [task] = written(tmp_path, [Version(letters.text, letters.annotations[
        "labelstudio-user-1"][0], letters.meta, "accepted", "labelstudio-user-1")])
    expected = what_the_format_says(tasks_of(DATA / "mixed_results.json")[0], "annotations")
    # labelstudio-user-2's choices and rating were never imported: they do not come back.
    assert task == {**expected, "annotations": expected["annotations"][:1]}
    assert [r["from_name"] for r in task["annotations"][0]["result"]] == ["ner", "ner"]
    old, _ = read(DATA / "completions_pre_1_0.json")
    [task] = written(tmp_path, [Version(old[0].text, old[0].annotations["labelstudio"][0],
                                        old[0].meta, "accepted", "labelstudio")])
    original = tasks_of(DATA / "completions_pre_1_0.json")[0]
    assert "completions" not in task  # written as Label Studio 1.0 and later read it
    assert task == {"id": 0, "data": original["data"],
                    "annotations": [{"id": 1001, "was_cancelled": False, "result": [
                        {k: r[k] for k in ("id", "from_name", "to_name", "type", "value")}
                        for r in original["completions"][0]["result"]]}]}


def test_a_region_with_two_labels_is_one_result_again(tmp_path):
    path = tmp_path / "tasks.json"
    region = {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 4, "text": "Lyon", "labels": ["GPE", "LOC"]}}
    path.write_text(json.dumps([{"id": 1, "data": {"text": "Lyon is big."}, "annotations": [
        {"id": 7, "completed_by": 3, "result": [region], "was_cancelled": False}]}]))
    [document], _ = read(path)
    assert document.annotations["labelstudio-user-3"][0] == (Span(0, 4, "GPE"),
                                                             Span(0, 4, "LOC"))
    [task] = written(tmp_path, [Version(document.text, document.annotations[
        "labelstudio-user-3"][0], document.meta, "accepted", "labelstudio-user-3")])
    assert task["annotations"] == [{"id": 7, "completed_by": 3, "result": [region],
                                    "was_cancelled": False}]


def test_documents_from_elsewhere_keep_meta_in_meta_and_get_new_ids(tmp_path):
    out = written(tmp_path, [
        Version("Lyon is big.", (Span(0, 4, "GPE", "ana"),), {"source": "x"}, "accepted",
                "ana"),
        Version("Lille is small.", (Span(0, 5, "GPE", "numbers"),), {}, "pending", None)])
    assert out == [
        {"id": 1, "data": {"text": "Lyon is big."}, "meta": {"source": "x"},
         "annotations": [{"completed_by": {"email": "ana"}, "was_cancelled": False,
                          "result": [{"id": "1-1", "from_name": "label", "to_name": "text",
                                      "type": "labels", "value": {
                                          "start": 0, "end": 4, "text": "Lyon",
                                          "labels": ["GPE"]}}]}]},
        {"id": 2, "data": {"text": "Lille is small."},
         "predictions": [{"model_version": "numbers", "result": [
             {"id": "2-1", "from_name": "label", "to_name": "text", "type": "labels",
              "value": {"start": 0, "end": 5, "text": "Lille", "labels": ["GPE"]}}]}]}]
    again, _ = read(tmp_path / "out.json")
    assert list(again[0].annotations) == ["ana"]
    assert again[0].meta["source"] == "x"


# --- through the store ---------------------------------------------------------------------

def test_an_import_exports_back_predictions_and_peoples_work(cli, tmp_path):
    assert cli("import", DATA / "ner_export.json").exit_code == 0
    out = tmp_path / "out.json"
    result = cli("export", out, "--status", "any")
    assert result.exit_code == 0, result.output
    assert "wrote 4 documents with 7 spans" in result.output  # every span of every task
    # Every task as it came: the model's spans per model version beside each person's
    # work, with the ids, authors and meta Label Studio gave them.
    assert tasks_of(out) == [everything_the_format_says(task)
                             for task in tasks_of(DATA / "ner_export.json")]


def everything_the_format_says(task: dict) -> dict:
    """A task with all its work as far as Goldspan keeps it (see what_the_format_says)."""
    kept = {**what_the_format_says(task, "annotations"),
            "predictions": what_the_format_says(task, "predictions")["predictions"]}
    for block, original in zip(kept["annotations"], task.get("annotations", [])):
        block["ground_truth"] = original.get("ground_truth", False)
    return kept
