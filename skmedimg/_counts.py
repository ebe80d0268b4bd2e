"""Metrics computed from confusion counts, in one place.

Every function takes (possibly weighted) counts as arrays that broadcast together and
returns a float64 array of the same shape, so one call evaluates a metric at every
candidate threshold of a sweep (:mod:`skmedimg._sweep`), at every candidate class
weight of the multiclass search, or on bootstrap draws (the clinical report).

Undefined ratios follow scikit-learn's ``zero_division``: the value returned where the
denominator is 0 (``0.0`` by default, as scikit-learn's ``"warn"`` without the warning;
``np.nan`` where a report must show "undefined" rather than a 0 that reads like a
result). The formulas are scikit-learn's (``precision_recall_fscore_support``,
``jaccard_score``, ``balanced_accuracy_score``, ``matthews_corrcoef``); the tests
compare them with those functions.

Multiclass metrics take per-class counts along the last axis: ``tp`` (correct
predictions of the class), ``pc`` (predictions of the class) and ``true`` (samples of
the class), plus the total ``n``.

This module imports nothing from skmedimg: the tuner and :mod:`skmedimg.metrics` both
import it without a cycle.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "accuracy",
    "average",
    "balanced_accuracy",
    "f_beta",
    "fpr",
    "g_mean",
    "jaccard",
    "matthews",
    "mean_cost",
    "multiclass_matthews",
    "npv",
    "per_class",
    "precision",
    "ratio",
    "recall",
    "specificity",
    "youden",
]


def _f(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def ratio(num, den, zero_division: float = 0.0) -> np.ndarray:
    """``num / den``, with ``zero_division`` where ``den == 0``.

    Examples
    --------
    >>> from skmedimg._counts import ratio
    >>> ratio([1, 0, 2], [2, 0, 4]).tolist()
    [0.5, 0.0, 0.5]
    """
    num, den = np.broadcast_arrays(_f(num), _f(den))
    out = np.full(num.shape, zero_division, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def recall(tp, fn, *, zero_division: float = 0.0) -> np.ndarray:
    """Sensitivity, true positive rate: ``TP / (TP + FN)``."""
    return ratio(tp, _f(tp) + fn, zero_division)


def specificity(tn, fp, *, zero_division: float = 0.0) -> np.ndarray:
    """True negative rate: ``TN / (TN + FP)``."""
    return ratio(tn, _f(tn) + fp, zero_division)


def precision(tp, fp, *, zero_division: float = 0.0) -> np.ndarray:
    """Positive predictive value: ``TP / (TP + FP)``."""
    return ratio(tp, _f(tp) + fp, zero_division)


def npv(tn, fn, *, zero_division: float = 0.0) -> np.ndarray:
    """Negative predictive value: ``TN / (TN + FN)``."""
    return ratio(tn, _f(tn) + fn, zero_division)


def fpr(fp, tn, *, zero_division: float = 0.0) -> np.ndarray:
    """False positive rate: ``FP / (FP + TN)``."""
    return ratio(fp, _f(fp) + tn, zero_division)


def f_beta(tp, fp, fn, *, beta: float = 1.0, zero_division: float = 0.0) -> np.ndarray:
    """F-beta, ``(1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)`` (scikit-learn's form,
    undefined only when there is no true and no predicted positive).

    Examples
    --------
    >>> from skmedimg._counts import f_beta
    >>> f_beta([2, 0], [1, 0], [1, 0], beta=1.0, zero_division=float("nan")).tolist()
    [0.666..., nan]
    """
    b2 = float(beta) ** 2
    tp = _f(tp)
    return ratio((1 + b2) * tp, (1 + b2) * tp + b2 * _f(fn) + fp, zero_division)


def jaccard(tp, fp, fn, *, zero_division: float = 0.0) -> np.ndarray:
    """Jaccard index (intersection over union): ``TP / (TP + FP + FN)``."""
    return ratio(tp, _f(tp) + fp + fn, zero_division)


def accuracy(tp, fp, fn, tn, *, normalize: bool = True) -> np.ndarray:
    """Fraction (or, with ``normalize=False``, weighted count) of correct predictions."""
    correct = _f(tp) + tn
    return ratio(correct, correct + fp + fn) if normalize else correct


def balanced_accuracy(tp, fp, fn, tn, *, adjusted: bool = False,
                      zero_division: float = 0.0) -> np.ndarray:
    """Mean of recall and specificity (binary ``balanced_accuracy_score``); with
    ``adjusted``, rescaled so that chance is 0 (then it equals :func:`youden`)."""
    score = (recall(tp, fn, zero_division=zero_division)
             + specificity(tn, fp, zero_division=zero_division)) / 2
    return 2 * score - 1 if adjusted else score


def youden(tp, fp, fn, tn, *, zero_division: float = 0.0) -> np.ndarray:
    """Youden's J: recall + specificity - 1."""
    return (recall(tp, fn, zero_division=zero_division)
            + specificity(tn, fp, zero_division=zero_division) - 1)


def g_mean(tp, fp, fn, tn, *, zero_division: float = 0.0) -> np.ndarray:
    """Geometric mean of recall and specificity."""
    return np.sqrt(recall(tp, fn, zero_division=zero_division)
                   * specificity(tn, fp, zero_division=zero_division))


def matthews(tp, fp, fn, tn) -> np.ndarray:
    """Matthews correlation coefficient; 0 where it is undefined (scikit-learn)."""
    tp, fp, fn, tn = (_f(a) for a in (tp, fp, fn, tn))
    den = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    out = np.zeros(np.broadcast(tp, fp, fn, tn).shape)
    np.divide(tp * tn - fp * fn, np.sqrt(den, where=den > 0, out=np.zeros_like(out)),
              out=out, where=den > 0)
    return out


def mean_cost(fp, fn, n, *, cost_fn: float = 1.0, cost_fp: float = 1.0) -> np.ndarray:
    """Mean misclassification cost per sample, ``(cost_fn FN + cost_fp FP) / n``."""
    return (cost_fn * _f(fn) + cost_fp * _f(fp)) / n


# ------------------------------------------------------------------------ multiclass


def per_class(tp, pc, true, n):
    """One-vs-rest ``(tp, fp, fn, tn)`` of every class from per-class counts (last axis).

    Examples
    --------
    >>> from skmedimg._counts import per_class
    >>> [a.tolist() for a in per_class([2, 1], [3, 1], [2, 2], 4)]
    [[2.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 2.0]]
    """
    tp, pc, true = _f(tp), _f(pc), _f(true)
    return tp, pc - tp, true - tp, n - pc - true + tp


def average(values, how: str, support=None) -> np.ndarray:
    """Average per-class values (last axis): ``"macro"`` (unweighted) or ``"weighted"``
    (by ``support``, the per-class true counts), as scikit-learn averages them."""
    values = _f(values)
    if how == "macro":
        return values.mean(axis=-1)
    if how == "weighted":
        support = np.broadcast_to(_f(support), values.shape)
        return ratio((values * support).sum(axis=-1), support.sum(axis=-1))
    raise ValueError(f"Unknown average {how!r}; expected 'macro' or 'weighted'.")


def multiclass_matthews(tp, pc, true, n) -> np.ndarray:
    """Multiclass Matthews correlation from per-class counts (scikit-learn's formula:
    covariances of the one-hot true and predicted labels); 0 where undefined."""
    tp, pc, true = _f(tp), _f(pc), _f(true)
    n = float(n)
    cov_tp = tp.sum(axis=-1) * n - (true * pc).sum(axis=-1)
    cov_pp = n * n - (pc * pc).sum(axis=-1)
    cov_tt = n * n - (true * true).sum(axis=-1)
    den = cov_pp * cov_tt
    out = np.zeros(np.shape(cov_tp))
    np.divide(cov_tp, np.sqrt(den, where=den > 0, out=np.zeros_like(out)), out=out,
              where=den > 0)
    return out
