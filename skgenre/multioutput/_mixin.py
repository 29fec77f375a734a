"""The multilabel classifier mixin: one place that normalises targets and formats outputs."""

import warnings

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ..utils import check_multilabel_target, multilabel_classes
from ..utils._genres import check_not_label_lists
from ..utils._multilabel import check_target_frame

__all__ = ["MultilabelClassifierMixin"]

_MULTILABEL = "multilabel-indicator"


class MultilabelClassifierMixin(ClassifierMixin):
    """Mixin for genre classifiers: multilabel first, 1-D binary or multiclass ``y`` too.

    Multilabel ``Y`` of shape (n_movies, n_genres) is the main path. A classifier that
    opts in also takes a 1-D ``y`` the way :class:`~sklearn.neural_network.MLPClassifier`
    does: the target is normalised once at entry to a 0/1 indicator matrix, the model
    learns that matrix, and the outputs are put back in the target's form at the exit.

    ============================  ====================  ==========================
    ``y`` given to ``fit``        ``classes_``           ``predict_proba`` / ``predict``
    ============================  ====================  ==========================
    (n, n_genres) 0/1 indicators  ``[array([0, 1])]``    (n, n_genres) P(genre present)
                                  per genre              / (n, n_genres) 0/1
    1-D, two labels               the two labels,        (n, 2) / the labels
                                  sorted
    1-D, three labels or more     the labels, sorted     (n, n_classes), rows sum to 1
                                                         / the most probable label
    ============================  ====================  ==========================

    ``score`` is the macro average precision for multilabel ``Y`` (the study's metric)
    and accuracy for a 1-D ``y``.

    How a subclass uses it:

    1. Declare the targets it learns in the class attribute ``_target_types``, a tuple
       among ``"multilabel-indicator"``, ``"binary"`` and ``"multiclass"``. The default
       is multilabel only (a 1-D ``y`` is refused with an error naming the shape).
       ``"multiclass"`` is for a model that fits several indicator columns of which
       exactly one is 1: a softmax net, or any one-vs-rest model (its rows of
       probabilities are normalised to sum to one at the exit).
    2. In ``fit``, call ``Y = self._validate_target(y)`` first. It returns an (n, k) int8
       0/1 indicator matrix (k = n_genres for multilabel, 1 for binary: the column of
       ``classes_[1]``, n_classes for multiclass: one-hot) and sets ``classes_`` and the
       private ``_target_type_``. Train on ``Y`` exactly as on a multilabel target.
    3. Implement ``_predict_proba_multilabel(X)`` returning the (n, k) probabilities
       of ``Y``'s columns (call ``check_is_fitted`` there), and do not override
       ``predict_proba``, ``predict`` or ``score``: the mixin's versions format the
       output for the target kind (see :meth:`_format_proba`).

    A subclass may instead keep its own ``predict_proba`` returning (n, n_genres)
    probabilities and set ``classes_`` itself (the multilabel-only form): ``predict``
    then thresholds it as before.
    """

    _target_types = (_MULTILABEL,)

    def _validate_target(self, y):
        """Normalise ``y`` to a 0/1 indicator matrix and set ``classes_``.

        Parameters
        ----------
        y : array-like or sparse matrix of shape (n_movies, n_genres) or (n_movies,)
            Multilabel indicators, or a 1-D vector of labels where the class declares
            ``"binary"`` (and ``"multiclass"``) in ``_target_types``. There, a one-column
            ``y`` whose values are not all 0/1 is read as a column of labels, with a
            ``DataConversionWarning`` (a one-column 0/1 ``y`` is one genre).

        Returns
        -------
        Y : ndarray of shape (n_movies, k), dtype int8
            k is n_genres (multilabel), 1 (binary: ``y == classes_[1]``) or n_classes
            (multiclass: one-hot).
        """
        check_not_label_lists(y)  # lists of genre names: the conversion to use
        if isinstance(y, (pd.Series, pd.DataFrame)):
            # repeated genres, missing cells: by name
            check_target_frame(y, name="Y" if isinstance(y, pd.DataFrame) else "y")
            y = y.to_numpy()
        if y is not None and not sparse.issparse(y):
            y = np.asarray(y)
            if (y.ndim == 2 and y.shape[1] == 1 and "binary" in self._target_types
                    and not np.isin(y, [0, 1]).all()):
                warnings.warn(
                    "A column-vector y was passed when a 1-D array was expected: its values "
                    "are not 0/1 indicators, so it is read as a column of labels.",
                    DataConversionWarning,
                )
                y = y.ravel()
        if y is None or sparse.issparse(y) or y.ndim != 1 or "binary" not in self._target_types:
            Y = check_multilabel_target(y)
            self.classes_ = multilabel_classes(Y.shape[1])
            self._target_type_ = _MULTILABEL
            return Y
        y = np.asarray(y)
        check_classification_targets(y)
        kind = type_of_target(y, input_name="y")
        if kind == "multiclass" and "multiclass" not in self._target_types:
            raise ValueError(
                f"{type(self).__name__} takes a multilabel (n_movies, n_genres) indicator "
                f"matrix or a 1-D binary y; got a multiclass y with {len(np.unique(y))} "
                "classes."
            )
        binarizer = LabelBinarizer().fit(y)
        if len(binarizer.classes_) < 2:
            raise ValueError(
                f"y holds one class only ({binarizer.classes_[0]!r}); a 1-D y needs samples "
                "of at least 2 classes."
            )
        self.classes_ = binarizer.classes_
        self._target_type_ = kind
        return binarizer.transform(y).astype(np.int8)

    def _format_proba(self, proba):
        """Put (n, k) probabilities of the indicator columns in the target's form.

        Multilabel: unchanged. Binary: ``(1 - p, p)`` columns. Multiclass: each row
        divided by its sum (a no-op for softmax outputs; one-vs-rest scores become
        probabilities; an all-zero row becomes uniform).
        """
        kind = getattr(self, "_target_type_", _MULTILABEL)
        proba = np.asarray(proba, dtype=np.float64)
        if kind == "binary":
            positive = proba[:, 0]
            return np.column_stack([1.0 - positive, positive])
        if kind == "multiclass":
            total = proba.sum(axis=1, keepdims=True)
            uniform = np.full_like(proba, 1.0 / proba.shape[1])
            return np.divide(proba, total, out=uniform, where=total > 0)
        return proba

    def predict_proba(self, X):
        """Probabilities, in the form of the target given to ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_movies, ...)

        Returns
        -------
        proba : ndarray of shape (n_movies, n_genres) or (n_movies, n_classes)
            P(genre present) per genre for a multilabel target; for a 1-D ``y``, one
            column per class of ``classes_``.
        """
        return self._format_proba(self._predict_proba_multilabel(X))

    def _predict_proba_multilabel(self, X):
        raise NotImplementedError(
            f"{type(self).__name__} must implement _predict_proba_multilabel or predict_proba."
        )

    def predict(self, X):
        """Genre indicators, or labels for a 1-D ``y``.

        Multilabel: ``predict_proba(X) >= threshold`` (``threshold`` attribute, default
        0.5). Binary: ``classes_[1]`` where its probability is ``> threshold`` (strictly,
        as :class:`~sklearn.preprocessing.LabelBinarizer` decides, so that a tie at 0.5
        agrees with ``argmax(predict_proba(X), axis=1)``).
        Multiclass: the most probable class.

        Parameters
        ----------
        X : array-like of shape (n_movies, ...)

        Returns
        -------
        Y : ndarray of shape (n_movies, n_genres), dtype int, or (n_movies,) of labels
        """
        threshold = getattr(self, "threshold", 0.5)
        kind = getattr(self, "_target_type_", _MULTILABEL)
        proba = self.predict_proba(X)
        if kind == "binary":
            return self.classes_[(proba[:, 1] > threshold).astype(int)]
        if kind == "multiclass":
            return self.classes_[np.argmax(proba, axis=1)]
        return (proba >= threshold).astype(int)

    def score(self, X, y, sample_weight=None):
        """Macro average precision for a multilabel ``y``; accuracy for a 1-D ``y``.

        Subset accuracy, scikit-learn's default for multilabel classifiers, is near zero
        and uninformative for genres, so the multilabel score is the study's main metric.
        """
        if getattr(self, "_target_type_", _MULTILABEL) != _MULTILABEL:
            return super().score(X, y, sample_weight=sample_weight)
        from ..metrics import average_precision

        return average_precision(y, self.predict_proba(X), average="macro")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = "binary" in self._target_types
        if "binary" in self._target_types:
            tags.classifier_tags.multi_class = "multiclass" in self._target_types
        return tags
