"""The README's quick start runs as written and prints what it says it computes."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _quick_start():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Quick start"):]
    section = section[:section.index("\n## ", 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the quick start has one python block"
    return blocks[0]


@pytest.mark.xdist_group("examples")
def test_readme_quick_start_prints_its_table_and_genres(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SKGENRE_DATA", str(tmp_path / "data"))
    code = _quick_start()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "__main__"})  # noqa: S102
    lines = out.getvalue().splitlines()

    header = lines[0].split()
    assert header[:3] == ["micro", "macro", "samples"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:6]}
    assert set(rows) == {"text", "poster", "trailer", "metadata", "fusion"}
    for scores in rows.values():
        assert all(0.0 <= float(v) <= 1.0 for v in scores[:3])
    movies = [line for line in lines if " true: " in line and " confident: " in line]
    assert len(movies) == 8
    assert all(re.search(r"true: \w", line) for line in movies)
    n_confident, n_test = map(int, re.fullmatch(
        r"(\d+) of (\d+) test movies have a confident genre", lines[-1]).groups())
    assert n_test == int(rows["fusion"][3]) and 0 < n_confident <= n_test  # every test movie


def test_readme_quick_start_does_not_cross_validate_the_stacker_again():
    code = _quick_start()
    assert "cross_val_score" not in code and "cross_validate" not in code
