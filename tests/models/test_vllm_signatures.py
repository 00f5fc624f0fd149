"""Every name the vLLM adapter hands to vLLM exists in vLLM, as recorded from its source.

tests/models/data/vllm_signatures.json is written by scripts/record_vllm_signatures.py from
a vLLM source tree (the version it names); vLLM itself cannot run here. A keyword vLLM does
not take fails these tests: LLM(...) raises TypeError in EngineArgs, SamplingParams(...) on
an unknown field, chat()/generate() on an unknown keyword.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from eval_mm.core.model import PROFILES, GenerationConfig
from eval_mm.core.sample import Sample, user_turn
from eval_mm.models import vllm_engine
from eval_mm.models.catalog import CATALOG, ModelSpec
from eval_mm.models.checkpoint_generation import ALWAYS, WHEN_SAMPLING, checkpoint_decoding
from eval_mm.models.formats import FIXED
from eval_mm.models.vllm_args import ENGINE_OPTIONS, build_request, engine_args, sampling_kwargs
from eval_mm.models.vllm_engine import VLLMModel
from tests.support import fake_vllm
from tests.support.fake_vllm import engine_arg_names, signatures

SIG = signatures()
ROOT = Path(__file__).resolve().parents[2]

# One value for every engine option a user may set (a new option must be added here).
ALL_OPTIONS: dict[str, Any] = {
    "tensor_parallel_size": 2,
    "pipeline_parallel_size": 2,
    "distributed_executor_backend": "ray",
    "max_model_len": 4096,
    "gpu_memory_utilization": 0.8,
    "max_num_seqs": 64,
    "enforce_eager": True,
    "seed": 1,
    "dtype": "float16",
    "quantization": "awq",
    "tokenizer_mode": "slow",
    "download_dir": "/tmp/hf",
    "revision": "0123abc",
    "trust_remote_code": True,
    "limit_mm_per_prompt": {"image": 2},
    "mm_processor_kwargs": {"num_crops": 4},
    "enable_prefix_caching": True,
}


def unknown(kwargs: dict[str, Any], known: set[str]) -> set[str]:
    return set(kwargs) - known


def test_the_fixture_names_its_vllm_version_and_holds_the_signatures() -> None:
    assert SIG["vllm_version"][0].isdigit() and SIG["recorded_by"]
    assert "model" in SIG["LLM.__init__"]["params"] and SIG["LLM.__init__"]["var_keyword"]
    assert len(SIG["EngineArgs"]) > 50 and "max_tokens" in SIG["SamplingParams"]


def test_every_user_option_is_an_engine_argument() -> None:
    assert set(ALL_OPTIONS) == set(ENGINE_OPTIONS)
    assert unknown(ALL_OPTIONS, engine_arg_names()) == set()


@pytest.mark.parametrize("options", [{}, ALL_OPTIONS], ids=["catalog", "every-option"])
def test_engine_args_of_every_catalog_model_are_known_to_vllm(options: dict[str, Any]) -> None:
    known = engine_arg_names()
    for spec in CATALOG.values():
        args = engine_args(spec.name, spec, options, 4)
        assert unknown(args, known) == set(), spec.name
    assert unknown(engine_args("org/model", None, options, 4), known) == set()


def test_an_unknown_engine_argument_is_caught() -> None:
    """The check can fail: swap_space left EngineArgs before vLLM 0.34 (the adapter no longer
    offers it), and a catalog entry naming it would be flagged."""
    assert "swap_space" not in engine_arg_names()
    spec = ModelSpec("m", "org/m", vllm={"swap_space": 4})
    assert unknown(engine_args("m", spec, {}, 4), engine_arg_names()) == {"swap_space"}
    with pytest.raises(TypeError, match="swap_space"):
        fake_vllm.LLM(model="org/m", swap_space=4)


CHECKPOINT = {k: 1.1 for k in ALWAYS} | {k: 0.05 if k == "min_p" else 20 for k in WHEN_SAMPLING}
CONFIGS = [
    GenerationConfig(),
    GenerationConfig(do_sample=True, temperature=0.7, top_p=0.9, seed=3),
    *PROFILES.values(),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_sampling_params_are_vllm_fields(config: GenerationConfig) -> None:
    fields = set(SIG["SamplingParams"])
    for stop in ((), ("\n###",)):
        kw = sampling_kwargs(config, stop, checkpoint_decoding(CHECKPOINT, config))
        assert unknown(kw, fields) == set()
    assert set(checkpoint_decoding(CHECKPOINT, GenerationConfig(do_sample=True))) == set(CHECKPOINT)
    with pytest.raises(TypeError, match="min_new_tokens"):
        fake_vllm.SamplingParams(max_tokens=4, min_new_tokens=4)  # transformers' name


def test_the_calls_the_adapter_makes_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the stand-in engine, which checks positional and keyword arguments against
    the recorded signatures of LLM.__init__, LLM.chat, LLM.generate and SamplingParams."""
    fake_vllm.install(monkeypatch)
    monkeypatch.setattr(vllm_engine, "check_available", lambda *a, **k: None)
    # A fixed prompt format goes through LLM.generate (catalog models with one have input
    # hooks, which vLLM refuses): the format given as an option.
    for name, opts in (("qwen2-vl-7b", ALL_OPTIONS), ("qwen2-vl-7b", {"prompt_format": "asagi"})):
        model = VLLMModel(name, spec=CATALOG[name], **opts)
        model.generate(
            [Sample("a", user_turn("東京", [Image.new("RGB", (4, 4))]), ["x"])],
            GenerationConfig(do_sample=True),
        )
        kind, _ = model.llm.calls[-1]
        sig = SIG["LLM.chat" if kind == "chat" else "LLM.generate"]
        assert sig["positional"][1] == "sampling_params"  # the adapter's second argument
        assert unknown(model.llm.call_kwargs[-1], set(sig["params"])) == set()
    assert {k for k, _ in (c for m in fake_vllm.LLM.instances for c in m.calls)} == {
        "chat",
        "prompt",
    }


def _accessed(source: str, owner: str) -> set[str]:
    """Attribute names the adapter reads on `owner` (e.g. "self.llm", "completion")."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) == owner:
            out.add(node.attr)
    return out


def test_the_adapter_reads_only_what_vllm_objects_have() -> None:
    source = (ROOT / "eval_mm" / "models" / "vllm_engine.py").read_text(encoding="utf-8")
    llm = set(SIG["LLM.methods"]) | set(SIG["LLM.attributes"])
    assert _accessed(source, "self.llm") <= llm
    assert _accessed(source, "llm") <= llm
    assert _accessed(source, "completion") <= set(SIG["CompletionOutput"])
    assert {"try_get_generation_config"} <= set(SIG["ModelConfig.methods"])
    assert set(vllm_engine._UNANSWERED) | {"stop", "length"} <= set(SIG["finish_reasons"])


RED, BLUE = Image.new("RGB", (5, 4), "red"), Image.new("RGB", (6, 3), "blue")


def test_chat_requests_are_openai_style_messages_vllm_parses() -> None:
    req = build_request(Sample("a", user_turn("<image>東京", [RED, BLUE]), ["x"]), "chat", 4)
    assert req.kind == "chat" and isinstance(req.payload, list)
    for message in req.payload:
        assert set(message) == {"role", "content"} and message["role"] == "user"
        for part in message["content"]:
            assert part["type"] in SIG["chat_content_part_types"]
            if part["type"] == "image_url":
                assert set(part["image_url"]) == {"url"}
                assert part["image_url"]["url"].startswith("data:image/png;base64,")
            else:
                assert set(part) == {"type", "text"} and isinstance(part["text"], str)


@pytest.mark.parametrize("prompt_format", sorted(FIXED))
def test_prompt_requests_are_text_prompts_with_multimodal_data(prompt_format: str) -> None:
    req = build_request(Sample("a", user_turn("東京", [RED]), ["x"]), prompt_format, 4)
    assert req.kind == "prompt"
    assert set(req.payload) <= set(SIG["TextPrompt"]) and isinstance(req.payload["prompt"], str)
    data = req.payload["multi_modal_data"]
    assert set(data) <= set(SIG["MultiModalDataBuiltins"]) and data["image"].size == (5, 4)


MINI_VLLM = {
    "__init__.py": "",
    "_version.py": "__version__ = version = '9.1.0'\n__commit_id__ = commit_id = 'gabc'\n",
    "entrypoints/llm.py": (
        "class Mixin:\n    def enqueue(self): ...\n"
        "class LLM(Mixin):\n"
        "    def __init__(self, model: str, *, seed: int = 0, **kwargs):\n"
        "        self.model_config = None\n"
        "    def chat(self, messages, sampling_params=None, use_tqdm=True): ...\n"
        "    def generate(self, prompts, sampling_params=None, *, use_tqdm=True): ...\n"
    ),
    "engine/arg_utils.py": "class EngineArgs:\n    model: str = ''\n    max_num_seqs: int = 1\n",
    "sampling_params.py": (
        "class SamplingParams:\n    n: int = 1\n    _eos: int = 0\n    X: 'ClassVar[int]' = 1\n"
    ),
    "outputs.py": "class CompletionOutput:\n    text: str\n    token_ids: list\n",
    "config/model.py": "class ModelConfig:\n    def try_get_generation_config(self): ...\n",
    "inputs/llm.py": (
        "from typing import TypedDict\n"
        "class _Opts(TypedDict):\n    multi_modal_data: dict\n"
        "class TextPrompt(_Opts):\n    prompt: str\n"
        "class MultiModalDataBuiltins(TypedDict, total=False):\n    image: object\n"
    ),
    "chat.py": "MM_PARSER_MAP: dict[\n    str, int\n] = {'text': 1, 'image_url': 2}\n",
    "v1/engine/__init__.py": "FINISH_REASON_STRINGS = ('stop', 'length')\n",
}


def test_the_recorder_reads_signatures_from_source_without_importing_it(tmp_path: Path) -> None:
    import importlib.util

    for rel, text in MINI_VLLM.items():
        path = tmp_path / "vllm" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\nraise SystemExit('imported')\n" if rel == "__init__.py" else text)
    loaded = importlib.util.spec_from_file_location(
        "record_vllm_signatures", ROOT / "scripts" / "record_vllm_signatures.py"
    )
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    got = module.record(tmp_path, "mini")
    assert (got["vllm_version"], got["vllm_commit"]) == ("9.1.0", "gabc")
    assert got["LLM.__init__"] == {
        "params": ["model", "seed"],
        "positional": ["model"],
        "var_keyword": True,
    }
    assert got["LLM.generate"]["positional"] == ["prompts", "sampling_params"]
    assert got["LLM.methods"] == ["__init__", "chat", "enqueue", "generate"]
    assert got["LLM.attributes"] == ["model_config"]
    assert got["EngineArgs"] == ["model", "max_num_seqs"]
    assert got["SamplingParams"] == ["n"]  # private and ClassVar names left out
    assert got["TextPrompt"] == ["multi_modal_data", "prompt"]
    assert got["chat_content_part_types"] == ["text", "image_url"]
    assert got["finish_reasons"] == ["stop", "length"]


def test_the_docs_name_the_recorded_vllm_version() -> None:
    docs = (ROOT / "docs" / "models.md").read_text(encoding="utf-8")
    assert f"vLLM {SIG['vllm_version']}" in docs and str(SIG["vllm_commit"]) in docs
