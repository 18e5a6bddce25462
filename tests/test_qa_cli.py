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
