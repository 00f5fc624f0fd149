"""MMMU, validation split (spec tasks-2026.md §5.1): the English original of JMMMU, 30 subject
configs x 30 questions, multiple-choice and open, up to seven images.

Same row -> sample mapping as `jmmmu` (images by number, `<image k>` tokens removed) with the
lmms-eval instructions appended after a blank line. Local copies: one dataset holding all
subjects (`id` = `validation_<Subject>_<n>`); `--task-option subjects=Art+Math` restricts.
"""

from __future__ import annotations

from typing import ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.metrics.mmmu import DOMAIN_OF, SUBJECTS
from eval_mm.registries import register_task
from eval_mm.tasks.jmmmu import Jmmmu

MC_INSTRUCTION = "Answer with the option's letter from the given choices directly."
OPEN_INSTRUCTION = "Answer the question using a single word or phrase."


@register_task
class Mmmu(Jmmmu):
    id = "mmmu"
    short_name = "MMMU"
    aliases = ("mmmu-val",)
    version = "1"
    description = "MMMU validation: 30 subjects, 900 questions; strict, legacy and official parsing"
    dataset = DatasetRef("MMMU/MMMU", "validation", None, "main")  # config = each subject
    metrics = ("mmmu_acc", "mmmu_acc_legacy", "mmmu_acc_official")
    primary_metric = "mmmu_acc"
    breakdown_keys = ("subject", "domain", "question_type")
    mc_instruction: ClassVar[str] = MC_INSTRUCTION
    open_instruction: ClassVar[str] = OPEN_INSTRUCTION
    split_prefix: ClassVar[str] = "validation"
    subjects: ClassVar[tuple[str, ...]] = SUBJECTS

    def subject_metadata(self, subject: str) -> dict[str, str]:
        return {"domain": DOMAIN_OF.get(subject, "unknown")}
