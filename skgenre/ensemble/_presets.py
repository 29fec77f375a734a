"""Presets of the default base models: ``"best"`` (pretrained encoders) and ``"fast"``.

A preset names, per modality, the kind of model its factory builds when
:class:`~skgenre.MovieGenreStacker` makes its own base models (``estimators=None``).
Each modality's registration says its kind under each preset
(:func:`skgenre.datasets.register_modality`'s ``presets``), so that a modality stays
one registration; a modality that names none gets its factory's ``"default"`` kind.
``kinds`` overrides a preset per modality. Reading it imports no modality.
"""

from ..datasets._modalities import PRESETS, get_modality

__all__ = ["DEFAULT_PRESET", "PRESETS", "preset_kind"]

#: The preset of ``MovieGenreStacker()`` (and of ``skgenre fit`` without ``--preset``).
#: "best" since it meets its cost budget: a cold default fit at most 4x the fast
#: preset's and a warm one at most 1.2x (issue 29). Measured on 2 idle cores,
#: ``benchmarks/stacker.py --data movielens_wiki.csv --split train,val --cost --rounds 3``:
#: cold 92.1 s against 35.4 s (2.6x), warm 39.3 s against 34.2 s (1.15x; the rounds
#: 1.04x, 1.19x and 1.19x). It scores higher on every real table (macro AP on the test
#: split: movielens_wiki 0.584 against 0.576, mmimdb_dev 0.554 against 0.534).
DEFAULT_PRESET = "best"


def preset_kind(preset, modality):
    """The kind ``preset`` gives ``modality`` (``"default"`` when it names none).

    Parameters
    ----------
    preset : {"best", "fast"}
        One of :data:`PRESETS`.
    modality : str
        A registered modality's name or alias (see
        :data:`skgenre.datasets.MODALITY_REGISTRY`).

    Returns
    -------
    kind : str

    Raises
    ------
    ValueError
        For an unknown preset or modality.

    Examples
    --------
    >>> from skgenre.ensemble import preset_kind
    >>> preset_kind("fast", "poster"), preset_kind("fast", "metadata")
    ('color_mlp', 'default')
    """
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; choose one of {sorted(PRESETS)}.")
    return get_modality(modality).presets.get(preset, "default")
