"""A self-contained HTML report of multilabel genre predictions (figures, table, example movies)."""

from ._explain import explanation_lines, modality_labels, modality_presence
from ._html import write_report

__all__ = ["explanation_lines", "modality_labels", "modality_presence", "write_report"]
