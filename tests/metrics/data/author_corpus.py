"""Authoring script of `strict_corpus.jsonl`, the labelled corpus of the strict readers.

Every option set, template and case here is written for this corpus (no benchmark content).
Each template is a response form a VLM produces, with the answer a careful grader reads from it:
`L` (the intended option, filled in), `AMB` (several answers, none chosen: wrong) or `NONE`
(no answer: wrong). Templates are filled over option sets with a fixed seed; a share of the
cases get another option as gold, so the corpus also checks that a clear answer to another
option is scored wrong. The JSONL is the test data; rerun this script only to extend it:

    python tests/metrics/data/author_corpus.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from tests.metrics.data import corpus_combo, corpus_hand, corpus_mc, corpus_open

OUT = Path(__file__).with_name("strict_corpus.jsonl")


def mc_cases(rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for cls, (set_names, templates, per_template) in corpus_mc.CLASSES.items():
        for t_index, (template, answer) in enumerate(templates):
            names = rng.sample(set_names, min(per_template, len(set_names)))
            for name in names:
                options = corpus_mc.OPTION_SETS[name]
                case = corpus_mc.render(template, answer, options, rng)
                if case is None:
                    continue
                response, intended, mentioned = case
                if intended is not None and rng.random() < 0.2:
                    gold = rng.choice([x for x in mentioned if x != intended] or [intended])
                else:
                    gold = intended if intended is not None else rng.choice(mentioned)
                out.append({
                    "class": cls, "kind": "mc", "options": options, "gold": gold,
                    "response": response, "label": int(gold == intended),
                    "note": f"template {t_index}: {answer}",
                })  # fmt: skip
    for cls, options, gold, response, label, note in corpus_mc.HAND:
        out.append({"class": cls, "kind": "mc", "options": options, "gold": gold,
                    "response": response, "label": label, "note": note})  # fmt: skip
    return out


def main() -> None:
    rng = random.Random(18)
    cases = mc_cases(rng) + corpus_open.cases(rng) + corpus_hand.cases()
    cases += corpus_combo.cases(rng) + corpus_combo.open_cases(rng) + corpus_combo.yesno_cases(rng)
    seen: set[str] = set()
    lines = []
    counters: dict[str, int] = {}
    for c in cases:
        key = json.dumps([c["kind"], c.get("options"), c["gold"], c["response"],
                          c.get("answer_type")], ensure_ascii=False)  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        counters[c["class"]] = counters.get(c["class"], 0) + 1
        c = {"id": f"{c['class']}-{counters[c['class']]:03d}", **c}
        lines.append(json.dumps(c, ensure_ascii=False))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} cases -> {OUT}")
    for cls, n in sorted(counters.items()):
        print(f"  {cls:<24} {n}")


if __name__ == "__main__":
    main()
