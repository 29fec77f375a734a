"""The types a model file may name: those skgenre's models hold, listed by exact name.

Generated from the code, not written by hand: tests/io/test_round_trips.py fits the
default stacker, a stacker of every kind of every modality and every public estimator,
collects the class and function names they hold, and fails (printing the new list)
when this one differs. Nothing is trusted by package: a name not listed here is refused
unless the caller trusts it (``load_model(..., trusted=[...])``, ``--trust``).
"""

TRUSTED = frozenset({
    "builtins.print",  # skorch's callbacks print their tables through `sink=print`
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "skgenre.ensemble._final.LogitFusionClassifier",
    "skgenre.ensemble._stacking.MovieGenreStacker",
    "skgenre.ensemble._subsets.SubsetFusionClassifier",
    "skgenre.metadata._encoder.MetadataEncoder",
    "skgenre.metadata._forest.GenreForestClassifier",
    "skgenre.multioutput._average.GenreProbabilityAverage",
    "skgenre.multioutput._native.MultilabelProbaClassifier",
    "skgenre.multioutput._per_genre.PerGenreClassifier",
    "skgenre.nn._mlp.GenreMLP",
    "skgenre.nn._mlp.MLPModule",
    "skgenre.nn._net.MultilabelNet",
    "skgenre.text._sentence.SentenceEmbedder",
    "skgenre.text._vectorizer.GloVeVectorizer",
    "skgenre.text._vectorizer.PlotTfidfVectorizer",
    "skgenre.video._cnn3d.Conv3DModule",
    "skgenre.video._cnn3d.Trailer3DCNN",
    "skgenre.video._embedder.TrailerEmbedder",
    "skgenre.video._features.TrailerFeatures",
    "skgenre.video._sampler.FrameSampler",
    "skgenre.vision._cnn.PosterCNN",
    "skgenre.vision._cnn.build_poster_module",
    "skgenre.vision._embedder.PosterEmbedder",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._polynomial.PolynomialFeatures",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
    "sklearn.utils._bunch.Bunch",
    "skorch.callbacks.training.EarlyStopping",
    "skorch.dataset.Dataset",
    "torch.nn.modules.loss.BCEWithLogitsLoss",
    "torch.nn.modules.loss.CrossEntropyLoss",
    "torch.optim.adam.Adam",
    "torch.optim.sgd.SGD",
    "torch.utils.data.dataloader.DataLoader",
})
