"""The generic transformers adapter on tiny random LLaVA and Idefics3 checkpoints, through
the real CLI: one and two images per sample, batched greedy output = one at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from eval_mm.core.model import GenerationConfig, GenerationFailure
from eval_mm.core.sample import Sample, user_turn
from eval_mm.data import DataSource
from eval_mm.errors import UserError
from eval_mm.store import read_jsonl
from tests.models.conftest import run_tiny_cli

FAMILIES = ["llava", "idefics3"]


def _run(model: Path, out: Path, batch: int) -> Path:
    proc = run_tiny_cli(
        "run",
        "--model",
        str(model),
        "--task",
        "tiny-mm",
        "-o",
        str(out),
        "--batch-size",
        str(batch),
        "--max-new-tokens",
        "6",
        "--no-save-images",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = sorted(p.parent for p in out.rglob("run.json"))
    assert len(runs) == 1
    return runs[0]


@pytest.mark.parametrize("family", FAMILIES)
def test_cli_batched_greedy_equals_one_at_a_time(
    family: str, tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    from eval_mm.core.task import TaskOptions
    from eval_mm.models import resolve_model
    from tests.models.tinytask import TinyMultiImage

    batched = _run(tiny_models[family], tmp_path, 8)
    pb = {r["id"]: r for r in read_jsonl(batched / "predictions.jsonl")}
    assert len(pb) == 8 and all(r["error"] is None for r in pb.values())
    # One sample per generate call, in this process: the same greedy outputs.
    model = resolve_model(str(tiny_models[family]), {"batch_size": 1})
    cfg = GenerationConfig(max_new_tokens=6)
    samples = TinyMultiImage(TaskOptions()).samples(DataSource("tiny"))
    single = {s.id: model.generate([s], cfg)[0] for s in samples}
    model.close()
    # The backend returns Generations; the runner stores their fields.
    assert {i: r["output"] for i, r in pb.items()} == {i: g.text for i, g in single.items()}
    assert {i: r["finish_reason"] for i, r in pb.items()} == {
        i: g.finish_reason for i, g in single.items()
    }
    single = {i: g.text for i, g in single.items()}
    # A random model still says something, and not the same thing for every input.
    assert len(set(single.values())) > 1
    samples = read_jsonl(batched / "samples.jsonl")
    assert {s["metadata"]["n_images"] for s in samples} == {1, 2}
    card = json.loads((batched / "run.json").read_text(encoding="utf-8"))
    assert card["model"]["backend"] == "transformers"
    assert card["model"]["source"] == "local"
    assert card["model"]["settings"]["padding_side"] == "left"
    assert card["model"]["settings"]["dtype_loaded"] == "float32"
    assert card["generation"]["max_new_tokens"] == 6 and card["generation"]["do_sample"] is False
    assert card["batch_size"] == 8


def _samples() -> list[Sample]:
    imgs = [
        Image.new("RGB", (40 + 7 * k, 30 + 3 * k), c)
        for k, c in enumerate(["red", "blue", "green"])
    ]
    return [
        Sample(f"s{k}", user_turn("東京は大きな都市です。" * (1 + k % 3), imgs[: 1 + k % 2]), ["x"])
        for k in range(6)
    ]


@pytest.fixture(scope="module")
def llava(tiny_models: dict[str, Path]):  # type: ignore[no-untyped-def]
    from eval_mm.models import resolve_model

    model = resolve_model(str(tiny_models["llava"]), {"batch_size": 6})
    yield model
    model.close()


def test_two_images_reach_the_model_as_two_images(llava) -> None:  # type: ignore[no-untyped-def]
    two = _samples()[1]
    prompt = llava.render(two)
    assert prompt.text.count("<image>") == 2 and len(prompt.images) == 2
    enc = llava._inputs([prompt])
    assert enc["pixel_values"].shape[0] == 2


def test_cuda_oom_halves_the_batch_and_keeps_outputs(llava, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import torch

    cfg = GenerationConfig(max_new_tokens=5)
    expected = llava.generate(_samples(), cfg)
    real_run, sizes = llava._run, []

    def fake_run(prompts, config):  # type: ignore[no-untyped-def]
        sizes.append(len(prompts))
        if len(prompts) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_run(prompts, config)

    monkeypatch.setattr(llava, "_run", fake_run)
    assert llava.generate(_samples(), cfg) == expected
    assert sizes[:3] == [6, 3, 1] and max(sizes[3:]) == 1


def test_oom_with_a_batch_of_one_is_a_recorded_failure(llava, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import torch

    def always_oom(prompts, config):  # type: ignore[no-untyped-def]
        raise torch.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(llava, "_run", always_oom)
    out = llava.generate(_samples()[:1], GenerationConfig(max_new_tokens=3))
    assert isinstance(out[0], GenerationFailure) and "out of memory" in out[0].reason


def test_other_errors_propagate_so_the_runner_isolates_samples(llava, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(llava, "_run", lambda p, c: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError, match="boom"):
        llava.generate(_samples(), GenerationConfig(max_new_tokens=3))


def test_unknown_option_is_a_user_error(tiny_models: dict[str, Path]) -> None:
    from eval_mm.models import resolve_model

    with pytest.raises(UserError, match="flash"):
        resolve_model(str(tiny_models["llava"]), {"flash": True})


@pytest.mark.parametrize(
    ("model", "needle"),
    [
        ("evovlm-jp-v2", "pip install git+https://github.com/TIGER-AI-Lab/Mantis.git"),
        ("llm-jp/llm-jp-3-vila-14b", "llm-jp-VILA"),
    ],
)
def test_models_needing_uninstallable_code_fail_with_install_hint(
    model: str, needle: str, tmp_path: Path
) -> None:
    proc = run_tiny_cli("run", "--model", model, "--task", "tiny-mm", "-o", str(tmp_path))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_a_missing_checkpoint_folder_is_a_user_error(tmp_path: Path) -> None:
    from eval_mm.models import resolve_model

    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="could not load"):
        resolve_model(str(tmp_path / "empty"))


def test_card_records_the_checkpoints_own_generation_defaults(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    """`generate` merges the checkpoint's generation_config.json (a repetition penalty, say)
    into every call: the card must say so, since it changes the outputs."""
    import shutil

    from eval_mm.models import resolve_model

    folder = tmp_path / "llava-rp"
    shutil.copytree(tiny_models["llava"], folder)
    path = folder / "generation_config.json"
    gen = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**gen, "repetition_penalty": 3.0}), encoding="utf-8")
    model = resolve_model(str(folder), {"batch_size": 2})
    cfg = GenerationConfig(max_new_tokens=6)
    out = model.generate(_samples()[:2], cfg)
    card = model.card()
    model.close()
    plain = resolve_model(str(tiny_models["llava"]), {"batch_size": 2})
    assert plain.generate(_samples()[:2], cfg) != out  # the penalty was really applied
    assert "repetition_penalty" not in plain.card()["checkpoint_generation_config"]
    plain.close()
    assert card["checkpoint_generation_config"]["repetition_penalty"] == 3.0
