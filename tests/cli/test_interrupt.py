"""Ctrl-C in ``skgenre fit``, as a user sends it: a real SIGINT to ``python -m skgenre
fit`` once a net is training. Exit 130, one line, no model written, and nothing
half-trained cached (the next fit with the cache gives what a fit without it gives)."""

import os
import re
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from skgenre import load_model
from skgenre.datasets import load_movies, make_movies

pytestmark = [
    pytest.mark.xdist_group("cli"),
    pytest.mark.skipif(os.name != "posix", reason="sends SIGINT"),
]


def _fit_command(manifest, out, cache):
    # The poster model's net trains 400 epochs per fit (no early stopping): seconds.
    return [sys.executable, "-m", "skgenre", "fit", "--data", str(manifest), "--out", str(out),
            "--modalities", "poster", "--set", "cv=2", "--set", "poster__head__max_epochs=400",
            "--set", "poster__head__patience=1000", "--random-state", "0"] + (
        ["--cache-dir", str(cache)] if cache else [])


class _Reader(threading.Thread):
    """Collects a pipe's text as it comes (tqdm's bars end in a carriage return, not a
    newline, so readline would wait for the whole bar)."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe, self.text = pipe, ""

    def run(self):
        for chunk in iter(lambda: self.pipe.read(1), ""):
            self.text += chunk


@pytest.mark.filterwarnings("ignore::skgenre.ensemble.NoModalityWarning")  # posterless
def test_sigint_during_training_exits_130_and_writes_nothing(tmp_path):
    movies = make_movies(40, n_genres=3, modalities=("poster", "metadata"), random_state=0,
                         path=tmp_path / "catalogue")
    out, cache = tmp_path / "model.skops", tmp_path / "cache"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(_fit_command(movies.manifest, out, cache), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = _Reader(process.stderr)
    reader.start()
    deadline = time.monotonic() + 120
    while "stacking:" not in reader.text:  # the base models' fits have begun
        assert process.poll() is None, reader.text
        assert time.monotonic() < deadline, reader.text
        time.sleep(0.05)
    time.sleep(0.5)  # inside the first fold's net
    process.send_signal(signal.SIGINT)
    # 130, or killed by SIGINT, which a shell also reports as status 130: CPython 3.11
    # ends a process by SIGINT once a KeyboardInterrupt has passed through certain C
    # entry points, even when it was caught (skgenre's one line is printed either way).
    assert process.wait(timeout=120) in (130, -signal.SIGINT)
    reader.join(timeout=10)
    lines = [line for line in re.split(r"[\r\n]", reader.text) if line.strip()]
    assert lines[-1] == "skgenre fit: interrupted (Ctrl-C): no model written"
    assert "Traceback" not in reader.text
    assert not out.exists()
    assert not list(tmp_path.glob(".model.skops*"))  # nor a temporary file
    entries = [p for p in cache.rglob("*") if p.is_file() and "skgenre_fits" in str(p)]
    assert len(entries) < 3  # two folds and a refit: not all done
    assert not [p for p in entries if p.name.endswith(".tmp")]

    # What the cache kept is whole: the next fit with it equals one without it.
    for args in ((out, cache), (tmp_path / "fresh.skops", None)):
        done = subprocess.run(_fit_command(movies.manifest, *args) + ["-q"], env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    X = load_movies(movies.manifest).data
    np.testing.assert_allclose(load_model(out).predict_proba(X),
                               load_model(tmp_path / "fresh.skops").predict_proba(X))
