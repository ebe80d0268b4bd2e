"""benchmarks/real_data.py --quick on the real BreastMNIST file (skipped when absent)."""

import importlib.util
import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

pytestmark = pytest.mark.skipif(
    not (DATA / "breastmnist.npz").is_file(),
    reason=f"real data {DATA / 'breastmnist.npz'} not present",
)


def _load_script():
    spec = importlib.util.spec_from_file_location("real_data", ROOT / "benchmarks" / "real_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_prints_one_row_per_variant_with_finite_metrics(tmp_path, capsys):
    bench = _load_script()
    out = tmp_path / "results.json"
    assert bench.main(["--quick", "--data", str(DATA), "--out", str(out)]) == 0

    rows = json.loads(out.read_text())["rows"]
    assert [(r["dataset"], r["variant"]) for r in rows] == [
        ("breastmnist", "(a) plain Keras CNN"),
        ("breastmnist", "(b) CNNClassifier balanced"),
    ]
    for row in rows:
        assert row["seeds"] == [0]
        assert 0.0 <= row["auc"] <= 1.0 and math.isfinite(row["auc"])
        for metric in ("sens", "spec", "balacc"):
            assert 0.0 <= row[metric] <= 1.0
        assert row["seconds_per_fit"] > 0

    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("breastmnist: train 54/146 -> test 42/114")
    assert table[1].split()[:4] == ["dataset", "variant", "AUC", "sens"]
    assert [line.split("  ")[0] for line in table[2:]] == ["breastmnist"] * 2
    assert "(a) plain Keras CNN" in table[2] and "(b) CNNClassifier balanced" in table[3]


def test_tta_shift_moves_content_and_keeps_shape():
    bench = _load_script()
    import numpy as np

    X = np.zeros((1, 5, 5), dtype=np.uint8)
    X[0, 2, 2] = 9
    moved = bench._shift(X, 1, -1)
    assert moved.shape == X.shape and moved[0, 3, 1] == 9 and moved[0, 2, 2] == 0
    assert len(bench.tta_views(X)) == 5 and len(bench.tta_views(X, flip=True)) == 10
