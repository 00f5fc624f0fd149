"""Name -> factory registries for tasks, models and metrics, and how plugins join them.

Built-ins register themselves when their package is imported (`eval_mm.tasks`,
`eval_mm.models`, `eval_mm.metrics`, `eval_mm.judges`). Plugins join in two ways:

- installed: entry points in the groups `eval_mm.tasks`, `eval_mm.models`, `eval_mm.metrics`
  (each names a module that registers on import, or the item itself);
- tried from a file: `--plugin path/to/file.py` or `EVAL_MM_PLUGINS` (paths separated by
  the OS path separator) imports the file, which registers with the decorators below. The run
  card records each file with its sha256.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import logging
import os
import pkgutil
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from eval_mm.errors import UserError

if TYPE_CHECKING:
    from eval_mm.core.model import Model
    from eval_mm.core.scoring import Scorer
    from eval_mm.core.task import Task

T = TypeVar("T")
log = logging.getLogger(__name__)
PLUGIN_ENV = "EVAL_MM_PLUGINS"


class Registry(Generic[T]):
    def __init__(
        self, kind: str, builtin_packages: tuple[str, ...], entry_point_group: str
    ) -> None:
        self.kind = kind
        self._builtin_packages = builtin_packages
        self._group = entry_point_group
        self._items: dict[str, T] = {}
        self._aliases: dict[str, str] = {}
        self._loaded = False

    def register(self, name: str, item: T, aliases: tuple[str, ...] = ()) -> T:
        if name in self._items and self._items[name] is not item:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = item
        for alias in aliases:
            self._aliases[alias] = name
        return item

    def decorator(self, name: str, aliases: tuple[str, ...] = ()) -> Callable[[T], T]:
        def wrap(item: T) -> T:
            return self.register(name, item, aliases)

        return wrap

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for pkg_name in self._builtin_packages:
            pkg = importlib.import_module(pkg_name)
            for mod in pkgutil.iter_modules(pkg.__path__):
                if not mod.name.startswith("_"):
                    importlib.import_module(f"{pkg_name}.{mod.name}")
        for ep in entry_points(group=self._group):
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin must not break the harness
                log.warning("could not load %s plugin %s: %s", self.kind, ep.name, exc)
                continue
            # An entry point may name a module that registers on import, or the item itself.
            if not isinstance(obj, types.ModuleType):
                self._items.setdefault(ep.name, obj)

    def canonical(self, name: str) -> str | None:
        self._load()
        if name in self._items:
            return name
        return self._aliases.get(name)

    def get(self, name: str) -> T:
        key = self.canonical(name)
        if key is None:
            raise UserError(self.unknown_message(name))
        return self._items[key]

    def unknown_message(self, name: str) -> str:
        names = self.names() + sorted(self._aliases)
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        return f"unknown {self.kind} {name!r}.{hint} Run `eval-mm list {self.kind}s` to see all."

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def aliases_of(self, name: str) -> list[str]:
        return sorted(a for a, n in self._aliases.items() if n == name)

    def items(self) -> Iterator[tuple[str, T]]:
        self._load()
        yield from sorted(self._items.items())


TASKS: Registry[type[Task]] = Registry("task", ("eval_mm.tasks",), "eval_mm.tasks")
# A model factory takes the requested name and the adapter options and returns a Model.
MODELS: Registry[Callable[..., Model]] = Registry("model", ("eval_mm.models",), "eval_mm.models")
METRICS: Registry[type[Scorer]] = Registry(
    "metric", ("eval_mm.metrics", "eval_mm.judges"), "eval_mm.metrics"
)


def register_task(cls: type[Task]) -> type[Task]:
    """Class decorator for task plugins."""
    TASKS.register(cls.id, cls, cls.aliases)
    return cls


def register_metric(cls: type[Scorer]) -> type[Scorer]:
    """Class decorator for scorers."""
    METRICS.register(cls.id, cls)
    return cls


def register_model(name: str, aliases: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    return MODELS.decorator(name, aliases)


def scorers_for(task: Task, metric_ids: Sequence[str] | None = None) -> list[Scorer]:
    """The scorers a run of `task` uses: the given metric ids, else the task's defaults."""
    return [METRICS.get(m)() for m in (metric_ids or task.metrics)]


# --- plugins from files ---------------------------------------------------------------
_PLUGIN_FILES: dict[str, dict[str, str]] = {}  # resolved path -> {"path", "sha256"}


def load_plugin_file(path: str | Path) -> dict[str, str]:
    """Import a task, model or metric file that registers itself; each file once."""
    file = Path(path).expanduser()
    if not file.is_file() or file.suffix != ".py":
        raise UserError(f"plugin {path} is not a Python file (expected path/to/plugin.py)")
    key = str(file.resolve())
    if key in _PLUGIN_FILES:
        return _PLUGIN_FILES[key]
    data = file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    name = f"eval_mm_plugin_{file.stem}_{digest[:8]}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UserError(f"plugin {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    try:
        spec.loader.exec_module(module)
    except UserError:
        raise
    except Exception as exc:
        del sys.modules[name]
        raise UserError(
            f"plugin {path} failed to import: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from None
    _PLUGIN_FILES[key] = {"path": str(file), "sha256": digest}
    return _PLUGIN_FILES[key]


def load_plugins(paths: Sequence[str] = ()) -> None:
    """The plugin files of `--plugin` and of the `EVAL_MM_PLUGINS` environment variable."""
    env = [p for p in os.environ.get(PLUGIN_ENV, "").split(os.pathsep) if p.strip()]
    for path in [*env, *paths]:
        load_plugin_file(path)


def loaded_plugins() -> list[dict[str, str]]:
    """Plugin files imported in this process, for the run card."""
    return list(_PLUGIN_FILES.values())
