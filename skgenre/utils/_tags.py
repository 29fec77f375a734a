"""Estimator tags shared by the estimators that read one item per row."""

__all__ = ["ItemInputMixin"]


class ItemInputMixin:
    """Mixin of estimators whose ``X`` is a column of items, not a 2-D numeric table.

    An item is a text, a file path or an in-memory object (an image, frames); strings
    are accepted and scikit-learn's 2-D array checks do not apply. Put it before the
    base estimator: ``class PosterEmbedder(ItemInputMixin, ..., BaseEstimator)``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
