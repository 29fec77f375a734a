"""The order of the examples in the gallery: the quick start first, then by topic."""

ORDER = [
    "plot_quick_start.py",
    "plot_thresholds.py",
    "plot_grid_search.py",
    "plot_pretrained_vgg16.py",
]


class ExampleOrder:
    """sphinx-gallery ``within_subsection_order`` key: listed examples first, others by name.

    Named by its import path in ``conf.py`` (a class there would make the configuration
    unpicklable, which Sphinx reports as a warning).
    """

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        rank = ORDER.index(filename) if filename in ORDER else len(ORDER)
        return (rank, filename)

    def __repr__(self):
        return f"<{self.__class__.__name__}>"
