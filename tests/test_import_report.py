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


def lines_after(output: str, path) -> list[str]:
    """A file's report line and the lines indented under it."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{path}:"))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")),
               len(lines))
    return lines[start:end]


def test_files_of_one_name_in_two_folders_are_counted_apart(cli, tmp_path):
    first, second = tmp_path / "monday" / "news.jsonl", tmp_path / "tuesday" / "news.jsonl"
    for path, texts in ((first, ["Rain in Lyon.", "Sun in Rome."]),
                        (second, ["Sun in Rome.", "Snow in Oslo.", "Fog in Bern."])):
        path.parent.mkdir()
        path.write_text("".join(f'{{"text": "{t}"}}\n' for t in texts))
    result = cli("import", first, second)
    assert result.exit_code == 0, result.output
    assert lines_after(result.output, first)[-1] == "  stored: 2 documents added, 0 already there"
    assert lines_after(result.output, second)[-1] == (
        "  stored: 2 documents added, 1 already there")
    assert "default: 4 documents added, 1 already there and skipped" in result.output


def test_brat_documents_in_subfolders_and_of_one_ann_file_are_counted(cli, tmp_path):
    corpus = tmp_path / "corpus"
    for name in ("a/doc", "b/doc", "top"):
        (corpus / f"{name}.txt").parent.mkdir(parents=True, exist_ok=True)
        (corpus / f"{name}.txt").write_text(f"Ann lives in Lyon ({name}).")
        (corpus / f"{name}.ann").write_text("T1\tPERSON 0 3\tAnn\n")
    result = cli("import", corpus, "--add-labels")
    assert result.exit_code == 0, result.output
    assert lines_after(result.output, corpus)[-1] == "  stored: 3 documents added, 0 already there"
    again = cli("import", corpus / "a" / "doc.ann")
    assert lines_after(again.output, corpus / "a" / "doc.ann")[-1] == (
        "  stored: 0 documents added, 1 already there")


def test_a_text_file_says_nothing_of_spans_it_cannot_have(cli, tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("Rain in Lyon.")
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert f"{path}: txt, 1 documents\n" in result.output
    assert "spans read" not in result.output
