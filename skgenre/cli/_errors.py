"""How the ``skgenre`` command reports problems: one line each, the flag that fixes it.

An anticipated problem (a :class:`CLIError` raised by a command, or a library
:class:`~skgenre.utils.InputError` whose attributes say which parameter and value fix
it) is one line on stderr and exit code 2. :data:`FLAGS` is the one place that maps the
library's parameters to the command's flags: the message is built from the error's
facts (``problem``, ``fix``), never by rewriting its Python advice. Anything else is a
bug or an unforeseen failure: one line and exit code 1, the traceback with ``-v``.
"""

__all__ = ["CLIError", "FLAGS", "describe_input_error", "describe_warning", "one_line"]


class CLIError(Exception):
    """An input problem reported as one line on stderr with exit code 2."""


#: The library parameter an :class:`~skgenre.utils.InputError` names -> the flag that
#: sets it. Every command that reads a manifest or media files has these flags.
FLAGS = {
    "on_error": "--on-error",
    "encoding": "--encoding",
    "target_column": "--target-column",
    "split": "--split",
    "on_missing_file": "--missing-files",
    "memory": "--cache-dir",
}

# How a fix reads, per parameter: "{flag}" and "{value}" are filled in; the error's
# attributes (``modality``, ``column``) too, where the wording names them.
_ADVICE = {
    "on_error": "use {flag} {value} to treat unreadable {modality}s as missing",
    "on_missing_file": "use {flag} {value} to keep those movies without a {column}, or "
                       "{flag} drop to leave them out",
}
_NO_VALUE = {  # a fix that sets the parameter to None: the flag is left out
    "split": "leave out {flag} to use every movie",
    "target_column": "",  # loading without genres is what `skgenre predict` does
}
_NO_FIX = {  # the parameter decides, but no value can be suggested
    "split": "check {flag}",
    "encoding": "give the file's encoding with {flag}",
    "target_column": "name the genres column with {flag}",
    "memory": "give {flag} a writable folder",
}


def one_line(exc):
    """The text of an exception on one line (its type when it has none)."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError) and text.startswith("'"):
        text = f"missing key {text}"
    return " ".join(text.split())


def describe_input_error(exc):
    """One line for a library :class:`~skgenre.utils.InputError`: its problem, then the
    command-line way to fix it, from its ``parameter`` and ``fix`` through :data:`FLAGS`.
    """
    problem = " ".join(str(exc.problem).split()).rstrip(".")
    flag = FLAGS.get(exc.parameter)
    if flag is None:
        return problem + "."
    facts = {"modality": getattr(exc, "modality", "file"),
             "column": getattr(exc, "column", "file")}
    if exc.parameter in exc.fix:
        value = exc.fix[exc.parameter]
        if value is None:
            advice = _NO_VALUE.get(exc.parameter, "leave out {flag}")
        else:
            value = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else value
            advice = _ADVICE.get(exc.parameter, "use {flag} {value}")
            facts["value"] = value
    else:
        advice = _NO_FIX.get(exc.parameter, "see {flag}")
    advice = advice.format(flag=flag, **facts)
    return f"{problem}" + (f" ({advice})." if advice else ".")


def describe_warning(message):
    """One line for a warning: worded like :func:`describe_input_error` when it holds
    its facts (``problem``, ``parameter``: e.g. a
    :class:`~skgenre.ensemble.CacheWriteWarning`), else its text."""
    if hasattr(message, "problem") and getattr(message, "parameter", None) in FLAGS:
        return describe_input_error(message)
    return one_line(message)
