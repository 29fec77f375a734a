"""The modality registry: modality name -> columns it reads -> default factory -> kinds.

Every part of skgenre that needs to know "which modalities exist" reads this one
table: :func:`~skgenre.datasets.make_movies`, :func:`~skgenre.datasets.load_movies`
(which columns name files), the stacker's default base models and its messages, the
command line and the report. A modality is one call of :func:`register_modality`. The
table sits at the bottom of the package (next to the table format) and names the
built-in factories by import path, so reading it imports no modality and no torch.
"""

import importlib
from dataclasses import dataclass, field

import numpy as np

from ..utils import is_missing
from ._format import METADATA_INPUT_COLUMNS, PLOT_COLUMN, POSTER_COLUMN, TRAILER_COLUMN

__all__ = [
    "MODALITIES",
    "MODALITY_REGISTRY",
    "NON_FEATURE_COLUMNS",
    "PRESETS",
    "Modality",
    "get_modality",
    "media_columns",
    "register_modality",
    "resolve_modalities",
    "unregister_modality",
]


def _load(target):
    """``target`` itself, or the object a ``"module:name"`` string names (imported now)."""
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Modality:
    """One modality of a movie table: what :func:`register_modality` records.

    Parameters
    ----------
    name : str
        The modality's name, as the stacker, the CLI and the report show it.
    columns : tuple of str
        The table columns its model reads.
    factory : str or callable
        Its model factory, ``factory(kind="default", *, random_state=None,
        memory=None, **params)`` (the shape of every ``make_*_model``), or
        ``"module:function"`` naming it, imported on first use.
    kinds : str or tuple of str
        The kinds its factory accepts (``"default"`` among them), or
        ``"module:CONSTANT"`` naming them.
    aliases : tuple of str, default=()
        Other names accepted for it: its subpackage, its main column.
    frame_input : bool, default=False
        Whether its model takes a DataFrame of ``columns`` (metadata) rather than the
        1-D array of its single column.
    media : bool, default=False
        Whether its columns hold file paths (posters, trailers): :func:`load_movies`
        resolves them against the manifest's folder and checks they exist, and the
        stacker's ``memory`` keys cached results on the files' identity.
    data_kind : callable, str or None, default=None
        ``data_kind(values)`` returning the kind ``"default"`` stands for on the data
        (raising on data no kind can read), or ``"module:function"`` naming it: trailers
        given as precomputed feature arrays get the feature model, videos the frame
        model (see :meth:`resolve_kind`).
    presets : dict, default={}
        Preset name (one of :data:`PRESETS`) -> the kind the stacker's default base
        model of this modality is under that preset; a preset it does not name gives
        ``"default"``.
    """

    name: str
    columns: tuple
    factory: object
    kinds: object
    aliases: tuple = field(default=())
    frame_input: bool = False
    media: bool = False
    data_kind: object = None
    presets: dict = field(default_factory=dict, hash=False)

    def make_model(self, kind="default", **params):
        """A fresh model of this modality: ``factory(kind, **params)``."""
        return _load(self.factory)(kind, **params)

    def resolve_kind(self, X, kind="default"):
        """The kind to build on the table ``X``: ``"default"`` may depend on the data.

        With ``data_kind``, the modality's values in ``X`` are checked (data no kind can
        read raises, whatever ``kind`` is) and ``"default"`` becomes the kind it names.

        Parameters
        ----------
        X : DataFrame
            The movie table.
        kind : str, default="default"
            The kind asked for.

        Returns
        -------
        kind : str
        """
        present = self.columns_in(X)
        if self.data_kind is None or not present:
            return kind
        if self.frame_input:
            frame = X[present]
            values = frame[~np.logical_and.reduce([is_missing(frame[c]) for c in present])]
        else:
            column = X[self.columns[0]]
            values = column[~is_missing(column)].to_numpy()
        resolved = _load(self.data_kind)(values)
        return resolved if kind == "default" else kind

    def model_kinds(self):
        """The kinds :meth:`make_model` accepts (imports the modality's subpackage)."""
        return tuple(_load(self.kinds))

    def columns_in(self, X):
        """The columns of this modality present in the table ``X``."""
        return [c for c in self.columns if c in X.columns]

    def estimator_columns(self, X):
        """Column spec for the stacker: a list for frame input, else the column name."""
        return self.columns_in(X) if self.frame_input else self.columns[0]


#: The presets of the stacker's default base models (its ``preset`` parameter), which a
#: modality's registration maps to its kinds: ``"best"``, the kinds measured best by
#: cross-validation, the pretrained encoders among them; ``"fast"``, no pretrained
#: network (the defaults of skgenre 0.1).
PRESETS = ("best", "fast")

#: Modality name -> :class:`Modality`, in the order of the stacker and the report.
#: Change it with :func:`register_modality` and :func:`unregister_modality`.
MODALITY_REGISTRY = {}


def register_modality(name, *, columns, factory, kinds, aliases=(), frame_input=None,
                      media=False, data_kind=None, presets=None):
    """Add a modality: the stacker, ``explain``, the report and the CLI then use it.

    Parameters
    ----------
    name : str
        The modality's name (a Python identifier without ``__``): the stacker's name of
        its base model, its column in :meth:`~skgenre.MovieGenreStacker.explain`, its
        row in the report, the key of ``kinds``.
    columns : str or sequence of str
        The movie-table columns its model reads; a movie has the modality when one of
        them holds a value.
    factory : callable or str
        ``factory(kind="default", *, random_state=None, memory=None, **params)``
        returning a fresh, unfitted model whose ``fit(X, Y)`` takes the column (or the
        DataFrame of columns) and an (n_movies, n_genres) 0/1 matrix and whose
        ``predict_proba`` returns (n_movies, n_genres) probabilities; or
        ``"module:function"`` naming one. :func:`skgenre.utils.build_model` is the
        body of the built-in factories.
    kinds : sequence of str or str
        The kinds ``factory`` accepts, or ``"module:CONSTANT"`` naming them;
        ``"default"`` is added in front when missing.
    aliases : sequence of str, default=()
        Other names that :func:`get_modality` accepts for it.
    frame_input : bool, default=None
        Whether the model takes a DataFrame of the columns rather than a 1-D array of
        the single column; ``None`` means "when there are several columns".
    media : bool, default=False
        Whether the columns hold file paths (see :class:`Modality`).
    data_kind : callable or str, default=None
        For a modality whose best model depends on the form of its data:
        ``data_kind(values)`` receives the values of the movies that have the modality
        (a 1-D array of its column's non-empty cells, or the DataFrame of its columns
        for a ``frame_input`` modality), raises on data no kind can read, and returns
        the kind ``"default"`` stands for on them; or ``"module:function"`` naming it.
        The stacker's default base models (and ``kinds_``) use it. The trailer
        modality's picks ``"features_logreg"`` for precomputed feature arrays.
    presets : dict, default=None
        Preset name (one of :data:`PRESETS`: ``"best"``, ``"fast"``) -> the kind of the
        stacker's default model of this modality under that preset (its ``preset``
        parameter); a preset not named here gives ``"default"``.

    Returns
    -------
    modality : Modality
        The new entry of :data:`MODALITY_REGISTRY`.

    Raises
    ------
    ValueError
        If the name or an alias is taken (by a name or an alias), or a column is
        read by another modality.

    See Also
    --------
    unregister_modality : Take a registered modality out again.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from skgenre.datasets import register_modality, unregister_modality
    >>> from skgenre.multioutput import PerGenreClassifier
    >>> def make_tagline_model(kind="default", *, random_state=None, memory=None, **params):
    ...     return make_pipeline(TfidfVectorizer(), PerGenreClassifier()).set_params(**params)
    >>> register_modality("tagline", columns="tagline", factory=make_tagline_model,
    ...                   kinds=("default",)).columns
    ('tagline',)
    >>> unregister_modality("tagline")
    """
    columns = (columns,) if isinstance(columns, str) else tuple(columns)
    aliases = tuple(aliases)
    if not isinstance(name, str) or not name.isidentifier() or "__" in name:
        raise ValueError(f"A modality name is an identifier without '__'; got {name!r}.")
    if not columns or not all(isinstance(c, str) and c for c in columns):
        raise ValueError(f"columns must name at least one column; got {columns!r}.")
    taken = {n for m in MODALITY_REGISTRY.values() for n in (m.name, *m.aliases)}
    clash = sorted(taken & {name, *aliases})
    if clash:
        raise ValueError(f"Modality name(s) {clash} are taken; unregister_modality first.")
    read = {c: m.name for m in MODALITY_REGISTRY.values() for c in m.columns}
    shared = sorted(c for c in columns if c in read)
    if shared:
        raise ValueError(
            f"Column(s) {shared} are read by the {read[shared[0]]} modality already."
        )
    presets = dict(presets or {})
    unknown = sorted(set(presets) - set(PRESETS))
    if unknown or not all(isinstance(k, str) for k in presets.values()):
        raise ValueError(f"presets must map preset names among {list(PRESETS)} to kinds; "
                         f"got {presets!r}.")
    if not isinstance(kinds, str):
        kinds = tuple(kinds)
        kinds = kinds if "default" in kinds else ("default", *kinds)
    modality = Modality(
        name, columns, factory, kinds, aliases=aliases,
        frame_input=len(columns) > 1 if frame_input is None else bool(frame_input),
        media=bool(media), data_kind=data_kind, presets=presets,
    )
    MODALITY_REGISTRY[name] = modality
    return modality


def unregister_modality(name):
    """Take the modality ``name`` out of the registry.

    Parameters
    ----------
    name : str
        A registered modality's name (not an alias).

    Raises
    ------
    KeyError
        If no modality has that name.
    """
    if name not in MODALITY_REGISTRY:
        raise KeyError(f"No modality {name!r} is registered; registered: "
                       f"{list(MODALITY_REGISTRY)}.")
    del MODALITY_REGISTRY[name]


# The built-in modalities. Factories and kinds are named by import path, so that
# reading the registry imports neither a modality nor torch.
register_modality("text", columns=PLOT_COLUMN, factory="skgenre.text:make_text_model",
                  kinds="skgenre.text:TEXT_MODEL_KINDS", aliases=(PLOT_COLUMN,),
                  presets={"best": "combined_sentence", "fast": "combined"})
register_modality("poster", columns=POSTER_COLUMN, factory="skgenre.vision:make_poster_model",
                  kinds="skgenre.vision:POSTER_KINDS", aliases=("vision", "image"), media=True,
                  presets={"best": "efficientnet_mlp", "fast": "color_mlp"})
register_modality("trailer", columns=TRAILER_COLUMN,
                  factory="skgenre.video:make_trailer_model",
                  kinds="skgenre.video:TRAILER_KINDS", aliases=("video",), media=True,
                  data_kind="skgenre.video._features:default_trailer_kind")
register_modality("metadata", columns=METADATA_INPUT_COLUMNS,
                  factory="skgenre.metadata:make_metadata_model",
                  kinds="skgenre.metadata:METADATA_MODEL_KINDS", aliases=("credits",))

#: The built-in modality names, in registry order (what :func:`make_movies` draws).
MODALITIES = tuple(MODALITY_REGISTRY)

#: Columns a movie table carries that no modality reads by design (ids, titles, the
#: target, the split), compared in lower case; the stacker does not warn about them.
NON_FEATURE_COLUMNS = frozenset({
    "id", "movie_id", "movieid", "imdb_id", "imdbid", "tmdb_id", "tmdbid", "youtubeid",
    "youtube_id", "title", "original_title", "genres", "split", "url", "homepage",
})


def media_columns():
    """The columns of the registered modalities that hold file paths, in registry order.

    Returns
    -------
    columns : tuple of str

    Examples
    --------
    >>> from skgenre.datasets import media_columns
    >>> media_columns()
    ('poster', 'trailer')
    """
    return tuple(c for m in MODALITY_REGISTRY.values() if m.media for c in m.columns)


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
        f"Unknown modality {name!r}; choose among {', '.join(MODALITY_REGISTRY)} "
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
        raise ValueError(f"No modality given; choose among {', '.join(MODALITY_REGISTRY)}.")
    duplicated = sorted({n for n in resolved if resolved.count(n) > 1})
    if duplicated:
        raise ValueError(f"Modalities named twice: {duplicated} (names and aliases count).")
    return tuple(m for m in MODALITY_REGISTRY if m in resolved)
