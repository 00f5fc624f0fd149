#!/usr/bin/env bash
# The vLLM adapter's GPU checks and the generation benchmarks, in one command:
#
#     bash benchmarks/gpu_generation.sh            # check, then both benchmarks
#     bash benchmarks/gpu_generation.sh check      # only benchmarks/vllm_gpu_check.py
#     bash benchmarks/gpu_generation.sh bench      # only the two benchmarks
#
# Needs a machine with an NVIDIA GPU and, already installed in the Python it runs (PYTHON,
# default python3): torch with CUDA, vllm (which brings transformers), pillow, tokenizers,
# and eval-mm's own dependencies (pip install -e '.[hf]'). It installs nothing and
# downloads nothing: every model is built from a config with random weights.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
what=${1:-all}

"$PY" - <<'PY'
import importlib.util, sys
missing = [m for m in ("torch", "vllm", "transformers", "PIL", "eval_mm") if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"gpu_generation.sh: missing in {sys.executable}: {', '.join(missing)}. "
             "This script installs nothing: install vllm (and eval-mm with its hf extra) first.")
import torch
if not torch.cuda.is_available():
    sys.exit("gpu_generation.sh: torch sees no CUDA GPU")
print(f"python {sys.version.split()[0]}, torch {torch.__version__}, GPU {torch.cuda.get_device_name()}")
PY
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv

status=0
if [[ $what == all || $what == check ]]; then
    echo "== vLLM adapter checks (benchmarks/vllm_gpu_check.py)"
    "$PY" benchmarks/vllm_gpu_check.py || status=1
fi
if [[ $what == all || $what == bench ]]; then
    echo "== transformers adapter, 2B-class LLaVA, bf16, batched vs one at a time"
    "$PY" benchmarks/generation.py --device cuda --config 2b || status=1
    echo "== vLLM adapter, the same 2B-class LLaVA, bf16, requests per call 1/16/64/512"
    "$PY" benchmarks/generation.py --backend vllm --config 2b || status=1
fi
exit $status
