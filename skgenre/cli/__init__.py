"""The ``skgenre`` command line: ``demo``, ``fit``, ``evaluate``, ``predict`` and ``info``.

Run ``skgenre --help`` (or ``python -m skgenre --help``) for the commands. Input errors
(a bad manifest, a missing model file, a model trained with other genres, a bad
``--set``) end with exit code 2 and a one-line message, without a traceback.

:func:`main` runs it in-process: ``skgenre.cli.main(["fit", "--data", ...])`` returns
the exit status.
"""

from ._main import main

__all__ = ["main"]
