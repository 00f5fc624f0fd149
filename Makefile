# Set-up and everyday commands. `make demo` and `make test` do all the set-up themselves.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-jpn fonts-noto-cjk fonts-ipafont-gothic \
	fonts-ipafont-mincho fonts-takao-gothic chromium chromium-driver
TORCH := torch==2.13.0

.PHONY: setup system-packages demo test lint typecheck pytest bench clean

setup: system-packages $(STAMP)

# Debian packages: Tesseract with Japanese data, Japanese fonts, Chromium for the browser tests.
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# torch is pinned first: the CPU build on disk. An unpinned torch would pull CUDA packages.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e ".[hf,leaderboard,dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/eval-mm run --model tesseract --task ja-word-ocr

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy --strict eval_mm tasks judges leaderboard

pytest: setup
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: setup
	$(BIN)/python benchmarks/overhead.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
