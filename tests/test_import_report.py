"""Every import says per file what it read and what it left out, and why: nothing is passed
over without a word."""
from pathlib import Path

DATA = Path(__file__).parent / "data"


def test_label_studio_results_that_are_not_spans_are_named(cli):
    path = DATA / "labelstudio" / "mixed_results.json"
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert f"{path}: labelstudio, 2 documents, 2 spans read, 2 kept" in result.output
    assert (f"  1 × annotation with only rectanglelabels results, no text span: not "
            f"imported ({path}:36 (task 2))") in result.output
    assert "relation result beside text spans: left out" in result.output


def test_a_conll_file_without_docstart_splits_as_chosen_and_says_so(cli):
    path = DATA / "conll" / "wnut17.conll"
    by_blank_lines = cli("import", path, "--dataset", "tweets")
    assert by_blank_lines.exit_code == 0, by_blank_lines.output
    assert "(IOB2 tags; a document per blank-line block" in by_blank_lines.output
    assert "tweets: 3 documents added" in by_blank_lines.output
    whole = cli("import", path, "--dataset", "one", "--doc-sep", "3")
    assert "one: 1 documents added" in whole.output, whole.output
    refused = cli("import", path, "--dataset", "none", "--doc-sep", "0")
    assert refused.exit_code == 1
    assert "--doc-sep takes docstart, blank-lines or a number" in refused.output


def test_a_label_map_says_what_it_dropped_and_which_keys_matched_nothing(cli, tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text('{"text": "Ada met Ben in Lyon.", "spans": [{"start": 0, "end": 3, '
                    '"label": "PERSON"}, {"start": 15, "end": 19, "label": "GPE"}]}\n')
    result = cli("import", path, "--label-map", "GPE=,MISC=OTHER")
    assert result.exit_code == 0, result.output
    assert "--label-map left out 1 GPE spans" in result.output
    assert "--label-map: MISC matched no label in the input" in result.output
    exported = cli("export", tmp_path / "out.jsonl", "--status", "any",
                   "--label-map", "PERSON=PER,ORG=COMPANY")
    assert exported.exit_code == 0, exported.output
    assert "--label-map: ORG matched no label in the input" in exported.output
    assert '"label": "PER"' in (tmp_path / "out.jsonl").read_text()
