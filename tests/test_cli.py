"""`skmedimg demo --quick` end to end, and its errors."""

import json
import subprocess
import sys

import numpy as np


def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "skmedimg.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_demo_quick_writes_reports(tmp_path):
    out = tmp_path / "out"
    proc = _run("demo", "--quick", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "threshold 0.5" in proc.stdout and "sensitivity" in proc.stdout
    report = json.loads((out / "report.json").read_text())
    tuned = report["tuned"]["sections"][0]
    assert tuned["threshold"] == report["threshold"]
    assert sum(map(sum, tuned["confusion_matrix"])) == 100  # the held-out quarter of 400
    assert "Sensitivity" in (out / "report.md").read_text()
    rule = json.loads((out / "decision_rule.json").read_text())
    assert rule  # plain JSON decision rule
    for png in ("pr_curve.png", "threshold_curve.png", "confusion_matrix.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "grid search" in proc.stderr  # progress is shown


def test_demo_bad_arguments(tmp_path):
    proc = _run("demo", "--min-recall", "1.5", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("skmedimg: error: --min-recall")
    proc = _run("demo", "--data", str(tmp_path / "missing.npz"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "skmedimg: error:" in proc.stderr.strip().splitlines()[-1]
    bad = tmp_path / "bad.npz"
    np.savez(bad, train_images=np.zeros((4, 8, 8)), train_labels=np.array([[0], [1], [2], [3]]))
    proc = _run("demo", "--data", str(bad), cwd=tmp_path)
    assert proc.returncode == 2
