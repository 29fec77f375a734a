"""The modality registry: modality name -> columns it reads -> default factory -> kinds.

Every part of skgenre that needs to know "which modalities exist" reads this one
table: :func:`~skgenre.datasets.make_movies`, the stacker's default base models, the
command line and the report. It sits at the bottom of the package (next to the table
format) and names factories by import path, so reading it imports no modality.
"""

import importlib
from dataclasses import dataclass, field

from ._format import METADATA_INPUT_COLUMNS, PLOT_COLUMN, POSTER_COLUMN, TRAILER_COLUMN

__all__ = ["MODALITIES", "MODALITY_REGISTRY", "NON_FEATURE_COLUMNS", "Modality", "get_modality", "resolve_modalities"]


def _import(path):
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Modality:
    """One modality of a movie table.

    Parameters
    ----------
    name : str
        The modality's name, as the stacker, the CLI and the report show it.
    columns : tuple of str
        The table columns its model reads.
    factory : str
        ``"module:function"`` of its model factory (``make_*_model``).
    kinds : str
        ``"module:CONSTANT"`` of the kinds its factory accepts.
    aliases : tuple of str, default=()
        Other names accepted for it: its subpackage and its main column.
    frame_input : bool, default=False
        Whether its model takes a DataFrame of ``columns`` (metadata) rather than the
        1-D array of its single column.
    heavy : bool, default=False
        Whether its features come from files (posters, trailers): its factory takes
        a ``memory`` cache.
    heavy_kinds : tuple of str, default=()
        The kinds of a modality that is not ``heavy`` whose features are costly all the
        same (a sentence encoder): their factory takes ``memory`` too.
    """

    name: str
    columns: tuple
    factory: str
    kinds: str
    aliases: tuple = field(default=())
    frame_input: bool = False
    heavy: bool = False
    heavy_kinds: tuple = field(default=())

    def takes_memory(self, kind="default"):
        """Whether this modality's ``kind`` of model takes a ``memory`` feature cache."""
        return self.heavy or kind in self.heavy_kinds

    def make_model(self, kind="default", **params):
        """A fresh model of this modality: ``factory(kind, **params)``."""
        return _import(self.factory)(kind, **params)

    def model_kinds(self):
        """The kinds :meth:`make_model` accepts (imports the modality's subpackage)."""
        return tuple(_import(self.kinds))

    def columns_in(self, X):
        """The columns of this modality present in the table ``X``."""
        return [c for c in self.columns if c in X.columns]

    def estimator_columns(self, X):
        """Column spec for the stacker: a list for frame input, else the column name."""
        return self.columns_in(X) if self.frame_input else self.columns[0]


#: Modality name -> :class:`Modality`, in the order of the stacker and the report.
MODALITY_REGISTRY = {
    m.name: m
    for m in (
        Modality("text", (PLOT_COLUMN,), "skgenre.text:make_text_model",
                 "skgenre.text:TEXT_MODEL_KINDS", aliases=(PLOT_COLUMN,),
                 heavy_kinds=("sentence_logreg", "tfidf_sentence", "combined_sentence")),
        Modality("poster", (POSTER_COLUMN,), "skgenre.vision:make_poster_model",
                 "skgenre.vision:POSTER_KINDS", aliases=("vision", "image"), heavy=True),
        Modality("trailer", (TRAILER_COLUMN,), "skgenre.video:make_trailer_model",
                 "skgenre.video:TRAILER_KINDS", aliases=("video",), heavy=True),
        Modality("metadata", tuple(METADATA_INPUT_COLUMNS), "skgenre.metadata:make_metadata_model",
                 "skgenre.metadata:METADATA_MODEL_KINDS", aliases=("credits",),
                 frame_input=True),
    )
}

#: Columns a movie table carries that no modality reads by design (ids, titles, the
#: target, the split), compared in lower case; the stacker does not warn about them.
NON_FEATURE_COLUMNS = frozenset({
    "id", "movie_id", "movieid", "imdb_id", "imdbid", "tmdb_id", "tmdbid", "youtubeid",
    "youtube_id", "title", "original_title", "genres", "split", "url", "homepage",
})

#: The modality names, in registry order.
MODALITIES = tuple(MODALITY_REGISTRY)


def get_modality(name):
    """The :class:`Modality` called ``name`` or one of its aliases.

    Parameters
    ----------
    name : str
        A modality name (``"text"``), its subpackage (``"vision"``) or its main column
        (``"plot"``).

    Returns
    -------
    modality : Modality

    Raises
    ------
    ValueError
        If no modality has that name or alias; the message lists the names.

    Examples
    --------
    >>> from skgenre.datasets import get_modality
    >>> get_modality("plot").name
    'text'
    """
    if isinstance(name, str):
        key = name.strip().lower()
        for modality in MODALITY_REGISTRY.values():
            if key == modality.name or key in modality.aliases:
                return modality
    raise ValueError(
        f"Unknown modality {name!r}; choose among {', '.join(MODALITIES)} "
        f"(or the aliases {', '.join(a for m in MODALITY_REGISTRY.values() for a in m.aliases)})."
    )


def resolve_modalities(names):
    """Modality names (in registry order) for names or aliases, duplicates refused.

    Parameters
    ----------
    names : str or iterable of str
        One name, a comma-separated string, or a list of names or aliases.

    Returns
    -------
    names : tuple of str

    Examples
    --------
    >>> from skgenre.datasets import resolve_modalities
    >>> resolve_modalities("metadata,plot")
    ('text', 'metadata')
    """
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    resolved = [get_modality(n).name for n in names]
    if not resolved:
        raise ValueError(f"No modality given; choose among {', '.join(MODALITIES)}.")
    duplicated = sorted({n for n in resolved if resolved.count(n) > 1})
    if duplicated:
        raise ValueError(f"Modalities named twice: {duplicated} (names and aliases count).")
    return tuple(m for m in MODALITIES if m in resolved)
