"""ThresholdTuner vs TunedThresholdClassifierCV, and the sweep vs a bare argsort.

Measured side by side in one run (interleaved repeats, medians), printed as ratios:

1. fit time, same ``LogisticRegression``, same 5 stratified folds, 200 000 samples:
   ``ThresholdTuner`` with its native objective names **and** with scikit-learn scorer
   names and scorers (``"f1"``, ``"balanced_accuracy"``, ``"recall"``,
   ``make_scorer(fbeta_score, beta=2)``...), each against
   ``TunedThresholdClassifierCV`` with the same scorer; one ``cross_val_predict`` as the
   reference. Every scorer here is evaluated from the confusion counts of one sorted
   sweep, so its spelling does not change the speed;
2. the sorted sweep over every distinct score of 10**6 scores vs ``np.argsort`` of them.

Targets (issues 4 and 11): every tuner <= 0.4x TunedThresholdClassifierCV; sweep <= 1.3x
argsort.

Usage: ``python benchmarks/bench_threshold.py [--n-samples 200000] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import fbeta_score, get_scorer, make_scorer
from sklearn.model_selection import (
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_val_predict,
)

from skmedimg import ThresholdTuner
from skmedimg._sweep import select_threshold, sweep_scores

F2 = make_scorer(fbeta_score, beta=2)

# label -> (ThresholdTuner keywords, the TunedThresholdClassifierCV scoring it is timed
# against, the scorer that judges both chosen thresholds)
CASES = {
    'objective="f_beta" (native, beta=1)': ({"objective": "f_beta"}, "f1"),
    'objective="f1"': ({"objective": "f1"}, "f1"),
    'objective="balanced_accuracy" (native)': ({"objective": "balanced_accuracy"},
                                               "balanced_accuracy"),
    'objective=get_scorer("balanced_accuracy")': (
        {"objective": get_scorer("balanced_accuracy")}, "balanced_accuracy"),
    'objective="recall"': ({"objective": "recall"}, "recall"),
    'objective="recall", min_precision=0.5': (
        {"objective": "recall", "min_precision": 0.5}, "recall"),
    'objective="max_recall", min_precision=0.5': (
        {"objective": "max_recall", "min_precision": 0.5}, "recall"),
    'objective="f_beta", beta=2 (native)': ({"objective": "f_beta", "beta": 2}, F2),
    "objective=make_scorer(fbeta_score, beta=2)": ({"objective": F2}, F2),
}


class _Thresholded(ClassifierMixin, BaseEstimator):
    """Predicts ``scores >= threshold`` (to judge a threshold with a scorer)."""

    def __init__(self, scores=None, threshold=0.5):
        self.scores = scores
        self.threshold = threshold
        self.classes_ = np.array([0, 1])

    def predict(self, X):
        return (self.scores >= self.threshold).astype(int)


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _name(scoring):
    return scoring if isinstance(scoring, str) else "make_scorer(fbeta_score, beta=2)"


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
    scorings = {_name(s): s for _, s in CASES.values()}

    runs = {"cross_val_predict": [], "cross_val_predict + refit": [],
            "ThresholdTuner(ensemble=True, balanced_accuracy)": []}
    runs.update({f"TTCV({k})": [] for k in scorings})
    runs.update({label: [] for label in CASES})
    fitted = {}
    for _ in range(args.repeats):  # interleaved, so load changes hit all alike
        t, _oof = _timed(lambda: cross_val_predict(est, X, y, cv=cv, method="predict_proba"))
        runs["cross_val_predict"].append(t)
        t2, _m = _timed(lambda: LogisticRegression(max_iter=200).fit(X, y))
        runs["cross_val_predict + refit"].append(t + t2)
        for key, scoring in scorings.items():
            t, fitted[f"TTCV({key})"] = _timed(lambda s=scoring: TunedThresholdClassifierCV(
                est, scoring=s, cv=cv).fit(X, y))
            runs[f"TTCV({key})"].append(t)
        for label, (kw, _s) in CASES.items():
            t, fitted[label] = _timed(lambda kw=kw: ThresholdTuner(
                est, cv=cv, store_cv_results=True, **kw).fit(X, y))
            runs[label].append(t)
        t, _e = _timed(lambda: ThresholdTuner(
            est, objective="balanced_accuracy", cv=cv, ensemble=True, refit=False).fit(X, y))
        runs["ThresholdTuner(ensemble=True, balanced_accuracy)"].append(t)
    med = {k: float(np.median(v)) for k, v in runs.items()}

    print(f"fit, LogisticRegression, 5 folds, {args.n_samples} samples, median of "
          f"{args.repeats} (seconds); each ThresholdTuner against "
          "TunedThresholdClassifierCV with the same scorer (target <= 0.40x):")
    for label, (kw, scoring) in CASES.items():
        ref = f"TTCV({_name(scoring)})"
        tuner, ttcv = fitted[label], fitted[ref]
        # both chosen thresholds judged by the same scorer on the same out-of-fold scores
        res = tuner.cv_results_
        judge = get_scorer(scoring) if isinstance(scoring, str) else scoring
        q = [judge(_Thresholded(res["scores"], thr), np.zeros((res["y"].size, 1)), res["y"])
             for thr in (tuner.threshold_, ttcv.best_threshold_)]
        print(f"  {label:<46} {med[label]:6.2f}s | {ref:<38} {med[ref]:6.2f}s | ratio "
              f"{med[label] / med[ref]:.2f}x | out-of-fold {_name(scoring)}: ours "
              f"{q[0]:.4f}, TTCV {q[1]:.4f}"
              + ("" if "min_precision" not in kw else " (ours under min_precision)"))
    ratios = [med[label] / med[f"TTCV({_name(s)})"] for label, (_k, s) in CASES.items()]
    print(f"  worst ratio {max(ratios):.2f}x  (target <= 0.40x)")
    print(f"  cross_val_predict {med['cross_val_predict']:.2f}s; + refit "
          f"{med['cross_val_predict + refit']:.2f}s (floor for any refit=True tuner); "
          f"ThresholdTuner(ensemble=True, no refit, balanced_accuracy) "
          f"{med['ThresholdTuner(ensemble=True, balanced_accuracy)']:.2f}s")

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
