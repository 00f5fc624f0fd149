"""benchmarks/generation.py --backend vllm, run against the stand-in engine: its options,
sampling extras and calls are the ones vLLM takes (the GPU run itself is the lead's)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import fake_vllm

ROOT = Path(__file__).resolve().parents[2]


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generation_bench", ROOT / "benchmarks" / "generation.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_vllm_mode_runs_through_the_adapter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("transformers")
    fake_vllm.install(monkeypatch)
    args = ["--backend", "vllm", "--config", "tiny", "--samples", "6", "--sizes", "2,4"]
    _benchmark().main([*args, "--single", "3", "--new-tokens", "5"])
    out = capsys.readouterr().out
    assert "vllm 0.34.0+fake" in out and "'gpu_memory_utilization': 0.5" in out
    assert "requests per call    1:" in out and "(3 samples in" in out
    assert "speed-up 4 per call / one at a time" in out
    (llm,) = fake_vllm.LLM.instances
    sizes = [len(texts) for _, texts in llm.calls]
    assert sizes == [6, 1, 1, 1, 2, 2, 2, 4, 2]  # warm-up, then 1, 2 and 4 per call
    assert llm.params[-1].kw["min_tokens"] == 5 and llm.params[-1].kw["detokenize"] is False


def test_the_vllm_mode_says_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vllm", None)  # import vllm -> ImportError
    with pytest.raises(SystemExit, match="needs vllm installed"):
        _benchmark().main(["--backend", "vllm", "--config", "tiny", "--samples", "2"])
