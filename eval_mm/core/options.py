"""Declared options of model adapters and tasks: one typed schema, parsed in one place.

An adapter or a task declares what `--model-option` / `--task-option KEY=VALUE` may set as a
frozen dataclass deriving from `Options`, each field made with `option(...)`:

    @dataclass(frozen=True)
    class TesseractOptions(Options):
        lang: str = option("jpn", help="language data, e.g. jpn or jpn+eng")
        psm: int = option(7, min=0, max=13, help="page segmentation mode")
        workers: int = option(2, min=1, affects_output=False, help="tesseract processes")

`parse_options(TesseractOptions, {"psm": "6"}, "tesseract model")` coerces each value to its
declared type (text from the command line, or typed values from code and run cards), checks
ranges and choices, and refuses unknown names with close matches: every failure is a
`UserError` naming the option and what is allowed. `output_options(opts)` is the subset that
changes outputs (the run identity hashes it; throughput options such as batch size, workers
or device placement are left out so that a rerun with other ones resumes).

Types understood: bool, int, float, str, `Literal[...]` (the choices), `X | None`, `list[X]`,
`dict[str, Any]`, unions of those (tried in order) and `Any` (passed through).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar, Union

from eval_mm.errors import UserError

T = TypeVar("T", bound="Options")
MASK = "***"
# Values of `secret` options seen so far: eval_mm.redact masks them wherever eval-mm writes.
SECRET_VALUES: set[str] = set()
_META = "eval_mm_option"
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


@dataclass(frozen=True)
class Spec:
    """What `option()` records about one field beyond its type and default."""

    help: str = ""
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    choices: tuple[Any, ...] | None = None
    affects_output: bool = True
    secret: bool = False


class OptionError(UserError):
    """An option name or value the schema refuses."""


@dataclass(frozen=True)
class Options:
    """Base class of option schemas (an adapter's or a task's)."""

    def to_json(self) -> dict[str, Any]:
        """Every option with its value, JSON-able (secret ones masked)."""
        return {f.name: _shown(self, f) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class NoOptions(Options):
    """The schema of something that takes no options."""


def option(
    default: Any = None,
    *,
    help: str = "",
    min: float | None = None,
    max: float | None = None,
    min_exclusive: bool = False,
    choices: tuple[Any, ...] | None = None,
    affects_output: bool = True,
    secret: bool = False,
) -> Any:
    """A declared option. `affects_output=False` marks throughput settings (batch size,
    workers, concurrency, device placement): they stay out of the run identity. When unsure,
    leave the default: an option that might change outputs does. A `secret` option's value
    is masked wherever eval-mm writes (and it cannot affect outputs)."""
    spec = Spec(help, min, max, min_exclusive, choices, affects_output and not secret, secret)
    if isinstance(default, (list, dict, set)):
        copy = type(default)
        return dataclasses.field(default_factory=lambda: copy(default), metadata={_META: spec})
    return dataclasses.field(default=default, metadata={_META: spec})


def spec_of(field: dataclasses.Field[Any]) -> Spec:
    return field.metadata.get(_META) or Spec()


def _hints(cls: type) -> dict[str, Any]:
    return _hints_cached(cls)


@cache
def _hints_cached(cls: Any) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def default_of(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None if field.default is dataclasses.MISSING else field.default


def parse_options(cls: type[T], raw: Mapping[str, Any] | None, owner: str) -> T:
    """A validated `cls` instance from `raw` (names to text or typed values).

    `owner` names whose options these are in messages, e.g. "oracle model" or "jmmmu task"."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for name, value in (raw or {}).items():
        key = _key(name)
        if key not in fields:
            raise OptionError(unknown_message(cls, key, owner))
        spec = spec_of(fields[key])
        if spec.secret and isinstance(value, str) and value:
            SECRET_VALUES.add(value)
        try:
            values[key] = check(hints[key], spec, value)
        except ValueError as exc:
            shown = value if isinstance(value, str) else json.dumps(_jsonable(value))
            shown = MASK if spec.secret else shown
            raise OptionError(f"{owner} option {key}={shown}: {exc}") from None
    return cls(**values)


def unknown_message(cls: type[Options], name: str, owner: str) -> str:
    names = [f.name for f in dataclasses.fields(cls)]
    if not name:
        return f"{owner} option without a name; write KEY=VALUE"
    if not names:
        return f"unknown {owner} option {name!r}: it takes no options"
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    return f"unknown {owner} option {name!r}.{hint} Known options: {', '.join(names)}"


def given_options(opts: Options, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The options named in `raw`, with their parsed values (JSON-able)."""
    shown = opts.to_json()
    return {key: shown[key] for key in (_key(k) for k in raw or {})}


def _key(name: Any) -> str:
    return str(name).strip().replace("-", "_")


def output_options(opts: Options) -> dict[str, Any]:
    """The options that change outputs, JSON-able (what the run identity hashes)."""
    return {f.name: _shown(opts, f) for f in dataclasses.fields(opts) if spec_of(f).affects_output}


def describe(cls: type[Options]) -> list[dict[str, Any]]:
    """One entry per option (name, type, default, range or choices, help), for listings."""
    out = []
    for f in dataclasses.fields(cls):
        spec = spec_of(f)
        default = default_of(f)
        out.append(
            {
                "name": f.name,
                "type": type_name(_hints(cls)[f.name]),
                "default": _jsonable(default),
                "allowed": allowed(_hints(cls)[f.name], spec),
                "affects_output": spec.affects_output,
                "help": spec.help,
            }
        )
    return out


# --- coercion ------------------------------------------------------------------------
def check(tp: Any, spec: Spec, value: Any) -> Any:
    """`value` as type `tp` within `spec`'s range and choices; ValueError says what is allowed."""
    out = coerce(tp, value)
    if out is None:
        return out
    choices = spec.choices
    items = out if isinstance(out, list) else [out]  # the choices of a list are its items'
    bad = [v for v in items if choices is not None and v not in choices]
    if choices is not None and bad:
        raise ValueError(f"{bad[0]!r} is not allowed; choose from {', '.join(map(str, choices))}")
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        low, high = spec.min, spec.max
        if low is not None and (out < low or (spec.min_exclusive and out == low)):
            raise ValueError(f"must be {'above' if spec.min_exclusive else 'at least'} {low:g}")
        if high is not None and out > high:
            raise ValueError(f"must be at most {high:g}")
    return out


def coerce(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (Union, types.UnionType):
        empty = value is None or (
            isinstance(value, str) and value.strip().lower() in ("none", "null")
        )
        if empty and type(None) in args:
            return None
        errors = []
        members = [a for a in args if a is not type(None)]
        if isinstance(value, str) and value.strip()[:1] in ("{", "["):
            # JSON text for a `str | dict` option means the dict (`device_map={"": 0}`)
            members.sort(key=lambda a: a is str)
        for arg in members:
            try:
                return coerce(arg, value)
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError(" or ".join(dict.fromkeys(errors)))
    if origin is Literal:
        text = value.strip() if isinstance(value, str) else value
        if text in args:
            return text
        raise ValueError(f"must be one of {', '.join(map(str, args))}")
    if tp is bool:
        return _bool(value)
    if tp is int:
        return _int(value)
    if tp is float:
        return _float(value)
    if tp is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise ValueError("expected text")
    if origin in (list, tuple):
        items = _list(value)
        item_tp = args[0] if args else Any
        return [coerce(item_tp, v) for v in items]
    if origin is dict or tp is dict:
        mapping = _json(value, dict, "a JSON object such as {\"key\": 1}")
        return dict(mapping)
    raise TypeError(f"option type {tp!r} is not supported by eval_mm.core.options")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("expected true or false")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError("expected an integer")


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    try:
        out = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValueError("expected a number") from None
    if not math.isfinite(out):
        raise ValueError("expected a finite number")
    return out


def _list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return list(_json(text, list, "a JSON list such as [\"a\", \"b\"]"))
        # `a,b` or `a+b` (the `+` form keeps commas free for the shell and for lists of lists)
        return [p.strip() for p in text.replace("+", ",").split(",") if p.strip()]
    raise ValueError("expected a list (a,b or a JSON list)")


def _json(value: Any, kind: type, what: str) -> Any:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"expected {what}") from None
        if isinstance(parsed, kind):
            return parsed
    raise ValueError(f"expected {what}")


def _shown(opts: Options, f: dataclasses.Field[Any]) -> Any:
    value = getattr(opts, f.name)
    if spec_of(f).secret and value is not None:
        return MASK
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


# --- descriptions ----------------------------------------------------------------------
def type_name(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        return " | ".join(type_name(a) for a in args if a is not type(None))
    if origin is Literal:
        return "choice"
    if origin in (list, tuple):
        return f"list of {type_name(args[0]) if args else 'values'}"
    if origin is dict or tp is dict:
        return "JSON object"
    return {bool: "bool", int: "int", float: "number", str: "text"}.get(tp, "value")


def allowed(tp: Any, spec: Spec) -> str:
    if typing.get_origin(tp) is Literal:
        return ", ".join(map(str, typing.get_args(tp)))
    if spec.choices:
        return ", ".join(map(str, spec.choices))
    low = "" if spec.min is None else f"{'>' if spec.min_exclusive else '>='} {spec.min:g}"
    high = "" if spec.max is None else f"<= {spec.max:g}"
    return ", ".join(p for p in (low, high) if p)
