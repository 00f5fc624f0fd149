"""Generation throughput of the transformers or vLLM adapter: batched vs one at a time.

    .venv/bin/python benchmarks/generation.py                       # tiny LLaVA on CPU
    python benchmarks/generation.py --device cuda --config 2b       # 2B-class LLaVA, bf16
    python benchmarks/generation.py --backend vllm                  # the same 2B under vLLM

`tiny` is the test checkpoint (hidden 32, 2 layers). `2b` is a randomly initialised LLaVA
with a CLIP-L/14-336 vision tower (576 image tokens) and a Qwen2-1.5B-sized text model
(hidden 1536, 28 layers, 12 heads, 2 KV heads, vocab 151,936): about 1.85B parameters.
Both are built offline. Every sample decodes exactly --new-tokens tokens (min = max), so
batched and one-at-a-time runs do the same work. Prints samples/s and generated tokens/s.

`--backend vllm` (needs a CUDA GPU and vllm installed; nothing is downloaded) serves the
same checkpoint through eval-mm's vLLM adapter: each size is the number of requests per
`generate` call (the adapter's chunk, `batch_size`), 1 being one request at a time. Its
outputs are not detokenized (the random model draws ids beyond the small test tokenizer's
vocabulary). It also prints peak GPU memory: torch's counter in this process (vLLM's
engine runs in a child process, so this is near zero unless VLLM_ENABLE_V1_MULTIPROCESSING=0)
and nvidia-smi's per-GPU and per-process use, which includes the KV cache vLLM reserves
(--gpu-memory-utilization of the GPU).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from eval_mm.core.model import GenerationConfig
from eval_mm.core.sample import Sample, user_turn
from eval_mm.models.tiny import build_llava

QUESTIONS = ["この画像を見て、次の質問に答えてください。", "東京は大きな都市です。", "私は猫です。"]


def samples(n: int) -> list[Sample]:
    out = []
    for k in range(n):
        img = Image.new("RGB", (64 + 8 * (k % 5), 48 + 4 * (k % 3)), (40 * k % 255, 90, 160))
        ImageDraw.Draw(img).ellipse((5, 5, 30, 30), fill="white")
        prompt = QUESTIONS[k % 3] * (1 + k % 4)
        out.append(Sample(f"b{k:04d}", user_turn(prompt, [img]), ["x"]))
    return out


def build_2b(folder: Path) -> Path:
    import torch
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
    )

    from eval_mm.models.tiny import LLAVA_TEMPLATE, tokenizer

    tok = tokenizer(
        ["<pad>", "<s>", "</s>", "<image>"], pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )
    processor = LlavaProcessor(
        image_processor=CLIPImageProcessor(
            size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336}
        ),
        tokenizer=tok,
        chat_template=LLAVA_TEMPLATE,
        patch_size=14,
        vision_feature_select_strategy="default",
        image_token="<image>",
        num_additional_image_tokens=1,
    )
    vision = CLIPVisionConfig(
        hidden_size=1024,
        intermediate_size=4096,
        num_hidden_layers=24,
        num_attention_heads=16,
        image_size=336,
        patch_size=14,
        projection_dim=768,
    )
    text = LlamaConfig(
        vocab_size=151936,
        hidden_size=1536,
        intermediate_size=8960,
        num_hidden_layers=28,
        num_attention_heads=12,
        num_key_value_heads=2,
        max_position_embeddings=32768,
        rope_parameters={"rope_type": "default", "rope_theta": 1e6},
        tie_word_embeddings=True,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        bos_token_id=tok.bos_token_id,
    )
    config = LlavaConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=tok.convert_tokens_to_ids("<image>"),
        vision_feature_layer=-2,
        vision_feature_select_strategy="default",
    )
    torch.manual_seed(0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        model = LlavaForConditionalGeneration(config).to(torch.bfloat16).eval()  # type: ignore[arg-type]
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def measure(model: Any, batch: list[Sample], size: int, new_tokens: int) -> float:
    cfg = GenerationConfig(max_new_tokens=new_tokens, extra={"min_new_tokens": new_tokens})
    model.micro_batch_size = size
    t0 = time.perf_counter()
    for start in range(0, len(batch), size):
        model.generate(batch[start : start + size], cfg)
    return time.perf_counter() - t0


def gpu_memory() -> str:
    """Peak GPU memory as torch counts it here, and what nvidia-smi sees in use."""
    import torch

    lines = []
    if torch.cuda.is_available():
        peak = torch.cuda.max_memory_allocated() / 2**30
        lines.append(f"torch.cuda.max_memory_allocated (this process): {peak:.2f} GiB")
    if shutil.which("nvidia-smi"):
        for query in (
            "--query-gpu=index,memory.used,memory.total",
            "--query-compute-apps=pid,process_name,used_memory",
        ):
            res = subprocess.run(
                ["nvidia-smi", query, "--format=csv,noheader"], capture_output=True, text=True
            )
            lines += [f"nvidia-smi {query.split('=')[0][8:]}: {x}" for x in res.stdout.splitlines()]
    return "\n".join(lines) or "no GPU memory figures (no CUDA, no nvidia-smi)"


def require_vllm() -> str:
    """vllm's version, or a clear exit: the benchmark installs nothing."""
    try:
        import vllm
    except ImportError:
        raise SystemExit(
            "--backend vllm needs vllm installed on this machine (with its CUDA torch): "
            "pip install 'evalmm-ja[vllm]' where a package index is reachable"
        ) from None
    return str(vllm.__version__)


def measure_vllm(model: Any, batch: list[Sample], size: int, new_tokens: int) -> float:
    extra = {"min_tokens": new_tokens, "detokenize": False}
    cfg = GenerationConfig(max_new_tokens=new_tokens, extra=extra)
    t0 = time.perf_counter()
    for start in range(0, len(batch), size):
        outs = model.generate(batch[start : start + size], cfg)
        bad = [o for o in outs if getattr(o, "output_tokens", None) != new_tokens]
        if bad:
            raise SystemExit(f"unexpected outputs (want {new_tokens} tokens each): {bad[:2]}")
    return time.perf_counter() - t0


def run_vllm(args: argparse.Namespace, folder: Path) -> None:
    version = require_vllm()
    from eval_mm.models.vllm_engine import VLLMModel

    sizes = sorted({1, *(int(x) for x in args.sizes.split(","))})
    import torch

    t0 = time.perf_counter()
    build_2b(folder) if args.config == "2b" else build_llava(folder)
    if torch.cuda.is_available():  # the builder's weights are saved: its memory is not vLLM's
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    options: dict[str, Any] = {
        "dtype": args.dtype or "bfloat16",
        "max_model_len": args.max_model_len,
        "gpu_memory_utilization": args.gpu_memory_utilization,
        "max_images": 1,
    }
    if args.enforce_eager:
        options["enforce_eager"] = True
    model = VLLMModel(str(folder), **options)
    print(
        f"vllm {version}: model {args.config} from {folder}, {options}, "
        f"built+loaded in {time.perf_counter() - t0:.1f}s"
    )
    data = samples(args.samples)
    measure_vllm(model, data[: min(8, len(data))], 8, 4)  # warm-up
    rates = {}
    for size in sizes:
        # One at a time runs on the first --single samples only: per-sample rates compare.
        part = data[: args.single] if size == 1 else data
        secs = measure_vllm(model, part, size, args.new_tokens)
        rates[size] = len(part) / secs
        print(
            f"requests per call {size:>4}: {rates[size]:8.2f} samples/s  "
            f"{rates[size] * args.new_tokens:9.1f} generated tokens/s  "
            f"({len(part)} samples in {secs:.2f}s)"
        )
    for size in sizes[1:]:
        print(f"speed-up {size} per call / one at a time: {rates[size] / rates[1]:.2f}x")
    print(f"({args.new_tokens} new tokens per sample)")
    print(gpu_memory())
    model.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["hf", "vllm"], default="hf")
    ap.add_argument("--config", choices=["tiny", "2b"], default=None, help="hf: tiny; vllm: 2b")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--samples", type=int, default=None, help="hf: 64; vllm: 512")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--dtype", default=None, help="default: float32 for tiny, bfloat16 for 2b")
    vllm = ap.add_argument_group("--backend vllm")
    vllm.add_argument("--sizes", default="16,64,512", help="requests per call besides 1")
    vllm.add_argument("--single", type=int, default=64, help="samples sent one at a time")
    vllm.add_argument("--max-model-len", type=int, default=2048)
    vllm.add_argument("--gpu-memory-utilization", type=float, default=0.5)
    vllm.add_argument("--enforce-eager", action="store_true", help="no CUDA graphs")
    args = ap.parse_args(argv)
    args.config = args.config or ("2b" if args.backend == "vllm" else "tiny")
    args.samples = args.samples or (512 if args.backend == "vllm" else 64)
    if args.backend == "vllm":
        with tempfile.TemporaryDirectory() as tmp:
            run_vllm(args, Path(tmp) / args.config)
        return

    import torch

    from eval_mm.models.hf import HFModel

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / args.config
        t0 = time.perf_counter()
        build_2b(folder) if args.config == "2b" else build_llava(folder)
        dtype = args.dtype or ("bfloat16" if args.config == "2b" else "float32")
        model = HFModel(str(folder), dtype=dtype, device=args.device, batch_size=args.batch)
        n_params = sum(p.numel() for p in model.model.parameters())
        print(
            f"model {args.config}: {n_params / 1e6:.1f}M parameters, {dtype}, {args.device}, "
            f"built+loaded in {time.perf_counter() - t0:.1f}s; torch {torch.__version__}, "
            f"threads {torch.get_num_threads()}"
        )
        data = samples(args.samples)
        measure(model, data[: args.batch], args.batch, 4)  # warm-up
        results = {}
        for size in (1, args.batch):
            secs = measure(model, data, size, args.new_tokens)
            results[size] = secs
            print(
                f"batch {size:>3}: {len(data) / secs:8.2f} samples/s  "
                f"{len(data) * args.new_tokens / secs:9.1f} generated tokens/s  ({secs:.2f}s)"
            )
        print(
            f"speed-up batched/one-at-a-time: {results[1] / results[args.batch]:.2f}x "
            f"({args.samples} samples, {args.new_tokens} new tokens each)"
        )
        model.close()


if __name__ == "__main__":
    main()
