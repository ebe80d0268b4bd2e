"""Constraints judged on Wilson lower bounds (``constraint_confidence``)."""

import json

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from skmedimg import ThresholdTuner
from skmedimg._sweep import select_threshold, sweep_scores, wilson_bounds


def _scores(seed=0, n=300):
    rng = np.random.RandomState(seed)
    y = (rng.uniform(size=n) < 0.3).astype(int)
    s = rng.normal(size=n) + 1.2 * y
    return y, s


def test_wilson_bounds_equal_scipy():
    lo, hi = wilson_bounds([3, 40, 50], [10, 50, 50], 0.9)
    for k, n, a, b in zip([3, 40, 50], [10, 50, 50], lo, hi):
        ci = binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
        assert a == pytest.approx(ci.low) and b == pytest.approx(ci.high)


@pytest.mark.parametrize("seed", range(5))
def test_selection_is_the_best_point_whose_lower_bound_meets_the_constraint(seed):
    y, s = _scores(seed)
    sweep = sweep_scores(y_true=y, y_score=s)
    sel = select_threshold(sweep, objective="max_specificity", min_recall=0.9,
                           confidence=0.95)
    # brute force: every distinct threshold, its exact recall CI from scipy
    best = None
    for t in np.unique(s):
        pred = s >= t
        tp, n_pos = int((pred & (y == 1)).sum()), int((y == 1).sum())
        low = binomtest(tp, n_pos).proportion_ci(0.95, method="wilson").low
        spec = float((~pred & (y == 0)).sum() / (y == 0).sum())
        if low >= 0.9 and (best is None or spec > best[1]):
            best = (t, spec)
    assert sel.feasible
    assert sel.score == pytest.approx(best[1])
    point = select_threshold(sweep, objective="max_specificity", min_recall=0.9)
    assert sel.threshold <= point.threshold  # the bound can only ask for more recall


def test_precision_bound_with_nothing_predicted_positive_is_not_feasible():
    y, s = _scores(1)
    sweep = sweep_scores(y_true=y, y_score=s)
    sel = select_threshold(sweep, objective="max_recall", min_precision=0.5, confidence=0.9)
    assert sel.index > 0  # index 0 predicts nothing positive: its precision is unknown
    tp, fp = sweep.tp[sel.index], sweep.fp[sel.index]
    assert wilson_bounds(tp, tp + fp, 0.9)[0] >= 0.5


def test_tuner_meets_the_constraint_on_the_lower_bound_and_exports_it():
    X, y = make_classification(600, weights=[0.8], class_sep=0.6, random_state=0)
    kw = dict(objective="max_specificity", min_recall=0.9, cv=3)
    plain = ThresholdTuner(LogisticRegression(), **kw).fit(X, y)
    safe = ThresholdTuner(LogisticRegression(), constraint_confidence=0.95, **kw).fit(X, y)
    assert safe.threshold_ < plain.threshold_
    i = safe.threshold_index_
    tp, fn = safe.curve_["tp"][i], safe.curve_["fn"][i]
    assert wilson_bounds(tp, tp + fn, 0.95)[0] >= 0.9
    assert safe.constraint_met_
    rule = json.loads(safe.to_json())
    assert rule["objective_params"]["constraint_confidence"] == 0.95


def test_unreachable_bound_warns_and_says_how_it_was_judged():
    from skmedimg import ConstraintNotMetWarning

    X, y = make_classification(60, weights=[0.9], random_state=0)  # 6 positives
    tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
                           min_recall=0.99, constraint_confidence=0.99, cv=2)
    with pytest.warns(ConstraintNotMetWarning, match="lower ends of 99% Wilson intervals"):
        tuner.fit(X, y)
    assert not tuner.constraint_met_


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, 1, "high"])
def test_invalid_confidence_is_refused(bad):
    X, y = make_classification(60, random_state=0)
    with pytest.raises(InvalidParameterError, match="constraint_confidence"):
        ThresholdTuner(LogisticRegression(), min_recall=0.9,
                       constraint_confidence=bad).fit(X, y)
