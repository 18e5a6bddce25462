"""Every reader, fed generated and mutated files, yields sound documents or raises one
InputError naming the file: never an exception of another kind, never garbage accepted.

Valid records are built first, then mutated (a value replaced by one of another type, a key
dropped or added, characters of the file inserted, cut or corrupted). The default run does
FUZZ_EXAMPLES examples per format; `pytest -m nightly` runs NIGHTLY_EXAMPLES.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from annotate.document import TextDocument
from annotate.formats import InputError, read_file
from annotate.formats.checks import MAX_TEXT_LENGTH
from annotate.formats.jsonl import json_array_items
from annotate.labels import label_fault
from annotate.tokenizer import tokens_of

FUZZ_EXAMPLES = int(os.environ.get("GOLDSPAN_FUZZ_EXAMPLES", 1000))
NIGHTLY_EXAMPLES = int(os.environ.get("GOLDSPAN_FUZZ_NIGHTLY_EXAMPLES", 20_000))
for _name, _examples in (("fuzz", FUZZ_EXAMPLES), ("fuzz-nightly", NIGHTLY_EXAMPLES)):
    settings.register_profile(
        f"goldspan-{_name}", max_examples=_examples, deadline=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SIZES = [pytest.param("goldspan-fuzz", marks=pytest.mark.fuzz, id="ci"),
         pytest.param("goldspan-fuzz-nightly", marks=[pytest.mark.fuzz, pytest.mark.nightly],
                      id="nightly")]

TEXTS = ["Well over 7,500 people marched in Lyon on Tuesday.",
         "Zoë Müller met 21 people in São Paulo 🎉 on Monday.\r\nThey paid $3.2 billion.",
         "Ada Lovelace visited Paris"]
BOUNDS = {text: list(zip(tokens_of(text).starts, tokens_of(text).ends)) for text in TEXTS}
LABELS = st.sampled_from(["PERSON", "GPE", "CARDINAL", "MONEY"])
# Containers are built afresh for each example, since mutations change values in place.
ODD_VALUES = st.sampled_from([
    None, True, 0, -1, 10**9, 2**64, 1.5, float("nan"), "", " ", "0", "accept", "PER SON",
    "A\tB", "B-\n", "\x00", "\u200b", "\ud800"]) | st.sampled_from([
        "[]", "{}", '[[0, 3, "GPE"]]', '{"start": 0}', "[" * 150 + "]" * 150]).map(json.loads)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=6)
KEYS = st.sampled_from(["text", "spans", "tokens", "label", "labels", "entities", "meta",
                        "answer", "start", "end", "data", "annotations", "predictions",
                        "result", "value", "completed_by", "was_cancelled", "start_offset"])
SNIPPETS = st.sampled_from(['\\ud800', '\\udc00x', '"', ",", "]", "}", "[", "{", "\n", "\t",
                            " ", "\\", "0", "-", "T1\t", "B-", "\x00", "\ufeff", "[" * 1200,
                            "-DOCSTART-", "9" * 5000, "NaN"]) | st.text(max_size=3)
BAD_BYTES = st.sampled_from([b"\xff", b"\xed\xa0\x80", b"\xc3", b"\xef\xbb\xbf", b"\r"])


# ---- building valid records, then mutating them

@st.composite
def text_and_spans(draw):
    text = draw(st.sampled_from(TEXTS) | st.text(min_size=1, max_size=30))
    bounds = BOUNDS.get(text) or [(0, len(text))]
    chosen = draw(st.lists(st.sampled_from(bounds), max_size=3, unique=True))
    return text, [(start, end, draw(LABELS)) for start, end in sorted(chosen)]


@st.composite
def prodigy_record(draw):
    text, spans = draw(text_and_spans())
    record = {"text": text, "spans": [{"start": s, "end": e, "label": label}
                                      for s, e, label in spans],
              "meta": {"id": draw(st.integers(0, 9))},
              "answer": draw(st.sampled_from(["accept", "reject", "ignore"]))}
    view = draw(st.sampled_from([None, "ner", "ner_manual"]))  # "ner": a binary answer
    if view:
        record["_view_id"] = view
    if draw(st.booleans()):
        record["tokens"] = [{"text": text[s:e], "start": s, "end": e, "id": i}
                            for i, (s, e) in enumerate(BOUNDS.get(text) or [(0, len(text))])]
    return record


@st.composite
def doccano_record(draw):
    text, spans = draw(text_and_spans())
    if draw(st.booleans()):
        return {"text": text, "label": [list(span) for span in spans], "id": 1}
    return {"text": text, "entities": [{"start_offset": s, "end_offset": e, "label": label}
                                       for s, e, label in spans]}


@st.composite
def labelstudio_task(draw):
    text, spans = draw(text_and_spans())
    results = [{"value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
                "type": "labels"} for s, e, label in spans]
    results.append({"value": {"choices": ["news"]}, "type": "choices"})
    people = draw(st.lists(st.sampled_from([1, 2, {"email": "ana@example.org"}]), max_size=2,
                           unique_by=str))
    return {"id": 1, "data": {"text": text, "title": "t"},
            "annotations": [{"completed_by": who, "result": results,
                             "was_cancelled": draw(st.booleans())} for who in people],
            "predictions": [{"result": results}]}


def places(value, at=()):
    yield at
    if len(at) == 6:  # deep enough for any format's shape
        return
    children = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, child in children:
        yield from places(child, (*at, key))


@st.composite
def mutated(draw, valid):
    value = draw(valid)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(list(places(value))))
        if not at:  # the whole record: replaced by any value, or left as it is
            if draw(st.booleans()):
                value = draw(JSON)
            continue
        parent = value
        for key in at[:-1]:
            parent = parent[key]
        how = draw(st.sampled_from(["replace", "odd", "drop", "add"]))
        if how == "drop":
            del parent[at[-1]]
        elif how == "add" and isinstance(parent[at[-1]], dict):
            parent[at[-1]][draw(KEYS)] = draw(JSON | ODD_VALUES)
        elif how == "add" and isinstance(parent[at[-1]], list):
            parent[at[-1]].append(draw(JSON | ODD_VALUES))
        else:
            parent[at[-1]] = draw(ODD_VALUES if how == "odd" else JSON)
    return value


def records(valid):
    """Valid records, mutated ones, and records of keys the format knows with any values."""
    generated = st.fixed_dictionaries(
        {"text": st.sampled_from(TEXTS) | st.text(max_size=8)},
        optional={key: JSON | ODD_VALUES for key in KEYS.elements if key != "text"})
    return st.one_of(valid, mutated(valid), mutated(valid), generated,
                     st.dictionaries(KEYS, JSON | ODD_VALUES, max_size=4))


@st.composite
def garbled(draw, text: str) -> bytes:
    """The file's characters with a few inserted, cut or corrupted, as UTF-8 (or not)."""
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 0, 1, 1, 2]))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "truncate"]))
        if how == "insert":
            text = text[:at] + draw(SNIPPETS) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 4)):]
        else:
            text = text[:at]
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 19)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(BAD_BYTES) + data[at:]
    return data


def dumped(value) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


@st.composite
def jsonl_file(draw, valid):
    lines = draw(st.lists(records(valid), min_size=1, max_size=3))
    return draw(garbled("\n".join(dumped(line) for line in lines) + "\n"))


@st.composite
def labelstudio_file(draw):
    task = records(labelstudio_task())
    tasks = draw(st.lists(task, max_size=3) | task)
    return draw(garbled(json.dumps(tasks, ensure_ascii=False,
                                   indent=draw(st.sampled_from([None, 1])))))


@st.composite
def conll_file(draw):
    words = draw(st.lists(st.sampled_from(["Ada", "Lovelace", "visited", "Paris", "7,500"]),
                          min_size=1, max_size=6))
    tags = draw(st.lists(st.sampled_from(["O", "B-PER", "I-PER", "L-PER", "U-GPE", "S-GPE",
                                          "E-PER", "B-", "X-PER", "B-A\x00", "B-\u200b", "I"]),
                         min_size=len(words), max_size=len(words)))
    lines = [f"{word} {draw(st.sampled_from(['', 'NNP ']))}{tag}" for word, tag in
             zip(words, tags)]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))),
                     draw(st.sampled_from(["", "-DOCSTART- -X- O O", "lonely", "a b c d"])))
    return draw(garbled("\n".join(lines) + "\n"))


@st.composite
def brat_folder(draw):
    """{file name: bytes} of a brat folder: texts, their .ann files, perhaps an orphan."""
    text, spans = draw(text_and_spans())
    lines = [f"T{i}\t{label} {s} {e}\t{text[s:e]}" for i, (s, e, label) in enumerate(spans)]
    lines += draw(st.lists(st.sampled_from(["R1\tRel Arg1:T1 Arg2:T2", "#1\tNote T1\tok",
                                            "A1\tNeg T1", "T9\tPER 0 3;4 8\tAda Love",
                                            "T8\tPER 0", "T7\tPER 0 3 4", "T6\tPER a b",
                                            "T5\tPER 0 ٣", "T4\t PER 0 3", "T3"]), max_size=2))
    files = {"a.txt": draw(garbled(text)), "a.ann": draw(garbled("\n".join(lines) + "\n"))}
    if draw(st.integers(0, 4)) == 0:
        files["b.ann"] = b"T1\tPER 0 3\tAda\n"
    if draw(st.integers(0, 4)) == 0:
        del files["a.txt"]
    return files


FILES = {
    "jsonl": jsonl_file(prodigy_record()),
    "doccano": jsonl_file(doccano_record()),
    "labelstudio": labelstudio_file(),
    "conll": conll_file(),
    "txt": st.text(max_size=40).flatmap(garbled),
    "brat": brat_folder(),
}


# ---- the property

SUFFIXES = {"jsonl": ".jsonl", "doccano": ".jsonl", "labelstudio": ".json", "conll": ".conll",
            "txt": ".txt"}

def assert_sound(document: TextDocument) -> None:
    """What the store and every exporter rely on."""
    assert isinstance(document, TextDocument)
    assert isinstance(document.text, str) and document.text.strip()
    assert len(document.text) <= MAX_TEXT_LENGTH
    document.text.encode("utf-8")
    json.dumps(document.meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
    groups = [document.spans or (), document.rejected or ()]
    for name, (spans, status) in document.annotations.items():
        assert isinstance(name, str) and status in ("accepted", "skipped")
        name.encode("utf-8")
        groups.append(spans)
    for span in (span for group in groups for span in group):
        assert 0 <= span.start < span.end <= len(document.text)
        assert label_fault(span.label) is None


def reads_or_refuses(folder: Path, path: Path, fmt: str) -> None:
    try:
        for document in read_file(path, fmt):
            assert_sound(document)
    except InputError as error:
        message = str(error)
        assert len(message.splitlines()) == 1, message
        assert message.startswith(str(error.path))
        assert folder in (error.path, *error.path.parents)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("fmt", FILES)
def test_every_reader_yields_documents_or_one_clear_error(tmp_path_factory, fmt, size):
    folder = tmp_path_factory.mktemp(fmt)

    @settings(settings.get_profile(size))
    @given(FILES[fmt])
    def check(content):
        for old in folder.iterdir():
            old.unlink()
        if fmt == "brat":
            for name, data in content.items():
                write(folder, name, data)
            reads_or_refuses(folder, folder, fmt)
        else:
            reads_or_refuses(folder, write(folder, "in" + SUFFIXES[fmt], content), fmt)

    check()


@st.composite
def json_array_file(draw):
    items = draw(st.lists(JSON | records(labelstudio_task()), max_size=4) | JSON)
    return draw(garbled(json.dumps(items, indent=draw(st.sampled_from([None, 2])))))


@pytest.mark.parametrize("size", SIZES)
def test_the_json_stream_reads_what_json_reads_and_refuses_the_rest(tmp_path_factory, size):
    """Whatever the chunks cut: the items json.loads finds in a list (or the one object), or
    InputError where json.loads fails or gives something else."""
    path = tmp_path_factory.mktemp("stream") / "items.json"

    @settings(settings.get_profile(size))
    @given(json_array_file(), st.integers(1, 64))
    def check(content, chunk):
        path.write_bytes(content)
        try:
            items = list(json_array_items(path, chunk_size=chunk))
        except InputError as error:
            assert len(str(error).splitlines()) == 1 and str(error).startswith(str(path))
            return
        whole = json.loads(content.decode("utf-8-sig"))
        assert isinstance(whole, (list, dict))
        assert json.dumps(items) == json.dumps(whole if isinstance(whole, list) else [whole])

    check()
