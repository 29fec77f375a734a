"""What ``make_movies`` draws for each movie: genres, which genres each modality shows, and
the table's text columns (plot, credits, keywords, runtime, title, split)."""

import numpy as np

from ._format import SEPARATOR
from ._synthetic_profiles import (
    GENERIC_KEYWORDS,
    GENERIC_WORDS,
    GENRE_PROFILES,
    LANGUAGES,
    RATINGS,
    RUNTIMES,
    people_pools,
)

# Chance that a modality also shows one random genre, drawn independently of the labels.
_SPURIOUS_RATE = 0.3
_N_LABELS_P = (0.45, 0.4, 0.15)  # 1, 2 or 3 genres per movie
_SPLIT = (0.7, 0.1, 0.2)
_TITLE_ADJ = (
    "silver hidden last broken golden silent distant bright crimson endless quiet wild "
    "lonely northern burning frozen secret little great second"
).split()
_TITLE_NOUN = (
    "river road summer city garden horizon harbor mirror window bridge island promise "
    "letter station season valley winter house voice shore"
).split()


def _draw_labels(n, genres, rng):
    k = len(genres)
    weights = np.array([GENRE_PROFILES[g]["weight"] for g in genres], dtype=float)
    weights /= weights.sum()
    Y = np.zeros((n, k), dtype=np.int8)
    counts = rng.choice(len(_N_LABELS_P), size=n, p=_N_LABELS_P) + 1
    for i in range(n):
        Y[i, rng.choice(k, size=min(counts[i], k), replace=False, p=weights)] = 1
    # Every genre gets at least two movies (when there are enough movies), so that
    # stratified splits and per-genre scores are defined.
    if n >= 2 * k:
        for j in np.flatnonzero(Y.sum(axis=0) < 2):
            for i in rng.choice(n, size=2 - int(Y[:, j].sum()), replace=False):
                Y[i, j] = 1
    return Y


def _draw_shown(Y, signal, rng):
    """Which genres a modality shows: each true genre with prob ``signal``, plus noise."""
    n, k = Y.shape
    shown = (Y.astype(bool)) & (rng.random((n, k)) < signal)
    # noise independent of the labels: a random genre (right or wrong) shows as well
    noisy = np.flatnonzero(rng.random(n) < _SPURIOUS_RATE)
    shown[noisy, rng.integers(k, size=n)[noisy]] = True
    return shown


def _draw_missing(n, parts, modalities, rates, rng):
    # draw for every part, so a modality's pattern does not depend on the others
    draws = rng.random((n, len(parts)))
    missing = {m: draws[:, j] < rates[m] for j, m in enumerate(parts) if m in rates}
    # a movie keeps at least one modality
    stacked = np.column_stack([missing[m] for m in modalities])
    none_left = np.flatnonzero(stacked.all(axis=1))
    keep = rng.integers(len(modalities), size=len(none_left))
    for i, j in zip(none_left, keep):
        missing[modalities[j]][i] = False
    return missing


def _plot(shown, genres, rng):
    n_words = int(rng.integers(40, 101))
    words = list(rng.choice(GENERIC_WORDS, size=n_words))
    extra = []
    for genre in shown:
        vocab = GENRE_PROFILES[genre]["words"]
        extra.extend(rng.choice(vocab, size=2 + rng.binomial(n_words, 0.05)))
    for _ in range(rng.binomial(n_words, 0.03)):  # stray words of random genres
        extra.append(rng.choice(GENRE_PROFILES[genres[rng.integers(len(genres))]]["words"]))
    for word in extra:
        words.insert(int(rng.integers(len(words) + 1)), str(word))
    sentences, start = [], 0
    while start < len(words):
        stop = start + int(rng.integers(7, 16))
        chunk = [str(w) for w in words[start:stop]]
        sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
        start = stop
    return " ".join(sentences)


def _metadata(shown, rng):
    pools = people_pools()
    generic = pools[None]

    def person(kind, lean):
        if shown and rng.random() < lean:
            pool = pools[shown[rng.integers(len(shown))]][kind]
        else:
            pool = generic[kind]
        return pool[rng.integers(len(pool))]

    director = person("directors", 0.7)
    actors = []
    while len(actors) < 3 + int(rng.integers(0, 4)):
        a = person("actors", 0.55 if len(actors) < 3 else 0.35)
        if a not in actors:
            actors.append(a)
    if shown:
        p = np.mean([GENRE_PROFILES[g]["ratings"] for g in shown], axis=0)
        p = 0.6 * p + 0.4 / len(RATINGS)
    else:
        p = np.full(len(RATINGS), 1 / len(RATINGS))
    language = "English" if rng.random() < 0.75 else LANGUAGES[1 + rng.integers(len(LANGUAGES) - 1)]
    return {
        "director_name": director,
        "actor_1_name": actors[0],
        "actor_2_name": actors[1],
        "actor_3_name": actors[2] if rng.random() > 0.05 else "",
        "cast": SEPARATOR.join(actors),
        "language": language if rng.random() > 0.03 else "",
        "content_rating": RATINGS[rng.choice(len(RATINGS), p=p)] if rng.random() > 0.08 else "",
    }


def _keywords(shown, rng):
    tags = []
    for genre in shown:
        vocab = GENRE_PROFILES[genre]["words"]
        for _ in range(1 + int(rng.integers(3))):
            words = rng.choice(vocab, size=1 + int(rng.random() < 0.4), replace=False)
            tags.append(" ".join(str(w) for w in words))
    generic = rng.choice(GENERIC_KEYWORDS, size=max(2 - len(tags), int(rng.integers(1, 4))),
                         replace=False)
    tags += [str(t) for t in generic]
    order = rng.permutation(len(tags))
    return SEPARATOR.join(dict.fromkeys(tags[k] for k in order))


def _runtime(shown, rng):
    typical = np.mean([RUNTIMES[g] for g in shown]) if shown else 105.0
    return int(round(typical + rng.normal(0, 8)))


def _title(rng):
    adj = _TITLE_ADJ[rng.integers(len(_TITLE_ADJ))]
    noun = _TITLE_NOUN[rng.integers(len(_TITLE_NOUN))]
    return ("The " if rng.random() < 0.5 else "") + f"{adj.capitalize()} {noun.capitalize()}"


def _split(Y, rng):
    """train/val/test labels, 70/10/20, multilabel-stratified."""
    from ..model_selection import MultilabelStratifiedShuffleSplit

    n = len(Y)
    split = np.full(n, "train", dtype=object)
    if n < 10:
        order = rng.permutation(n)
        split[order[: max(1, round(0.2 * n))]] = "test"
        return split
    seed = int(rng.integers(np.iinfo(np.int32).max))
    test_size = _SPLIT[2]
    train_val, test = next(
        MultilabelStratifiedShuffleSplit(1, test_size=test_size, random_state=seed).split(Y, Y)
    )
    split[test] = "test"
    val_share = _SPLIT[1] / (_SPLIT[0] + _SPLIT[1])
    _, val = next(
        MultilabelStratifiedShuffleSplit(1, test_size=val_share, random_state=seed + 1).split(
            Y[train_val], Y[train_val]
        )
    )
    split[train_val[val]] = "val"
    return split
