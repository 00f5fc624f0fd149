"""`eval-mm` command line. Each sub-command lives in its own module of this package and
exposes `register(subparsers)`; they are found automatically."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

import eval_mm
from eval_mm.errors import RunFailed, UserError
from eval_mm.registries import PLUGIN_ENV, load_plugins

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own usage errors: exit 2, short
        self.print_usage(sys.stderr)
        sys.stderr.write(f"eval-mm: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


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
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        load_plugins(getattr(args, "plugin", None) or ())
        code = args.func(args)
        return int(code or EXIT_OK)
    except UserError as exc:
        print(f"eval-mm: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RunFailed as exc:
        print(f"eval-mm: run failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # e.g. `eval-mm list metrics | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("eval-mm: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    except Exception:
        # A bug, not a user mistake: show where. Commands whose exit 1 means something else
        # (the gate's "regression") set `crash_exit` so that a crash is never read as a verdict.
        traceback.print_exc()
        print("eval-mm: internal error (please report it with the traceback)", file=sys.stderr)
        return int(getattr(args, "crash_exit", EXIT_FAILED))


if __name__ == "__main__":
    sys.exit(main())
