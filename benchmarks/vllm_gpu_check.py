"""The vLLM adapter on a real GPU: what the CPU tests could only check against a stand-in.

    PYTHONPATH=. python benchmarks/vllm_gpu_check.py        # needs CUDA and vllm installed

1. The installed vLLM's signatures against the recorded ones (tests/models/data/
   vllm_signatures.json): every name the adapter can pass must still exist.
2. `eval-mm run -m vllm:FOLDER` on a small random LLaVA built offline (hidden 256), tiny-mm
   task (12 samples, half with two images), chunks of 4, max_images=2 but vLLM's image
   limit 1: the one-image samples must be answered with finish_reason and token counts, the
   two-image ones refused by vLLM and recorded as failures, the card must carry the
   checkpoint's decoding record.
3. The same run with the transformers adapter (float32 both): greedy agreement per sample.

Prints PASS/FAIL lines and exits 1 on a failure. Nothing is downloaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FAILED: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILED.append(what)


def adapter_names() -> dict[str, set[str]]:
    """Every name the adapter can hand to vLLM (as the signature test builds them)."""
    from eval_mm.core.model import GenerationConfig
    from eval_mm.models.checkpoint_generation import ALWAYS, WHEN_SAMPLING
    from eval_mm.models.vllm_args import ENGINE_OPTIONS, sampling_kwargs

    base = {"model", "limit_mm_per_prompt", "trust_remote_code", "dtype", "revision"}
    sampling = set(sampling_kwargs(GenerationConfig(do_sample=True), ("x",))) | set(ALWAYS)
    return {
        "engine": base | set(ENGINE_OPTIONS),
        "SamplingParams": sampling | set(WHEN_SAMPLING) | {"min_tokens", "detokenize"},
        "LLM.chat": {"use_tqdm"},
        "LLM.generate": {"use_tqdm"},
    }


def signatures(tmp: Path) -> None:
    out = tmp / "installed.json"
    recorder = str(ROOT / "scripts" / "record_vllm_signatures.py")
    subprocess.run([sys.executable, recorder, "--installed", "--out", str(out)], check=True)
    now = json.loads(out.read_text(encoding="utf-8"))
    then = json.loads((ROOT / "tests/models/data/vllm_signatures.json").read_text("utf-8"))
    print(f"installed vllm {now['vllm_version']}, recorded {then['vllm_version']}")
    have = {
        "engine": set(now["LLM.__init__"]["params"]) | set(now["EngineArgs"]),
        "SamplingParams": set(now["SamplingParams"]),
        "LLM.chat": set(now["LLM.chat"]["params"]),
        "LLM.generate": set(now["LLM.generate"]["params"]),
    }
    for key, names in adapter_names().items():
        missing = sorted(names - have[key])
        check(not missing, f"{key}: every name the adapter passes exists {missing or ''}")
    for key in ("EngineArgs", "SamplingParams", "CompletionOutput", "finish_reasons"):
        gone = sorted(set(then[key]) - set(now[key]))
        new = sorted(set(now[key]) - set(then[key]))
        print(f"  {key}: {len(gone)} recorded names gone {gone[:8]}, {len(new)} new {new[:8]}")


def cli_run(model: str, out: Path, *options: str) -> Path:
    cmd = [sys.executable, "-m", "tests.models.tinytask", "run", "-m", model]
    cmd += ["--task", "tiny-mm", "--task-option", "n=12", "-o", str(out), "--batch-size", "4"]
    cmd += ["--max-new-tokens", "16", "--max-error-share", "1", "--no-save-images"]
    cmd += ["--no-progress", *options]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    check(proc.returncode == 0, f"eval-mm run -m {model[:40]} exits 0")
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
    runs = sorted(p.parent for p in out.rglob("run.json"))
    return runs[0] if runs else out


def predictions(run: Path) -> dict[str, dict[str, Any]]:
    path = run / "predictions.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {r["id"]: r for r in rows}


def end_to_end(tmp: Path) -> None:
    from eval_mm.models.tiny import build_llava

    folder = build_llava(tmp / "llava-small", hidden=256, layers=2)
    vllm_opts = ["dtype=float32", "max_images=2", 'limit_mm_per_prompt={"image": 1}']
    vllm_opts += ["gpu_memory_utilization=0.3", "enforce_eager=true"]
    run = cli_run(
        f"vllm:{folder}", tmp / "vllm", *(x for o in vllm_opts for x in ("--model-option", o))
    )
    got = predictions(run)
    check(len(got) == 12, f"12 predictions saved ({len(got)})")
    one = {i: r for i, r in got.items() if int(i[1:]) % 2 == 0}
    two = {i: r for i, r in got.items() if int(i[1:]) % 2 == 1}
    check(
        all(
            r["error"] is None and r.get("finish_reason") in ("stop", "length")
            for r in one.values()
        )
        and all(0 < r.get("output_tokens", 0) <= 16 for r in one.values()),
        "one-image samples answered, with finish_reason and 1..16 output tokens",
    )
    check(
        all(r["error"] and r.get("error_kind") == "permanent" for r in two.values()),
        "two-image samples refused by vLLM and recorded as permanent failures: "
        + str(next(iter(two.values()), {}).get("error")),
    )
    card = json.loads((run / "run.json").read_text(encoding="utf-8")) if run.is_dir() else {}
    model = card.get("model", {})
    check(
        "checkpoint_decoding" in model,
        f"card records the checkpoint's decoding: {model.get('checkpoint_decoding')}",
    )
    hf = predictions(cli_run(str(folder), tmp / "hf", "--model-option", "device=cuda"))
    same = [i for i in one if hf.get(i, {}).get("output") == one[i]["output"]]
    print(f"greedy agreement vLLM vs transformers (float32, one-image): {len(same)}/{len(one)}")
    for i in sorted(one):
        print(f"  {i}: vllm {one[i]['output']!r:40.40} hf {hf.get(i, {}).get('output')!r:40.40}")


def main() -> None:
    try:
        import torch
        import vllm
    except ImportError as exc:
        raise SystemExit(f"needs torch and vllm installed (with CUDA): {exc}") from None
    if not torch.cuda.is_available():
        raise SystemExit("needs a CUDA GPU: torch.cuda.is_available() is False")
    print(f"vllm {vllm.__version__}, torch {torch.__version__}, {torch.cuda.get_device_name()}")
    with tempfile.TemporaryDirectory() as tmp:
        signatures(Path(tmp))
        end_to_end(Path(tmp))
    print("FAILED: " + "; ".join(FAILED) if FAILED else "all vLLM GPU checks passed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
