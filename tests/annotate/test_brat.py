"""brat folders as brat writes them (tests/data/brat/corpus, written by hand in the shape of
brat's standoff format page: a BioNLP-like abstract with events, attributes, a relation, an
equivalence, a normalization, a note and a discontinuous span, and a news text with CRLF
line endings): what is read, what is reported, what comes back out."""
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotate.formats import read_file
from annotate.formats.brat import read_brat, write_brat
from annotate.formats.errors import InputError
from annotate.formats.notes import ImportNotes
from annotate.spans import Span

DATA = Path(__file__).parent.parent / "data" / "brat"
CORPUS = DATA / "corpus"
PMID, NEWS = "PMID-9878621", "news-12"
PMID_SPANS = [(0, 13, "Protein", "Interleukin-2"), (23, 29, "Positive_regulation", "induce"),
              (30, 45, "Phosphorylation", "phosphorylation"), (49, 54, "Protein", "STAT5"),
              (66, 73, "Entity", "T cells"), (79, 83, "Protein", "IL-2"),
              (84, 89, "Binding", "binds")]
NEWS_SPANS = [(11, 15, "GPE", "Lyon"), (20, 25, "GPE", "Lille"), (29, 36, "DATE", "Tuesday"),
              (38, 40, "CARDINAL", "21"), (77, 81, "GPE", "Nice")]


@dataclass
class Version:
    """One document as the store hands it to a writer."""

    text: str
    spans: tuple
    meta: dict
    status: str = "accepted"


def read(discontinuous: str, folder: Path = CORPUS) -> tuple[dict, ImportNotes]:
    notes = ImportNotes()
    documents = {d.meta["brat"]["name"]: d for d in read_brat(folder, notes, discontinuous)}
    return documents, notes


def spans(document) -> list[tuple]:
    return [(s.start, s.end, s.label, document.text[s.start:s.end]) for s in document.spans]


def ann_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def versions(documents) -> list[Version]:
    return [Version(d.text, d.spans, d.meta) for d in documents]


# --- reading -------------------------------------------------------------------------------

def test_a_discontinuous_span_is_refused_by_default_with_every_one_listed(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    with open(folder / f"{NEWS}.ann", "a", encoding="utf-8") as ann:
        ann.write("T6\tGPE 11 15;20 25\tLyon Lille\n")
    with pytest.raises(InputError) as refused:
        list(read_brat(folder))
    message = str(refused.value)
    assert message.startswith(f"{folder / f'{PMID}.ann'}: 2 discontinuous spans: ")
    assert (f"{folder / f'{NEWS}.ann'}:9: T6 is a discontinuous span (11 15;20 25): GPE "
            "'Lyon Lille'") in message
    assert (f"{folder / f'{PMID}.ann'}:4: T4 is a discontinuous span (94 107;118 129): "
            "Protein 'IL-2 receptor beta chains'") in message
    assert message.endswith("Nothing was imported; choose --discontinuous split or join")
    with pytest.raises(InputError, match="1 discontinuous span: "):
        list(read_file(CORPUS, "brat"))  # the default through read_file too


def test_split_makes_a_span_of_each_fragment_and_says_so():
    documents, notes = read("split")
    assert sorted(documents) == [PMID, NEWS]
    pmid = documents[PMID]
    assert spans(pmid) == sorted(PMID_SPANS + [(94, 107, "Protein", "IL-2 receptor"),
                                               (118, 129, "Protein", "beta chains")])
    assert spans(documents[NEWS]) == NEWS_SPANS
    assert notes.lines() == [
        "1 × discontinuous span split: each fragment became a span of its own, the link "
        f"between them left out ({CORPUS / f'{PMID}.ann'}:4 T4)"]


def test_join_makes_one_span_from_the_first_start_to_the_last_end_and_says_so():
    documents, notes = read("join")
    assert spans(documents[PMID]) == sorted(
        PMID_SPANS + [(94, 129, "Protein", "IL-2 receptor alpha and beta chains")])
    assert notes.lines() == [
        "1 × discontinuous span joined: one span from its first start to its last end, the "
        f"gaps taken in ({CORPUS / f'{PMID}.ann'}:4 T4)"]


def test_names_ids_and_every_other_line_are_kept_in_meta():
    documents, _ = read("join")
    news = documents[NEWS]
    assert news.text == ("Floods hit Lyon and Lille on Tuesday; 21 people were missing.\r\n"
                         "Rescuers from Nice arrived.\r\n")  # CRLF kept: offsets stay true
    assert news.status == "accepted" and news.source == f"{NEWS}.txt"
    own = news.meta["brat"]
    assert own["name"] == NEWS and news.meta["file"] == f"{NEWS}.txt"
    assert [(e["id"], e["start"], e["end"], e["label"], e["position"]) for e in own["spans"]] == [
        ("T1", 11, 15, "GPE", 0), ("T2", 20, 25, "GPE", 1), ("T3", 29, 36, "DATE", 3),
        ("T4", 38, 40, "CARDINAL", 4), ("T5", 77, 81, "GPE", 7)]
    assert own["extras"] == [
        {"line": "R1\tNear Arg1:T1 Arg2:T2", "id": "R1", "refers_to": ["T1", "T2"],
         "position": 2},
        {"line": "M1\tUncertain T4", "id": "M1", "refers_to": ["T4"], "position": 5},
        {"line": "#1\tAnnotatorNotes T4\tfrom the evening bulletin", "id": "#1",
         "refers_to": ["T4"], "position": 6}]
    extras = {e["id"]: e["refers_to"] for e in documents[PMID].meta["brat"]["extras"]}
    assert extras == {"E1": ["T7", "T2"], "E2": ["T6", "E1", "T1"], "A1": ["E2"],
                      "E3": ["T8", "T3", "T4"], "A2": ["E3"], "R1": ["T2", "T5"],
                      None: ["T1", "T3"], "N1": ["T2"], "#1": ["T4"]}


@pytest.mark.parametrize("line, message", [
    ("R2\tNear Arg1:T1 Arg2:T9", "news-12.ann:9: R2 points at T9, which the file has no "
                                 "line for"),
    ("A3\tNegation", "news-12.ann:9: A3: an attribute line is `A3<TAB>NAME ID [VALUE]`"),
    ("R2\tNear T1 T2", "news-12.ann:9: R2: a relation line is"),
    ("E1\tFlood T1", "news-12.ann:9: E1: an event line is"),
    ("*\tEquiv T1", "news-12.ann:9: an equivalence line is `*<TAB>TYPE ID ID...`"),
    ("N2\tReference T1", "news-12.ann:9: N2: a normalization line is"),
    ("T2\tGPE 77 81\tNice", "news-12.ann:9: T2 is there twice (line 2 and here)"),
    ("X1\tsomething", "news-12.ann:9: 'X1' starts no brat annotation line"),
    ("R2\tNear Arg1:T1 Arg2:bad", "news-12.ann:9: R2: 'bad' is no brat annotation id"),
])
def test_a_line_brat_would_not_read_is_refused_with_its_place(tmp_path, line, message):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    with open(folder / f"{NEWS}.ann", "a", encoding="utf-8") as ann:
        ann.write(line + "\n")
    with pytest.raises(InputError, match=re.escape(message)):
        list(read_brat(folder, discontinuous="join"))


def test_a_span_given_twice_is_one_span_and_keeps_both_ids(tmp_path):
    (tmp_path / "a.txt").write_text("Lyon is big.")
    (tmp_path / "a.ann").write_text("T1\tGPE 0 4\tLyon\nT2\tGPE 0 4\tLyon\nA1\tNeg T2\n")
    [document] = read_brat(tmp_path)
    assert document.spans == (Span(0, 4, "GPE"),)
    out = tmp_path / "out"
    write_brat(versions([document]), out)
    assert ann_lines(out / "a.ann") == ["T1\tGPE 0 4\tLyon", "T2\tGPE 0 4\tLyon", "A1\tNeg T2"]


# --- writing -------------------------------------------------------------------------------

def test_a_round_trip_gives_the_same_names_and_lines_ids_included(tmp_path):
    documents, _ = read("split")
    out = tmp_path / "out"
    report = write_brat(versions(documents.values()), out)
    assert (report.documents, report.spans, report.dropped_extras) == (2, 14, [])
    assert sorted(p.name for p in out.iterdir()) == [
        f"{PMID}.ann", f"{PMID}.txt", "annotation.conf", f"{NEWS}.ann", f"{NEWS}.txt"]
    for name in (PMID, NEWS):
        assert (out / f"{name}.txt").read_bytes() == (CORPUS / f"{name}.txt").read_bytes()
    assert ann_lines(out / f"{NEWS}.ann") == ann_lines(CORPUS / f"{NEWS}.ann")
    # The split span: its first fragment keeps T4, the second is new, after the largest id.
    expected = [line if not line.startswith("T4\t") else "T4\tProtein 94 107\tIL-2 receptor"
                for line in ann_lines(CORPUS / f"{PMID}.ann")]
    assert ann_lines(out / f"{PMID}.ann") == expected + ["T9\tProtein 118 129\tbeta chains"]


def test_annotation_conf_is_written_from_the_labels_and_the_kept_lines(tmp_path):
    documents, _ = read("join")
    write_brat(versions(documents.values()), tmp_path / "out")
    assert ann_lines(tmp_path / "out" / "annotation.conf") == [
        "[entities]", "CARDINAL", "DATE", "Entity", "GPE", "Protein",
        "[relations]",
        "Located_in\tArg1:Protein, Arg2:Entity",
        "Near\tArg1:GPE, Arg2:GPE",
        "Equiv\tArg1:Protein, Arg2:Protein, <REL-TYPE>:symmetric-transitive",
        "[events]",
        "Binding\tTheme+:Protein",
        "Phosphorylation\tTheme:Protein",
        "Positive_regulation\tCause:Protein, Theme:<EVENT>",
        "[attributes]",
        "Confidence\tArg:<EVENT>, Value:High",
        "Negation\tArg:<EVENT>",
        "Uncertain\tArg:<ENTITY>"]


def test_lines_pointing_at_a_span_no_longer_there_are_left_out_and_reported(tmp_path):
    documents, _ = read("join")
    pmid = documents[PMID]
    stat5 = Span(49, 54, "Protein")
    # STAT5 removed, Interleukin-2 relabelled, a new span added
    changed = tuple(sorted([s for s in pmid.spans if s not in (stat5, Span(0, 13, "Protein"))]
                           + [Span(0, 13, "Cytokine"), Span(58, 73, "Entity")]))
    out = tmp_path / "out"
    report = write_brat([Version(pmid.text, changed, pmid.meta)], out)
    # E1 (its theme), E2 (on E1), A1 (on E2), R1 and N1 (on STAT5) go; the rest stay.
    assert report.dropped_extras == [
        (1, PMID, "E1\tPhosphorylation:T7 Theme:T2"),
        (1, PMID, "E2\tPositive_regulation:T6 Theme:E1 Cause:T1"),
        (1, PMID, "A1\tNegation E2"),
        (1, PMID, "R1\tLocated_in Arg1:T2 Arg2:T5"),
        (1, PMID, "N1\tReference T2 UniProt:P42229\tSTAT5A")]
    assert ann_lines(out / f"{PMID}.ann") == [
        "T1\tCytokine 0 13\tInterleukin-2", "T3\tProtein 79 83\tIL-2",
        "T4\tProtein 94 129\tIL-2 receptor alpha and beta chains", "T5\tEntity 66 73\tT cells",
        "T6\tPositive_regulation 23 29\tinduce", "T7\tPhosphorylation 30 45\tphosphorylation",
        "T8\tBinding 84 89\tbinds", "E3\tBinding:T8 Theme:T3 Theme2:T4", "A2\tConfidence E3 High",
        "*\tEquiv T1 T3", "#1\tAnnotatorNotes T4\talpha left out: a chain of its own",
        "T9\tEntity 58 73\tresting T cells"]


def test_documents_from_elsewhere_get_numbered_names_and_no_name_is_used_twice(tmp_path):
    documents, _ = read("join")
    news = documents[NEWS]
    unsafe = {**news.meta, "brat": {**news.meta["brat"], "name": "../escaped"}}
    no_shape = {"brat": {"name": "odd", "spans": "T1"}}
    out = tmp_path / "out"
    write_brat([Version("Lyon is big.", (Span(0, 4, "GPE"),), {}),
                Version(news.text, news.spans, news.meta),
                Version(news.text, news.spans, news.meta),
                Version(news.text, news.spans, unsafe),
                Version("Nice is small.", (Span(0, 4, "GPE"),), no_shape)], out)
    assert sorted(p.name for p in out.iterdir()) == [
        "00001.ann", "00001.txt", "00004.ann", "00004.txt", "00005.ann", "00005.txt",
        "annotation.conf", "news-12-2.ann", "news-12-2.txt", "news-12.ann", "news-12.txt"]
    assert ann_lines(out / "00001.ann") == ["T1\tGPE 0 4\tLyon"]
    assert ann_lines(out / "news-12-2.ann") == ann_lines(CORPUS / f"{NEWS}.ann")
    assert not (tmp_path / "escaped.txt").exists()


def test_a_document_in_a_subfolder_is_written_in_it_again(tmp_path):
    folder = tmp_path / "in"
    (folder / "train").mkdir(parents=True)
    (folder / "train" / "a.txt").write_text("Lyon is big.")
    (folder / "train" / "a.ann").write_text("T3\tGPE 0 4\tLyon\n")
    documents = list(read_brat(folder))
    assert documents[0].meta["brat"]["name"] == "train/a"
    write_brat(versions(documents), tmp_path / "out")
    assert ann_lines(tmp_path / "out" / "train" / "a.ann") == ["T3\tGPE 0 4\tLyon"]


# --- through the command line --------------------------------------------------------------

def exported(cli, tmp_path) -> Path:
    out = tmp_path / "exported"
    result = cli("export", out, "--format", "brat", "--status", "any")
    assert result.exit_code == 0, result.output
    return out


def test_the_import_refuses_discontinuous_spans_by_default_and_stores_nothing(cli, tmp_path):
    result = cli("import", CORPUS, "--labels", DATA / "labels.json")
    assert result.exit_code != 0
    assert (f"{CORPUS / f'{PMID}.ann'}:4: T4 is a discontinuous span (94 107;118 129)"
            in result.output)
    assert "choose --discontinuous split or join" in result.output
    assert cli("export", tmp_path / "none", "--format", "brat",
               "--status", "any").exit_code != 0  # nothing was stored


@pytest.mark.parametrize("choice, t4", [
    ("split", ["T4\tProtein 94 107\tIL-2 receptor"]),
    ("join", ["T4\tProtein 94 129\tIL-2 receptor alpha and beta chains"]),
])
def test_each_choice_imports_reports_and_exports_under_the_same_names(cli, tmp_path, choice,
                                                                      t4):
    result = cli("import", CORPUS, "--labels", DATA / "labels.json", "--discontinuous", choice)
    assert result.exit_code == 0, result.output
    assert f"{CORPUS}: brat, 2 documents" in result.output
    assert "discontinuous span" in result.output and f"{PMID}.ann:4 T4" in result.output
    out = exported(cli, tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        f"{PMID}.ann", f"{PMID}.txt", "annotation.conf", f"{NEWS}.ann", f"{NEWS}.txt"]
    assert ann_lines(out / f"{NEWS}.ann") == ann_lines(CORPUS / f"{NEWS}.ann")
    assert (out / f"{NEWS}.txt").read_bytes() == (CORPUS / f"{NEWS}.txt").read_bytes()
    original = ann_lines(CORPUS / f"{PMID}.ann")
    at = original.index("T4\tProtein 94 107;118 129\tIL-2 receptor beta chains")
    added = ["T9\tProtein 118 129\tbeta chains"] if choice == "split" else []
    assert ann_lines(out / f"{PMID}.ann") == original[:at] + t4 + original[at + 1:] + added
