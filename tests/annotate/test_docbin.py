"""DocBin files as spaCy writes them (built here with spaCy's own API): entities, span groups,
cats and missing entity tokens are read apart, reported, and written back as they were."""
from dataclasses import replace
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan

from annotate.formats import read_file
from annotate.formats.docbin import read_docbin, write_docbin
from annotate.formats.errors import InputError
from annotate.formats.notes import ImportNotes
from annotate.spans import Span

NLP = spacy.blank("en")
WORDS = ["Faith", "Chebet", "left", "Lyon", "for", "Merida", "Bay", "on", "Tuesday", "."]
TEXT = "Faith Chebet left Lyon for Merida Bay on Tuesday."


def doc() -> Doc:
    made = Doc(NLP.vocab, words=WORDS, spaces=[True] * 8 + [False, False])
    assert made.text == TEXT
    return made


def saved(tmp_path: Path, *docs: Doc, name: str = "source.spacy") -> Path:
    path = tmp_path / name
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return path


def loaded(path: Path) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(NLP.vocab))


def described(one: Doc) -> dict:
    """Everything the round trip must keep: entity tags (missing is ""), groups, cats."""
    return {"iob": [(t.ent_iob_, t.ent_type_) for t in one],
            "groups": {key: sorted((s.start_char, s.end_char, s.label_) for s in group)
                       for key, group in one.spans.items()},
            "cats": one.cats}


def round_trip(tmp_path: Path, source: Path, **options) -> list[Doc]:
    out = tmp_path / "out.spacy"
    write_docbin(read_docbin(source), out, **options)
    return loaded(out)


def triples(spans) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in spans]


def test_missing_entity_tokens_stay_missing_and_are_reported(tmp_path):
    partial = doc()  # as ner.teach data converts: one known entity, the rest unknown
    partial.set_ents([SpacySpan(partial, 3, 4, "GPE")], missing=[partial[0:2], partial[5:9]])
    notes = ImportNotes()
    [document] = read_docbin(saved(tmp_path, partial), notes)
    assert triples(document.spans) == [(18, 22, "GPE")]
    assert document.meta == {"spacy": {"missing": [[0, 12], [27, 48]]}}
    assert [TEXT[s:e] for s, e in document.meta["spacy"]["missing"]] == [
        "Faith Chebet", "Merida Bay on Tuesday"]
    assert notes.counts == {"tokens with missing entity annotation (doc.ents), kept missing": 6}
    [back] = round_trip(tmp_path, saved(tmp_path, partial))
    assert described(back) == described(partial)
    assert [t.ent_iob_ for t in back][:4] == ["", "", "O", "B"]


def test_a_span_added_over_missing_tokens_is_written_and_the_rest_stays_missing(tmp_path):
    partial = doc()
    partial.set_ents([SpacySpan(partial, 3, 4, "GPE")], missing=[partial[5:9]])
    [document] = read_docbin(saved(tmp_path, partial))
    edited = replace(document, spans=document.spans + (Span(27, 37, "LOC"),))
    out = tmp_path / "edited.spacy"
    write_docbin([edited], out)
    [back] = loaded(out)
    assert [(e.start_char, e.end_char, e.label_) for e in back.ents] == [
        (18, 22, "GPE"), (27, 37, "LOC")]
    assert [t.ent_iob_ for t in back][5:] == ["B", "I", "", "", "O"]  # on Tuesday: unknown


def test_a_span_group_beside_the_entities_keeps_its_name_and_cats_are_kept(tmp_path):
    source = doc()
    source.ents = [SpacySpan(source, 0, 2, "PERSON"), SpacySpan(source, 3, 4, "GPE")]
    source.spans["sc"] = [SpacySpan(source, 5, 7, "LOC"), SpacySpan(source, 5, 6, "NAME")]
    source.spans["dates"] = [SpacySpan(source, 8, 9, "DATE")]
    source.cats = {"TRAVEL": 1.0, "SPORT": 0.0}
    path = saved(tmp_path, source)
    notes = ImportNotes()
    [document] = read_docbin(path, notes)
    assert triples(document.spans) == [(0, 12, "PERSON"), (18, 22, "GPE")]
    assert document.meta == {"spacy": {
        "spans": {"sc": [[27, 37, "LOC"], [27, 33, "NAME"]], "dates": [[41, 48, "DATE"]]},
        "cats": {"TRAVEL": 1.0, "SPORT": 0.0}}}
    assert notes.counts == {
        "spans of doc.spans['sc'] kept apart in meta (spacy.spans), not editable": 2,
        "spans of doc.spans['dates'] kept apart in meta (spacy.spans), not editable": 1}
    [back] = round_trip(tmp_path, path)
    assert described(back) == described(source)
    assert [s.text for s in back.spans["sc"]] == ["Merida Bay", "Merida"]  # in their order


def test_a_group_repeating_the_entities_is_read_once_and_written_to_both(tmp_path):
    both = doc()  # what our own spans-mode export writes for a document without overlaps
    both.ents = [SpacySpan(both, 3, 4, "GPE")]
    both.spans["sc"] = [SpacySpan(both, 3, 4, "GPE")]
    path = saved(tmp_path, both)
    notes = ImportNotes()
    [document] = read_docbin(path, notes)
    assert triples(document.spans) == [(18, 22, "GPE")]
    assert document.meta == {"spacy": {"spans_in": ["ents", "sc"]}}
    assert not notes
    [back] = round_trip(tmp_path, path)
    assert described(back) == described(both)
    edited = replace(document, spans=document.spans + (Span(0, 12, "PERSON"),))
    write_docbin([edited], tmp_path / "edited.spacy")
    [back] = loaded(tmp_path / "edited.spacy")
    assert [e.text for e in back.ents] == sorted(s.text for s in back.spans["sc"]) == [
        "Faith Chebet", "Lyon"]


def test_overlapping_spans_only_in_a_group_are_the_spans_and_doc_ents_stay_unset(tmp_path):
    overlapping = doc()  # spaCy (and our export) put overlapping spans in doc.spans only
    overlapping.spans["sc"] = [SpacySpan(overlapping, 5, 7, "LOC"),
                               SpacySpan(overlapping, 5, 6, "PERSON")]
    path = saved(tmp_path, overlapping)
    notes = ImportNotes()
    [document] = read_docbin(path, notes)
    assert triples(document.spans) == [(27, 33, "PERSON"), (27, 37, "LOC")]
    assert document.meta == {"spacy": {"spans_in": ["sc"], "missing": [[0, 49]]}}
    assert notes.counts == {
        "documents whose doc.ents were never set (every token missing), kept missing": 1}
    [back] = round_trip(tmp_path, path)
    assert described(back) == described(overlapping)
    assert back.ents == () and {t.ent_iob_ for t in back} == {""}
    [spancat] = round_trip(tmp_path, path, spans_key="grp", every_doc_in_spans=True)
    assert sorted(s.text for s in spancat.spans["grp"]) == ["Merida", "Merida Bay"]
    assert sorted(s.text for s in spancat.spans["sc"]) == ["Merida", "Merida Bay"]


def test_different_groups_without_entities_are_all_kept_apart(tmp_path):
    source = doc()
    source.spans["a"] = [SpacySpan(source, 3, 4, "GPE")]
    source.spans["b"] = [SpacySpan(source, 8, 9, "DATE")]
    path = saved(tmp_path, source)
    notes = ImportNotes()
    [document] = read_docbin(path, notes)
    assert document.spans is None  # nothing to correct: the input gave no spans of its own
    assert document.meta["spacy"]["spans"] == {"a": [[18, 22, "GPE"]], "b": [[41, 48, "DATE"]]}
    assert notes.counts["documents without doc.ents whose span groups differ: no group became "
                        "their spans, every group kept apart"] == 1
    [back] = round_trip(tmp_path, path)
    assert described(back) == described(source)


def test_a_file_of_several_kinds_round_trips_doc_by_doc(tmp_path):
    plain = doc()
    plain.ents = [SpacySpan(plain, 0, 2, "PERSON")]
    partial = doc()
    partial.set_ents([], missing=[partial[3:4]])
    cats_only = Doc(NLP.vocab, words=["Rain", "again", "."], spaces=[True, False, False])
    cats_only.cats = {"WEATHER": 0.75}
    empty_group = doc()
    empty_group.ents = []
    empty_group.spans["sc"] = []
    sources = [plain, partial, cats_only, empty_group]
    path = saved(tmp_path, *sources)
    documents = read_docbin(path)
    assert [triples(d.spans or ()) for d in documents] == [[(0, 12, "PERSON")], [], [], []]
    assert documents[1].meta == {"spacy": {"missing": [[18, 22]]}}
    assert documents[2].meta == {"spacy": {"cats": {"WEATHER": 0.75}, "missing": [[0, 11]]}}
    assert documents[3].meta == {"spacy": {"spans": {"sc": []}}}
    assert [described(d) for d in round_trip(tmp_path, path)] == [described(d) for d in sources]


def test_read_file_gives_the_import_report_the_docbin_notes(tmp_path):
    partial = doc()
    partial.set_ents([SpacySpan(partial, 3, 4, "GPE")], missing=[partial[0:1]])
    notes = ImportNotes()
    [document] = read_file(saved(tmp_path, partial, name="teach.spacy"), "spacy", notes)
    assert triples(document.spans) == [(18, 22, "GPE")]
    assert notes.lines() == [f"1 × tokens with missing entity annotation (doc.ents), kept "
                             f"missing ({tmp_path / 'teach.spacy'} (document 1))"]


def test_a_meta_of_its_own_under_spacy_is_refused_where_it_would_be_overwritten(tmp_path):
    source = doc()
    source.spans["sc"] = [SpacySpan(source, 3, 4, "GPE")]
    source.ents = []
    source.user_data["meta"] = {"spacy": "mine"}
    with pytest.raises(InputError, match="document 1: its meta has a 'spacy' key"):
        read_docbin(saved(tmp_path, source))
    plain = doc()
    plain.ents = []
    plain.user_data["meta"] = {"spacy": "mine", "id": 3}
    [document] = read_docbin(saved(tmp_path, plain, name="plain.spacy"))
    assert document.meta == {"spacy": "mine", "id": 3}  # nothing to keep: left as it was
