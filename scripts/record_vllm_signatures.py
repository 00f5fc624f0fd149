"""Record the vLLM names the vLLM adapter relies on, from vLLM's source, without importing it.

    python scripts/record_vllm_signatures.py SRC          # SRC holds the `vllm/` package
    python scripts/record_vllm_signatures.py --installed  # the installed vllm's files

SRC may be a git checkout, an unpacked wheel or a site-packages folder; nothing is imported
(vLLM needs a GPU stack to import), every name is read with `ast`. The result, written to
tests/models/data/vllm_signatures.json, is what tests/models/test_vllm_signatures.py checks
the adapter's keyword arguments and request shapes against. Rerun it when moving the
supported vLLM version, and commit the new file with the adapter changes it calls for.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "tests" / "models" / "data" / "vllm_signatures.json"


class Source:
    """The `vllm` package under `root`, searched by class and variable name."""

    def __init__(self, root: Path) -> None:
        self.pkg = root / "vllm"
        if not (self.pkg / "__init__.py").is_file():
            raise SystemExit(f"{root} has no vllm/__init__.py")
        self.files = sorted(self.pkg.rglob("*.py"))
        self._trees: dict[Path, ast.Module] = {}
        self._texts: dict[Path, str] = {}

    def text(self, path: Path) -> str:
        if path not in self._texts:
            self._texts[path] = path.read_text(encoding="utf-8", errors="replace")
        return self._texts[path]

    def tree(self, path: Path) -> ast.Module:
        if path not in self._trees:
            self._trees[path] = ast.parse(self.text(path), str(path))
        return self._trees[path]

    def find(self, pattern: str) -> list[Path]:
        rx = re.compile(pattern, re.MULTILINE)
        return [p for p in self.files if rx.search(self.text(p))]

    def maybe_cls(self, name: str) -> ast.ClassDef | None:
        for path in self.find(rf"^class {re.escape(name)}\b"):
            for node in self.tree(path).body:
                if isinstance(node, ast.ClassDef) and node.name == name:
                    return node
        return None

    def cls(self, name: str) -> ast.ClassDef:
        node = self.maybe_cls(name)
        if node is None:
            raise SystemExit(f"class {name} not found under {self.pkg}")
        return node

    def assignment(self, name: str) -> ast.expr:
        for path in self.find(rf"^{re.escape(name)}\s*[:=]"):
            for node in self.tree(path).body:
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                else:
                    continue
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return value
        raise SystemExit(f"{name} not found under {self.pkg}")


def _is_classvar(node: ast.AnnAssign) -> bool:
    return "ClassVar" in ast.unparse(node.annotation)


def fields(node: ast.ClassDef, private: bool = False) -> list[str]:
    """Annotated class attributes: a dataclass's, msgspec Struct's or TypedDict's fields."""
    out = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            name = item.target.id
            if not _is_classvar(item) and (private or not name.startswith("_")):
                out.append(name)
    return out


def typed_dict_keys(src: Source, name: str) -> list[str]:
    """A TypedDict's keys, its bases' included (bases found by name in the same package)."""
    node = src.cls(name)
    keys: list[str] = []
    for base in node.bases:
        base_name = ast.unparse(base)
        if base_name not in ("TypedDict", "typing.TypedDict", "typing_extensions.TypedDict"):
            keys += typed_dict_keys(src, base_name.split(".")[-1])
    return keys + fields(node, private=True)


def method(node: ast.ClassDef, name: str) -> ast.FunctionDef:
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == name:
            return item
    raise SystemExit(f"{node.name}.{name} not found")


def params(fn: ast.FunctionDef) -> dict[str, Any]:
    a = fn.args
    names = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
    return {
        "params": [n for n in names if n != "self"],
        # Names that may be passed by position, in order (the adapter passes two so).
        "positional": [x.arg for x in (*a.posonlyargs, *a.args) if x.arg != "self"],
        "var_keyword": a.kwarg is not None,
    }


def methods(src: Source, name: str) -> list[str]:
    """Public methods of a class and of the bases defined in the package."""
    node = src.cls(name)
    out = {i.name for i in node.body if isinstance(i, ast.FunctionDef | ast.AsyncFunctionDef)}
    for base in node.bases:
        base_name = ast.unparse(base).split(".")[-1]
        if src.maybe_cls(base_name) is not None:  # not a base from elsewhere (Generic, ...)
            out |= set(methods(src, base_name))
    return sorted(m for m in out if not m.startswith("_") or m == "__init__")


def self_attributes(fn: ast.FunctionDef) -> list[str]:
    names = set()
    for node in ast.walk(fn):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if (
                isinstance(t, ast.Attribute)
                and isinstance(t.value, ast.Name)
                and t.value.id == "self"
                and not t.attr.startswith("_")
            ):
                names.add(t.attr)
    return sorted(names)


def literal_keys(expr: ast.expr) -> list[str]:
    if isinstance(expr, ast.Dict):
        return [str(k.value) for k in expr.keys if isinstance(k, ast.Constant)]
    return [str(v) for v in ast.literal_eval(expr)]


def version(src: Source) -> tuple[str, str | None]:
    path = src.pkg / "_version.py"
    if not path.is_file():
        return "unknown", None
    text = path.read_text(encoding="utf-8")
    ver = re.search(r"__version__\s*=\s*(?:version\s*=\s*)?['\"]([^'\"]+)", text)
    commit = re.search(r"commit_id\s*=\s*['\"]([^'\"]+)", text)
    return (ver.group(1) if ver else "unknown"), (commit.group(1) if commit else None)


def record(root: Path, source_note: str) -> dict[str, Any]:
    src = Source(root)
    llm = src.cls("LLM")
    init = method(llm, "__init__")
    ver, commit = version(src)
    return {
        "vllm_version": ver,
        "vllm_commit": commit,
        "source": source_note,
        "recorded_by": "scripts/record_vllm_signatures.py",
        "LLM.__init__": params(init),
        "LLM.attributes": self_attributes(init),
        "LLM.methods": methods(src, "LLM"),
        "LLM.chat": params(method(llm, "chat")),
        "LLM.generate": params(method(llm, "generate")),
        "EngineArgs": fields(src.cls("EngineArgs")),
        "SamplingParams": fields(src.cls("SamplingParams")),
        "CompletionOutput": fields(src.cls("CompletionOutput")),
        "ModelConfig.methods": methods(src, "ModelConfig"),
        "TextPrompt": typed_dict_keys(src, "TextPrompt"),
        "MultiModalDataBuiltins": typed_dict_keys(src, "MultiModalDataBuiltins"),
        "chat_content_part_types": literal_keys(src.assignment("MM_PARSER_MAP")),
        "finish_reasons": literal_keys(src.assignment("FINISH_REASON_STRINGS")),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", nargs="?", type=Path, help="folder holding the vllm package")
    ap.add_argument("--installed", action="store_true", help="the installed vllm's source")
    ap.add_argument("--source-note", default=None, help="where SRC came from (recorded)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if args.installed:
        found = importlib.util.find_spec("vllm")  # locates the package without running it
        if found is None or found.origin is None:
            raise SystemExit("vllm is not installed here")
        root, note = Path(found.origin).parents[1], "installed vllm"
    elif args.src is not None:
        root, note = args.src, f"vllm source folder {args.src.name}"
    else:
        ap.error("give SRC or --installed")
    data = record(root, args.source_note or note)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    print(f"vllm {data['vllm_version']} ({data['vllm_commit']}): {counts} -> {args.out}")
    sys.exit(0)


if __name__ == "__main__":
    main()
