"""Prodigy JSONL as Prodigy writes it (tests/data/prodigy, written by hand in the shape of
`prodigy db-out` for ner.manual and ner.teach): what is read, what is kept and written back,
what is refused, and the hashes of tasks that had none."""
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.document import TextDocument
from annotate.formats import InputError
from annotate.formats.prodigy import PRODIGY_KEY, prodigy_hashes, read_jsonl, write_jsonl
from annotate.spans import Span

DATA = Path(__file__).resolve().parent.parent / "data" / "prodigy"
BIO = "IL-2-mediated activation of CD4+T cells"


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_lines(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_ner_manual_answers_are_read_with_prodigys_own_fields_kept():
    bonobos, bio, duck, xanax = read_jsonl(DATA / "ner_manual.jsonl")
    assert bonobos == TextDocument(
        "Bonobos has some long sizes.", (Span(0, 7, "FASHION_BRAND"),),
        {"section": "malefashionadvice", "utc": "1364690064",
         PRODIGY_KEY: {"_input_hash": -874614165, "_task_hash": 2136869442,
                       "_view_id": "ner_manual", "_session_id": "fashion-ana"}},
        "ner_manual.jsonl", "accepted")
    # the file's own tokens, not spaCy's ("CD4+T" is one token to spaCy)
    assert [(s.start, s.end, s.label, s.text(BIO)) for s in bio.spans] == [
        (0, 4, "PROTEIN", "IL-2"), (28, 31, "PROTEIN", "CD4"), (32, 39, "CELL_TYPE", "T cells")]
    assert bio.meta[PRODIGY_KEY] == {"_input_hash": 1598376124, "_task_hash": -2084377016,
                                     "_view_id": "ner_manual", "_session_id": "bio-ben",
                                     "_annotator_id": "bio-ben", "_timestamp": 1700000000}
    # a rejected manual task is a rejected document, its spans as they were
    assert (duck.status, [(s.start, s.end, s.label) for s in duck.spans]) == (
        "rejected", [(21, 30, "INGRED")])
    assert (xanax.status, xanax.spans, xanax.meta) == ("skipped", (),
                                                       {PRODIGY_KEY: {"_view_id": "ner_manual"}})


def test_export_writes_prodigys_fields_back_and_reads_back_the_same(tmp_path):
    documents = list(read_jsonl(DATA / "ner_manual.jsonl"))
    out = tmp_path / "out.jsonl"
    report = write_jsonl(documents, out)
    assert (report.documents, report.spans) == (4, 5)
    # CD4 and "T cells" start or end inside spaCy's token "CD4+T": reported, and written
    assert [(m.document, m.text) for m in report.misaligned] == [(2, "CD4"), (2, "T cells")]
    source, written = lines(DATA / "ner_manual.jsonl"), lines(out)
    for before, after in zip(source, written):
        for key in ("text", "_input_hash", "_task_hash", "_view_id", "_session_id",
                    "_annotator_id", "_timestamp", "answer"):
            if key in before:
                assert after[key] == before[key], key
        assert after["meta"] == before.get("meta", {})
        assert [(s["start"], s["end"], s["label"], s["token_start"], s["token_end"])
                for s in after["spans"]] == [
            (s["start"], s["end"], s["label"], s["token_start"], s["token_end"])
            for s in before["spans"]]
    # spaCy's tokens, cut where the file's spans start and end: here the file's own tokens
    bio_before, bio_after = source[1]["tokens"], written[1]["tokens"]
    assert [(t["text"], t["start"], t["end"], t["ws"]) for t in bio_after] == [
        (t["text"], t["start"], t["end"], t["ws"]) for t in bio_before]
    back = list(read_jsonl(out))
    assert back[:3] == [replace(d, source="out.jsonl") for d in documents[:3]]
    # the task that had no hashes comes back with those the export computed
    hashes = {"_input_hash": written[3]["_input_hash"], "_task_hash": written[3]["_task_hash"]}
    assert back[3] == replace(documents[3], source="out.jsonl", meta={
        PRODIGY_KEY: {**hashes, "_view_id": "ner_manual"}})
    write_jsonl(back, tmp_path / "again.jsonl")
    assert lines(tmp_path / "again.jsonl") == written  # and the next export is the same


def test_spans_inside_words_and_white_space_still_read_back(tmp_path):
    """A span on characters spaCy's tokens do not end on (kept from another tool) is
    written with tokens cut to fit it, so the file reads back; white space it starts or
    ends in becomes a token of its own."""
    text = "Lyonnais marched to Lille"
    spans = (Span(0, 4, "GPE", "ana"), Span(8, 16, "X"), Span(17, 20, "X"))
    out = tmp_path / "out.jsonl"
    report = write_jsonl([TextDocument(text, spans, status="accepted")], out)
    assert [m.text for m in report.misaligned] == ["Lyon", " marched", "to "]
    [task] = lines(out)
    tokens = task["tokens"]
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
    for span in task["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
    [back] = read_jsonl(out)
    assert back.spans == spans and back.status == "accepted"


def test_a_pending_document_goes_out_ignored_and_marked_and_comes_back_pending(tmp_path):
    out = tmp_path / "out.jsonl"
    write_jsonl([TextDocument("Lyon is big.", (Span(0, 4, "GPE"),), {"id": 1})], out)
    [task] = lines(out)
    # db-in takes a task without "answer" for an accepted one: this one it keeps as ignored
    assert (task["answer"], task["goldspan_status"]) == ("ignore", "pending")
    [back] = read_jsonl(out)
    assert back.status == "pending" and back.meta == {
        "id": 1, PRODIGY_KEY: {"_input_hash": task["_input_hash"],
                               "_task_hash": task["_task_hash"], "_view_id": "ner_manual"}}
    # answered in Prodigy since (which keeps the mark): the answer holds
    task["answer"] = "accept"
    [answered] = read_jsonl(write_lines(tmp_path / "answered.jsonl", task))
    assert answered.status == "accepted"


def test_single_spans_of_one_text_without_a_view_are_refused_not_guessed(tmp_path):
    shutil.copy(DATA / "ner_teach_without_view.jsonl", tmp_path / "old.jsonl")
    with pytest.raises(InputError, match=r"old.jsonl:3: cannot tell whether this task is a "
                                         r"complete annotation or a binary answer.*line 1 asks "
                                         r"about another single span of the same text.*"
                                         r'"_view_id": "ner"'):
        list(read_jsonl(tmp_path / "old.jsonl"))


def test_a_rejected_task_with_several_spans_and_no_view_is_refused(tmp_path):
    record = {"text": "Lyon and Lille", "answer": "reject",
              "spans": [{"start": 0, "end": 4, "label": "GPE"},
                        {"start": 9, "end": 14, "label": "GPE"}]}
    path = write_lines(tmp_path / "in.jsonl", {"text": "First."}, record)
    with pytest.raises(InputError, match="in.jsonl:2: cannot tell .*rejects a task that has "
                                         "several spans"):
        list(read_jsonl(path))


def test_manual_answers_of_one_text_by_two_people_are_not_binary(tmp_path):
    first = {"text": "Lyon and Lille", "_view_id": "ner_manual", "answer": "accept",
             "spans": [{"start": 0, "end": 4, "label": "GPE"}], "_session_id": "a"}
    second = {**first, "spans": [{"start": 9, "end": 14, "label": "GPE"}], "_session_id": "b"}
    rejected = {**first, "answer": "reject", "text": "Lyon again"}
    documents = list(read_jsonl(write_lines(tmp_path / "in.jsonl", first, second, rejected)))
    assert [d.status for d in documents] == ["accepted", "accepted", "rejected"]


@pytest.mark.parametrize("change, message", [
    ({"_input_hash": "12"}, '"_input_hash" must be a whole number'),
    ({"_view_id": 3}, '"_view_id" must be a string'),
    ({"meta": {PRODIGY_KEY: {}}}, f'"meta" holds "{PRODIGY_KEY}"'),
    ({"goldspan_status": "done"}, '"goldspan_status" can only be "pending"'),
])
def test_prodigy_fields_of_the_wrong_kind_are_refused(tmp_path, change, message):
    path = write_lines(tmp_path / "in.jsonl", {"text": "Lyon is big", **change})
    with pytest.raises(InputError, match=f"in.jsonl:1: {message}"):
        list(read_jsonl(path))


def test_prodigy_hashes_follow_set_hashes_semantics():
    text = "Well over 7,500 people marched in Lyon on Tuesday."
    lyon = {"start": 34, "end": 38, "label": "GPE"}
    plain = {"text": text}
    with_span = {"text": text, "spans": [lyon], "meta": {"id": 1}, "answer": "accept"}
    other_span = {"text": text, "spans": [{**lyon, "label": "LOC"}]}
    scored = {"text": text, "spans": [{**lyon, "score": 0.5, "source": "model"}],
              "_view_id": "ner", "_session_id": "x"}
    input_hashes = {prodigy_hashes(t)[0] for t in (plain, with_span, other_span, scored)}
    assert len(input_hashes) == 1  # the text alone
    task_hashes = [prodigy_hashes(t)[1] for t in (plain, with_span, other_span)]
    assert len(set(task_hashes)) == 3  # each question its own
    assert prodigy_hashes(scored) == prodigy_hashes(with_span)  # ignored keys ignored
    assert prodigy_hashes({"text": "Other"})[0] != prodigy_hashes(plain)[0]
    # stable across runs and machines: our own values, pinned (not checked against
    # Prodigy's, which is not available to the tests)
    assert prodigy_hashes(plain) == (1288970124, 778573158)
    assert all(-2**31 <= h < 2**31 for h in prodigy_hashes(with_span))


def test_tasks_without_hashes_get_them_computed_on_export(tmp_path):
    documents = list(read_jsonl(DATA / "source.jsonl"))
    assert [d.meta for d in documents] == [{"source": "wire"}] * 2
    out = tmp_path / "out.jsonl"
    write_jsonl(documents, out)
    bare, lyon = lines(out)
    for task in (bare, lyon):
        written = {k: task[k] for k in ("text", "spans")}
        assert (task["_input_hash"], task["_task_hash"]) == prodigy_hashes(written)
    assert bare["_input_hash"] == lyon["_input_hash"]  # one text: Prodigy sees a duplicate
    assert bare["_task_hash"] != lyon["_task_hash"]


def test_our_export_of_a_file_with_its_own_tokens_imports_again(cli, tmp_path, db_path):
    """Tokens that were not spaCy's: the export used to replace them and the re-import
    refused the spans that started or ended inside spaCy's tokens."""
    assert cli("import", DATA / "ner_manual.jsonl", "--annotator", "ana").exit_code == 0
    out = tmp_path / "out.jsonl"
    exported = cli("export", out, "--status", "any")
    assert exported.exit_code == 0, exported.output
    again = cli("import", out, "--dataset", "again")
    assert again.exit_code == 0, again.output
    from tests.test_interop import stored
    assert stored(db_path, "again")[BIO] == [(0, 4, "PROTEIN"), (28, 31, "PROTEIN"),
                                             (32, 39, "CELL_TYPE")]
    assert stored(db_path, "again") == stored(db_path)
