"""ItemInputMixin: the tags of the estimators that read one item (text, file, array) per row."""

import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import get_tags

from skgenre.text import GloVeVectorizer, SentenceEmbedder
from skgenre.utils._mixins import ItemInputMixin
from skgenre.video import FrameSampler, Trailer3DCNN, TrailerEmbedder
from skgenre.vision import PosterCNN, PosterEmbedder


class _Plain(TransformerMixin, BaseEstimator):
    pass


class _Items(ItemInputMixin, TransformerMixin, BaseEstimator):
    pass


def test_mixin_sets_item_input_and_keeps_the_rest():
    tags, plain = get_tags(_Items()), get_tags(_Plain())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.input_tags.one_d_array is plain.input_tags.one_d_array
    assert tags.requires_fit is plain.requires_fit



@pytest.mark.parametrize(
    "estimator, one_d, requires_fit, non_deterministic",
    [
        (GloVeVectorizer(), False, True, False),
        (SentenceEmbedder(), False, True, False),
        (PosterEmbedder(), True, True, False),
        (TrailerEmbedder(), True, True, False),
        (FrameSampler(), True, False, False),
        (PosterCNN(), False, True, True),
        (Trailer3DCNN(), True, True, False),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseEstimator) else None,
)
def test_item_estimators_tags(estimator, one_d, requires_fit, non_deterministic):
    tags = get_tags(estimator)
    assert isinstance(estimator, ItemInputMixin)
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.input_tags.one_d_array is one_d
    assert tags.requires_fit is requires_fit
    assert tags.non_deterministic is non_deterministic
