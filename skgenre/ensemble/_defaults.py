"""The default base model of each modality, read from the modality registry."""

import logging
import warnings
from collections.abc import Mapping

from ..datasets._modalities import MODALITY_REGISTRY, get_modality
from ..utils import is_missing
from ._presets import DEFAULT_PRESET, preset_kind

logger = logging.getLogger(__name__)

__all__ = ["default_estimators", "MODALITIES"]

#: Modality name -> (column spec, "module:factory") of the default base models; a view
#: of :data:`skgenre.datasets.MODALITY_REGISTRY` kept for code that read it here.
MODALITIES = {
    name: (list(m.columns) if m.frame_input else m.columns[0], m.factory)
    for name, m in MODALITY_REGISTRY.items()
}


def default_estimators(X, *, random_state=None, memory=None, kinds=None,
                       preset=DEFAULT_PRESET):
    """``(name, estimator, columns)`` for each modality present in ``X``.

    A modality is present when its column(s) exist and at least one movie has a value.
    Its kind is the one ``kinds`` names, else the one ``preset`` gives it. A modality
    whose optional extra is missing is skipped with a ``UserWarning``, unless ``kinds``
    names it.

    Parameters
    ----------
    X : DataFrame
        The movie table.
    random_state : int, RandomState instance or None, default=None
        Seed of every base model.
    memory : None, False, str or path-like, default=None
        Feature cache folder, handed to the models whose features are heavy (posters,
        trailers, the sentence encoder of the ``"sentence_logreg"``,
        ``"tfidf_sentence"`` and ``"combined_sentence"`` text kinds); ``None``: the
        user cache folder (:func:`skgenre.utils.get_cache_home`), ``False``: no cache.
    kinds : dict, default=None
        Modality name (or alias, e.g. ``"plot"``) -> the kind of model its factory
        makes instead of the preset's, e.g. ``{"poster": "color_mlp"}``.
    preset : {"best", "fast"}, default="best"
        The kinds of the modalities ``kinds`` does not name
        (:data:`skgenre.ensemble.PRESETS`).

    Returns
    -------
    estimators : list of (str, estimator, str or list of str)
        What :class:`~skgenre.MovieGenreStacker` takes as ``estimators``.

    Raises
    ------
    TypeError
        If ``kinds`` is not a mapping.
    ValueError
        For a name in ``kinds`` that is no modality, or a kind its factory does not make.
    ImportError
        For a modality named in ``kinds`` whose optional extra is not installed.

    Warns
    -----
    UserWarning
        For a modality named in ``kinds`` that ``X`` lacks (left out).
    """
    if kinds is not None and not isinstance(kinds, Mapping):
        raise TypeError(f"kinds must be a dict of modality name -> kind, got {kinds!r}")
    kinds = {get_modality(name).name: kind for name, kind in (kinds or {}).items()}
    out = []
    for name, modality in MODALITY_REGISTRY.items():
        present = modality.columns_in(X)
        if not present or all(is_missing(X[c]).all() for c in present):
            if name in kinds:  # a misnamed column would otherwise drop it silently
                warnings.warn(
                    f"kinds names the {name} modality, but X has no values in its columns "
                    f"{list(modality.columns)}; it is left out.", UserWarning, stacklevel=2,
                )
            continue
        kind = kinds.get(name, preset_kind(preset, name))
        try:
            estimator = _make(modality, kind, random_state, memory)
        except ImportError as exc:  # an optional extra (e.g. PyAV for trailers) is missing
            if name in kinds:  # asked for by name: say so rather than drop it
                raise
            warnings.warn(f"Skipping the {name} modality: {exc}", UserWarning, stacklevel=3)
            continue
        out.append((name, estimator, modality.estimator_columns(X)))
    return out


def _make(modality, kind, random_state, memory):
    kwargs = {"random_state": random_state}
    if modality.takes_memory(kind):
        kwargs["memory"] = memory
    return modality.make_model(kind, **kwargs)
