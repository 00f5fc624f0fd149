"""The option schema (eval_mm.core.options): one mechanism for adapters and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pytest

from eval_mm.core.options import (
    OptionError,
    Options,
    describe,
    given_options,
    option,
    output_options,
    parse_options,
)


@dataclass(frozen=True)
class Demo(Options):
    dtype: Literal["auto", "bfloat16"] = option("auto")
    steps: int = option(4, min=1, max=10)
    share: float = option(0.5, min=0, min_exclusive=True, max=1)
    sampling: bool = option(False)
    names: list[str] = option(["a"], choices=("a", "b", "c"))
    extra: dict[str, Any] = option({})
    device_map: str | dict[str, Any] | None = option(None, affects_output=False)
    workers: int = option(2, min=1, affects_output=False)
    token: str | None = option(None, secret=True)


def parse(**raw: Any) -> Demo:
    return parse_options(Demo, raw, "demo model")


def test_text_from_the_command_line_and_typed_values_parse_alike() -> None:
    text = parse(steps="7", share="0.25", sampling="yes", names="a+c", extra='{"k": 1}')
    typed = parse(steps=7, share=0.25, sampling=True, names=["a", "c"], extra={"k": 1})
    assert text == typed
    assert text.steps == 7 and text.names == ["a", "c"] and text.extra == {"k": 1}
    assert parse(names='["b"]').names == ["b"] and parse(device_map="auto").device_map == "auto"
    assert parse(device_map='{"": 0}').device_map == {"": 0}
    assert parse(device_map="none").device_map is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"steps": "abc"}, "steps=abc: expected an integer"),
        ({"steps": "2.5"}, "expected an integer"),
        ({"steps": True}, "expected an integer"),
        ({"steps": "0"}, "must be at least 1"),
        ({"steps": 11}, "must be at most 10"),
        ({"share": "0"}, "must be above 0"),
        ({"share": "inf"}, "finite"),
        ({"sampling": "maybe"}, "expected true or false"),
        ({"dtype": "fp8"}, "must be one of auto, bfloat16"),
        ({"names": "a+z"}, "'z' is not allowed; choose from a, b, c"),
        ({"extra": "[1]"}, "JSON object"),
        ({"colour": "blue"}, "unknown demo model option 'colour'"),
        ({"step": 3}, "Did you mean steps?"),
        ({"": 3}, "without a name"),
    ],
)
def test_bad_values_say_what_is_allowed(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(OptionError, match=None) as err:
        parse_options(Demo, raw, "demo model")
    assert message in str(err.value)


def test_output_options_leave_out_throughput_and_secrets() -> None:
    opts = parse(steps=3, workers=8, device_map="auto", token="hunter2-secret")
    out = output_options(opts)
    assert "workers" not in out and "device_map" not in out and "token" not in out
    assert out["steps"] == 3 and out["names"] == ["a"]
    assert output_options(parse(workers=1)) == output_options(parse(workers=16))
    assert output_options(parse(steps=2)) != output_options(parse(steps=3))
    assert opts.to_json()["token"] == "***"


def test_a_secret_option_is_masked_wherever_eval_mm_writes() -> None:
    from eval_mm.redact import redact_text

    parse(token="value-given-as-an-option-123")
    assert redact_text("error: bad value-given-as-an-option-123 here") == "error: bad *** here"


def test_given_options_keep_only_what_the_user_named_typed() -> None:
    raw = {"steps": "05", "sampling": "true"}
    assert given_options(parse(**raw), raw) == {"steps": 5, "sampling": True}


def test_describe_lists_types_defaults_and_ranges() -> None:
    rows = {r["name"]: r for r in describe(Demo)}
    assert rows["steps"]["type"] == "int" and rows["steps"]["allowed"] == ">= 1, <= 10"
    assert rows["dtype"]["allowed"] == "auto, bfloat16"
    assert rows["workers"]["affects_output"] is False and rows["names"]["default"] == ["a"]


def test_every_adapter_and_task_declares_its_options() -> None:
    """No adapter swallows options with **_: an unknown one is refused by each of them."""
    from eval_mm.core.task import TaskOptions
    from eval_mm.models.oracle import OracleModel
    from eval_mm.registries import TASKS

    with pytest.raises(OptionError, match="colour"):
        OracleModel(colour="blue")
    for _name, cls in TASKS.items():
        with pytest.raises(OptionError, match="no_such_option"):
            cls(TaskOptions(options={"no_such_option": 1}))


def test_vllm_throughput_options_come_from_the_schema() -> None:
    from eval_mm.models.vllm_engine import THROUGHPUT_OPTIONS, VLLMEngineOptions

    assert "tensor_parallel_size" in THROUGHPUT_OPTIONS and "dtype" not in THROUGHPUT_OPTIONS
    assert set(output_options(VLLMEngineOptions())) & THROUGHPUT_OPTIONS == set()
