"""The sorted sweep against a brute-force search over all distinct scores."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from imblearn.metrics import geometric_mean_score, specificity_score
from sklearn.metrics import (
    balanced_accuracy_score,
    fbeta_score,
    make_scorer,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

from skmedimg._sweep import OBJECTIVES, select_threshold, sweep_scores
from skmedimg._threshold import _TuneSpec


def _metrics(y, pred, *, beta, cost_fn, cost_fp):
    fp = np.sum(~y & pred)
    fn = np.sum(y & ~pred)
    rec = recall_score(y, pred, zero_division=0)
    spec = specificity_score(y, pred)
    return {
        "recall": rec,
        "specificity": spec,
        "precision": precision_score(y, pred, zero_division=0),
        "f_beta": fbeta_score(y, pred, beta=beta, zero_division=0),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "youden": rec + spec - 1,
        "g_mean": geometric_mean_score(y, pred, average="binary"),
        "min_cost": -(cost_fn * fn + cost_fp * fp) / y.size,
        "max_specificity": spec,
        "max_recall": rec,
        "scorer": matthews_corrcoef(y, pred),
    }


def _brute_force(y, s, objective, *, beta=1.0, cost_fn=1.0, cost_fp=1.0, **constraints):
    candidates = np.r_[np.unique(s), np.nextafter(s.max(), np.inf)]
    best = -np.inf
    for t in candidates:
        m = _metrics(y, s >= t, beta=beta, cost_fn=cost_fn, cost_fp=cost_fp)
        ok = all(m[k.removeprefix("min_")] >= v - 1e-12 for k, v in constraints.items()
                 if v is not None)
        if ok:
            best = max(best, m[objective])
    return best


constraint_values = st.one_of(st.none(), st.sampled_from([0.3, 0.5, 0.8, 0.95, 1.0]))


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.tuples(st.booleans(), st.integers(0, 12)), min_size=2, max_size=40),
    objective=st.sampled_from(OBJECTIVES + ("scorer",)),
    beta=st.sampled_from([0.5, 1.0, 2.0]),
    costs=st.tuples(st.sampled_from([1.0, 5.0]), st.sampled_from([1.0, 3.0])),
    min_recall=constraint_values,
    min_precision=constraint_values,
    min_specificity=constraint_values,
)
def test_sweep_equals_brute_force(data, objective, beta, costs, min_recall, min_precision,
                                  min_specificity):
    y = np.array([d[0] for d in data])
    s = np.array([d[1] for d in data]) / 12.0  # many ties on purpose
    if y.all() or not y.any():
        y[0] = not y[0]
    if objective == "max_specificity" and min_recall is None:
        min_recall = 0.8
    if objective == "max_recall" and min_precision is None and min_specificity is None:
        min_specificity = 0.5
    constraints = {"min_recall": min_recall, "min_precision": min_precision,
                   "min_specificity": min_specificity}
    spec = _TuneSpec(objective=objective,
                     scorer=make_scorer(matthews_corrcoef) if objective == "scorer" else None,
                     beta=beta, cost_fn=costs[0], cost_fp=costs[1], score_params={},
                     **constraints)
    sel, sweep, _ = spec.tune_binary(y.astype(int), y, s, neg_label=0, pos_label=1)
    if objective == "scorer":  # the count formula and calling the scorer agree
        spec.counts = None
        slow = spec.tune_binary(y.astype(int), y, s, neg_label=0, pos_label=1)[0]
        assert (slow.threshold, slow.feasible) == (sel.threshold, sel.feasible)
        assert slow.score == pytest.approx(sel.score, abs=1e-12)
    expected = _brute_force(y, s, objective, beta=beta, cost_fn=costs[0], cost_fp=costs[1],
                            **constraints)
    # the selected threshold, re-evaluated by sklearn/imblearn, gives the reported score
    got = _metrics(y, s >= sel.threshold, beta=beta, cost_fn=costs[0], cost_fp=costs[1])
    assert got[objective] == pytest.approx(sel.score, abs=1e-12)
    if np.isfinite(expected):
        assert sel.feasible
        assert sel.score == pytest.approx(expected, abs=1e-12)
        for k, v in constraints.items():
            if v is not None:
                assert got[k.removeprefix("min_")] >= v - 1e-12
    else:
        assert not sel.feasible


def test_sweep_counts_match_direct_counts():
    rng = np.random.default_rng(0)
    y = rng.random(500) < 0.2
    s = np.round(rng.random(500), 2)
    sw = sweep_scores(y_true=y, y_score=s)
    assert sw.thresholds[0] > s.max()
    assert np.all(np.diff(sw.thresholds) < 0)
    for i in (0, 5, 50, sw.thresholds.size - 1):
        pred = s >= sw.thresholds[i]
        assert sw.tp[i] == np.sum(pred & y) and sw.fp[i] == np.sum(pred & ~y)


def test_sweep_sample_weight_matches_repetition():
    rng = np.random.default_rng(1)
    y = rng.random(60) < 0.3
    s = rng.integers(0, 10, 60).astype(float)
    w = rng.integers(1, 4, 60)
    a = sweep_scores(y_true=y, y_score=s, sample_weight=w)
    b = sweep_scores(y_true=np.repeat(y, w), y_score=np.repeat(s, w))
    np.testing.assert_allclose(a.tp, b.tp)
    np.testing.assert_allclose(a.fp, b.fp)


def test_sweep_rejects_bad_scores():
    with pytest.raises(ValueError, match="NaN or infinite"):
        sweep_scores(y_true=[0, 1], y_score=[0.1, np.nan])
    with pytest.raises(ValueError, match="same length"):
        sweep_scores(y_true=[0, 1, 1], y_score=[0.1, 0.2])


def test_infeasible_constraint_returns_closest_point():
    y = np.array([1, 0, 1, 0, 0, 1])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    sweep = sweep_scores(y_true=y, y_score=s)
    sel = select_threshold(sweep, objective="max_recall", min_precision=1.0)
    assert sel.feasible and sel.threshold == 0.9  # precision 1 only at the top score
    y = np.array([0, 1, 0, 1])
    s = np.array([0.9, 0.8, 0.2, 0.1])  # the top score is a negative
    sel = select_threshold(sweep_scores(y_true=y, y_score=s), objective="max_recall",
                           min_precision=0.9)
    assert not sel.feasible
    assert sel.threshold == 0.1  # precision 0.5 is the closest achievable, recall 1
