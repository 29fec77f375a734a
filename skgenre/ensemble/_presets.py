"""Presets of the default base models: ``"best"`` (pretrained encoders) and ``"fast"``.

A preset names, per modality, the kind of model its factory builds when
:class:`~skgenre.MovieGenreStacker` makes its own base models (``estimators=None``);
a modality a preset does not name gets its factory's ``"default"`` kind. ``kinds``
overrides a preset per modality. Plain data: reading it imports no modality.
"""

__all__ = ["DEFAULT_PRESET", "PRESETS", "preset_kind"]

#: Preset name -> {modality name: kind}.
#:
#: - ``"best"``: the kinds measured best by cross-validation on train+val, the
#:   pretrained encoders among them (MiniLM sentence embeddings beside TF-IDF and GloVe
#:   for the plots, ImageNet EfficientNet-Lite0 for the posters);
#: - ``"fast"``: no pretrained network: TF-IDF and GloVe for the plots, colour and
#:   texture statistics for the posters (the defaults of skgenre 0.1).
PRESETS = {
    "best": {"text": "combined_sentence", "poster": "efficientnet_mlp"},
    "fast": {"text": "combined", "poster": "color_mlp"},
}
#: The preset of ``MovieGenreStacker()``.
DEFAULT_PRESET = "best"


def preset_kind(preset, modality):
    """The kind ``preset`` gives ``modality`` (``"default"`` when it names none).

    Parameters
    ----------
    preset : {"best", "fast"}
    modality : str
        A modality name of :data:`skgenre.datasets.MODALITY_REGISTRY`.

    Returns
    -------
    kind : str

    Raises
    ------
    ValueError
        For an unknown preset.

    Examples
    --------
    >>> from skgenre.ensemble import preset_kind
    >>> preset_kind("fast", "poster"), preset_kind("fast", "metadata")
    ('color_mlp', 'default')
    """
    if preset not in PRESETS:
        raise ValueError(f"Unknown preset {preset!r}; choose one of {sorted(PRESETS)}.")
    return PRESETS[preset].get(modality, "default")
