"""The default base model of each modality, read from the modality registry."""

import logging
import warnings
from collections.abc import Mapping

from ..datasets._modalities import MODALITY_REGISTRY, get_modality
from ..utils import is_missing
from ._presets import DEFAULT_PRESET, preset_kind

logger = logging.getLogger(__name__)

__all__ = ["default_estimators"]


def default_estimators(X, *, random_state=None, memory=None, kinds=None,
                       preset=DEFAULT_PRESET):
    """``(name, estimator, columns)`` for each modality present in ``X``.

    A modality is present when its column(s) exist and at least one movie has a value.
    Its model is the kind ``kinds`` names, else the one ``preset`` gives it (the
    ``"default"`` kind of its factory when the preset names none); a trailer column of
    precomputed feature arrays (``.npy`` files or 2-D arrays of any width) makes the
    trailer's default ``"features_logreg"``, which learns their width at fit (video
    files and frame folders keep the frame model).
    A modality whose optional extra is missing is skipped with a ``UserWarning``, unless
    ``kinds`` names it.

    Parameters
    ----------
    X : DataFrame
        The movie table.
    random_state : int, RandomState instance or None, default=None
        Seed of every base model.
    memory : None, False, str, path-like or joblib.Memory, default=None
        Feature cache, handed to every factory (each ``make_*_model`` takes it; those
        whose features are cheap ignore it); ``None``: the frozen embedders cache in
        the user cache folder (:func:`skgenre.utils.get_cache_home`), ``False``: no
        cache.
    kinds : dict, default=None
        Modality name (or alias, e.g. ``"plot"``) -> the kind of model its factory
        makes instead of the preset's, e.g. ``{"poster": "color_mlp"}``.
    preset : {"best", "fast"}, default=DEFAULT_PRESET
        The preset giving the kinds of the modalities ``kinds`` does not name (see
        :func:`skgenre.ensemble.preset_kind`).

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
    skgenre.video.TrailerReadError
        For a trailer column that mixes feature arrays and videos, or whose feature
        arrays differ in width.
    ImportError
        For a modality named in ``kinds`` whose optional extra is not installed.

    Warns
    -----
    UserWarning
        For a modality named in ``kinds`` that ``X`` lacks (left out).
    """
    kinds = _check_kinds(kinds)
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
        kind = modality.resolve_kind(X, kinds.get(name, preset_kind(preset, name)))
        try:
            estimator = modality.make_model(kind, random_state=random_state, memory=memory)
        except ImportError as exc:  # an optional extra (e.g. PyAV for trailers) is missing
            if name in kinds:  # asked for by name: say so rather than drop it
                raise
            warnings.warn(f"Skipping the {name} modality: {exc}", UserWarning, stacklevel=3)
            continue
        out.append((name, estimator, modality.estimator_columns(X)))
    return out


def _check_kinds(kinds):
    """``kinds`` keyed by modality name (aliases resolved)."""
    if kinds is not None and not isinstance(kinds, Mapping):
        raise TypeError(f"kinds must be a dict of modality name -> kind, got {kinds!r}")
    return {get_modality(name).name: kind for name, kind in (kinds or {}).items()}


def resolved_kinds(X, modalities, kinds=None, preset=DEFAULT_PRESET):
    """The kind each default model of ``modalities`` was built with on ``X``.

    ``"default"`` of a modality whose default depends on its data (trailers given as
    feature arrays) is the kind it stands for there.
    """
    kinds = _check_kinds(kinds)
    return {name: MODALITY_REGISTRY[name].resolve_kind(
                X, kinds.get(name, preset_kind(preset, name)))
            for name in modalities}
