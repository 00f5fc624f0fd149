"""`eval-mm` command line. Each sub-command lives in its own module of this package and
exposes `register(subparsers)`; they are found automatically. Sub-command modules import
the engine inside their command functions, so that `--help` and usage errors answer at once.

What reaches the terminal is redacted (eval_mm.redact) and made harmless (eval_mm.terminal);
the first line of an error names the problem."""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

import eval_mm
from eval_mm.errors import RunFailed, UserError
from eval_mm.redact import redact_text
from eval_mm.registries import PLUGIN_ENV, load_plugins
from eval_mm.terminal import safe

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# A full disk fails the run (exit 1); a path the user cannot use is their mistake (exit 2).
_RUN_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EIO}


def say(text: str) -> None:
    """One message on stderr, redacted and with control characters escaped."""
    sys.stderr.write(safe(redact_text(text)).rstrip("\n") + "\n")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own usage errors: exit 2, short
        say(f"eval-mm: error: {message}")
        sys.stderr.write(f"(run `{self.prog} --help` for the options)\n")
        raise SystemExit(EXIT_USAGE)


class _SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return safe(redact_text(super().format(record)))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eval-mm",
        description="Evaluate Japanese vision-language models on Japanese benchmarks.",
        epilog="Run `eval-mm COMMAND --help` for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"eval-mm {eval_mm.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more, show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    import eval_mm.cli as pkg

    for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if mod.name.startswith("_") or mod.name == "main":
            continue
        module = importlib.import_module(f"eval_mm.cli.{mod.name}")
        if hasattr(module, "register"):
            module.register(sub)
    for command in sub.choices.values():  # every command can see tasks/models/metrics of files
        command.add_argument(
            "--plugin",
            action="append",
            default=[],
            metavar="FILE.py",
            help=f"import a task, model or metric file without installing it (repeatable; "
            f"also {PLUGIN_ENV})",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(_SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, handlers=[handler], force=True
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        load_plugins(getattr(args, "plugin", None) or ())
        code = args.func(args)
        return int(code or EXIT_OK)
    except UserError as exc:
        say(f"eval-mm: error: {exc}")
        return EXIT_USAGE
    except RunFailed as exc:
        say(f"eval-mm: run failed: {exc}")
        return EXIT_FAILED
    except BrokenPipeError:  # e.g. `eval-mm list metrics | head`
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        # A file-system refusal (permission, read-only, not a folder, full disk) names the
        # path; network and other OS errors are unexpected here: shown as internal.
        if exc.errno is None or exc.filename is None or isinstance(exc, ConnectionError):
            return _internal(args, exc)
        say(f"eval-mm: error: cannot use {exc.filename}: {exc.strerror or exc}")
        return EXIT_FAILED if exc.errno in _RUN_FAILURES else EXIT_USAGE
    except KeyboardInterrupt:
        print("eval-mm: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    except Exception as exc:
        return _internal(args, exc)


def _internal(args: argparse.Namespace, exc: BaseException) -> int:
    """A bug, not a user mistake: show where. Commands whose exit 1 means something else
    (the gate's "regression") set `crash_exit` so that a crash is never read as a verdict."""
    say("".join(traceback.format_exception(exc)))
    say("eval-mm: internal error (please report it with the traceback)")
    return int(getattr(args, "crash_exit", EXIT_FAILED))


if __name__ == "__main__":
    sys.exit(main())
