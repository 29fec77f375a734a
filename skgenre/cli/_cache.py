"""``skgenre cache``: where the feature cache is, what it holds, and clearing it."""

from ._errors import CLIError, one_line

__all__ = ["add_cache_command", "cache_summary"]


def human_size(n_bytes):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n_bytes < 1024 or unit == "GiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024


def _short(extractor, width=72):
    """The start (kind, model) and the end (settings) of a long extractor fingerprint."""
    if len(extractor) <= width:
        return extractor
    head = width // 3
    return f"{extractor[:head]}...{extractor[-(width - head - 3):]}"


def cache_summary(home):
    """``(total size, number of entries, per-extractor usage)`` of the cache ``home``."""
    from ..utils import cache_usage

    usage = cache_usage(home) if home.is_dir() else []
    return (sum(u["bytes"] for u in usage), sum(u["entries"] for u in usage), usage)


def _cmd_cache(args, say):
    import os

    from ..utils import clear_cache_home, get_cache_home

    home = get_cache_home(args.cache_dir)
    if home.exists() and not home.is_dir():
        raise CLIError(f"--cache-dir {home} is a file, not a folder")
    if args.clear:
        try:
            freed = clear_cache_home(home)
        except OSError as exc:
            raise CLIError(f"cannot clear the cache {home}: {one_line(exc)}") from exc
        print(f"cleared {home} ({human_size(freed)} freed)")
        return 0
    total, entries, usage = cache_summary(home)
    source = ("--cache-dir" if args.cache_dir else
              "SKGENRE_CACHE" if os.environ.get("SKGENRE_CACHE") else
              "default: the data home's cache folder")
    print(f"feature cache  {home}  ({source})")
    print(f"size           {human_size(total)} in {entries} entries")
    for u in usage:
        print(f"  {human_size(u['bytes']):>10s}  {u['entries']:7d}  {_short(u['extractor'])}")
    flag = f" --cache-dir {args.cache_dir}" if args.cache_dir else ""
    print(f"clear it with `skgenre cache --clear{flag}`")
    return 0


def add_cache_command(sub, common):
    """Add ``skgenre cache`` to the subcommands ``sub``."""
    parser = sub.add_parser(
        "cache", parents=[common], help="show or clear the feature cache",
        description="Show where the per-item feature cache is (the posters', trailers' and "
        "plots' frozen features that fits reuse), its size per extractor, or clear it. "
        "The default folder is $SKGENRE_CACHE, else the cache folder of the data home "
        "($SKGENRE_DATA, default ~/skgenre_data).",
    )
    parser.set_defaults(func=_cmd_cache)
    parser.add_argument("--cache-dir", default=None,
                        help="a cache folder given to `skgenre fit --cache-dir` (default: "
                        "the user cache folder)")
    parser.add_argument("--clear", action="store_true",
                        help="delete its feature entries and its cached base models "
                        "(skgenre_features/ and skgenre_fits/)")
    return parser
