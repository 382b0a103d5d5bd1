"""Shared fixtures: the repository, the `symbio` binary the answers are compared
with, and the generator of a larger scenario.

The binary and the example are those of `cargo build` / `cargo test` in
`$CARGO_TARGET_DIR` (or the repository's `target/`); `SYMBIO_BIN` names another
binary. `.ci/run` runs these tests after `cargo test`, which builds both.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _target() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug"


def _built(path: Path, what: str) -> Path:
    if not path.is_file():
        pytest.fail(f"{path} is missing: build {what} first (cargo test builds it)")
    return path


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs `symbio ARGS...` from the repository and returns its stdout."""
    binary = Path(os.environ["SYMBIO_BIN"]) if "SYMBIO_BIN" in os.environ else _target() / "symbio"
    binary = _built(binary, "symbio (cargo build)")

    def run(*args: str) -> str:
        done = subprocess.run([str(binary), *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, f"symbio {' '.join(args)}: {done.stderr}"
        return done.stdout

    return run


@pytest.fixture(scope="session")
def region(tmp_path_factory) -> Path:
    """A synthetic region of 300 sites (the `region` example, seed 1): its one
    MILP takes HiGHS well over a minute."""
    example = _built(_target() / "examples" / "region", "the region example")
    catalog = ROOT / "scenarios" / "catalog" / "default.toml"
    text = subprocess.run([str(example), "300", "1", str(catalog)], check=True,
                          capture_output=True, text=True).stdout
    path = tmp_path_factory.mktemp("region") / "region-300.toml"
    path.write_text(text)
    return path
