"""Argument types for the sub-commands: a value outside its range is a usage error (exit 2)
that says what is allowed, never a silent substitution or a traceback later on."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path


def _number(kind: type, text: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return float(value) if kind is float else int(value)


def ranged(
    kind: type, low: float | None = None, high: float | None = None, low_open: bool = False
) -> Callable[[str], float]:
    """An argparse type: `kind` (int or float) within [low, high] ((low, high] if low_open)."""

    def parse(text: str) -> float:
        value = _number(kind, text)
        if low is not None and (value < low or (low_open and value == low)):
            bound = f"above {low:g}" if low_open else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:g}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in some messages
    return parse


positive_int = ranged(int, 1)
non_negative_int = ranged(int, 0)
share = ranged(float, 0.0, 1.0)  # a fraction in [0, 1]


def names(text: str) -> str:
    """A comma-separated list with at least one name (`-t ,` is a mistake, not "nothing")."""
    if not [t for t in text.split(",") if t.strip()]:
        raise argparse.ArgumentTypeError(f"expected names separated by commas, got {text!r}")
    return text


def output_dir(text: str) -> Path:
    """A result store: an existing folder we can write, or a path we can create."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    probe = path
    while not probe.exists():  # the nearest existing ancestor must be a writable folder
        probe = probe.parent
    if not probe.is_dir():
        raise argparse.ArgumentTypeError(f"{probe} is a file, so {text} cannot be created")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{probe} is not writable")
    return path


def url(text: str) -> str:
    """An http(s) URL with a host, such as http://127.0.0.1:8000/v1."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise argparse.ArgumentTypeError("expected a URL such as http://127.0.0.1:8000/v1")
    return text


def existing_file(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text} does not exist")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text} is not a file")
    return path
