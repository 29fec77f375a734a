"""Scorers for ``cross_val_score`` and ``GridSearchCV``."""

import pandas as pd

from ..utils import align_genres, positive_proba
from ._ranking import AVERAGES, average_precision

__all__ = ["AveragePrecisionScorer", "get_scorer", "SCORERS"]


class AveragePrecisionScorer:
    """Scorer computing :func:`average_precision` from ``predict_proba``.

    Unlike scikit-learn's ``"average_precision"`` string (macro only), it offers the
    three averages of the study, and it reads any multilabel ``predict_proba`` output
    (an (n, n_genres) array, a forest's list of (n, 2) arrays, skorch's (n, 2, k)).

    Parameters
    ----------
    average : {"micro", "macro", "samples"}, default="macro"

    Examples
    --------
    >>> from skgenre.metrics import get_scorer
    >>> get_scorer("average_precision_micro")
    AveragePrecisionScorer(average='micro')
    """

    def __init__(self, average="macro"):
        if average not in AVERAGES:
            raise ValueError(f"average must be one of {AVERAGES}; got {average!r}.")
        self.average = average

    def __call__(self, estimator, X, y, sample_weight=None):
        proba = positive_proba(estimator.predict_proba(X), getattr(estimator, "classes_", None))
        names = getattr(estimator, "genre_names_", None)
        y = align_genres(y, names)  # a DataFrame's genres matched to the model's by name
        if isinstance(y, pd.DataFrame) or names is None or len(names) != proba.shape[1]:
            names = None  # a DataFrame names its genres itself
        return average_precision(y, proba, average=self.average, genre_names=names)

    def __repr__(self):
        return f"AveragePrecisionScorer(average={self.average!r})"


SCORERS = {f"average_precision_{a}": AveragePrecisionScorer(a) for a in AVERAGES}


def get_scorer(name):
    """Return a scorer by name: ``"average_precision_micro"``, ``"_macro"`` or ``"_samples"``.

    Use it as ``scoring=get_scorer("average_precision_samples")``, or pass
    ``scoring=skgenre.metrics.SCORERS`` to ``GridSearchCV`` for all three at once.
    """
    try:
        return SCORERS[name]
    except KeyError:
        raise ValueError(f"Unknown scorer {name!r}; choose one of {sorted(SCORERS)}.") from None
