"""The one ``on_error`` vocabulary of the readers of media files (posters, trailers).

Every estimator that reads files takes ``on_error`` in ``{"raise", "missing"}``:

- ``"raise"``: an unreadable item (missing, empty, corrupt or truncated file, a feature
  file holding NaN or of the wrong width) raises an error naming it;
- ``"missing"``: the item is treated as absent: a warning names it and the item gets
  what an absent poster or trailer gets (a row of zeros from an embedder, ``None``
  from :class:`~skgenre.video.FrameSampler`). Failures are never cached.

``"zero"``, the poster readers' former name of ``"missing"``, still works with a
``FutureWarning``.

An unreadable file raises a :class:`MediaReadError` (:class:`~skgenre.vision.ImageLoadError`
for posters, :class:`~skgenre.video.TrailerReadError` for trailers): its message names the
file, says what is wrong in words and that ``on_error="missing"`` treats such files as a
missing modality; its attributes hold the same facts for programs (a command line names
its own flag).
"""

import codecs
import contextlib
import contextvars
import os
import warnings

from ._sklearn_compat import StrOptions

from ._errors import InputError

__all__ = ["ON_ERROR", "MediaReadError", "check_on_error", "collect_unreadable",
           "describe_content", "on_error_constraint", "report_unreadable"]

#: The ``on_error`` values every media reader accepts.
ON_ERROR = ("raise", "missing")

# Former spellings -> their name in ON_ERROR.
_DEPRECATED = {"zero": "missing"}


def on_error_constraint(deprecated=True):
    """The ``_parameter_constraints`` entry of ``on_error``.

    Parameters
    ----------
    deprecated : bool, default=True
        Also accept the former spellings (hidden from the error message).
    """
    return StrOptions(set(ON_ERROR) | (set(_DEPRECATED) if deprecated else set()),
                      deprecated=set(_DEPRECATED) if deprecated else None)


def check_on_error(on_error, owner="on_error", stacklevel=2):
    """``on_error`` in the one vocabulary: a former spelling warns and is translated.

    Parameters
    ----------
    on_error : str
    owner : str, default="on_error"
        Who takes it (named in the warning), e.g. ``"PosterEmbedder"``.
    stacklevel : int, default=2
        Of the warning, counted from the caller of this function.

    Returns
    -------
    on_error : {"raise", "missing"}

    Examples
    --------
    >>> from skgenre.utils import check_on_error
    >>> check_on_error("missing")
    'missing'
    """
    if on_error in _DEPRECATED:
        new = _DEPRECATED[on_error]
        warnings.warn(
            f"{owner}: on_error={on_error!r} is now spelled on_error={new!r} (same "
            f"meaning: the item is treated as absent); {on_error!r} will stop working in a "
            "future release.",
            FutureWarning,
            stacklevel=stacklevel + 1,
        )
        return new
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {list(ON_ERROR)}; got {on_error!r}.")
    return on_error


class MediaReadError(InputError, ValueError):
    """A media file (poster, trailer) or array that cannot be read.

    Subclasses name the modality: :class:`~skgenre.vision.ImageLoadError` (posters) and
    :class:`~skgenre.video.TrailerReadError` (trailers). Subclass of :class:`ValueError`.

    Parameters
    ----------
    path : str, path-like or None
        The file (or frame folder) as the movie table names it; ``None`` for an
        in-memory array.
    reason : str
        What is wrong, in words, as the end of a sentence whose subject is the file
        (``"is truncated: ..."``, ``"holds HTML text, not an image"``).
    subject : str, default=None
        The sentence's subject; by default ``"<Modality> file <path>"`` (``"The
        <modality> array"`` without a path).
    on_error_applies : bool, default=True
        Whether the reader that raises it takes ``on_error`` (``False`` for arrays
        checked outside any reader: then the message gives no advice and ``fix`` is
        empty).

    Attributes
    ----------
    path : str or None
    modality : str
        ``"poster"`` or ``"trailer"``.
    reason : str
    problem : str
        ``subject`` and ``reason``: the message without advice (what a warning under
        ``on_error="missing"`` says).
    parameter : str or None
        ``"on_error"``: the parameter of every media reader that decides what an
        unreadable file does.
    fix : dict
        ``{"on_error": "missing"}``: the setting that treats such files as a missing
        modality (empty, like ``parameter``, where ``on_error`` does not apply).
    """

    modality = "media"

    def __init__(self, path, reason, *, subject=None, on_error_applies=True):
        self.reason = str(reason).rstrip(". ")
        if subject is None:
            subject = (f"The {self.modality} array" if path is None
                       else f"{self.modality.capitalize()} file {os.fspath(path)}")
        advice = (f"Pass on_error='missing' to treat unreadable {self.modality}s as "
                  f"missing {self.modality}s.")
        super().__init__(
            f"{subject} {self.reason}.", path=path,
            parameter="on_error" if on_error_applies else None,
            fix={"on_error": "missing"} if on_error_applies else None,
            advice=advice if on_error_applies else None,
        )


_UNREADABLE = contextvars.ContextVar("skgenre_unreadable", default=None)


@contextlib.contextmanager
def collect_unreadable():
    """Collect the media files that readers skip under ``on_error="missing"``.

    Inside the block, every reader that treats an unreadable file as missing reports
    it (:func:`report_unreadable`); the block yields the set of their paths, as the
    movie table names them (``str``). :class:`~skgenre.MovieGenreStacker` reads its
    base models' media through it to treat such movies as lacking the modality, as
    the ``on_error`` docs promise, rather than scoring a row of zeros.

    Examples
    --------
    >>> from skgenre.utils._on_error import collect_unreadable, report_unreadable
    >>> with collect_unreadable() as unreadable:
    ...     report_unreadable(["posters/1.jpg"])
    >>> sorted(unreadable)
    ['posters/1.jpg']
    """
    found = set()
    token = _UNREADABLE.set(found)
    try:
        yield found
    finally:
        _UNREADABLE.reset(token)


def report_unreadable(items):
    """Tell the enclosing :func:`collect_unreadable` block (if any) that these items
    were skipped as unreadable; in-memory items (arrays) are not reported."""
    found = _UNREADABLE.get()
    if found is not None:
        found.update(os.fspath(item) if isinstance(item, os.PathLike) else item
                     for item in items if isinstance(item, (str, os.PathLike)))


# First bytes of the formats a media column may hold by mistake -> (kind, name).
_SIGNATURES = (
    (b"\xff\xd8\xff", "image", "a JPEG image"),
    (b"\x89PNG", "image", "a PNG image"),
    (b"GIF8", "image", "a GIF image"),
    (b"\x1a\x45\xdf\xa3", "video", "a Matroska/WebM video"),
    (b"\x93NUMPY", "array", "a NumPy .npy array"),
    (b"PAR1", "table", "a Parquet table"),
    (b"PK\x03\x04", "archive", "a zip archive"),
    (b"%PDF", "document", "a PDF document"),
)
_EXPECTED = {"image": "an image", "video": "a video"}


def describe_content(path, kind):
    """What a file that failed to read as ``kind`` holds, in words, or ``None``.

    Parameters
    ----------
    path : str or path-like
    kind : {"image", "video"}
        What it should have been.

    Returns
    -------
    reason : str or None
        ``"is empty (0 bytes)"``, ``"holds HTML or XML text (a web page saved under this
        name?), not an image"``, ``"holds text, not a video"``, ``"is a PNG image, not a
        video"``...; ``None`` when the first bytes say nothing more (damaged data, or a
        file of the expected kind that the reader could not decode).

    Examples
    --------
    >>> import os, tempfile
    >>> from skgenre.utils._on_error import describe_content
    >>> path = os.path.join(tempfile.mkdtemp(), "poster.jpg")
    >>> _ = open(path, "w").write("<!DOCTYPE html><html>Not found</html>")
    >>> describe_content(path, "image")
    'holds HTML or XML text (a web page saved under this name?), not an image'
    """
    expected = _EXPECTED[kind]
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return None
    if not head:
        return "is empty (0 bytes)"
    if head[4:8] == b"ftyp":  # MP4/MOV
        return None if kind == "video" else f"is an MP4/MOV video, not {expected}"
    for signature, found, name in _SIGNATURES:
        if head.startswith(signature):
            return None if found == kind else f"is {name}, not {expected}"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        return f"holds HTML or XML text (a web page saved under this name?), not {expected}"
    try:  # a multi-byte character cut at the end is not an error
        decoded = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if all(c.isprintable() or c in "\t\r\n" for c in decoded):
        return f"holds text, not {expected}"
    return None
