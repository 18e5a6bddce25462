"""CoNLL files as corpora ship them (tests/data/conll, written by hand in each corpus's shape):
tag schemes found per file, documents split as asked, and exports over the source tokens."""
import re
from dataclasses import replace
from pathlib import Path

import pytest

from annotate.document import TextDocument
from annotate.formats import InputError
from annotate.formats.conll import describe, parse_doc_sep, read_conll, write_conll
from annotate.spans import Span
from tests.test_interop import stored

DATA = Path(__file__).parent.parent / "data" / "conll"


def spans_of(document):
    return [(s.start, s.end, s.label, document.text[s.start:s.end]) for s in document.spans]


def written_back(documents, tmp_path):
    out = tmp_path / "out.conll"
    report = write_conll(documents, out)
    return out.read_text(encoding="utf-8"), report


def test_conll2003_iob1_with_pos_and_chunk_columns():
    first, second = read_conll(DATA / "conll2003_iob1.conll")
    assert first.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    assert spans_of(first) == [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German"),
                               (34, 41, "MISC", "British"), (49, 64, "PER", "Peter Blackburn")]
    # IOB1: B-LOC only where a LOC follows a LOC, so France is an entity of its own
    assert [s[3] for s in spans_of(second)] == [
        "BRUSSELS", "European Commission", "Germany", "France", "Britain"]
    assert describe(first.meta) == "IOB1 tags; a document per -DOCSTART- line"
    own = second.meta["conll"]
    assert own["docstart"] == "-DOCSTART- -X- -X- O"
    assert own["columns"][:3] == ["NNP I-NP", "CD I-NP", "DT I-NP"]
    assert first.status == "accepted" and first.meta["document"] == 1


@pytest.mark.parametrize("name, scheme", [
    ("conll2003_iob1.conll", "IOB1"), ("wnut17.conll", "IOB2"), ("io.conll", "IO"),
    ("biluo.conll", "BILUO"), ("bioes.conll", "BIOES"), ("lowercase.conll", "IOB2"),
])
def test_every_file_comes_back_as_it_was_written(tmp_path, name, scheme):
    """Tokens, extra columns, tabs, -DOCSTART- lines, scheme and tag case all survive."""
    documents = list(read_conll(DATA / name))
    assert {d.meta["conll"]["scheme"] for d in documents} == {scheme}
    text, report = written_back(documents, tmp_path)
    original = (DATA / name).read_text(encoding="utf-8")
    assert text.rstrip("\n") == original.rstrip("\n")
    assert report.spans == sum(len(d.spans) for d in documents) and not report.misaligned


def test_bioes_and_biluo_read_the_same_entities():
    [bioes], [biluo] = read_conll(DATA / "bioes.conll"), read_conll(DATA / "biluo.conll")
    assert spans_of(bioes) == spans_of(biluo) == [
        (0, 12, "PER", "Ada Lovelace"), (17, 24, "PER", "Babbage"),
        (28, 43, "LOC", "New South Wales")]


def test_io_tags_make_an_entity_of_each_run():
    first, second = read_conll(DATA / "io.conll")
    assert [s[3] for s in spans_of(first)] == ["Ada Lovelace", "Charles Babbage", "London"]
    assert spans_of(second) == [(0, 10, "LOC", "Paris Lyon")]  # IO cannot tell them apart
    assert describe(first.meta).startswith("IO (I- and O only) tags")


def test_lowercase_prefixes_are_read_and_labels_kept_as_written():
    [document] = read_conll(DATA / "lowercase.conll")
    assert spans_of(document) == [(0, 12, "per", "Ada Lovelace"), (21, 26, "loc", "Paris")]


def test_wnut17_without_docstart_is_a_document_per_tweet():
    documents = list(read_conll(DATA / "wnut17.conll"))
    assert len(documents) == 3
    assert documents[1].text == "From Green Newsfeed : AHFA extends deadline for Sage Award"
    assert spans_of(documents[1]) == [(22, 26, "group", "AHFA"),
                                      (48, 58, "product", "Sage Award")]
    assert spans_of(documents[2]) == [(26, 40, "creative-work", "Hidden Figures")]
    assert describe(documents[0].meta) == (
        "IOB2 tags; a document per blank-line block (--doc-sep changes it)")


def test_doc_sep_docstart_keeps_a_file_without_it_whole_and_numbers_group_sentences():
    [whole] = read_conll(DATA / "wnut17.conll", doc_sep="docstart")
    assert whole.text.count("\n") == 2 and len(whole.spans) == 5
    pairs = list(read_conll(DATA / "wnut17.conll", doc_sep="2"))
    assert [d.text.count("\n") + 1 for d in pairs] == [2, 1]
    assert describe(pairs[0].meta).endswith("a document per 2 sentences")
    sentences = list(read_conll(DATA / "conll2003_iob1.conll", doc_sep="blank-lines"))
    assert [d.text.split("\n")[0][:8] for d in sentences] == [
        "EU rejec", "Peter Bl", "BRUSSELS", "The Euro"]
    # never across a -DOCSTART-: the first document has two sentences, not three
    assert [d.text.count("\n") + 1 for d in read_conll(DATA / "conll2003_iob1.conll",
                                                        doc_sep=3)] == [2, 2]


@pytest.mark.parametrize("value", ["0", "-1", "two", "", True])
def test_a_bad_doc_sep_is_refused(value):
    with pytest.raises(ValueError, match="--doc-sep takes docstart, blank-lines or a number"):
        parse_doc_sep(value)


@pytest.mark.parametrize("name, message", [
    ("mixed_iob.conll", "mixed_iob.conll:5: 'B-LOC' is IOB2 (B- opening an entity after no "
                        "entity of its label), but line 1 has 'I-PER', IOB1 (I- opening an "
                        "entity): the file mixes tag schemes"),
    ("mixed_biluo_bioes.conll", "mixed_biluo_bioes.conll:4: 'S-LOC' is BIOES, but line 2 has "
                                "'L-PER', BILUO: the file mixes tag schemes"),
    ("ragged.conll", "ragged.conll:2: 3 columns where the file's first token line has 4"),
])
def test_files_that_mix_schemes_or_columns_are_refused_with_the_line(name, message):
    with pytest.raises(InputError, match=re.escape(message)):
        list(read_conll(DATA / name))


@pytest.mark.parametrize("content, message", [
    ("Ada B-PER\nLovelace I-PER\n\nParis U-LOC\n",
     "x.conll:2: tag 'I-PER' leaves an entity unfinished"),
    ("Ada U-PER\nLovelace I-PER\n", "x.conll:2: tag 'I-PER' does not continue the entity"),
    ("Ada B-PER\nLovelace O-PER\n", "x.conll:2: 'O-PER' is not an IOB, BILUO or BIOES tag"),
    ("\n\n", "x.conll: the file holds no tokens"),
])
def test_broken_biluo_and_bad_tags_are_refused(tmp_path, content, message):
    path = tmp_path / "x.conll"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(message)):
        list(read_conll(path))


def test_a_biluo_sentence_without_l_or_u_is_not_read_as_iob(tmp_path):
    """Schemes are found per file: a B- without its L- is broken BILUO, whatever the
    sentence alone would look like."""
    path = tmp_path / "x.conll"
    path.write_text("Ada B-PER\nLovelace L-PER\n\nParis B-LOC\n")
    with pytest.raises(InputError, match="x.conll:4: tag 'B-LOC' leaves an entity"):
        list(read_conll(path))


def test_export_writes_current_spans_over_the_source_tokens_and_reports_the_rest(tmp_path):
    first, second = read_conll(DATA / "conll2003_iob1.conll")
    text = first.text
    edited = replace(first, spans=(
        Span(0, 2, "ORG"),  # kept
        Span(18, 22, "EVENT"),  # "call", new
        Span(34, 38, "MISC"),  # "Brit": inside a token
        Span(42, 55, "MISC"),  # "lamb .\nPeter": across a sentence end
    ))
    out, report = written_back([edited, second], tmp_path)
    lines = out.splitlines()
    assert lines[:6] == ["-DOCSTART- -X- -X- O", "", "EU NNP I-NP I-ORG",
                         "rejects VBZ I-VP O", "German JJ I-NP O", "call NN I-NP I-EVENT"]
    assert [(m.document, m.text) for m in report.misaligned] == [
        (1, "Brit"), (1, text[42:55])]
    assert report.spans == 2 + 5
    # IOB1 keeps its B- between touching entities of one label
    assert "France NNP I-NP B-LOC" in lines


@pytest.mark.parametrize("scheme, tags", [
    ("IOB2", ["B-LOC", "B-LOC", "I-LOC", "O"]), ("IOB1", ["I-LOC", "B-LOC", "I-LOC", "O"]),
    ("IO", ["I-LOC", "B-LOC", "I-LOC", "O"]),  # IO could not hold two touching LOCs
    ("BILUO", ["U-LOC", "B-LOC", "L-LOC", "O"]), ("BIOES", ["S-LOC", "B-LOC", "E-LOC", "O"]),
])
def test_each_scheme_is_written_as_it_was_read(tmp_path, scheme, tags):
    document = TextDocument("Paris New York .", (Span(0, 5, "LOC"), Span(6, 14, "LOC")),
                            {"conll": {"scheme": scheme, "doc_sep": "blank-lines"}})
    out, _ = written_back([document], tmp_path)
    assert [line.split(" ")[1] for line in out.splitlines() if line] == tags


def test_documents_from_elsewhere_are_written_in_iob2_over_spacys_tokens(tmp_path):
    document = TextDocument("Ada Lovelace's notes.", (Span(0, 12, "PERSON"),))
    out, report = written_back([document], tmp_path)
    assert out == ("-DOCSTART- -X- O O\n\nAda B-PERSON\nLovelace I-PERSON\n's O\nnotes O\n"
                   ". O\n\n")
    assert report.spans == 1


def test_overlapping_spans_are_reported_and_written_as_o(tmp_path):
    [document] = read_conll(DATA / "biluo.conll")
    overlapping = replace(document, spans=(Span(0, 12, "PER"), Span(4, 12, "PER")))
    out, report = written_back([overlapping], tmp_path)
    assert report.overlapping_documents == 1 and report.spans == 0
    assert {line.split(" ")[1] for line in out.splitlines() if line} == {"O"}


def test_the_import_stores_a_tweet_per_document(cli, tmp_path, db_path):
    result = cli("import", DATA / "wnut17.conll")
    assert result.exit_code == 0, result.output
    found = stored(db_path)
    assert len(found) == 3
    assert found["RT @ecox : so excited for Hidden Figures !"] == [(26, 40, "creative-work")]
    assert cli("export", tmp_path / "out.conll", "--status", "any").exit_code == 0
    assert (tmp_path / "out.conll").read_text().rstrip("\n") == (
        DATA / "wnut17.conll").read_text().rstrip("\n")
