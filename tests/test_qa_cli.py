"""Two annotators' work on the same articles, imported, then compared."""
import json

from sklearn.metrics import cohen_kappa_score

from store.models import Annotation, Document

TEXTS = ["Well over 7,500 people marched in Lyon on Tuesday.",
         "Eight soldiers died near Ankara in March."]
ANA = [[(0, 15, "CARDINAL"), (34, 38, "GPE"), (42, 49, "DATE")],
       [(0, 5, "CARDINAL"), (25, 31, "GPE"), (35, 40, "DATE")]]
BEN = [[(10, 15, "CARDINAL"), (34, 38, "GPE"), (42, 49, "DATE")],  # boundary differs
       [(0, 5, "CARDINAL"), (25, 31, "LOC")]]  # a relabel and a missed date


def write(path, spans_per_text, answer="accept"):
    path.write_text("\n".join(json.dumps({
        "text": text, "answer": answer,
        "spans": [{"start": s, "end": e, "label": l} for s, e, l in spans]})
        for text, spans in zip(TEXTS, spans_per_text)))
    return path


def test_two_annotators_import_onto_the_same_documents(cli, tmp_path, db_path):
    assert cli("import", write(tmp_path / "ana.jsonl", ANA), "--annotator", "ana",
               "--status", "accepted").exit_code == 0
    result = cli("import", write(tmp_path / "ben.jsonl", BEN), "--annotator", "ben")
    assert "2 annotations by ben, 0 of them on new documents" in result.output
    again = cli("import", write(tmp_path / "ben2.jsonl", ANA), "--annotator", "ben")
    assert "2 they had annotated already, left as they were" in again.output
    from store.db import close_database, open_database
    open_database(db_path)
    assert Document.select().count() == 2
    assert {a.status for a in Annotation.select()} == {"accepted"}  # the file's answer
    close_database()


def test_agreement_matches_a_hand_calculation(cli, tmp_path):
    cli("import", write(tmp_path / "ana.jsonl", ANA), "--annotator", "ana")
    cli("import", write(tmp_path / "ben.jsonl", BEN), "--annotator", "ben")
    result = cli("qa", "agreement", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    [pair] = figures["pairs"]
    # exact: GPE, DATE in the first text; CARDINAL in the second -> 3 of 6 + 5 spans
    assert pair["exact_f1"] == round(2 * 3 / 11, 4)
    # partial: the boundary case also matches -> 4
    assert pair["partial_f1"] == round(2 * 4 / 11, 4)
    ana_tags = (["CARDINAL"] * 3 + ["O"] * 3 + ["GPE", "O", "DATE", "O"]
                + ["CARDINAL", "O", "O", "O", "GPE", "O", "DATE", "O"])
    ben_tags = (["O", "O", "CARDINAL"] + ["O"] * 3 + ["GPE", "O", "DATE", "O"]
                + ["CARDINAL", "O", "O", "O", "LOC", "O", "O", "O"])
    assert pair["kappa"] == round(cohen_kappa_score(ana_tags, ben_tags), 4)
    labels = {entry["label"]: entry for entry in figures["labels"]}
    assert labels["GPE"]["exact_f1"] == round(2 * 1 / 3, 4)
    assert labels["LOC"]["exact_f1"] == 0.0
    table = cli("qa", "agreement").output
    assert "ana / ben" in table and "Krippendorff's alpha" in table


def test_agreement_without_shared_documents_says_so(cli, tmp_path):
    cli("import", write(tmp_path / "ana.jsonl", ANA), "--annotator", "ana")
    result = cli("qa", "agreement")
    assert result.exit_code == 1
    assert "no document of 'default' has two or more annotations" in result.output


def test_status_without_annotator_is_refused(cli, tmp_path):
    result = cli("import", write(tmp_path / "ana.jsonl", ANA), "--status", "accepted")
    assert result.exit_code == 1 and "goes with --annotator" in result.output


def accepted_work(cli, tmp_path, people=("ana", "ben", "cem"), documents=6):
    for who in people:
        path = tmp_path / f"{who}.jsonl"
        texts = [f"Story {i} from Lyon, by {who}." for i in range(documents)]
        path.write_text("\n".join(json.dumps({
            "text": text, "spans": [{"start": text.index("Lyon"), "end": text.index("Lyon") + 4,
                                     "label": "GPE"}]}) for text in texts))
        assert cli("import", path, "--annotator", who, "--status", "accepted").exit_code == 0


def sampled_documents(output: str) -> list[str]:
    return [line.split("  ")[-1] for line in output.splitlines()[1:]]


def test_a_seeded_sample_covers_every_annotator_and_repeats(cli, tmp_path, db_path):
    accepted_work(cli, tmp_path)
    result = cli("qa", "sample", "--n", "4", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sample seed 3, 4 of 18: review queue made")
    drawn = sampled_documents(result.output)
    assert len(drawn) == 4 and all(any(w in d for d in drawn) for w in ("ana", "ben", "cem"))
    # the same data and seed in a second store draws the same documents
    from typer.testing import CliRunner
    import main
    from store.db import close_database
    other = tmp_path / "other.db"
    for who in ("ana", "ben", "cem"):
        CliRunner().invoke(main.app, ["import", str(tmp_path / f"{who}.jsonl"), "--annotator",
                                      who, "--status", "accepted", "--db", str(other)])
        close_database()
    again = CliRunner().invoke(main.app, ["qa", "sample", "--n", "4", "--seed", "3", "--db",
                                          str(other)])
    close_database()
    assert sampled_documents(again.output) == drawn
    # drawn work is not drawn again
    rest = cli("qa", "sample", "--fraction", "1", "--seed", "3")
    assert "14 of 14" in rest.output and not set(sampled_documents(rest.output)) & set(drawn)


def test_report_gives_pass_rates_with_wilson_intervals(cli, tmp_path, db_path):
    accepted_work(cli, tmp_path, people=("ana", "ben"), documents=3)
    cli("qa", "sample", "--fraction", "1")
    from store.db import close_database, open_database
    from store.models import Review, Annotation
    from store.reviews import record_review
    open_database(db_path)
    for review in Review.select(Review.id, Annotation.annotator, Annotation.id).join(Annotation)\
            .order_by(Annotation.id).namedtuples():
        fail = review.annotator == "ana" and review.id % 3 == 0
        record_review(review.id, "rita", "fail" if fail else "pass",
                      ["wrong boundary"] if fail else [])
    close_database()
    figures = {row["annotator"]: row for row in json.loads(cli("qa", "report", "--json").output)}
    assert (figures["ana"]["reviewed"], figures["ana"]["passed"]) == (3, 2)
    # Wilson, 2 of 3 at 95%: worked by hand
    assert figures["ana"]["interval_95"] == [0.2077, 0.9385]
    assert figures["ana"]["errors"] == {"wrong boundary": 1}
    assert figures["ben"]["pass_rate"] == 1.0
    table = cli("qa", "report").output
    assert "67%" in table and "wrong boundary 1" in table


def test_consistency_finds_a_name_labelled_two_ways_and_what_changed(cli, tmp_path, db_path):
    texts = ["Jordan won in Paris.", "Jordan closed its border.", "Paris hosted the final."]
    cli("import", *[write_text(tmp_path / f"{i}.txt", t) for i, t in enumerate(texts)])
    from store.db import close_database, open_database
    from store.queries import save_annotation, save_predictions
    from annotate.spans import Span
    open_database(db_path)
    first, second, third = [d.id for d in Document.select().order_by(Document.id)]
    save_predictions([(first, [Span(0, 6, "PERSON", "m"), Span(14, 19, "GPE", "m")]),
                      (second, [Span(0, 6, "PERSON", "m")]), (third, [Span(0, 5, "GPE", "m")])])
    save_annotation(first, "ana", [Span(0, 6, "PERSON"), Span(14, 19, "GPE")], "accepted")
    save_annotation(second, "ana", [Span(0, 6, "GPE")], "accepted")  # the country
    save_annotation(third, "ana", [], "accepted")  # removed Paris
    close_database()
    figures = json.loads(cli("qa", "consistency", "--json").output)
    [jordan] = figures["label_conflicts"]
    assert jordan == {"surface": "Jordan", "labels": {"PERSON": 1, "GPE": 1},
                      "documents": [first, second]}
    assert figures["model_changes"]["relabelled"] == [{"from": "PERSON", "to": "GPE", "count": 1}]
    assert figures["model_changes"]["removed"] == {"GPE": 1}
    assert [d["document"] for d in figures["documents_by_disagreement"]][:2] == [second, third]
    assert "relabelled PERSON -> GPE: 1" in cli("qa", "consistency").output


def write_text(path, text):
    path.write_text(text)
    return path


def test_html_reports_have_charts_escape_names_and_load_nothing(cli, tmp_path, db_path):
    hostile = "<script>alert(1)</script>"
    for who, spans in (("ana", ANA), (hostile, BEN)):
        cli("import", write(tmp_path / f"{len(who)}.jsonl", spans), "--annotator", who)
    out = tmp_path / "agreement.html"
    assert cli("qa", "agreement", "--html", out).exit_code == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert hostile not in page and "&lt;script&gt;" in page
    assert "src=" not in page and "href=" not in page and "<script" not in page
    cli("qa", "sample", "--fraction", "1")
    from store.db import close_database, open_database
    from store.models import Review
    from store.reviews import record_review
    open_database(db_path)
    for review in Review.select():
        record_review(review.id, "rita", "pass")
    close_database()
    report = tmp_path / "report.html"
    assert cli("qa", "report", "--html", report).exit_code == 0
    assert "Pass rate per annotator" in report.read_text() and "<line" in report.read_text()


def test_export_holds_back_disagreements_until_adjudicated(cli, tmp_path, db_path):
    cli("import", write(tmp_path / "ana.jsonl", ANA), "--annotator", "ana")
    cli("import", write(tmp_path / "ben.jsonl", [ANA[0], BEN[1]]), "--annotator", "ben")
    result = cli("export", tmp_path / "gold.jsonl")
    assert result.exit_code == 0
    assert "wrote 1 documents" in result.output  # they agree on the first text
    assert "1 documents with accepted work were not exported" in result.output
    assert "annotators disagree (ana, ben); adjudicate it first" in result.output
    from store.db import close_database, open_database
    from store.editing import open_annotation, settle, set_status
    from store.records import AnnotationKey
    from annotate.spans import Span
    open_database(db_path)
    second = Document.get(Document.text == TEXTS[1]).id
    judge = AnnotationKey(second, "jo", "adjudicated")
    assert open_annotation(judge).spans == (Span(0, 5, "CARDINAL"),)
    settle(judge, (25, 31), [Span(25, 31, "GPE")], 0)
    settle(judge, (35, 40), [], 1)
    set_status(judge, "accepted", 2)
    close_database()
    result = cli("export", tmp_path / "gold.jsonl")
    assert "wrote 2 documents" in result.output and "not exported" not in result.output
    lines = [json.loads(line) for line in (tmp_path / "gold.jsonl").read_text().splitlines()]
    assert [(s["start"], s["end"], s["label"]) for s in lines[1]["spans"]] == [
        (0, 5, "CARDINAL"), (25, 31, "GPE")]


def test_configure_sets_annotators_per_document(cli, tmp_path):
    cli("import", write(tmp_path / "ana.jsonl", ANA))
    assert "1 annotators per document" in cli("configure").output
    assert "3 annotators per document" in cli("configure",
                                              "--annotators-per-document", "3").output
    assert "3 annotators per document" in cli("configure").output
    refused = cli("configure", "--annotators-per-document", "0")
    assert refused.exit_code != 0 and "greater than or equal to 1" in refused.output


def test_an_export_with_everything_held_back_says_why_and_writes_nothing(cli, tmp_path):
    cli("import", write(tmp_path / "ana.jsonl", ANA), "--annotator", "ana")
    cli("import", write(tmp_path / "ben.jsonl", BEN), "--annotator", "ben")  # both differ
    for args in ([tmp_path / "gold.spacy"], [tmp_path / "corpus", "--split", "0.5"]):
        result = cli("export", *args)
        assert result.exit_code == 1
        assert ("nothing of dataset 'default' can be exported yet: 2 documents are held "
                "back, the first (document 1) because annotators disagree") in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ana.jsonl", "ben.jsonl",
                                                           "goldspan.db"]
