"""The table of bad-input cases: each is one `eval-mm` command a careless or hostile user
might type, the exit code it must end with and what the first line of stderr must name.

Placeholders in `argv`: {R} the result store holding the earlier run, {RUN} that run's
folder, {D} the folder of bad data files (support.bad_data), {T} the case's own folder.
A case with `damage` works on its own copy of the earlier run, damaged first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.errors.support import BASE_RUN, HERON, JVB


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    expect: str  # a substring (any case) of the first line of stderr
    code: int = 2
    damage: Callable[[Path], None] | None = None  # applied to the copied run folder
    absent: str | None = None  # a text that must appear nowhere in the output


def run(*extra: str) -> tuple[str, ...]:
    return (*BASE_RUN, "-o", "{R}", *extra)


def jvb(data: str, *extra: str) -> tuple[str, ...]:
    return (*JVB, "--data", "{D}/" + data, "-o", "{R}", *extra)


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def damage(run_dir: Path) -> None:
        (run_dir / name).write_bytes(data)

    return damage


def _tear_samples(run_dir: Path) -> None:
    path = run_dir / "samples.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([lines[0], b'{"id": "broken', b"\n", *lines[2:]]))


def _card_without_task(run_dir: Path) -> None:
    (run_dir / "run.json").write_text('{"schema": 1}\n', "utf-8")


SECRET = "sk-proj-CANARYsecretValue1234567890"

CASES: list[Case] = [
    # --- generation and selection arguments --------------------------------------
    Case("batch-size-negative", run("--batch-size", "-1"), "--batch-size"),
    Case("batch-size-zero", run("--batch-size", "0"), "at least 1"),
    Case("batch-size-text", run("--batch-size", "abc"), "expected an integer"),
    Case("max-new-tokens-zero", run("--max-new-tokens", "0"), "--max-new-tokens"),
    Case("max-new-tokens-negative", run("--max-new-tokens", "-5"), "at least 1"),
    Case("temperature-negative", run("--temperature", "-1"), "--temperature"),
    Case("temperature-nan", run("--temperature", "nan"), "finite"),
    Case("top-p-above-one", run("--top-p", "7"), "at most 1"),
    Case("top-p-zero", run("--top-p", "0"), "above 0"),
    Case("top-p-greedy", run("--top-p", "0.5", "--temperature", "0"), "--top-p needs sampling"),
    Case(
        "do-sample-at-temperature-zero",
        run("--do-sample", "--temperature", "0"),
        "--do-sample needs a --temperature above 0",
    ),
    Case(
        "temperature-with-greedy",
        run("--temperature", "0.7", "--no-do-sample"),
        "--no-do-sample asks for greedy",
    ),
    Case("top-p-with-greedy", run("--top-p", "0.5", "--no-do-sample"), "--top-p needs sampling"),
    Case("do-sample-with-a-value", run("--do-sample=yes"), "--do-sample"),
    Case(
        "openai-price-half-given",
        ("run", "-m", "openai:m", "--model-option", "base_url=http://127.0.0.1:9/v1",
         "--model-option", "price_in=2.5", "-t", "word-ocr", "-o", "{R}"),
        "price_in and price_out go together",
    ),
    Case(
        "openai-reasoning-unknown",
        ("run", "-m", "openai:m", "--model-option", "base_url=http://127.0.0.1:9/v1",
         "--model-option", "reasoning=deep", "-t", "word-ocr", "-o", "{R}"),
        "reasoning=deep",
    ),
    Case("num-beams-zero", run("--num-beams", "0"), "--num-beams"),
    Case("max-error-share-negative", run("--max-error-share", "-0.5"), "at least 0"),
    Case("max-error-share-above-one", run("--max-error-share", "1.5"), "at most 1"),
    Case("limit-zero", run("--limit", "0"), "--limit"),
    Case("limit-negative", run("--limit", "-3"), "at least 1"),
    Case("num-shards-zero", run("--num-shards", "0"), "--num-shards"),
    Case("shard-index-too-big", run("--num-shards", "2", "--shard-index", "2"), "--shard-index"),
    Case("shard-index-negative", run("--shard-index", "-1"), "at least 0"),
    Case("profile-unknown", run("--profile", "fast"), "invalid choice"),
    Case("seed-text", run("--seed", "one"), "--seed"),
    Case("unknown-flag", run("--batchsize", "2"), "unrecognized arguments"),
    # --- tasks, models, metrics -----------------------------------------------------
    Case("task-comma-only", ("run", "-m", "oracle", "-t", ",", "-o", "{R}"), "--task"),
    Case("task-empty", ("run", "-m", "oracle", "-t", "", "-o", "{R}"), "--task"),
    Case("task-unknown", ("run", "-m", "oracle", "-t", "wordocr", "-o", "{R}"), "word-ocr"),
    Case("task-one-of-two-unknown", run("-t", "word-ocr,nosuch"), "unknown task 'nosuch'"),
    Case("model-unknown", ("run", "-m", "oracel", "-t", "word-ocr", "-o", "{R}"), "oracle"),
    Case("model-hub-id-offline", ("run", "-m", "foo/bar", "-t", "word-ocr", "-o", "{R}"),
         "not in the local cache"),
    Case("model-missing-folder", ("run", "-m", "./no/such/model", "-t", "word-ocr", "-o", "{R}"),
         "is not a folder"),
    Case("prompt-variant-unknown", run("--prompt-variant", "asagi"), "no prompt variant"),
    Case("metric-unknown", run("--metrics", "exact_matchh"), "exact_match"),
    Case("metrics-comma-only", run("--metrics", ","), "--metrics"),
    Case("judge-runs-zero", run("--judge-runs", "0"), "--judge-runs"),
    Case("judge-concurrency-zero", run("--judge-concurrency", "0"), "--judge-concurrency"),
    Case("judge-temperature-high", run("--judge-temperature", "5"), "at most 2"),
    Case("judge-mode-unknown", run("--judge-mode", "all"), "invalid choice"),
    Case("judge-base-url-not-url", run("--judge-base-url", "localhost"), "expected a URL"),
    # --- model options (one schema per adapter) -------------------------------------
    Case("model-option-unknown", run("--model-option", "colour=blue"),
         "unknown oracle model option"),
    Case("model-option-no-name", run("--model-option", "=3"), "NAME=VALUE"),
    Case("model-option-no-value", run("--model-option", "batch_size"), "NAME=VALUE"),
    Case("model-option-batch-zero", run("--model-option", "batch_size=0"), "at least 1"),
    Case("model-option-delay-negative", run("--model-option", "delay=-1"), "delay=-1"),
    Case("model-option-secret-equals-form", run(f"--model-option=api_key={SECRET}"),
         "unknown oracle model option 'api_key'", absent=SECRET),
    Case("tesseract-psm-text", run("-m", "tesseract", "--model-option", "psm=abc"),
         "expected an integer"),
    Case("tesseract-psm-range", run("-m", "tesseract", "--model-option", "psm=99"), "at most 13"),
    Case("tesseract-workers-zero", run("-m", "tesseract", "--model-option", "workers=0"),
         "workers=0"),
    Case("openai-no-key", run("-m", "openai:gpt-x"), "needs OPENAI_API_KEY"),
    Case("openai-detail-choice", run("-m", "openai:gpt-x", "--model-option", "image_detail=max"),
         "one of low, high, auto"),
    Case("openai-timeout-zero", run("-m", "openai:gpt-x", "--model-option", "timeout_s=0"),
         "above 0"),
    Case("openai-base-url-not-url", run("-m", "openai:gpt-x", "--model-option", "base_url=nohost"),
         "must be a URL"),
    Case("vllm-option-close-match",
         run("-m", "vllm:org/model", "--model-option", "tensor_parallel=2"),
         "tensor_parallel_size"),
    Case("vllm-memory-share", run("-m", "vllm:org/m", "--model-option", "gpu_memory_utilization=2"),
         "at most 1"),
    Case("hf-dtype-choice", run("-m", "hf:org/model", "--model-option", "dtype=fp8"), "bfloat16"),
    Case("hf-json-kwargs", run("-m", "hf:org/model", "--model-option", "model_kwargs=[1]"),
         "JSON object"),
    # --- task options -------------------------------------------------------------------
    Case("task-option-text", run("--task-option", "per_variant=abc"), "expected an integer"),
    Case("task-option-zero", run("--task-option", "per_variant=0"), "at least 1"),
    Case("task-option-choice", run("--task-option", "variants=small+huge"), "'huge'"),
    Case("task-option-close-match", run("--task-option", "per_varaint=3"), "per_variant"),
    Case("task-option-bool", ("run", "-m", "oracle", "-t", "mecha", "--task-option",
                              "rotate=maybe", "-o", "{R}"), "true or false"),
    Case("task-option-subjects", ("run", "-m", "oracle", "-t", "jmmmu", "--task-option",
                                  "subjects=Cooking", "-o", "{R}"), "Cooking not among"),
    # --- files given to run ---------------------------------------------------------------
    Case("sample-ids-missing", run("--sample-ids", "{T}/none.txt"), "does not exist"),
    Case("sample-ids-not-utf8", run("--sample-ids", "{D}/ids-latin1.txt"), "not UTF-8"),
    Case("sample-ids-empty", run("--sample-ids", "{D}/ids-empty.txt"), "no sample id"),
    Case("sample-ids-unknown", run("--sample-ids", "{D}/ids-unknown.txt"), "nope-1"),
    Case("sample-ids-folder", run("--sample-ids", "{D}"), "is not a file"),
    Case("output-is-a-file", (*BASE_RUN, "-o", "{D}/a-file"), "is a file"),
    Case("output-below-a-file", (*BASE_RUN, "-o", "{D}/a-file/results"), "is a file"),
    Case("output-not-writable", (*BASE_RUN, "-o", "/proc/1/results"), "not writable"),
    # --- local data (--data) --------------------------------------------------------------
    Case("data-missing", jvb("nothing-here"), "does not exist"),
    Case("data-empty-file", jvb("empty.parquet"), "is empty"),
    Case("data-truncated-parquet", jvb("truncated.parquet"), "truncated parquet"),
    Case("data-not-parquet", jvb("text.parquet"), "not a parquet file"),
    Case("data-bad-jsonl-line", jvb("bad-line.jsonl"), "bad-line.jsonl, line 2"),
    Case("data-not-json", jvb("not-json.jsonl"), "not JSON"),
    Case("data-json-not-rows", jvb("numbers.json"), "row 0"),
    Case("data-empty-folder", jvb("empty-folder"), "empty"),
    Case("data-csv-fields", jvb("fields.csv"), "line 2"),
    Case("data-csv-not-utf8", jvb("latin1.csv"), "not UTF-8"),
    Case("data-unknown-format", jvb("notes.txt"), "cannot tell the format"),
    Case("data-other-splits", jvb("splits"), "train, validation"),
    Case("data-mixed-formats", jvb("mixed"), "mixes data formats"),
    Case("data-broken-save-to-disk", jvb("broken-disk"), "save_to_disk"),
    Case("data-missing-column", jvb("no-question.jsonl"), "no-question.jsonl, row 0"),
    Case("heron-reference-missing",
         (*HERON, "--data", "{D}/heron-no-ref.jsonl", "-o", "{R}"), "column 'answer'"),
    Case("heron-reference-null",
         (*HERON, "--data", "{D}/heron-null-ref.jsonl", "-o", "{R}"), "is empty"),
    Case("heron-answer-not-mapping",
         (*HERON, "--data", "{D}/heron-answer-text.jsonl", "-o", "{R}"), "mapping"),
    # --- damaged result files ---------------------------------------------------------------
    Case("run-card-corrupt", run(), "run.json is not valid json", damage=_write("run.json", b"{")),
    Case("run-card-empty", run(), "--overwrite", damage=_write("run.json", b"")),
    Case("run-samples-torn", run(), "samples.jsonl is damaged", damage=_tear_samples),
    Case("score-card-corrupt", ("score", "{RUN}"), "run.json", damage=_write("run.json", b"[1,")),
    Case("score-card-not-utf8", ("score", "{RUN}"), "not valid json",
         damage=_write("run.json", b"\xff\xfe{}")),
    Case("score-card-no-task", ("score", "{RUN}"), "names no task", damage=_card_without_task),
    Case("score-samples-torn", ("score", "{RUN}"), "samples.jsonl", damage=_tear_samples),
    Case("score-nothing-there", ("score", "{T}/nowhere"), "no run"),
    Case("show-summary-corrupt", ("show", "{RUN}"), "eval-mm score",
         damage=_write("summary.json", b'{"metrics": ')),
    Case("show-summary-empty", ("show", "{RUN}"), "summary.json is empty",
         damage=_write("summary.json", b"")),
    Case("show-summary-not-object", ("show", "{R}"), "not a summary.json object",
         damage=_write("summary.json", b"[]")),
    Case("show-card-corrupt", ("show", "{RUN}"), "run.json", damage=_write("run.json", b"{")),
    Case("show-missing", ("show", "{T}/nowhere"), "does not exist"),
    # --- other commands ---------------------------------------------------------------------
    Case("command-unknown", ("runn",), "invalid choice"),
    Case("list-unknown", ("list", "judges"), "invalid choice"),
    Case("gate-confidence", ("gate", "-b", "{RUN}", "-c", "{RUN}", "--confidence", "2"),
         "--confidence"),
    Case("gate-resamples", ("gate", "-b", "{RUN}", "-c", "{RUN}", "--resamples", "0"),
         "--resamples"),
    Case("merge-output-file", ("merge", "{RUN}", "-o", "{D}/a-file"), "is a file"),
    Case("judge-agreement-missing", ("judge-agreement", "{T}/nowhere"), "no run"),
]
