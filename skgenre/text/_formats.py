"""Readers for word-vector files: GloVe text, word2vec text and binary, ``.gz`` and ``.zip``.

Each reader streams the file once and hands ``(words, vectors)`` blocks to a sink, so a
5 GB file never sits in memory. :class:`NpyWriter` is the sink that the binary cache uses:
it appends float32 rows to a ``.npy`` file whose header is written when the row count is
known.
"""

import csv
import gzip
import io
import logging
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["resolve_source", "open_source", "read_word_vectors", "NpyWriter"]

logger = logging.getLogger(__name__)

#: Bytes read per block of a text file.
BLOCK_SIZE = 1 << 25
#: Entries gathered per block of a word2vec binary file.
_BINARY_BATCH = 20_000
_TEXT_NUMBER = re.compile(rb"[0-9eE.+\- \t\r]*")


def resolve_source(embeddings):
    """Split ``embeddings`` into ``(file path, zip member or None)``.

    A path inside a zip archive is written ``"glove.6B.zip/glove.6B.300d.txt"``; a bare
    ``.zip`` path selects its only ``.txt`` member (or raises, listing the members).

    Raises
    ------
    FileNotFoundError
        If neither the path nor an enclosing ``.zip`` archive exists.
    """
    path = Path(os.fspath(embeddings)).expanduser()
    if path.is_file():
        if zipfile.is_zipfile(path):
            return path, _only_member(path)
        return path, None
    for parent in path.parents:
        if parent.is_file() and zipfile.is_zipfile(parent):
            member = path.relative_to(parent).as_posix()
            with zipfile.ZipFile(parent) as archive:
                names = archive.namelist()
            if member not in names:
                raise FileNotFoundError(
                    f"{member!r} is not in the archive {parent}; it holds {names[:20]}."
                )
            return parent, member
    raise FileNotFoundError(
        f"Word-vector file not found: {path}. Pass a GloVe .txt/.txt.gz/.zip file, a word2vec "
        "file, or the name of an embedded set (e.g. 'glove.6B.50d')."
    )


def _only_member(path):
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
    candidates = [n for n in names if n.lower().endswith((".txt", ".vec"))] or names
    if len(candidates) != 1:
        example = candidates[0] if candidates else "..."
        raise ValueError(
            f"The archive {path} holds {len(candidates)} candidate files {candidates[:20]}; "
            f"name one as '{path}/<member>', e.g. '{path}/{example}'."
        )
    return candidates[0]


def open_source(path, member=None):
    """Open a word-vector file (plain, gzip or a zip member) as a binary stream."""
    if member is not None:
        archive = zipfile.ZipFile(path)
        stream = archive.open(member)
        stream._skgenre_archive = archive  # keep the archive alive as long as the stream
        return stream
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _describe(path, member):
    return f"{path}/{member}" if member else str(path)


def read_word_vectors(path, member=None, *, sink, progress=None):
    """Parse a word-vector file into ``sink``; return ``(n_words, dim, format)``.

    ``sink(words, vectors)`` receives blocks of decoded words (list of str) and float32
    arrays of shape (len(words), dim). ``progress(n_bytes)`` is called as input is read.
    The format (GloVe text, word2vec text or word2vec binary) is read from the content:
    a first line of two integers is a word2vec header, and a header followed by raw
    bytes is the binary format.
    """
    name = _describe(path, member)
    with open_source(path, member) as stream:
        first = stream.readline()
        if not first:
            raise ValueError(f"The word-vector file {name} is empty.")
        header = first.split()
        if len(header) == 2 and header[0].isdigit() and header[1].isdigit():
            n_words, dim = int(header[0]), int(header[1])
            if dim < 1:
                raise ValueError(f"{name}: the word2vec header gives dimension {dim}.")
            if progress:
                progress(len(first))
            probe = stream.peek(4 * dim + 256)[: 4 * dim + 256] if hasattr(stream, "peek") else b""
            if _looks_binary(probe, dim):
                count = _read_binary(stream, n_words, dim, sink, name, progress)
                fmt = "word2vec-binary"
            else:
                count = _read_text(stream, b"", dim, sink, name, progress, line_offset=1)
                fmt = "word2vec-text"
            if count != n_words:
                logger.warning("%s: the header announces %d words but %d were read.",
                               name, n_words, count)
            return count, dim, fmt
        dim = len(first.rstrip().rsplit(b" ")) - 1
        if dim < 1:
            raise ValueError(
                f"{name} does not look like a GloVe or word2vec file: its first line has no "
                "vector values."
            )
        if progress:
            progress(len(first))
        count = _read_text(stream, first, dim, sink, name, progress, line_offset=0)
        return count, dim, "glove-text"


def _looks_binary(probe, dim):
    """True when the bytes after the first word are not a line of text numbers."""
    space = probe.find(b" ")
    if space < 0:
        return False
    rest = probe[space + 1:]
    line = rest.split(b"\n", 1)[0]
    is_text = len(line) >= min(dim, len(rest)) and _TEXT_NUMBER.fullmatch(line) is not None
    return not is_text


# --------------------------------------------------------------------------- text formats
def _read_text(stream, head, dim, sink, name, progress, *, line_offset):
    """Stream a text file in blocks cut at line ends; return the number of words."""
    count, lines_done, leftover = 0, line_offset, head
    while True:
        chunk = stream.read(BLOCK_SIZE)
        if progress and chunk:
            progress(len(chunk))
        data = leftover + chunk
        if chunk:
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # a single line longer than the block
                leftover = data
                continue
            block, leftover = data[:cut], data[cut:]
        else:
            block, leftover = data, b""
            if block and not block.endswith(b"\n"):
                block += b"\n"
        if block:
            words, vectors, n_lines = _parse_text_block(block, dim, name, lines_done)
            lines_done += n_lines
            if len(words):
                sink(words, vectors)
                count += len(words)
        if not chunk:
            return count


def _parse_text_block(block, dim, name, lines_done):
    """Parse complete lines; a fast pandas path for clean blocks, a per-line one otherwise."""
    n_lines = block.count(b"\n")
    n_spaces = block.count(b" ")
    n_cr = block.count(b"\r")
    clean_newlines = n_cr == 0 or n_cr == block.count(b"\r\n")
    if clean_newlines and n_spaces == n_lines * dim:
        parsed = _read_csv(block, dim, name, lines_done, usecols=None)
        if parsed is not None and len(parsed[0]) == n_lines:
            return parsed[0], parsed[1], n_lines
    if (clean_newlines and n_spaces == n_lines * (dim + 1)
            and block.count(b" \n") + block.count(b" \r\n") == n_lines):
        # One trailing space per line, as some exporters write.
        parsed = _read_csv(block, dim, name, lines_done, usecols=range(dim + 1))
        if parsed is not None and len(parsed[0]) == n_lines:
            return parsed[0], parsed[1], n_lines
    return (*_parse_lines(block, dim, name, lines_done), n_lines)


def _read_csv(block, dim, name, lines_done, usecols):
    dtypes = {0: object}
    dtypes.update({j: np.float32 for j in range(1, dim + 1)})
    try:
        frame = pd.read_csv(
            io.BytesIO(block), sep=" ", header=None, quoting=csv.QUOTE_NONE, na_filter=False,
            dtype=dtypes, engine="c", usecols=usecols, encoding="utf-8",
            encoding_errors="surrogateescape", skip_blank_lines=False, comment=None,
        )
    except (ValueError, pd.errors.ParserError):
        return None  # fall back to the per-line parser, which names the faulty line
    if frame.shape[1] != dim + 1:
        return None
    words = frame[0].tolist()
    vectors = frame.iloc[:, 1:].to_numpy(dtype=np.float32)
    return words, vectors


def _parse_lines(block, dim, name, lines_done):
    """Per-line parser: words with spaces, trailing blanks, CR line ends, blank lines."""
    words, numbers = [], []
    for i, line in enumerate(block.split(b"\n")[:-1]):
        line = line.rstrip(b" \r")
        if not line.strip():
            continue
        parts = line.rsplit(b" ", dim)
        if len(parts) != dim + 1 or not all(parts[1:]):
            parts = line.rsplit(None, dim)
        if len(parts) != dim + 1:
            raise ValueError(
                f"{name}, line {lines_done + i + 1}: expected a word and {dim} values, "
                f"found {len(line.split())} fields."
            )
        words.append(parts[0].decode("utf-8", "surrogateescape"))
        numbers.append(b" ".join(parts[1:]))
    if not words:
        return [], np.empty((0, dim), dtype=np.float32)
    try:
        values = pd.read_csv(
            io.BytesIO(b"\n".join(numbers)), sep=" ", header=None, dtype=np.float32,
            engine="c", na_filter=False,
        ).to_numpy(dtype=np.float32)
    except (ValueError, pd.errors.ParserError) as exc:
        last = lines_done + block.count(b"\n")
        raise ValueError(
            f"{name}: cannot read the vector values between lines {lines_done + 1} and "
            f"{last}: {exc}"
        ) from exc
    if values.shape != (len(words), dim):
        raise ValueError(f"{name}: malformed vectors near line {lines_done + 1}.")
    return words, values


# ------------------------------------------------------------------------ word2vec binary
def _read_binary(stream, n_words, dim, sink, name, progress):
    record = 4 * dim
    buffer, pos, count = b"", 0, 0
    words, rows = [], []
    while count < n_words:
        space = buffer.find(b" ", pos)
        if space < 0 or space + 1 + record > len(buffer):
            more = stream.read(BLOCK_SIZE)
            if not more:
                raise ValueError(
                    f"{name} ends after {count} of the {n_words} words its header announces."
                )
            if progress:
                progress(len(more))
            buffer, pos = buffer[pos:] + more, 0
            continue
        words.append(buffer[pos:space].lstrip(b"\n").decode("utf-8", "surrogateescape"))
        rows.append(buffer[space + 1: space + 1 + record])
        pos = space + 1 + record
        count += 1
        if len(words) == _BINARY_BATCH:
            sink(words, np.frombuffer(b"".join(rows), dtype="<f4").reshape(-1, dim))
            words, rows = [], []
    if words:
        sink(words, np.frombuffer(b"".join(rows), dtype="<f4").reshape(-1, dim))
    return count


# ------------------------------------------------------------------------------ the sink
class NpyWriter:
    """Append float32 rows to a ``.npy`` file; the header is written on :meth:`close`.

    A 2-D float32 header always fits the 128 bytes reserved up front (numpy pads headers
    to a multiple of 64 bytes), so the rows never have to be copied.
    """

    HEADER = 128

    def __init__(self, path):
        self.path = Path(path)
        self._file = open(self.path, "wb")
        self._file.write(b"\0" * self.HEADER)
        self.n_rows = 0
        self.dim = None

    def __call__(self, vectors):
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        if self.dim is None:
            self.dim = vectors.shape[1]
        elif vectors.shape[1] != self.dim:
            raise ValueError(f"Rows of dimension {vectors.shape[1]} after {self.dim}.")
        self._file.write(vectors.tobytes())
        self.n_rows += vectors.shape[0]

    def close(self):
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f4", "fortran_order": False, "shape": (self.n_rows, self.dim or 0)}
        )
        header = header.getvalue()
        if len(header) != self.HEADER:  # pragma: no cover - needs > 10**40 rows
            raise RuntimeError(f"Unexpected .npy header size {len(header)}.")
        self._file.seek(0)
        self._file.write(header)
        self._file.close()

    def abort(self):
        self._file.close()
