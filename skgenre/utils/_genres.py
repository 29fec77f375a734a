"""Genre columns matched by name: a target DataFrame against a model's fitted genres,
and its rows against the movie table's by index label."""

import warnings

import pandas as pd

__all__ = ["RowAlignmentWarning", "align_genres", "align_rows", "check_not_label_lists"]


class RowAlignmentWarning(UserWarning):
    """The target's rows were matched to the movie table's by index label, not by
    position: the two indexes hold the same labels in another order."""


def align_rows(X, Y, *, name="Y"):
    """``Y``'s rows in ``X``'s order, matched by index label, when both are pandas objects.

    A target whose index holds ``X``'s labels in another order (a table sorted or
    shuffled after the target was taken from it) is reordered by label, with a
    :class:`RowAlignmentWarning`; one whose labels differ from ``X``'s is refused, as
    pairing its rows by position could give movies each other's genres. Arrays, and
    objects of other lengths (their length is checked downstream), are returned
    unchanged.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_movies, ...)
    Y : DataFrame, Series or array-like of shape (n_movies, ...)
    name : str, default="Y"
        Name used in messages.

    Returns
    -------
    Y : DataFrame, Series or array-like
        With ``X``'s index when reordered.

    Raises
    ------
    ValueError
        If both are pandas objects of the same length whose indexes hold different
        labels (or repeated ones, in another order).

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenre.utils import align_rows
    >>> X = pd.DataFrame({"plot": ["a", "b"]}, index=["m1", "m2"])
    >>> Y = pd.DataFrame({"Drama": [0, 1]}, index=["m1", "m2"])
    >>> align_rows(X, Y) is Y
    True
    """
    pandas = (pd.DataFrame, pd.Series)
    if not (isinstance(X, pandas) and isinstance(Y, pandas)) or len(X) != len(Y):
        return Y
    if X.index.equals(Y.index):
        return Y
    unique = X.index.is_unique and Y.index.is_unique
    if unique and Y.index.isin(X.index).all():
        warnings.warn(
            f"{name}'s index holds the labels of X's in another order: {name}'s rows were "
            f"matched to X's movies by label ({name}.loc[X.index]), not by position. Pass "
            f"{name}.to_numpy() to pair them by position.",
            RowAlignmentWarning,
            stacklevel=3,
        )
        return Y.loc[X.index]
    only_Y = Y.index[~Y.index.isin(X.index)].tolist()
    only_X = X.index[~X.index.isin(Y.index)].tolist()
    what = (f"labels {only_Y[:5]} are not in X's index and {only_X[:5]} not in {name}'s"
            if only_Y or only_X else "labels repeat in another order")
    raise ValueError(
        f"{name}'s index differs from X's ({what}): its rows cannot be matched to X's "
        f"movies by label. Give both the same index (e.g. {name}.set_axis(X.index) if "
        f"they are in the same order), or pass {name}.to_numpy() to pair them by position."
    )


def align_genres(Y, genre_names, *, name="Y"):
    """``Y`` with its genre columns in the fitted order, matched by name.

    A target DataFrame whose columns are the fitted genres in another order is
    reordered, so that a score never pairs one genre's labels with another's
    probabilities; a DataFrame with other genre names is refused. Arrays have no names
    and are returned unchanged (their column count is checked downstream).

    Parameters
    ----------
    Y : DataFrame or array-like of shape (n_movies, n_genres)
    genre_names : list of str or None
        The genres the model was fitted on, in its column order; ``None`` (or names
        the model made up, ``genre_0``...) skips the check.
    name : str, default="Y"
        Name used in error messages.

    Returns
    -------
    Y : DataFrame or array-like
        Reordered when ``Y`` is a DataFrame.

    Raises
    ------
    ValueError
        If ``Y``'s columns are not the fitted genres.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgenre.utils import align_genres
    >>> Y = pd.DataFrame({"Drama": [1, 0], "Comedy": [0, 1]})
    >>> list(align_genres(Y, ["Comedy", "Drama"]).columns)
    ['Comedy', 'Drama']
    """
    if not isinstance(Y, pd.DataFrame) or genre_names is None:
        return Y
    genre_names = [str(g) for g in genre_names]
    if genre_names == [f"genre_{j}" for j in range(len(genre_names))]:
        return Y  # fitted on an array: the model knows no genre names to match
    columns = [str(c) for c in Y.columns]
    if columns == genre_names:
        return Y
    unknown = [c for c in columns if c not in genre_names]
    absent = [g for g in genre_names if g not in columns]
    if unknown or absent or len(set(columns)) != len(columns):
        raise ValueError(
            f"{name}'s genre columns do not match the genres the model was fitted on: "
            f"unknown {unknown[:10]}, absent {absent[:10]}. Fitted genres: {genre_names}."
        )
    Y = Y.copy()
    Y.columns = columns
    return Y[genre_names]


def check_not_label_lists(Y, *, name="Y"):
    """Refuse a target given as lists of genre names, with the conversion to use.

    Raises
    ------
    ValueError
        If ``Y`` is a sequence whose items are lists, tuples or sets of strings (or a
        Series of such cells), or of ``|``-joined genre strings.
    """
    items = Y.tolist() if isinstance(Y, pd.Series) else Y
    if not isinstance(items, (list, tuple)) or not items:
        return
    first = next((item for item in items if item is not None), None)
    label_lists = isinstance(first, (list, tuple, set, frozenset)) and any(
        isinstance(v, str) for item in items if isinstance(item, (list, tuple, set, frozenset))
        for v in item
    )
    # One string per movie is a valid 1-D multiclass target; "Comedy|Drama" is not.
    joined = isinstance(first, str) and any(isinstance(v, str) and "|" in v for v in items)
    if label_lists or joined:
        raise ValueError(
            f"{name} looks like {'lists of genre names' if label_lists else 'genre strings'}; "
            "it must be an (n_movies, n_genres) 0/1 indicator matrix. Convert it with "
            "sklearn.preprocessing.MultiLabelBinarizer (its classes_ are the genre names), "
            "or read a manifest with skgenre.datasets.load_movies, which does it for you."
        )
