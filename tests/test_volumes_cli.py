"""`skmedimg demo --volumes`: the workflow on synthetic 3-D volumes (issue 12)."""

import json

from skmedimg._cli_checks import OUTPUT_FILES, VOLUME_DEMO, _load_data
from skmedimg.cli import build_parser, main


def test_volumes_demo_data_is_5d_and_split_like_the_image_demo():
    args = build_parser().parse_args(["demo", "--volumes", "--quick", "--random-state", "1"])
    X_train, y_train, X_test, y_test, source = _load_data(args, cv=3)
    n, size = VOLUME_DEMO[True]
    assert X_train.shape == (n * 3 // 4, size, size, size, 1)
    assert X_test.shape == (n // 4, size, size, size, 1)
    assert round(y_test.mean(), 2) == 0.15  # stratified at the 15 % prevalence
    assert "make_lesion_volumes" in source and f"n={n}" in source


def test_volumes_and_data_are_exclusive(capsys):
    assert main(["demo", "--volumes", "--data", "x.npz"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "argument --data: not allowed with argument --volumes" in err


def test_volumes_quick_demo_writes_its_outputs(tmp_path, monkeypatch, capsys):
    # In-process on 160 volumes of 8^3 and one epoch, to stay cheap: this checks the
    # plumbing (5-D data through the CNN, the tuner, the report and the plots), not the
    # model's quality; tests/test_cli.py runs the image demo as a user does.
    monkeypatch.setitem(VOLUME_DEMO, True, (160, 8))
    out = tmp_path / "out"
    assert main(["demo", "--volumes", "--quick", "--epochs", "1", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "40 held-out volumes" in captured.out
    assert "evaluating on the held-out volumes" in captured.err
    report = json.loads((out / "report.json").read_text())
    assert "make_lesion_volumes, n=160, 8^3 voxels" in report["data"]
    tuned = report["tuned"]["sections"][0]
    assert sum(map(sum, tuned["confusion_matrix"])) == 40
    assert tuned["threshold"] == report["threshold"]
    rule = json.loads((out / "decision_rule.json").read_text())
    assert rule["threshold"] == report["threshold"]
    for name in OUTPUT_FILES:
        assert (out / name).stat().st_size > 0, name
    assert (out / "pr_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
