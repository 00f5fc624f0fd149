"""What the installed transformers version allows: loading keyword names, and the range of
versions a family's checkpoint code runs on (catalog `transformers_range`).

Two facts drive this module:

- `from_pretrained(dtype=...)` exists only from transformers 4.56; older versions take
  `torch_dtype=` and pass an unknown `dtype=` on to the model config, where it is ignored:
  the weights would silently load in float32.
- Several Japanese checkpoints ship remote code written against an older transformers (the
  reference harness, llm-jp/llm-jp-eval-mm, runs them in pinned environments; see
  docs/models.md). On a newer version they fail deep inside their own code or, worse, run
  and give different numbers; we refuse them at load with the version to install.
"""

from __future__ import annotations

from typing import Any

from packaging.version import InvalidVersion, Version

from eval_mm.errors import UserError

# The first transformers release whose from_pretrained takes `dtype=` (4.56.0 renamed
# `torch_dtype`, keeping the old name as a deprecated alias).
DTYPE_KWARG_SINCE = "4.56"

def release(text: str) -> Version:
    """A version string's release (packaging's parser and ordering): pre-release and dev
    suffixes are dropped, so a 4.50 pre-release counts as 4.50."""
    try:
        return Version(Version(text).base_version)
    except InvalidVersion:
        raise ValueError(f"not a version: {text!r}") from None


def installed_transformers() -> str:
    try:
        import transformers
    except ImportError:
        raise UserError(
            "this model needs transformers, the hf extra: pip install 'evalmm-ja[hf]'"
        ) from None

    return str(transformers.__version__)


def dtype_kwargs(dtype: Any, version: str | None = None) -> dict[str, Any]:
    """The from_pretrained keyword for the weights dtype under `version` (the installed one
    by default)."""
    version = version or installed_transformers()
    name = "dtype" if release(version) >= release(DTYPE_KWARG_SINCE) else "torch_dtype"
    return {name: dtype}


def in_range(version: str, bounds: tuple[str | None, str | None]) -> bool:
    low, high = bounds
    v = release(version)
    if low is not None and v < release(low):
        return False
    return not (high is not None and v >= release(high))


def requirement(bounds: tuple[str | None, str | None]) -> str:
    """The pip requirement for a range, e.g. `transformers>=4.45,<4.50`."""
    low, high = bounds
    parts = [p for p in (f">={low}" if low else "", f"<{high}" if high else "") if p]
    return "transformers" + ",".join(parts)


def check_transformers(
    model: str,
    bounds: tuple[str | None, str | None],
    constraints: str | None = None,
    version: str | None = None,
) -> None:
    """A UserError naming the version to install when `version` (the installed one by
    default) is outside the family's range."""
    if bounds == (None, None):
        return
    version = version or installed_transformers()
    if in_range(version, bounds):
        return
    hint = f" (or: pip install -c {constraints} 'evalmm-ja[hf]')" if constraints else ""
    raise UserError(
        f"model {model} runs on {requirement(bounds)}, but transformers {version} is "
        f"installed; use a separate environment with: pip install '{requirement(bounds)}'{hint}"
    )


# Constraint files (repository root, constraints/) for the ranges the catalog uses.
CONSTRAINTS: dict[tuple[str | None, str | None], str] = {
    (None, "4.50"): "constraints/transformers-legacy.txt",
    ("4.45", "4.46"): "constraints/transformers-4.45.txt",
    ("4.46", "4.47"): "constraints/transformers-4.46.txt",
    ("4.47", "4.48"): "constraints/transformers-4.47.txt",
    ("4.48", "4.49"): "constraints/transformers-4.48.txt",
}


def constraints_file(bounds: tuple[str | None, str | None]) -> str | None:
    return CONSTRAINTS.get(bounds)
