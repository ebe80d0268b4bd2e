"""`skmedimg demo --quick` end to end, and its errors."""

import json
import os
import subprocess
import sys

import numpy as np

from skmedimg.cli import main


def _run(*args, cwd):
    # as a user runs it: without the test session's TF_CPP_MIN_LOG_LEVEL
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-m", "skmedimg", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_demo_quick_writes_reports(tmp_path):
    out = tmp_path / "out"
    proc = _run("demo", "--quick", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "threshold 0.5" in proc.stdout and "sensitivity" in proc.stdout
    report = json.loads((out / "report.json").read_text())
    tuned = report["tuned"]["sections"][0]
    assert tuned["threshold"] == report["threshold"]
    assert sum(map(sum, tuned["confusion_matrix"])) == 300  # the held-out quarter of 1200
    # like with like: both columns score the same model, so only the threshold differs
    half = report["threshold_0.5"]["sections"][0]
    assert half["metrics"]["auc"]["value"] == tuned["metrics"]["auc"]["value"]
    # the quick run is meaningful: the recall target holds on the held-out images
    assert tuned["metrics"]["sensitivity"]["value"] >= 0.9
    assert tuned["metrics"]["auc"]["value"] >= 0.9
    assert "target recall >= 0.9: met" in proc.stdout
    assert "Sensitivity" in (out / "report.md").read_text()
    rule = json.loads((out / "decision_rule.json").read_text())
    assert rule["threshold"] == report["threshold"] and rule["task"] == "binary"
    for png in ("operating_point.png", "pr_curve.png", "threshold_curve.png",
                "confusion_matrix.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "threshold tuning" in proc.stderr  # progress is shown
    assert "Traceback" not in proc.stderr and "cuInit" not in proc.stderr


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


def test_pos_label_names_the_disease_class_or_fails_before_training(tmp_path, capsys):
    from skmedimg.cli import _Failure, _positive_class

    y = np.array([0, 1, 1, 0, 1])
    assert _positive_class(None, y) == 1 and _positive_class("0", y) == 0
    assert _positive_class("b", np.array(["a", "b"])) == "b"
    try:
        _positive_class("2", y)
    except _Failure as exc:
        assert "--pos-label 2: not a class of the data; its classes are ['0', '1']" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown --pos-label must fail")
    data = tmp_path / "two.npz"
    rng = np.random.RandomState(0)
    np.savez(data, train_images=rng.randint(0, 255, (40, 8, 8), dtype=np.uint8),
             train_labels=np.arange(40) % 2)
    assert main(["demo", "--data", str(data), "--pos-label", "7",
                 "--out", str(tmp_path / "out")]) == 1
    assert "--pos-label 7: not a class" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before training and before writing
