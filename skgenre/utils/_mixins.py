"""Mixins shared by the estimators that read one item (a text, a file) per row."""

from ._sklearn_compat import fit_context

__all__ = ["FrozenTransformerMixin", "ItemInputMixin"]


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


class FrozenTransformerMixin:
    """``fit`` of a transformer around a frozen model: it builds the model, learns nothing.

    Subclasses implement ``_fit_width()``, which builds (or loads) what ``transform`` runs
    and returns the width of its features, stored as ``n_features_out_`` (``None`` when
    only the first ``transform`` knows it). Put it before the base estimator.
    """

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None):
        """Build the frozen model (nothing is read or learnt from ``X``).

        Parameters
        ----------
        X : ignored
        y : ignored

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self.n_features_out_ = self._fit_width()
        return self

    @property
    def _n_features_out(self):
        # what ClassNamePrefixFeaturesOutMixin.get_feature_names_out counts
        return self.n_features_out_
