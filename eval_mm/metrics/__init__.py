# ruff: noqa: E501  (the metric table below is easier to read unwrapped)
"""Built-in metrics (spec `metrics.md`). Every module here (no `_` prefix) is imported by the
metric registry, and its scorers register with `@register_metric` under the spec's ids.

What each scorer reads (golds always come from `sample.references`; "any" = an item is
correct when any gold matches, "best" = the best gold counts):

| Metric id | Module | Metadata keys read | Task-level aggregation |
|---|---|---|---|
| `exact_match`, `exact_match_nfkc`, `substring_match` | exact | - | mean (any gold) |
| `anls`, `anls_nfkc`, `anls_ja`, `anls_lmms` | anls | `anls_applicable` (False = out of scope) | mean, best gold; `extra.tau_zeroed`, `tau` |
| `nls`, `ccocr_f1`, `ccocr_f1_nfkc` | ccocr | - | mean; `extra.precision`, `recall` |
| `ccocr_f1_micro` | ccocr | - | F1 of pooled counts; `extra.macro` |
| `rougel`, `rougel_neologdn` | rouge | - | mean of per-sample F x100 (scale 1) |
| `jdocqa_acc_legacy` | jdocqa | `answer_type` (0-3) | mean over all; `extra.per_type` |
| `jdocqa_closed_acc`, `jdocqa_open_bleu` | jdocqa | `answer_type` | mean over types 0-2 / type 3; `extra.not_applicable`; closed: `unparsed`, `ambiguous` (+ `_share`) |
| `mecha_acc_legacy`, `mecha_acc` | mecha | `options` (rotated), `rotation`, `base_id`, `answer_type`, `has_background` (or `background_text`) | pooled mean; `extra.groups` (Factoid, Non-Factoid, with/without_background, rot_i, rot_i/...); strict: `unparsed`, `ambiguous` (+ `_share`), `reasons` |
| `mecha_circular_acc` | mecha | as above; rotation/base also parsed from `<base>_rot<i>` ids | mean over base questions with all rotations; `extra.incomplete` |
| `cvqa_acc_legacy`, `cvqa_acc` | cvqa | `options` (strict) | mean; strict: `extra.unparsed`, `ambiguous` (+ `_share`), `reasons` |
| `jic_acc_legacy`, `jic_acc` | jic | `domain`, `category_set` (strict) | macro over domains; `extra.domains`, `micro`, `domain_none`; strict: `unparsed`, `ambiguous` (+ `_share`) |
| `jmmmu_acc`, `jmmmu_acc_legacy`, `jmmmu_acc_legacy_random` | jmmmu | `question_type`, `options`, `subject` (or id `test_<Subject>_<n>`) | micro; `extra.ca`, `cs`, `subjects`, `domains`, `mc_unparsed` (+ `seed`, `random_picks`); strict: `unparsed`, `ambiguous` (+ `_share`), `mc_reasons` |
| `mmmu_acc`, `mmmu_acc_legacy`, `mmmu_acc_official` | mmmu | `question_type`, `options`, `subject` (or id `validation_<Subject>_<n>`) | micro; `extra.subjects`, `domains`, `mc_unparsed` (+ `random_picks`); strict: `unparsed`, `ambiguous` (+ `_share`) |
| `vqa_acc` | vqa | - | mean of leave-one-out VQA accuracy over all golds |
| `relaxed_acc`, `chartqapro_acc` | chart | chartqapro: `answer_last`, `year_flags`, `question_type` | mean (any gold); `extra.question_types` |
| `substring_acc_legacy` | substring | - | mean (any gold contained) |
| `ai2d_acc`, `ai2d_acc_legacy` | ai2d | `options` (strict) | mean; `extra.unparsed`, `ambiguous` (+ `_share`), `reasons` |
| `jwt_cer_sim`, `jwt_cer_sim_legacy` | handwriting | - | mean; `extra.cer_micro`, `clipped` |
| `jwt_kie_f1`, `jwt_kie_f1_legacy` | receipt_kie | - (gold JSON in `references[0]`) | mean F1; `extra.precision`, `recall`, `parse_error_count`, `field_<name>` (+ `field_acc_present_<name>`) |
| `jammeval_mcq_regex_acc` | final_answer | `options` | mean; `extra.unparsed` (+ `_share`) |

Unscored reasons: `no_reference` (empty reference list), `no_options`, `no_answer_type`,
`no_category_set`, `gold_not_yes_no`, `bad_reference`, and for `jwt_kie_f1_legacy` the outputs
on which the reference scorer raises (`non_object_json`, `bad_line_items`, `json_too_deep`);
`not_applicable` items are moved out of the unscored
counts into `extra["not_applicable"]`. Unparsed and ambiguous answers of the strict readers are
wrong (0), never unscored, and counted (`unparsed`, `ambiguous` and their shares). The strict
rules, with examples and the differences from legacy: `docs/metrics.md`.

Pure building blocks for other code: `normalize` (the §1 normalisers, defined once),
`choice` (MC extraction `extract_legacy` / `extract_strict`; strict rules in `choice_strict`,
`choice_mentions`), `open_answer` (legacy JMMMU open parsing), `open_strict` (strict open answers),
`numbers`, `yesno` and `answer_text` (what the strict readers share), `judge_parsing` (1-5 and
Heron judge reply parsers), `verdicts` (`correct: yes|no` judge verdicts), `final_answer`
(`\\boxed{}` and "Answer: X" extraction) and `heron` (Heron relative-score aggregation) — the
judge scorers themselves live in `eval_mm.judges` (`jwt_board_acc*`, `jammeval_acc*` on the
shared yes/no base). What each metric scores of a reasoning model's output is its `reasoning`
rule (`Scorer.reasoning_rule`, applied by `eval_mm.reasoning`).
"""
