"""The errors a user can fix, with the facts as attributes: what is wrong, which file,
and which parameter (set to which value) fixes it.

Their message is for people using Python (it names the parameter, ``on_error='missing'``);
a command-line front end reads the attributes instead and names its own flags.
"""

import os

__all__ = ["InputError"]


class InputError(Exception):
    """Base class of skgenre's errors about the user's input: a file, a table, a value.

    Each concrete error also derives from the built-in class it has always been
    (:class:`ValueError`, :class:`FileNotFoundError`), so ``except ValueError`` still
    catches it.

    Parameters
    ----------
    problem : str
        What is wrong, naming the file or value, without advice.
    path : str or path-like, default=None
        The file (or folder) the problem is in.
    parameter : str, default=None
        The parameter of the function or estimator that raised it whose value decides
        the outcome (``"on_error"``, ``"encoding"``, ``"target_column"``, ``"split"``...).
    fix : dict, default=None
        Parameter settings that fix or work around the problem, e.g.
        ``{"on_error": "missing"}``; empty when no value can be suggested.
    advice : str, default=None
        What to do, in Python terms; appended to ``problem`` in the message.

    Attributes
    ----------
    problem, path, parameter, fix, advice
        As given (``path`` as a ``str``, ``fix`` a dict).

    Examples
    --------
    >>> from skgenre.utils import InputError
    >>> error = InputError("The manifest m.csv is not valid utf-8.", path="m.csv",
    ...                    parameter="encoding", fix={"encoding": "utf-16"},
    ...                    advice="Pass encoding='utf-16'.")
    >>> str(error)
    "The manifest m.csv is not valid utf-8. Pass encoding='utf-16'."
    >>> error.fix
    {'encoding': 'utf-16'}
    """

    def __init__(self, problem, *, path=None, parameter=None, fix=None, advice=None):
        self.problem = problem
        self.path = None if path is None else os.fspath(path)
        self.parameter = parameter
        self.fix = dict(fix or {})
        self.advice = advice
        super().__init__(f"{problem} {advice}" if advice else problem)

    def __reduce__(self):
        # Subclasses take other arguments than the message: rebuilt from their state, so
        # that they cross process boundaries (joblib's workers) intact.
        return _restore, (type(self), self.args, self.__dict__.copy())


def _restore(cls, args, state):
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
