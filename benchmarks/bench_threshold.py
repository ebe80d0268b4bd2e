"""ThresholdTuner vs TunedThresholdClassifierCV, and the sweep vs a bare argsort.

Measured side by side in one run (interleaved repeats, medians), printed as ratios:

1. fit time, same ``LogisticRegression``, same 5 stratified folds, same objective
   (balanced accuracy), 200 000 samples; one ``cross_val_predict`` as the reference;
2. the sorted sweep over every distinct score of 10**6 scores vs ``np.argsort`` of them.

Targets (issue 4): tuner <= 0.4x TunedThresholdClassifierCV; sweep <= 1.3x argsort.

Usage: ``python benchmarks/bench_threshold.py [--n-samples 200000] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import (
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_val_predict,
)

from skmedimg import ThresholdTuner
from skmedimg._sweep import select_threshold, sweep_scores


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=200_000)
    parser.add_argument("--n-scores", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    X, y = make_classification(args.n_samples, n_features=20, weights=[0.9],
                               class_sep=0.8, random_state=0)
    cv = StratifiedKFold(5)
    est = LogisticRegression(max_iter=200)

    runs = {"cross_val_predict": [], "cross_val_predict + refit": [],
            "TunedThresholdClassifierCV": [], "ThresholdTuner": [],
            "ThresholdTuner(ensemble=True)": []}
    for _ in range(args.repeats):  # interleaved, so load changes hit all alike
        t, _oof = _timed(lambda: cross_val_predict(est, X, y, cv=cv, method="predict_proba"))
        runs["cross_val_predict"].append(t)
        t2, _m = _timed(lambda: LogisticRegression(max_iter=200).fit(X, y))
        runs["cross_val_predict + refit"].append(t + t2)
        t, ttcv = _timed(lambda: TunedThresholdClassifierCV(
            est, scoring="balanced_accuracy", cv=cv).fit(X, y))
        runs["TunedThresholdClassifierCV"].append(t)
        t, tuner = _timed(lambda: ThresholdTuner(
            est, objective="balanced_accuracy", cv=cv, store_cv_results=True).fit(X, y))
        runs["ThresholdTuner"].append(t)
        t, _e = _timed(lambda: ThresholdTuner(
            est, objective="balanced_accuracy", cv=cv, ensemble=True, refit=False).fit(X, y))
        runs["ThresholdTuner(ensemble=True)"].append(t)
    med = {k: float(np.median(v)) for k, v in runs.items()}

    oof_y, oof_s = tuner.cv_results_["y"], tuner.cv_results_["scores"]
    q_ours = balanced_accuracy_score(oof_y, oof_s >= tuner.threshold_)
    q_ttcv = balanced_accuracy_score(oof_y, oof_s >= ttcv.best_threshold_)

    print(f"fit, LogisticRegression, 5 folds, {args.n_samples} samples, "
          f"median of {args.repeats} (seconds):")
    for k, v in med.items():
        print(f"  {k:<32}{v:8.3f}s")
    print(f"  ratio ThresholdTuner / TunedThresholdClassifierCV = "
          f"{med['ThresholdTuner'] / med['TunedThresholdClassifierCV']:.2f}x  (target <= 0.40x)")
    print(f"  ratio ThresholdTuner(ensemble=True, no refit) / TunedThresholdClassifierCV = "
          f"{med['ThresholdTuner(ensemble=True)'] / med['TunedThresholdClassifierCV']:.2f}x")
    print(f"  ratio (cross_val_predict + refit) / TunedThresholdClassifierCV = "
          f"{med['cross_val_predict + refit'] / med['TunedThresholdClassifierCV']:.2f}x  "
          "(floor for any refit=True tuner)")
    print(f"  ratio TunedThresholdClassifierCV / cross_val_predict = "
          f"{med['TunedThresholdClassifierCV'] / med['cross_val_predict']:.2f}x")
    print(f"  ratio ThresholdTuner / cross_val_predict = "
          f"{med['ThresholdTuner'] / med['cross_val_predict']:.2f}x")
    print(f"  out-of-fold balanced accuracy at the chosen threshold: ThresholdTuner "
          f"{q_ours:.5f} (threshold {tuner.threshold_:.5f}), TunedThresholdClassifierCV "
          f"{q_ttcv:.5f} (threshold {ttcv.best_threshold_:.5f})")

    rng = np.random.default_rng(0)
    labels = rng.random(args.n_scores) < 0.1
    scores = np.clip(rng.normal(0.3 + 0.4 * labels, 0.2), 0, 1)
    sweep_t, sort_t, sel_t = [], [], []
    for _ in range(15):
        t, _o = _timed(lambda: np.argsort(scores))
        sort_t.append(t)
        t, sw = _timed(lambda: sweep_scores(y_true=labels, y_score=scores))
        sweep_t.append(t)
        t, _s = _timed(lambda sw=sw: select_threshold(sw, objective="max_specificity",
                                                      min_recall=0.95))
        sel_t.append(t)
    ms, ma, mc = np.median(sweep_t), np.median(sort_t), np.median(sel_t)
    print(f"sweep over {args.n_scores} scores ({sw.thresholds.size - 1} distinct), median:")
    print(f"  np.argsort                  {1e3 * ma:8.1f} ms")
    print(f"  sweep_scores                {1e3 * ms:8.1f} ms")
    print(f"  select_threshold            {1e3 * mc:8.1f} ms  (max_specificity, min_recall)")
    print(f"  ratio sweep / argsort = {ms / ma:.2f}x  (target <= 1.30x); "
          f"sweep + select / argsort = {(ms + mc) / ma:.2f}x")


if __name__ == "__main__":
    main()
