"""``skmedimg`` command line: ``skmedimg demo`` runs the whole workflow end to end.

The demo composes public objects only: data → GridSearchCV over class weights and
augmenting oversampling (imblearn pipeline) with a specificity-at-recall scorer →
ThresholdTuner at a minimum recall → clinical report on held-out images, next to the
untuned 0.5 threshold, written as JSON, Markdown and PNG plots.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np


def _progress(step: str, start: float) -> None:
    print(f"[{time.perf_counter() - start:7.1f}s] {step}", file=sys.stderr, flush=True)


def _load_data(args):
    """(X_train, y_train, X_test, y_test, description)."""
    from sklearn.model_selection import train_test_split

    if args.data is None:
        from skmedimg.datasets import make_lesion_images

        n = 400 if args.quick else 3000
        X, y = make_lesion_images(n, weights=(0.85, 0.15), image_size=16 if args.quick else 28,
                                  random_state=args.random_state)
        source = f"synthetic lesion images (make_lesion_images, n={n}, 15% lesions)"
    else:
        from skmedimg.datasets import load_medmnist

        data = load_medmnist(args.data)
        if data.task != "binary":
            raise ValueError(
                f"the demo handles binary data sets; {args.data} is {data.task}."
            )
        test_split = "test" if "test" in data.splits else ("val" if "val" in data.splits else None)
        if "train" in data.splits and test_split is not None:
            X, y = data.X_train, data.y_train
            X_test, y_test = data[f"X_{test_split}"], data[f"y_{test_split}"]
            if args.quick:
                X, y = _subsample(X, y, 600, args.random_state)
                X_test, y_test = _subsample(X_test, y_test, 300, args.random_state)
            return X, y, X_test, y_test, f"{args.data} (train → {test_split} split)"
        split = data.splits[0]
        X, y = data[f"X_{split}"], data[f"y_{split}"]
        source = f"{args.data} ({split} split, stratified 75/25)"
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=args.random_state
    )
    return X_train, y_train, X_test, y_test, source


def _subsample(X, y, n, seed):
    if len(y) <= n:
        return X, y
    from sklearn.model_selection import train_test_split

    _, X, _, y = train_test_split(X, y, test_size=n, stratify=y, random_state=seed)
    return X, y


def _run_demo(args) -> int:
    start = time.perf_counter()
    if not 0 < args.min_recall <= 1:
        raise ValueError(f"--min-recall must be in (0, 1]; got {args.min_recall}.")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    _progress("loading data", start)
    X_train, y_train, X_test, y_test, source = _load_data(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from imblearn.pipeline import Pipeline
    from sklearn.model_selection import GridSearchCV

    from skmedimg import CNNClassifier, ThresholdTuner
    from skmedimg.metrics import (
        clinical_report,
        plot_confusion_matrix,
        plot_pr_curve,
        plot_threshold_curve,
        specificity_at_recall_scorer,
    )
    from skmedimg.samplers import AugmentingOverSampler

    epochs = args.epochs or (2 if args.quick else 15)
    cv = 2 if args.quick else 3
    cnn = CNNClassifier(epochs=epochs, batch_size=32, learning_rate=3e-3,
                        validation_fraction=0.0 if args.quick else 0.1, patience=4,
                        random_state=args.random_state)
    sampler = AugmentingOverSampler(rotation=15, flip=True, shift=0.05,
                                    random_state=args.random_state)
    pipe = Pipeline([("balance", "passthrough"), ("cnn", cnn)])
    grid = {"cnn__class_weight": [None, "balanced"], "balance": ["passthrough", sampler]}
    n_fits = 4 * cv
    _progress(f"grid search: {n_fits} fits on {len(y_train)} training images "
              f"({source}); scorer: specificity at recall >= {args.min_recall}", start)
    search = GridSearchCV(pipe, grid, cv=cv,
                          scoring=specificity_at_recall_scorer(min_recall=args.min_recall))
    search.fit(X_train, y_train)
    best = {k: ("AugmentingOverSampler" if k == "balance" and v != "passthrough" else v)
            for k, v in search.best_params_.items()}
    _progress(f"best: {best} (cv score {search.best_score_:.3f})", start)

    _progress(f"threshold tuning: max specificity at recall >= {args.min_recall}, "
              f"{cv}-fold ensemble", start)
    tuner = ThresholdTuner(search.best_estimator_, objective="max_specificity",
                           min_recall=args.min_recall, cv=cv,
                           random_state=args.random_state)
    tuner.fit(X_train, y_train)

    _progress("evaluating on the held-out images", start)
    pos = tuner.classes_[1]
    scores_untuned = search.best_estimator_.predict_proba(X_test)[:, 1]
    scores_tuned = tuner.predict_proba(X_test)[:, 1]
    n_boot = 200 if args.quick else 1000
    untuned = clinical_report(y_test, y_score=scores_untuned, threshold=0.5, pos_label=pos,
                              n_bootstraps=n_boot, random_state=args.random_state)
    tuned = clinical_report(y_test, y_score=scores_tuned, threshold=float(tuner.threshold_),
                            pos_label=pos, n_bootstraps=n_boot, random_state=args.random_state)

    summary = _side_by_side(untuned, tuned, float(tuner.threshold_))
    print(f"\nskmedimg demo — {source}\n{len(y_test)} held-out images; best grid point {best}\n")
    print(summary)
    print(f"\ntuned report:\n{tuned.to_text()}")

    (out / "report.json").write_text(json.dumps({
        "data": source, "best_params": best, "cv_score": float(search.best_score_),
        "min_recall": args.min_recall, "threshold": float(tuner.threshold_),
        "untuned_threshold_0.5": untuned.to_dict(), "tuned": tuned.to_dict(),
    }, indent=2))
    (out / "report.md").write_text(
        f"# skmedimg demo\n\nData: {source}\n\nBest grid point: `{best}`\n\n"
        f"## Untuned vs tuned\n\n```\n{summary}\n```\n\n## Tuned operating point\n\n"
        f"{tuned.to_markdown()}\n\n## Untuned (threshold 0.5)\n\n{untuned.to_markdown()}\n"
    )
    (out / "decision_rule.json").write_text(tuner.to_json())
    _save_plots(out, y_test, scores_tuned, tuner, pos, plot_pr_curve, plot_threshold_curve,
                plot_confusion_matrix)
    _progress(f"wrote report.json, report.md, decision_rule.json and plots to {out}", start)
    return 0


def _side_by_side(untuned, tuned, threshold: float) -> str:
    rows = ["sensitivity", "specificity", "ppv", "npv", "f2", "g_mean", "balanced_accuracy",
            "auc"]
    a = untuned.to_dict()["sections"][0]["metrics"]
    b = tuned.to_dict()["sections"][0]["metrics"]
    lines = [f"{'metric':<20}{'threshold 0.5':>16}{f'tuned ({threshold:.4g})':>22}"]
    for r in rows:
        if r in a and r in b:
            lines.append(f"{r:<20}{_num(a[r]['value']):>16}{_num(b[r]['value']):>22}")
    cm_a = untuned.to_dict()["sections"][0]["confusion_matrix"]
    cm_b = tuned.to_dict()["sections"][0]["confusion_matrix"]
    lines.append(f"{'missed (FN)':<20}{cm_a[1][0]:>16d}{cm_b[1][0]:>22d}")
    lines.append(f"{'false alarms (FP)':<20}{cm_a[0][1]:>16d}{cm_b[0][1]:>22d}")
    return "\n".join(lines)


def _num(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _save_plots(out, y_test, scores, tuner, pos, plot_pr_curve, plot_threshold_curve,
                plot_confusion_matrix):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipping plots (pip install matplotlib)",
              file=sys.stderr)
        return
    threshold = float(tuner.threshold_)
    y_pred = np.where(scores >= threshold, pos, tuner.classes_[0])
    for name, display in (
        ("pr_curve.png", plot_pr_curve(y_test, scores, threshold=threshold, pos_label=pos)),
        ("threshold_curve.png", plot_threshold_curve(y_test, scores, threshold=threshold,
                                                      pos_label=pos)),
        ("confusion_matrix.png", plot_confusion_matrix(y_test, y_pred)),
    ):
        display.figure_.savefig(out / name, dpi=100, bbox_inches="tight")
        plt.close(display.figure_)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="skmedimg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the imbalanced-imaging workflow end to end")
    demo.add_argument("--data", help="MedMNIST-layout .npz file (default: synthetic data)")
    demo.add_argument("--out", default="skmedimg_demo_output", help="output folder")
    demo.add_argument("--min-recall", type=float, default=0.95,
                      help="sensitivity the operating point must reach (default 0.95)")
    demo.add_argument("--epochs", type=int, default=None, help="training epochs per fit")
    demo.add_argument("--quick", action="store_true", help="a sub-minute run on small data")
    demo.add_argument("--random-state", type=int, default=0)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _run_demo(args)
    except (ValueError, OSError, KeyError) as exc:
        print(f"skmedimg: error: {exc}", file=sys.stderr)
        return 2
    return 1  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
