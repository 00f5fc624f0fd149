"""`eval-mm run`: generate and score one model on one or more tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eval_mm.cli._args import (
    existing_file,
    names,
    non_negative_int,
    output_dir,
    positive_int,
    ranged,
    share,
)
from eval_mm.cli.common import (
    add_judge_options,
    add_scoring_options,
    parse_kv,
    score_context,
    select_scorers,
)
from eval_mm.errors import RunFailed, UserError
from eval_mm.terminal import safe

# The engine is imported when a command runs, not when the parser is built: a usage error
# (or --help) answers at once.
PROFILE_NAMES = ("default", "llmjp-leaderboard")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="generate with a model on tasks, then score",
        description="Generate with MODEL on each TASK, score, and write a result under "
        "--output-dir. "
        "Rerunning the same command resumes where it stopped.",
    )
    p.add_argument(
        "--model", "-m", required=True, help="registry name, HF id, local folder, or openai:NAME"
    )
    p.add_argument(
        "--task",
        "-t",
        required=True,
        type=names,
        help="task id, alias or group (e.g. llmjp-board-2026); several separated by commas",
    )
    p.add_argument(
        "--output-dir",
        "-o",
        type=output_dir,
        default=Path("results"),
        help="result store (default: results)",
    )
    sel = p.add_argument_group("sample selection")
    sel.add_argument(
        "--limit", type=positive_int, help="evaluate a deterministic subset of N samples"
    )
    sel.add_argument(
        "--limit-seed", type=int, default=0, help="seed of the --limit subset (default 0)"
    )
    sel.add_argument(
        "--sample-ids", type=existing_file, help="file with one sample id per line to evaluate"
    )
    sel.add_argument(
        "--num-shards", type=positive_int, default=1, help="split samples into N shards by id"
    )
    sel.add_argument(
        "--shard-index", type=non_negative_int, default=0, help="which shard this process runs"
    )
    sel.add_argument(
        "--data",
        help="local copy of the task's dataset: a save_to_disk or hub-style folder, or a "
        "parquet, JSON Lines, JSON or CSV file",
    )
    sel.add_argument("--prompt-variant", help="named prompt variant of the task (default: llmjp)")
    sel.add_argument(
        "--task-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="task-specific option (repeatable)",
    )
    gen = p.add_argument_group("generation")
    gen.add_argument(
        "--batch-size", type=positive_int, help="samples per generate call (default: the model's)"
    )
    gen.add_argument(
        "--profile",
        default="default",
        choices=PROFILE_NAMES,
        help="generation profile: default or llmjp-leaderboard (256 new tokens)",
    )
    gen.add_argument("--max-new-tokens", type=positive_int, help="longest answer in tokens")
    gen.add_argument(
        "--temperature",
        type=ranged(float, 0.0),
        help="sampling temperature (>= 0); above 0 implies --do-sample, 0 is greedy",
    )
    gen.add_argument(
        "--do-sample",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="sample instead of greedy decoding (default: greedy, unless --temperature is "
        "above 0 or --top-p below 1); without --temperature, sampling uses temperature 1",
    )
    gen.add_argument(
        "--top-p", type=ranged(float, 0.0, 1.0, low_open=True), help="nucleus share, (0, 1]"
    )
    gen.add_argument("--num-beams", type=positive_int, help="beam width (1: no beam search)")
    gen.add_argument(
        "--seed", type=int, default=0, help="generation and bootstrap seed (default 0)"
    )
    gen.add_argument(
        "--model-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="adapter option such as dtype=bfloat16 (repeatable)",
    )
    run = p.add_argument_group("run control")
    run.add_argument(
        "--overwrite", action="store_true", help="discard an existing result of this configuration"
    )
    run.add_argument(
        "--max-error-share",
        type=share,
        default=0.1,
        help="fail the run when more than this share of samples errored (default 0.1)",
    )
    run.add_argument(
        "--no-save-images", action="store_true", help="do not copy sample images into the result"
    )
    run.add_argument("--no-progress", action="store_true", help="hide progress bars")
    run.add_argument(
        "--generate-only", action="store_true", help="skip scoring (run `eval-mm score` later)"
    )
    add_scoring_options(p)
    add_judge_options(p)
    p.set_defaults(func=cmd_run)


def _sample_ids(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"--sample-ids file {path} is not UTF-8 text (byte {exc.start}); "
            "write one sample id per line in UTF-8"
        ) from None
    ids = [line.strip() for line in text.splitlines() if line.strip()]
    if not ids:
        raise UserError(f"--sample-ids file {path} holds no sample id (one per line)")
    return ids


def _sampling(args: argparse.Namespace) -> dict[str, Any]:
    """Generation overrides. A temperature above 0 or a top-p below 1 means sampling: without
    it both would be ignored by greedy decoding, silently. Contradictions are refused
    (`check_sampling`) before this is called."""
    over: dict[str, Any] = {
        "max_new_tokens": args.max_new_tokens,
        "temperature": args.temperature,
        "top_p": args.top_p,
        "num_beams": args.num_beams,
        "seed": args.seed,
        "do_sample": args.do_sample,
    }
    if (args.temperature or 0) > 0 or (args.top_p is not None and args.top_p < 1):
        over["do_sample"] = True
    return over


def check_sampling(args: argparse.Namespace) -> None:
    """Sampling flags that contradict each other are a usage error, never a silent no-op."""
    temp, top_p, sample = args.temperature, args.top_p, args.do_sample
    if sample is True and temp == 0:
        raise UserError(
            "--do-sample needs a --temperature above 0 (--temperature 0 is greedy decoding); "
            "drop one of them"
        )
    if sample is False and temp is not None and temp > 0:
        raise UserError(
            f"--temperature {temp:g} means sampling, but --no-do-sample asks for greedy "
            "decoding; drop one of them"
        )
    if sample is False and top_p is not None and top_p < 1:
        raise UserError("--top-p needs sampling, but --no-do-sample asks for greedy decoding")
    if temp == 0 and top_p is not None and top_p < 1:
        raise UserError("--top-p needs sampling, but --temperature 0 means greedy decoding")


def cmd_run(args: argparse.Namespace) -> int:
    if not args.shard_index < args.num_shards:
        raise UserError(
            f"--shard-index must be below --num-shards ({args.num_shards}), got {args.shard_index}"
        )
    check_sampling(args)
    task_options = parse_kv(args.task_option, "--task-option")
    model_options = parse_kv(args.model_option, "--model-option")
    sample_ids = _sample_ids(args.sample_ids)
    from eval_mm.core.task import TaskOptions
    from eval_mm.registries import TASKS
    from eval_mm.tasks._groups import expand as expand_groups

    task_names = expand_groups(t.strip() for t in args.task.split(",") if t.strip())
    task_classes = [TASKS.get(name) for name in task_names]  # fail fast on unknown names
    task_opts = TaskOptions(args.prompt_variant, args.data, task_options)
    tasks = [cls(task_opts) for cls in task_classes]
    scorer_sets = [select_scorers(t, args) for t in tasks]
    from eval_mm.models import resolve_model
    from eval_mm.report import format_summary
    from eval_mm.run import RunOptions, evaluate

    ctx = score_context(args)
    for scorers, _ in scorer_sets:  # e.g. a missing judge key, before any generation starts
        for scorer in scorers:
            scorer.preflight(ctx)
    opts = RunOptions(
        results_dir=args.output_dir,
        limit=args.limit,
        limit_seed=args.limit_seed,
        sample_ids=sample_ids,
        batch_size=args.batch_size,
        profile=args.profile,
        generation_overrides=_sampling(args),
        overwrite=args.overwrite,
        max_error_share=args.max_error_share,
        save_images=not args.no_save_images,
        seed=args.seed,
        progress=not args.no_progress and sys.stderr.isatty(),
        num_shards=args.num_shards,
        shard_index=args.shard_index,
        skip_scoring=args.generate_only,
    )
    model = resolve_model(args.model, model_options)
    unfinished: list[str] = []
    try:
        for task, (scorers, skipped) in zip(tasks, scorer_sets):
            result = evaluate(task, model, opts, ctx, scorers, skipped)
            print(safe(f"\n{task.id} x {model.model_id}  ->  {result.run_dir}  [{result.status}]"))
            if result.summary:
                print(format_summary(result.summary))
            for problem in result.problems:
                print(safe(f"  {result.status}: {problem}"), file=sys.stderr)
            if result.status in ("incomplete", "failed"):
                unfinished.append(f"{task.id} {result.status}")
    finally:
        model.close()
        ctx.close()
    if unfinished:
        raise RunFailed(
            f"{'; '.join(unfinished)} (see above); rerun the same command to retry what failed"
        )
    return 0
