import json

import pytest
from hypothesis import given, settings, strategies as st

from annotate.formats.errors import InputError
from annotate.formats.jsonl import json_array_items

tasks = st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=12) | st.integers()
                                 | st.lists(st.text(max_size=3), max_size=3), max_size=4),
                 max_size=6)


@settings(max_examples=60, deadline=None)
@given(tasks, st.integers(1, 17), st.sampled_from([None, 1, 2]))
def test_items_come_back_whatever_the_chunks_cut(tmp_path_factory, items, chunk, indent):
    """Chunks as small as one byte cut items, numbers, and UTF-8 characters in two."""
    path = tmp_path_factory.mktemp("json") / "tasks.json"
    path.write_text(json.dumps(items, indent=indent, ensure_ascii=False), encoding="utf-8")
    assert list(json_array_items(path, chunk_size=chunk)) == items


def test_a_fault_names_its_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[\n {"a": 1},\n {"b": 2}\n {"c": 3}\n]')
    with pytest.raises(InputError, match=r"bad.json:4: not valid JSON: expected ','"):
        list(json_array_items(path, chunk_size=4))
    path.write_text('[\n {"a": 1},\n {"b": tru}\n]')
    with pytest.raises(InputError, match=r"bad.json:3: not valid JSON: Expecting value"):
        list(json_array_items(path, chunk_size=4))
    path.write_text('[\n {"a": 1},\n')
    with pytest.raises(InputError, match=r"bad.json:3: not valid JSON: the list is not closed"):
        list(json_array_items(path))
