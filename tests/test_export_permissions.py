"""Exports are written atomically (beside the target, then renamed) yet end with the
permissions open() and mkdir() would have given them under the umask, not 0600."""
import os
import stat

import pytest

from tests.test_interop import gold_file

FORMATS = [("jsonl", "out.jsonl", False), ("spacy", "out.spacy", False),
           ("labelstudio", "out.json", False), ("brat", "out", True)]


@pytest.fixture(params=[0o027, 0o002, 0o077])
def umask(request):
    before = os.umask(request.param)
    yield request.param
    os.umask(before)


@pytest.mark.parametrize("fmt, name, folder", FORMATS)
def test_an_export_has_the_permissions_the_umask_gives(cli, tmp_path, umask, fmt, name, folder):
    os.umask(0o022)
    assert cli("import", gold_file(tmp_path), "--annotator", "ana").exit_code == 0
    os.umask(umask)
    out = tmp_path / name
    result = cli("export", out, "--format", fmt)
    assert result.exit_code == 0, result.output
    mode = stat.S_IMODE(out.stat().st_mode)
    assert mode == (0o777 if folder else 0o666) & ~umask
    if folder:  # the files inside it too
        assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o666 & ~umask}
    assert not [p for p in tmp_path.iterdir() if ".goldspan-" in p.name]


def test_a_split_export_has_them_too(cli, tmp_path, umask):
    os.umask(0o022)
    assert cli("import", gold_file(tmp_path), "--annotator", "ana").exit_code == 0
    os.umask(umask)
    out = tmp_path / "corpus"
    assert cli("export", out, "--split", "0.5", "--seed", "1").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o666 & ~umask}
