import json
import re

import pytest
import spacy
from spacy.tokens import DocBin

from annotate.document import TextDocument
from annotate.formats import InputError, input_files, read_file
from annotate.formats import checks
from annotate.formats.docbin import read_docbin, write_docbin
from annotate.formats.jsonl import json_array_items
from annotate.formats.prodigy import read_jsonl, write_jsonl
from annotate.formats.text import read_text_file
from annotate.label_map import parse_label_map
from annotate.labels import LabelSetError, label_fault, load_label_set
from annotate.spans import Span

TEXT = "Well over 7,500 people marched in Lyon on Tuesday."
SPANS = (Span(0, 15, "CARDINAL", "numbers", 7500.0), Span(34, 38, "GPE", "ana"))


def write_lines(path, *records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n"
                            for r in records), encoding="utf-8")
    return path


def test_text_file_becomes_one_document_with_normalised_newlines(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes("\ufeffFirst line\r\nSecond line\r\n".encode("utf-8"))
    doc = read_text_file(path)
    assert doc.text == "First line\nSecond line\n"
    assert doc.meta == {"file": "story.txt"} and doc.spans is None


def test_text_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("ok\nstill ok\nCaf\xe9 au lait\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1.txt:3: not UTF-8 text \(byte 0xe9\)"):
        read_text_file(path)


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_text_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty.txt: the file is empty"):
        read_text_file(path)


def test_folder_stands_for_its_text_files_in_order(tmp_path):
    (tmp_path / "b.txt").write_text("B")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A")
    (tmp_path / "notes.md").write_text("not an article")
    assert input_files([tmp_path]) == [(tmp_path / "b.txt", "txt"),
                                       (tmp_path / "sub" / "a.txt", "txt")]


def test_unknown_format_and_missing_file_are_refused(tmp_path):
    odd = tmp_path / "data.xml"
    odd.write_text("<doc/>")
    with pytest.raises(InputError, match="cannot tell the format"):
        input_files([odd])
    with pytest.raises(InputError, match="no such file"):
        input_files([tmp_path / "missing.jsonl"])


def test_jsonl_reads_text_meta_spans_and_answer(tmp_path):
    path = write_lines(tmp_path / "in.jsonl",
                       {"text": TEXT, "meta": {"id": 4}, "answer": "accept",
                        "spans": [{"start": 34, "end": 38, "label": "GPE"}]},
                       "",
                       {"text": "Second story."})
    first, second = read_jsonl(path)
    assert first == TextDocument(TEXT, (Span(34, 38, "GPE", "import"),), {"id": 4},
                                 "in.jsonl", "accepted")
    assert second.spans is None and second.status == "pending"


@pytest.mark.parametrize("line, message", [
    ('{"text": "ok"', r"bad.jsonl:2: not valid JSON"),
    ('["a list"]', r"bad.jsonl:2: each line must be a JSON object"),
    ('{"meta": {}}', r'bad.jsonl:2: needs a "text" string'),
    ('{"text": "Lyon", "spans": [{"start": 0, "end": 9, "label": "GPE"}]}',
     r"bad.jsonl:2: span 0-9 \(GPE\) is outside the text, which has 4 characters"),
    ('{"text": "Lyon is big", "spans": [{"start": 0, "end": 2, "label": "GPE"}]}',
     r"bad.jsonl:2: span 0-2 \(GPE, 'Ly'\) does not start and end on token boundaries"),
    ('{"text": "Lyon", "spans": [{"start": 0, "end": 4}]}', r"bad.jsonl:2: span 0-4 has no label"),
    ('{"text": "Lyon", "answer": "maybe"}', r'bad.jsonl:2: "answer" must be accept'),
])
def test_jsonl_faults_name_file_and_line(tmp_path, line, message):
    path = write_lines(tmp_path / "bad.jsonl", {"text": "A fine first line."}, line)
    with pytest.raises(InputError, match=message):
        list(read_jsonl(path))


def test_jsonl_export_has_prodigy_fields_with_inclusive_token_ends(tmp_path):
    out = tmp_path / "out.jsonl"
    report = write_jsonl([TextDocument(TEXT, SPANS, {"id": 4}, status="accepted")], out)
    [task] = [json.loads(line) for line in out.read_text().splitlines()]
    assert report.documents == 1 and report.spans == 2 and not report.misaligned
    crowd, lyon = task["spans"]
    assert (crowd["token_start"], crowd["token_end"], crowd["value"]) == (0, 2, 7500.0)
    tokens = task["tokens"]
    assert TEXT[tokens[lyon["token_start"]]["start"]:tokens[lyon["token_end"]]["end"]] == "Lyon"
    assert task["answer"] == "accept" and task["meta"] == {"id": 4}
    assert isinstance(task["_input_hash"], int) and isinstance(task["_task_hash"], int)
    assert [t["text"] for t in tokens][:3] == ["Well", "over", "7,500"]


def test_jsonl_round_trip_keeps_texts_and_offsets(tmp_path):
    out = tmp_path / "out.jsonl"
    write_jsonl([TextDocument(TEXT, SPANS, status="accepted")], out)
    [back] = read_jsonl(out)
    assert back.text == TEXT
    assert [(s.start, s.end, s.label) for s in back.spans] == [(0, 15, "CARDINAL"),
                                                               (34, 38, "GPE")]


def test_docbin_export_loads_in_spacy_with_ents_and_span_group(tmp_path):
    out = tmp_path / "train.spacy"
    overlapping = TextDocument("Paris Saint-Germain won", (Span(0, 5, "GPE"), Span(0, 19, "ORG")))
    report = write_docbin([TextDocument(TEXT, SPANS, {"id": 4}), overlapping], out)
    nlp = spacy.blank("en")
    plain, overlapped = DocBin().from_disk(out).get_docs(nlp.vocab)
    assert [(e.text, e.label_) for e in plain.ents] == [("Well over 7,500", "CARDINAL"),
                                                        ("Lyon", "GPE")]
    assert plain[-1].ent_iob_ == "O"  # everything else is known not to be an entity
    assert "sc" not in plain.spans
    assert [(s.text, s.label_) for s in overlapped.spans["sc"]] == [
        ("Paris", "GPE"), ("Paris Saint-Germain", "ORG")]
    assert overlapped.ents == ()
    assert report.overlapping_documents == 1 and report.documents == 2


def test_spans_mode_puts_every_document_in_the_span_group(tmp_path):
    out = tmp_path / "train.spacy"
    write_docbin([TextDocument(TEXT, SPANS)], out, spans_key="grp", every_doc_in_spans=True)
    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [s.text for s in doc.spans["grp"]] == ["Well over 7,500", "Lyon"]
    assert len(doc.ents) == 2


def test_misaligned_spans_are_reported_and_marked_missing(tmp_path):
    out = tmp_path / "train.spacy"
    report = write_docbin([TextDocument(TEXT, (Span(1, 15, "CARDINAL"), SPANS[1]))], out)
    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [(m.document, m.text) for m in report.misaligned] == [(1, "ell over 7,500")]
    assert [e.text for e in doc.ents] == ["Lyon"]
    assert [t.ent_iob_ for t in doc[:3]] == ["", "", ""]  # unknown, not "O"


def test_docbin_round_trip_and_garbage(tmp_path):
    out = tmp_path / "data.spacy"
    write_docbin([TextDocument(TEXT, SPANS, {"id": 4})], out)
    [back] = read_docbin(out)
    assert back.text == TEXT
    assert [(s.start, s.end, s.label) for s in back.spans] == [(0, 15, "CARDINAL"),
                                                               (34, 38, "GPE")]
    garbage = tmp_path / "garbage.spacy"
    garbage.write_bytes(b"this is no docbin")
    with pytest.raises(InputError, match="garbage.spacy: not a spaCy DocBin file"):
        read_file(garbage, "spacy")


def test_a_text_over_spacys_max_length_is_read(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("word " * (spacy.blank("en").max_length // 5) + "more")
    document = read_text_file(path)
    assert len(document.text) == 1_000_004


def test_a_text_over_what_a_document_holds_is_refused_with_the_limit_named(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(checks, "MAX_TEXT_LENGTH", 1_000)  # the real one is 100M characters
    path = tmp_path / "long.txt"
    path.write_text("word " * 200 + "more")
    with pytest.raises(InputError, match=r"long.txt: the text has 1,004 characters, over the "
                                         r"1,000 a document may hold; split it"):
        read_text_file(path)


@pytest.mark.parametrize("label", ["PERSON", "WORK_OF_ART", "Événement", "B-2", "🎉"])
def test_ordinary_labels_are_fine(label):
    assert label_fault(label) is None


@pytest.mark.parametrize("label, fault", [
    ("NEW LABEL", "holds a space"), ("A\tB", "holds a tab"), ("A\n", "holds a newline"),
    ("A\rB", "holds a carriage return"), ("A\x00", "holds the character U+0000"),
    ("A\u2028B", "holds the character U+2028"), ("\u200bA", "holds the character U+200B"),
    ("", "cannot be empty"), (5, "must be a string, not 5"),
])
def test_labels_with_white_space_or_control_characters_are_refused(tmp_path, label, fault):
    assert fault in label_fault(label)
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"labels": [{"name": "GPE", "colour": "#b2df8a"},
                                           {"name": label, "colour": "#ffffff"}]}))
    with pytest.raises(LabelSetError, match=f"labels.json: label 2: .*{re.escape(fault)}"):
        load_label_set(path)


@pytest.mark.parametrize("entry", [{"name": "GPE", "colour": 5}, {"name": "GPE", "colour": "#fff",
                                                                  "key": ["1"]}, "GPE"])
def test_label_set_entries_of_the_wrong_type_are_refused(tmp_path, entry):
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"labels": [entry]}))
    with pytest.raises(LabelSetError, match="labels.json: "):
        load_label_set(path)


@pytest.mark.parametrize("content, message", [
    ('{"PER": "A PERSON"}', "map.txt: label 'A PERSON' holds a space"),
    ("PER\tA\u00a0PERSON\n", "map.txt:1: label 'A\\xa0PERSON' holds the character U+00A0"),
])
def test_a_label_map_cannot_rename_to_a_broken_label(tmp_path, content, message):
    path = tmp_path / "map.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        parse_label_map(str(path))


def test_a_fault_is_reported_on_one_line_whatever_the_input_holds():
    error = InputError("a.ann", "T\r1 is a discontinuous span", 3)
    assert str(error) == "a.ann:3: T\\r1 is a discontinuous span"


def test_label_studio_results_that_are_no_spans_are_passed_over(tmp_path):
    path = tmp_path / "tasks.json"
    results = [{"type": "relation", "from_id": "a", "to_id": "b"},
               {"type": "choices", "value": {"choices": ["news"]}},
               {"value": {"start": 34, "end": 38, "text": "Lyon", "labels": ["GPE"]}}]
    path.write_text(json.dumps([{"data": {"text": TEXT}, "annotations": [
        {"completed_by": {"id": 7}, "result": results}]}]))
    [document] = read_file(path, "labelstudio")
    assert document.annotations == {"labelstudio-user-7": ((Span(34, 38, "GPE"),), "accepted")}


@pytest.mark.parametrize("offsets", ["0 ٣", "0 +4", "0 4 4", "0  4"])
def test_brat_offsets_are_plain_digits(tmp_path, offsets):
    (tmp_path / "a.txt").write_text("Lyon is big")
    (tmp_path / "a.ann").write_text(f"T1\tGPE {offsets}\tLyon\n")
    with pytest.raises(InputError, match="a.ann:1: "):
        list(read_file(tmp_path, "brat"))


@pytest.mark.parametrize("content, message", [
    ('[{"a": 1},]', "items.json:1: not valid JSON: a ',' before the closing ']'"),
    ('[{"a": 1}]\n\n]', "items.json:3: data after the end of the JSON value: ']'"),
    ('{"a": 1} {"b": 2}', "items.json:1: data after the end of the JSON value: '{\"b\": 2}'"),
    ('[{"a": "\\udc00"}]', "items.json:1: a string holds '\\udc00', half of a UTF-16"),
])
def test_a_json_list_is_read_whole_or_refused(tmp_path, content, message):
    path = tmp_path / "items.json"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)):
        list(json_array_items(path, chunk_size=3))


def test_a_bad_byte_in_a_json_list_names_its_line(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_bytes(b'[\n{"data": {"text": "Lyon"}},\n{"data": {"text": "Caf\xe9"}}\n]')
    with pytest.raises(InputError, match=r"tasks.json:3: not UTF-8 text \(byte 0xe9\)"):
        list(json_array_items(path, chunk_size=4))


def test_a_brat_offset_of_thousands_of_digits_is_one_clear_error(tmp_path):
    from annotate.formats.brat import read_brat
    (tmp_path / "a.txt").write_text("Well over 7,500 people marched in Lyon.")
    (tmp_path / "a.ann").write_text("T0\tGPE " + "9" * 5000 + " 4\tWell\n")
    with pytest.raises(InputError, match="a.ann:1: "):
        list(read_brat(tmp_path))
