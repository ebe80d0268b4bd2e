"""`skmedimg demo --quick` end to end, and its errors."""

import json
import subprocess
import sys

import numpy as np

from skmedimg.cli import main


def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "skmedimg", *args], cwd=cwd,
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


def test_demo_bad_arguments(tmp_path, capsys):
    # Usage errors exit with 2, data errors with 1; both on one line, before training
    # (tests/test_reliability_data_cli.py covers each case).
    assert main(["demo", "--min-recall", "1.5"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith(
        "skmedimg: error: argument --min-recall")
    assert main(["demo", "--data", str(tmp_path / "missing.npz")]) == 1
    assert "skmedimg: error: --data" in capsys.readouterr().err.strip().splitlines()[-1]
    bad = tmp_path / "bad.npz"
    np.savez(bad, train_images=np.zeros((4, 8, 8)), train_labels=np.array([[0], [1], [2], [3]]))
    assert main(["demo", "--data", str(bad)]) == 1
    assert "is multiclass" in capsys.readouterr().err
