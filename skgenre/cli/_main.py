"""``skgenre.cli.main``: parse the arguments, run the command, report what went wrong.

- an anticipated problem (:class:`CLIError`, or a library
  :class:`~skgenre.utils.InputError`, worded through :data:`skgenre.cli._errors.FLAGS`):
  one line on stderr, exit code 2;
- Ctrl-C: one line, exit code 130 (nothing half-done is written: ``fit`` saves its model
  only once fitted, outputs are written whole or not at all);
- anything else: one line and exit code 1, the traceback with ``-v``.
"""

import logging
import os
import sys
import warnings

from ._commands import _Progress
from ._errors import CLIError, describe_input_error, describe_warning, one_line
from ._parser import build_parser

__all__ = ["main"]

_INTERRUPTED = {
    "fit": "interrupted (Ctrl-C): no model written",
    "predict": "interrupted (Ctrl-C): no predictions written",
}


def main(argv=None):
    """Run the ``skgenre`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 for a usage or input error (reported on one line), 130 when
        interrupted (Ctrl-C), 1 for an unexpected error (its traceback with ``-v``).
    """
    from ..utils import InputError

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("skgenre").setLevel(logging.INFO if args.verbose else logging.WARNING)
    say = _Progress(quiet=args.quiet)
    command = f"skgenre {args.command}"

    shown = set()

    def show_warning(message, category, filename, lineno, file=None, line=None):
        text = f"{command}: warning: {describe_warning(message)} ({category.__name__})"
        if text not in shown:  # once, though several steps (table, report) meet it
            shown.add(text)
            print(text, file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show_warning  # one line each, no source excerpt
            # Pillow's own note on an image over its pixel limit: skgenre refuses such an
            # image with an error (or, with --on-error missing, a warning) naming the file.
            warnings.filterwarnings("ignore", message=r".*could be decompression bomb")
            return args.func(args, say)
    except CLIError as exc:
        print(f"{command}: error: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"{command}: error: {describe_input_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{command}: {_INTERRUPTED.get(args.command, 'interrupted (Ctrl-C)')}",
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (`skgenre predict ... | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.verbose:
            raise
        print(f"{command}: unexpected error: {type(exc).__name__}: {one_line(exc)} "
              "(run with -v for the traceback)", file=sys.stderr)
        return 1
