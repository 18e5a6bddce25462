"""--label-map: renaming, dropping a label (MISC= or JSON null), refusing a key given twice or
a broken new name, and telling which keys matched nothing."""
import re

import pytest

from annotate.document import TextDocument
from annotate.formats import InputError
from annotate.label_map import LabelMap, parse_label_map, relabelled
from annotate.spans import Span

TEXT = "Ada Lovelace visited Paris with the Royal Society in 1843."
SPANS = (Span(0, 12, "PER"), Span(21, 26, "LOC"), Span(32, 49, "MISC"), Span(53, 57, "DATE"))


def document():
    return TextDocument(TEXT, SPANS, annotations={
        "ana": ((Span(0, 12, "PER"), Span(32, 49, "MISC")), "accepted")})


@pytest.mark.parametrize("written", [
    "PER=PERSON,LOC=GPE,MISC=,ORG=ORGANIZATION",
    "file:# CoNLL to OntoNotes\nPER=PERSON\nLOC\tGPE\nMISC=\nORG=ORGANIZATION\n",
    'file:{"PER": "PERSON", "LOC": "GPE", "MISC": null, "ORG": "ORGANIZATION"}',
])
def test_a_map_renames_drops_and_counts_what_it_did(tmp_path, written):
    if written.startswith("file:"):
        (tmp_path / "map").write_text(written[5:], encoding="utf-8")
        written = str(tmp_path / "map")
    mapping = parse_label_map(written)
    assert dict(mapping) == {"PER": "PERSON", "LOC": "GPE", "MISC": None,
                             "ORG": "ORGANIZATION"}
    mapped = relabelled(document(), mapping)
    assert [(s.start, s.end, s.label) for s in mapped.spans] == [
        (0, 12, "PERSON"), (21, 26, "GPE"), (53, 57, "DATE")]
    assert mapped.annotations == {"ana": ((Span(0, 12, "PERSON"),), "accepted")}
    assert mapping.renamed == {"PER": 2, "LOC": 1}
    assert mapping.dropped == {"MISC": 2}  # the model's span and ana's
    assert mapping.unused() == ["ORG"]  # matched no label in the input: warn about it


def test_counts_add_up_over_documents_and_a_plain_dict_still_works():
    mapping = LabelMap({"DATE": "TIME", "MISC": None})
    for _ in range(3):
        relabelled(document(), mapping)
    assert mapping.renamed == {"DATE": 3} and mapping.dropped == {"MISC": 6}
    assert mapping.unused() == []
    plain = relabelled(document(), {"MISC": None})
    assert "MISC" not in {s.label for s in plain.spans}
    assert relabelled(document(), {}) == document()


@pytest.mark.parametrize("name, content, message", [
    ("map.txt", "PER=PERSON\n# note\nLOC=GPE\nPER=PER\n", "map.txt:4: label 'PER' is mapped twice"),
    ("map.txt", "MISC=\nMISC\tOTHER\n", "map.txt:2: label 'MISC' is mapped twice"),
    ("map.json", '{\n  "PER": "PERSON",\n  "LOC": "GPE",\n  "PER": null\n}\n',
     "map.json:4: label 'PER' is mapped twice"),
    ("map.json", '{"PER": ""}', "map.json:1: label 'PER' is mapped to an empty name; null"),
    ("map.json", '{"PER": 3}', "map.json: expected {\"OLD\": \"NEW\", ...}"),
    ("map.txt", "PER=A PERSON\n", "map.txt:1: label 'A PERSON' holds a space"),
    ("map.txt", "=PERSON\n", "map.txt:1: expected OLD=NEW, got '=PERSON'"),
])
def test_a_faulty_map_file_is_refused_with_its_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        parse_label_map(str(path))


@pytest.mark.parametrize("value, message", [
    ("PER=PERSON,PER=PER", "--label-map:pair 2: label 'PER' is mapped twice"),
    ("PER=A\tB", "--label-map:pair 1: label 'A\\tB' holds a tab"),
    ("PERSON", "--label-map: pair 1 ('PERSON') is not OLD=NEW"),
    ("=GPE", "--label-map: pair 1 ('=GPE') is not OLD=NEW"),
])
def test_a_faulty_map_on_the_command_line_is_refused_with_its_pair(value, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_label_map(value)
