"""The protocol of a local number: what must match for two numbers to share a column of a
local board, derived from the run card and summary in one function, `column_protocol`."""

from __future__ import annotations

from dataclasses import dataclass

from eval_mm.leaderboard.runs import JudgeInfo, Run


@dataclass(frozen=True)
class Protocol:
    """What makes two local numbers of a task comparable: same task version and prompt
    variant, same metric version, same judge (model, runs, prompt) and generation profile.

    `column_key` identifies a column of a board; `board_key` the board a judged number
    belongs to (numbers no judge made fit every board of their generation profile)."""

    task: str
    task_version: str
    prompt_variant: str
    metric: str
    metric_version: str
    judge: JudgeInfo | None
    profile: str

    @property
    def column_key(self) -> str:
        prompt = self.judge.prompt_version if self.judge else ""
        return "|".join((self.task, self.task_version, self.prompt_variant, self.metric,
                         self.metric_version, prompt))

    @property
    def board_key(self) -> tuple[str, str | None, str | None]:
        if self.judge is None:
            return (self.profile, None, None)
        return (self.profile, self.judge.who, self.judge.runs)


def column_protocol(run: Run, metric_id: str) -> Protocol:
    """The protocol of `metric_id` in `run`, from its run card and summary (the one place
    that knows where the card records it)."""
    return Protocol(
        task=run.task_id,
        task_version=str(run.task.get("version") or run.summary.get("task_version") or "?"),
        prompt_variant=str(run.task.get("prompt_variant") or "default"),
        metric=metric_id,
        metric_version=run.metric_version(metric_id),
        judge=run.judge(metric_id),
        profile=run.profile,
    )
