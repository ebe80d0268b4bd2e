"""Run every gallery example as a script, on tiny data (``SKMEDIMG_EXAMPLES_QUICK=1``).

Select them with ``pytest -m examples``; skip them with ``-m "not examples"``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("plot_*.py"))
TIMEOUT = 150  # seconds per example; the quick runs take well under a minute

pytestmark = pytest.mark.examples


def _run(script: Path, **env_overrides) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SKMEDIMG_EXAMPLES_QUICK": "1",
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
        **env_overrides,
    }
    try:
        return subprocess.run(
            [sys.executable, str(script)],
            cwd=script.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{script.name} did not finish within {TIMEOUT} s:\n{exc.stdout}")


def test_examples_found():
    assert len(EXAMPLES) >= 5, EXAMPLES
    assert (EXAMPLES_DIR / "README.txt").is_file()


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script):
    result = _run(script)
    assert result.returncode == 0, (
        f"{script.name} failed (exit {result.returncode}):\n"
        f"--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-5000:]}"
    )
    assert result.stdout.strip(), f"{script.name} printed nothing"


def test_pneumoniamnist_example_skips_without_data(tmp_path):
    result = _run(EXAMPLES_DIR / "plot_pneumoniamnist.py", SKMEDIMG_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "skipping this example" in result.stdout
