"""The docstrings' examples (pytest --doctest-modules symbio) run from the
repository's root, with `symbio` imported and `scenario` the shipped Liuzhou
district."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _doctest_namespace(request, doctest_namespace, monkeypatch):
    if isinstance(request.node, pytest.DoctestItem):
        monkeypatch.chdir(ROOT)
        import symbio

        doctest_namespace["symbio"] = symbio
        doctest_namespace["scenario"] = symbio.load(ROOT / "scenarios" / "liuzhou.toml")
