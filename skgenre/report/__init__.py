"""A self-contained HTML report of multilabel genre predictions (figures, table, example movies)."""

from ._html import write_report

__all__ = ["write_report"]
