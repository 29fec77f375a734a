"""Multilabel metrics: micro/macro/samples average precision, calibration, scorers, thresholds."""

from ._calibration import expected_calibration_error
from ._ranking import average_precision, average_precision_report, per_genre_average_precision
from ._display import AveragePrecisionDisplay, GenrePrecisionRecallDisplay
from ._modality import modality_report
from ._scorer import SCORERS, AveragePrecisionScorer, get_scorer
from ._threshold import confident_genres

__all__ = [
    "AveragePrecisionDisplay",
    "GenrePrecisionRecallDisplay",
    "SCORERS",
    "AveragePrecisionScorer",
    "average_precision",
    "average_precision_report",
    "confident_genres",
    "expected_calibration_error",
    "get_scorer",
    "modality_report",
    "per_genre_average_precision",
]
