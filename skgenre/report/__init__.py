"""A self-contained HTML report of multilabel genre predictions (figures, table, example movies)."""

from ._explain import explanation_lines
from ._html import write_report

__all__ = ["explanation_lines", "write_report"]
