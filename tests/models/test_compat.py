"""transformers version compatibility: the dtype keyword by version, the per-family ranges
checked before anything is downloaded, and the checkpoint's decoding defaults applied the
same way as in vLLM (the rest turned off)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from eval_mm.core.model import GenerationConfig
from eval_mm.errors import UserError
from eval_mm.models import compat
from eval_mm.models.catalog import CATALOG, SPECS
from eval_mm.models.compat import (
    check_transformers,
    constraints_file,
    dtype_kwargs,
    in_range,
    release,
    requirement,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("version", "key"),
    [("4.45.0", "torch_dtype"), ("4.55.4", "torch_dtype"), ("4.56.0", "dtype"), ("5.1.0", "dtype")],
)
def test_dtype_keyword_follows_the_version(version: str, key: str) -> None:
    assert dtype_kwargs("bf16", version) == {key: "bf16"}


def test_versions_and_ranges() -> None:
    assert release("4.50.0.dev0") == release("4.50") and release("5") == release("5.0.0")
    assert in_range("4.49.9", (None, "4.50")) and not in_range("4.50.0", (None, "4.50"))
    assert not in_range("4.50.0.dev0", (None, "4.50"))  # a pre-release of the excluded one
    assert not in_range("4.44.2", ("4.45", "4.50")) and in_range("4.45.0", ("4.45", "4.50"))
    assert requirement(("4.45", "4.50")) == "transformers>=4.45,<4.50"
    assert requirement((None, "4.50")) == "transformers<4.50"


def test_out_of_range_is_a_user_error_naming_what_to_install() -> None:
    with pytest.raises(UserError) as err:
        check_transformers("x", ("4.45", "4.50"), "constraints/c.txt", version="4.57.1")
    msg = str(err.value)
    assert "pip install 'transformers>=4.45,<4.50'" in msg and "4.57.1 is installed" in msg
    assert "constraints/c.txt" in msg
    check_transformers("x", ("4.45", "4.50"), version="4.49.0")  # in range: no error
    check_transformers("x", (None, None), version="1.0")


def test_a_catalog_model_is_refused_before_any_download(monkeypatch: pytest.MonkeyPatch) -> None:
    from eval_mm.models import resolve_model

    def no_hub(*a: Any, **k: Any) -> None:
        raise AssertionError("the hub was asked before the version check")

    monkeypatch.setattr("eval_mm.models.hf.check_available", no_hub)
    monkeypatch.setattr(compat, "installed_transformers", lambda: "4.57.0")
    with pytest.raises(UserError, match=r"transformers<4\.50.*transformers-legacy\.txt"):
        resolve_model("asagi")
    monkeypatch.setattr("eval_mm.models.remote.check_available", no_hub)
    with pytest.raises(UserError, match=r"transformers>=4\.46,<4\.47"):
        resolve_model("heron-nvila")


def test_every_range_has_a_constraint_file_that_satisfies_it() -> None:
    ranges = {s.transformers_range for s in SPECS if s.transformers_range != (None, None)}
    assert {CATALOG[n].transformers_range for n in ("asagi-14b", "llava-calm2-siglip")} <= ranges
    for bounds in ranges:
        path = constraints_file(bounds)
        assert path is not None, bounds
        lines = [ln for ln in (ROOT / path).read_text().splitlines() if not ln.startswith("#")]
        (pin,) = lines
        version = pin.split("==")[1] if "==" in pin else "4.49.0"
        assert in_range(version, bounds), (path, pin)


def test_old_transformers_gets_torch_dtype_at_load(
    tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import transformers

    from eval_mm.models import resolve_model

    seen: dict[str, Any] = {}

    def record(source: str, **kw: Any) -> Any:
        seen.update(kw)
        raise OSError("stop here")

    monkeypatch.setattr(compat, "installed_transformers", lambda: "4.47.0")
    monkeypatch.setattr(transformers.AutoModelForImageTextToText, "from_pretrained", record)
    with pytest.raises(UserError, match="could not load"):
        resolve_model(str(tiny_models["llava"]), {"dtype": "float32"})
    assert "torch_dtype" in seen and "dtype" not in seen


def test_unapplied_checkpoint_settings_are_turned_off_and_recorded(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    """A checkpoint's no_repeat_ngram_size is not part of the shared rule (vLLM has no such
    setting): transformers must not apply it either; its repetition penalty applies."""
    from eval_mm.models import resolve_model

    folder = tmp_path / "llava-ngram"
    shutil.copytree(tiny_models["llava"], folder)
    path = folder / "generation_config.json"
    gen = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**gen, "no_repeat_ngram_size": 1, "top_k": 5}), encoding="utf-8")
    from tests.models.test_hf_adapter import _samples

    cfg = GenerationConfig(max_new_tokens=8)
    odd = resolve_model(str(folder), {"batch_size": 3})
    kw = odd.generate_kwargs(cfg)
    assert kw["no_repeat_ngram_size"] == 0 and "top_k" not in kw
    sampling = odd.generate_kwargs(GenerationConfig(do_sample=True))
    assert sampling["top_k"] == 5
    record = odd.card()["checkpoint_decoding"]
    assert record["greedy"]["unapplied"] == {"no_repeat_ngram_size": 1}
    assert record["greedy"]["turned_off"] == {"no_repeat_ngram_size": 0}
    assert record["sampling"]["applied"] == {"top_k": 5}
    out = odd.generate(_samples()[:3], cfg)
    odd.close()
    plain = resolve_model(str(tiny_models["llava"]), {"batch_size": 3})
    assert plain.generate_kwargs(GenerationConfig(do_sample=True))["top_k"] == 0
    assert plain.generate(_samples()[:3], cfg) == out
    plain.close()
