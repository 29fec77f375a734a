"""``skgenre.cli.main``: parse the arguments, run the command, turn input errors into
one line on stderr and exit code 2."""

import logging
import sys
import warnings

from ._commands import CLIError, _Progress
from ._parser import build_parser

__all__ = ["main"]


def main(argv=None):
    """Run the ``skgenre`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 2 for a usage or input error (reported on one line).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("skgenre").setLevel(logging.INFO if args.verbose else logging.WARNING)
    say = _Progress(quiet=args.quiet)

    def show_warning(message, category, filename, lineno, file=None, line=None):
        text = " ".join(str(message).split())
        print(f"skgenre {args.command}: warning: {text} ({category.__name__})", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show_warning  # one line each, no source excerpt
            return args.func(args, say)
    except CLIError as exc:
        print(f"skgenre {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"skgenre {args.command}: interrupted", file=sys.stderr)
        return 130
