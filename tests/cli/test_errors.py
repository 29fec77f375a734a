"""Issue 26's findings through the command line, as a table: each bad input or fault a
user meets gets one line on stderr naming the file or value and the flag that fixes it,
and exit code 2 (anticipated), 130 (Ctrl-C) or 1 (unexpected, traceback with -v)."""

import errno
import os
import re
import stat

import numpy as np
import pandas as pd
import pytest

from skgenre import load_model, save_model
from skgenre.cli import main

pytestmark = pytest.mark.xdist_group("cli")


def run(argv, capsys):
    """``skgenre ARGV -q``: (exit status, stderr lines, stdout)."""
    try:
        status = main([*argv, "-q"])
    except SystemExit as exc:  # argparse's usage errors
        status = exc.code
    captured = capsys.readouterr()
    return status, captured.err.strip().splitlines(), captured.out


@pytest.fixture(scope="module")
def files(catalogue, model_file, tmp_path_factory):
    """Every bad input of the table, made once."""
    folder, genres = catalogue
    tmp = tmp_path_factory.mktemp("bad")
    train = pd.read_csv(folder / "train.csv")
    out = {"model": str(model_file), "train": str(folder / "train.csv"),
           "test": str(folder / "test.csv"), "folder": str(folder), "tmp": str(tmp)}

    def manifest(name, frame, **kwargs):
        path = folder / name  # beside the posters, whose paths are relative
        frame.to_csv(path, index=False, **kwargs)
        out[name.split(".")[0]] = str(path)

    # outputs that are inputs
    os.symlink(folder / "test.csv", tmp / "link.csv")
    os.link(folder / "test.csv", tmp / "hard.csv")
    out["link"], out["hard"] = str(tmp / "link.csv"), str(tmp / "hard.csv")
    # outputs that are media files the table names (paths relative to the manifest)
    test = pd.read_csv(folder / "test.csv")
    out["test_poster"] = str(folder / next(p for p in test["poster"] if isinstance(p, str)))
    out["train_poster"] = str(folder / next(p for p in train["poster"] if isinstance(p, str)))
    os.link(out["test_poster"], tmp / "poster_link.jpg")
    out["poster_link"] = str(tmp / "poster_link.jpg")
    (tmp / "report").mkdir()
    (tmp / "report" / "index.html").write_bytes(model_file.read_bytes())
    out["report"], out["report_model"] = str(tmp / "report"), str(tmp / "report" / "index.html")
    # model files that are not
    (tmp / "empty.skops").write_bytes(b"")
    (tmp / "notes.skops").write_text("my model notes\n")
    (tmp / "noise.skops").write_bytes(np.random.default_rng(0).bytes(300))
    stacker, metadata = load_model(model_file, return_metadata=True)
    edited = {**metadata, "genre_names": metadata["genre_names"][::-1]}
    save_model(stacker, tmp / "edited.skops", metadata=edited)
    poster = next(p for p in train["poster"] if isinstance(p, str))
    (tmp / "photo.skops").write_bytes((folder / poster).read_bytes())
    for name in ("empty", "notes", "noise", "edited", "photo"):
        out[name] = str(tmp / f"{name}.skops")
    (tmp / "a_file").write_text("x")
    out["a_file"] = str(tmp / "a_file")
    # manifests
    manifest("utf16.csv", train, encoding="utf-16-le")
    manifest("Genres.csv", train.rename(columns={"genres": "Genres"}))
    manifest("nosplit.csv", train.drop(columns=["split"]))
    gone = train.copy()
    gone.loc[0, "poster"] = "posters/gone.jpg"
    manifest("gone.csv", gone)
    spelled = train.copy()
    spelled["split"] = ["Train", "train ", "TRAIN"] * (len(train) // 3) + ["train"] * (
        len(train) % 3)
    manifest("spelled.csv", spelled)
    manifest("nogenres.csv", train.assign(genres=""))
    constant = train.copy()
    constant["genres"] = constant["genres"] + f"|{genres[0]}"
    manifest("constant.csv", constant)
    return out


# (id, arguments ({name} from the files fixture), exit status, what stderr says)
FINDINGS = [
    # 26.1: no command writes over its inputs
    ("output is the manifest", ["predict", "--model", "{model}", "--data", "{test}",
                                "--output", "{test}"], 2,
     r"--output \S+test.csv is the input file \S+test.csv \(--data\): it would be "
     r"overwritten; give --output another path"),
    ("out is the manifest", ["fit", "--data", "{train}", "--out", "{train}"], 2,
     r"--out \S+train.csv is the input file \S+train.csv \(--data\)"),
    ("output is a symlink to the manifest", ["predict", "--model", "{model}", "--data",
                                             "{test}", "--output", "{link}"], 2,
     r"--output \S+link.csv is the input file \S+test.csv \(--data\)"),
    ("output is a hard link to the manifest", ["predict", "--model", "{model}", "--data",
                                               "{test}", "--output", "{hard}"], 2,
     r"--output \S+hard.csv is the input file \S+test.csv \(--data\)"),
    ("output is the model", ["predict", "--model", "{model}", "--data", "{test}",
                             "--output", "{model}"], 2,
     r"--output \S+model.skops is the input file \S+model.skops \(--model\)"),
    ("output is the folder's manifest", ["predict", "--model", "{model}", "--data",
                                         "{folder}", "--output", "{folder}/movies.csv"], 2,
     r"is the input file \S+movies.csv \(--data\)"),
    ("report would write over the model", ["evaluate", "--model", "{report_model}", "--data",
                                           "{test}", "--report", "{report}"], 2,
     r"--report \S+report would write \S+index.html, which is the input file \S+ \(--model\)"),
    ("output is a poster the table names", ["predict", "--model", "{model}", "--data",
                                            "{test}", "--output", "{test_poster}"], 2,
     r"--output \S+\.jpg is the poster file \S+\.jpg of a movie in --data: it would be "
     r"overwritten; give --output another path$"),
    ("output is a hard link to a poster", ["predict", "--model", "{model}", "--data",
                                           "{test}", "--output", "{poster_link}"], 2,
     r"--output \S+poster_link.jpg is the poster file \S+\.jpg of a movie in --data"),
    ("out is a training poster", ["fit", "--data", "{train}", "--out", "{train_poster}"], 2,
     r"--out \S+\.jpg is the poster file \S+\.jpg of a movie in --data: it would be "
     r"overwritten; give --out another path$"),
    # 26.4: arguments and environments
    ("set n_jobs 0", ["fit", "--data", "{train}", "--out", "{tmp}/m.skops", "--set",
                      "n_jobs=0"], 2,
     r"bad --set n_jobs=0: The 'n_jobs' parameter of MovieGenreStacker must be an int in "
     r"the range \(-inf, -1\], an int in the range \[1, inf\) or None\. Got 0 instead\.$"),
    ("n-jobs 0", ["fit", "--data", "{train}", "--out", "{tmp}/m.skops", "--n-jobs", "0"], 2,
     r"--n-jobs: expected -1 \(all cores\) or a positive integer; got 0"),
    ("scheduler bogus", ["fit", "--data", "{train}", "--out", "{tmp}/m.skops",
                         "--scheduler", "bogus"], 2,
     r"bad --scheduler 'bogus': missing port number .*e\.g\. tcp://scheduler:8786"),
    ("cache-dir is a file (fit)", ["fit", "--data", "{train}", "--out", "{tmp}/m.skops",
                                   "--cache-dir", "{a_file}"], 2,
     r"--cache-dir \S+a_file is a file, not a folder"),
    ("cache-dir is a file (predict)", ["predict", "--model", "{model}", "--data", "{test}",
                                       "--cache-dir", "{a_file}"], 2,
     r"--cache-dir \S+a_file is a file, not a folder"),
    # model files that are not
    ("empty model file", ["predict", "--model", "{empty}", "--data", "{test}"], 2,
     r"\S+empty.skops is empty \(0 bytes\), not a model file; write one with skgenre.save_model or `skgenre fit`"),
    ("text named .skops", ["predict", "--model", "{notes}", "--data", "{test}"], 2,
     r"\S+notes.skops is not a skgenre model file: it holds text \(a model file is a zip"),
    ("an image named .skops", ["evaluate", "--model", "{photo}", "--data", "{test}"], 2,
     r"\S+photo.skops is not a skgenre model file: it is a JPEG image \(a model file"),
    ("random bytes named .skops", ["info", "--model", "{noise}"], 2,
     r"\S+noise.skops is not a skgenre model file: it is in an unknown format"),
    # 26.5: the genre list stored beside the model is the model's own
    ("edited genre list", ["predict", "--model", "{edited}", "--data", "{test}"], 2,
     r"\S+edited.skops is inconsistent: its genre list \['(\w+)', .*\] is not the fitted "
     r"model's \[.*'\1'\] \(was the file edited\?\)"),
    # manifests: the library's facts, worded with the CLI's flags
    ("UTF-16 manifest", ["fit", "--data", "{utf16}", "--out", "{tmp}/m.skops"], 2,
     r"\S+utf16.csv is not valid utf-8 .*looks like UTF-16-LE.*\(use --encoding utf-16-le\)\.$"),
    ("unknown encoding", ["fit", "--data", "{train}", "--out", "{tmp}/m.skops",
                          "--encoding", "klingon"], 2,
     r"Unknown encoding 'klingon' .*\(give the file's encoding with --encoding\)\.$"),
    ("misnamed genres column", ["fit", "--data", "{Genres}", "--out", "{tmp}/m.skops"], 2,
     r"\S+Genres.csv has no 'genres' column .*\(use --target-column Genres\)\.$"),
    ("empty genres column", ["fit", "--data", "{nogenres}", "--out", "{tmp}/m.skops"], 2,
     r"The 'genres' column of the manifest \S+nogenres.csv gives no genre for any of its \d+ "
     r"movies: every cell is empty .*nothing to learn\.$"),
    ("no split column", ["fit", "--data", "{nosplit}", "--out", "{tmp}/m.skops",
                         "--split", "train"], 2,
     r"\S+nosplit.csv has no 'split' column .*\(leave out --split to use every movie\)\.$"),
    ("unknown split value", ["evaluate", "--model", "{model}", "--data", "{test}",
                             "--split", "tset"], 2,
     r"has split \['tset'\]; its split values are \['test'\] \(check --split\)\.$"),
    ("missing poster file", ["fit", "--data", "{gone}", "--out", "{tmp}/m.skops"], 2,
     r"1 of \d+ poster paths in \S+gone.csv do not exist, e.g. '\S+gone.jpg' \(use "
     r"--missing-files mark_missing to keep those movies without a poster, or "
     r"--missing-files drop to leave them out\)\.$"),
]


@pytest.mark.parametrize("argv, status, match", [row[1:] for row in FINDINGS],
                         ids=[row[0] for row in FINDINGS])
def test_finding_gets_one_line(files, capsys, argv, status, match):
    argv = [a.format(**files) for a in argv]
    inputs = {p: open(p, "rb").read() for p in (files["train"], files["test"], files["model"],
                                                 files["test_poster"], files["train_poster"])}
    got, err, _ = run(argv, capsys)
    assert got == status
    if "--n-jobs" not in argv:  # argparse's own errors print the usage first
        assert len(err) == 1, err
        assert err[0].startswith(f"skgenre {argv[0]}: error: ")
    assert re.search(match, err[-1]), err[-1]
    assert not os.path.exists(os.path.join(files["tmp"], "m.skops"))
    assert inputs == {p: open(p, "rb").read() for p in inputs}  # nothing written over


@pytest.mark.parametrize("argv", [
    ["fit", "--data", "{utf16}", "--encoding", "utf-16-le"],
    ["fit", "--data", "{Genres}", "--target-column", "Genres"],
    ["fit", "--data", "{gone}", "--missing-files", "mark_missing"],
], ids=["encoding", "target-column", "missing-files"])
def test_the_flag_an_error_names_fixes_it(files, capsys, argv, tmp_path, fast):
    argv = [a.format(**files) for a in argv] + ["--out", str(tmp_path / "m.skops"), *fast]
    status, err, _ = run(argv, capsys)
    assert status == 0, err
    assert (tmp_path / "m.skops").is_file()


def test_split_spellings_are_matched_with_a_one_line_warning(files, capsys, tmp_path, fast):
    status, err, _ = run(["fit", "--data", files["spelled"], "--split", "train",
                          "--out", str(tmp_path / "m.skops"), *fast], capsys)
    assert status == 0
    warning = [line for line in err if "ManifestWarning" in line]
    assert len(warning) == 1 and warning[0].startswith("skgenre fit: warning: ")
    assert "{'TRAIN': " in warning[0] and "'train ': " in warning[0]
    n = len(pd.read_csv(files["spelled"]))
    assert load_model(tmp_path / "m.skops").oof_proba_["text"].shape[0] == n  # every movie


def test_warnings_name_genres_by_name(files, capsys, tmp_path, fast, catalogue):
    _, genres = catalogue
    status, err, _ = run(["fit", "--data", files["constant"], "--out",
                          str(tmp_path / "m.skops"), *fast], capsys)
    assert status == 0
    constant = [line for line in err if "ConstantGenreWarning" in line]
    assert len(constant) == 1 and repr(genres[0]) in constant[0]
    assert not re.search(r"\[\d+(, \d+)*\]", constant[0])  # no genre by its index


def test_predict_warns_of_a_column_the_model_reads_that_the_table_lacks(files, capsys):
    frame = pd.read_csv(files["test"]).rename(columns={"plot": "Plot"})
    path = os.path.join(files["tmp"], "Plot.csv")
    frame.to_csv(path, index=False)
    for command in ("predict", "evaluate"):
        status, err, _ = run([command, "--model", files["model"], "--data", path], capsys)
        assert status == 0
        warning = [line for line in err if "MissingModalityWarning" in line]
        assert len(warning) == 1, err
        assert "no 'plot' column, which the text modality reads" in warning[0]
        assert "Did you mean: 'Plot' -> 'plot'?" in warning[0]


# --------------------------------------------------------------------- faults of the disk


def _read_only(monkeypatch, folder):
    """Writing in ``folder`` fails as on a read-only mount (root ignores permissions, so
    the test cannot make one with chmod)."""
    from skgenre.cli import _files

    probe = _files._probe

    def refuse(where):
        if os.path.realpath(where).startswith(os.path.realpath(folder)):
            raise OSError(errno.EROFS, "Read-only file system", str(where))
        return probe(where)

    monkeypatch.setattr(_files, "_probe", refuse)


@pytest.mark.parametrize("command", ["fit", "predict", "demo"])
def test_read_only_cache_dir(files, capsys, tmp_path, monkeypatch, command):
    cache = tmp_path / "cache"
    cache.mkdir()
    _read_only(monkeypatch, cache)
    argv = {"fit": ["fit", "--data", files["train"], "--out", str(tmp_path / "m.skops")],
            "predict": ["predict", "--model", files["model"], "--data", files["test"]],
            "demo": ["demo", "--out", str(tmp_path / "report")]}[command]
    status, err, _ = run([*argv, "--cache-dir", str(cache)], capsys)
    assert status == 2 and len(err) == 1
    assert err[0] == (f"skgenre {command}: error: --cache-dir {cache} cannot be written "
                      "(Read-only file system); give a writable folder, or leave out "
                      "--cache-dir")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes in a read-only folder")
def test_read_only_cache_dir_by_permissions(files, capsys, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        status, err, _ = run(["fit", "--data", files["train"], "--out",
                              str(tmp_path / "m.skops"), "--cache-dir", str(cache)], capsys)
    finally:
        cache.chmod(stat.S_IRWXU)
    assert status == 2 and "cannot be written (Permission denied)" in err[0]


def test_read_only_output_folder_fails_before_the_fit(files, capsys, tmp_path, monkeypatch):
    _read_only(monkeypatch, tmp_path)
    status, err, _ = run(["fit", "--data", files["train"], "--out", str(tmp_path / "m.skops")],
                         capsys)
    assert status == 2 and len(err) == 1
    assert f"--out {tmp_path}/m.skops: cannot write in the folder {tmp_path} (Read-only" in err[0]


def _full_disk_at(monkeypatch, *targets):
    """``save_model`` to these paths fails with ENOSPC, as on a full disk."""
    from skgenre import io

    save = io.save_model

    def full(model, path, **kwargs):
        if any(str(path).startswith(str(t)) for t in targets):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return save(model, path, **kwargs)

    monkeypatch.setattr(io, "save_model", full)


def test_full_disk_at_out_keeps_the_fitted_model(files, capsys, tmp_path, monkeypatch, fast):
    """The disk fills up during the fit: the model is saved in the temporary folder and
    the error says where (the fit is not lost)."""
    out = tmp_path / "m.skops"
    _full_disk_at(monkeypatch, out)
    status, err, _ = run(["fit", "--data", files["train"], "--out", str(out), *fast], capsys)
    assert status == 2 and not out.exists()
    match = re.fullmatch(
        rf"skgenre fit: error: cannot write --out {out} \(No space left on device\); the "
        r"fitted model was saved to (\S+) instead: move it there once there is room "
        rf"\(mv \1 {out}\)", err[-1])
    assert match, err[-1]
    rescued = match.group(1)
    try:
        assert load_model(rescued).modalities_ == ["text", "metadata"]
    finally:
        os.unlink(rescued)


def test_full_disk_everywhere_says_the_model_is_lost(files, capsys, tmp_path, monkeypatch,
                                                    fast):
    import tempfile

    out = tmp_path / "m.skops"
    _full_disk_at(monkeypatch, out, tempfile.gettempdir())
    status, err, _ = run(["fit", "--data", files["train"], "--out", str(out), *fast], capsys)
    assert status == 2
    assert re.search(r"cannot write --out \S+ \(No space left on device\), nor a copy in "
                     r"\S+ \(No space left on device\): the fitted model is lost", err[-1])


def test_full_disk_at_output_leaves_no_empty_file(files, capsys, tmp_path, monkeypatch):
    from skgenre.utils import _files

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_files.os, "replace", full)
    out = tmp_path / "p.csv"
    status, err, _ = run(["predict", "--model", files["model"], "--data", files["test"],
                          "--output", str(out)], capsys)
    assert status == 2 and len(err) == 1
    assert err[0] == (f"skgenre predict: error: cannot write --output {out} (No space left "
                      "on device); nothing was written there")
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_device_at_output(files, capsys):
    status, err, _ = run(["predict", "--model", files["model"], "--data", files["test"],
                          "--output", "/dev/full"], capsys)
    assert status == 2
    assert err == ["skgenre predict: error: cannot write --output /dev/full (No space left on "
                   "device); nothing was written there"]


# --------------------------------------------------------------------- interruptions, bugs


def test_ctrl_c_in_fit_writes_no_model(files, capsys, tmp_path, monkeypatch):
    from skgenre import MovieGenreStacker

    def interrupted(self, X, Y):
        raise KeyboardInterrupt

    monkeypatch.setattr(MovieGenreStacker, "fit", interrupted)
    out = tmp_path / "m.skops"
    status, err, _ = run(["fit", "--data", files["train"], "--out", str(out)], capsys)
    assert (status, err) == (130, ["skgenre fit: interrupted (Ctrl-C): no model written"])
    assert not out.exists()


def test_unexpected_error_is_one_line_and_its_traceback_with_verbose(files, capsys,
                                                                    monkeypatch):
    from skgenre import MovieGenreStacker

    def broken(self, X):
        raise RuntimeError("something no one foresaw")

    monkeypatch.setattr(MovieGenreStacker, "predict_proba", broken)
    argv = ["predict", "--model", files["model"], "--data", files["test"]]
    status, err, _ = run(argv, capsys)
    assert (status, err) == (1, ["skgenre predict: unexpected error: RuntimeError: something "
                                 "no one foresaw (run with -v for the traceback)"])
    with pytest.raises(RuntimeError, match="something no one foresaw"):
        main([*argv, "-v"])  # python -m skgenre prints its traceback


def test_a_full_cache_folder_is_one_warning_naming_the_flag(files, capsys, tmp_path,
                                                            monkeypatch, fast):
    """The cache's disk fills up: the fit goes on, and the warning names --cache-dir,
    not the library's memory= parameter."""
    from skgenre.ensemble import _fit_cache

    def full(path, write, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(_fit_cache, "atomic_write", full)
    cache = tmp_path / "cache"
    status, err, _ = run(["fit", "--data", files["train"], "--out", str(tmp_path / "m.skops"),
                          "--cache-dir", str(cache), *fast], capsys)
    assert status == 0 and (tmp_path / "m.skops").exists()
    warned = [line for line in err if "CacheWriteWarning" in line]
    assert len(warned) == 1, err
    assert re.fullmatch(
        r"skgenre fit: warning: Cannot write to the cache \S+ \(.*No space left on device.*\); "
        r"the fit goes on without caching there \(give --cache-dir a writable folder\)\. "
        r"\(CacheWriteWarning\)", warned[0]), warned[0]
    assert "memory=" not in warned[0]
