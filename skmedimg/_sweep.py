"""The sorted threshold sweep: every distinct score as a candidate, in O(n log n).

Pure keyword-only helpers shared by :class:`skmedimg.ThresholdTuner` and
:mod:`skmedimg.metrics`. One ``argsort`` of the scores, one cumulative sum of the
positives, and the confusion matrix at *every* distinct score is known; each objective
is then a vectorised formula over those counts (the formulas live in
:mod:`skmedimg._counts`, shared with the multiclass search and the metrics). No refit
per threshold and no fixed grid: a 100-point grid misses the optimum when it lies in a
narrow score band (e.g. above 0.99 when the training prior differs from the deployment
prior).

Conventions
-----------
* A sample is predicted positive when ``score >= threshold``.
* Candidate thresholds are the distinct scores in **descending** order, preceded by
  ``nextafter(max(score), +inf)``, the finite threshold that predicts no positive.
* Undefined ratios follow scikit-learn's ``zero_division=0``: precision (and F-beta)
  is 0 when nothing is predicted positive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.stats import norm

from ._counts import (
    balanced_accuracy as _balanced_accuracy,
)
from ._counts import (
    f_beta as _f_beta,
)
from ._counts import (
    g_mean as _g_mean,
)
from ._counts import (
    mean_cost as _mean_cost,
)
from ._counts import (
    npv as _npv,
)
from ._counts import (
    precision as _precision,
)
from ._counts import (
    recall as _recall,
)
from ._counts import (
    specificity as _specificity,
)
from ._counts import (
    youden as _youden,
)

#: Objectives computed from confusion counts (the tuner also accepts scorers).
OBJECTIVES = (
    "f_beta",
    "balanced_accuracy",
    "youden",
    "g_mean",
    "min_cost",
    "max_specificity",
    "max_recall",
)

# Among thresholds with the same objective value, keep the lowest one (the most
# sensitive operating point; in screening a missed case costs more than a false
# alarm), except for "max_recall", where the highest one has the fewest false alarms.
_PREFER_HIGH = frozenset({"max_recall"})

_TOL = 1e-12


@dataclass(frozen=True)
class Sweep:
    """Confusion counts at every candidate threshold (descending thresholds).

    Attributes
    ----------
    thresholds : ndarray of shape (n_candidates,)
        Candidate thresholds, descending; ``thresholds[0]`` predicts no positive.
    tp, fp : ndarray of shape (n_candidates,)
        True and false positives (weighted counts when sample weights were given).
    n_pos, n_neg : float
        Total (weighted) positives and negatives.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    n_pos: float
    n_neg: float

    @property
    def fn(self) -> np.ndarray:
        return self.n_pos - self.tp

    @property
    def tn(self) -> np.ndarray:
        return self.n_neg - self.fp

    @property
    def recall(self) -> np.ndarray:
        return _recall(self.tp, self.fn)

    @property
    def specificity(self) -> np.ndarray:
        return _specificity(self.tn, self.fp)

    @property
    def precision(self) -> np.ndarray:
        return _precision(self.tp, self.fp)

    @property
    def npv(self) -> np.ndarray:
        return _npv(self.tn, self.fn)

    def f_beta(self, beta: float = 1.0) -> np.ndarray:
        return _f_beta(self.tp, self.fp, self.fn, beta=beta)

    def counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(tp, fp, fn, tn)`` at every candidate threshold."""
        return self.tp, self.fp, self.fn, self.tn


def sweep_scores(*, y_true, y_score, sample_weight=None) -> Sweep:
    """Confusion counts at every distinct score, from one sort.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Boolean (or 0/1) mask of the positive samples; other values are an error.
    y_score : array-like of shape (n_samples,)
        Scores; higher means more likely positive.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative per-sample weights for the counts.

    Returns
    -------
    sweep : Sweep

    Examples
    --------
    >>> from skmedimg._sweep import sweep_scores
    >>> s = sweep_scores(y_true=[0, 0, 1, 1], y_score=[0.1, 0.4, 0.35, 0.8])
    >>> s.thresholds[1:].tolist(), s.tp.tolist(), s.fp.tolist()
    ([0.8, 0.4, 0.35, 0.1], [0.0, 1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0, 2.0])
    """
    y_score = np.asarray(y_score)
    if y_score.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: y_score has dtype {y_score.dtype}.")
    if y_score.dtype.kind in "USV":
        raise TypeError(f"y_score must hold numeric scores; got dtype {y_score.dtype}.")
    if y_score.dtype.kind not in "uifb":
        y_score = y_score.astype(np.float64)
    y_true = np.asarray(y_true)
    if y_true.dtype.kind != "b":
        # a cast to bool would read every non-zero label (2, -1, "neg") as positive
        if y_true.dtype.kind not in "iuf" or not ((y_true == 0) | (y_true == 1)).all():
            raise ValueError(
                "y_true must be a boolean (or 0/1) mask of the positive samples; got "
                f"dtype {y_true.dtype} with values outside {{0, 1}}."
            )
        y_true = y_true.astype(bool)
    if y_score.ndim != 1 or y_true.shape != y_score.shape:
        raise ValueError(
            f"y_true and y_score must be 1-D of the same length; got shapes "
            f"{y_true.shape} and {y_score.shape}."
        )
    if y_score.size == 0:
        raise ValueError("y_score is empty.")
    if y_score.dtype.kind == "f" and not np.isfinite(y_score).all():
        raise ValueError("y_score contains NaN or infinite values.")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != y_score.shape:
            raise ValueError(
                f"sample_weight must have shape {y_score.shape} like y_score; got "
                f"{sample_weight.shape}."
            )
        if not np.isfinite(sample_weight).all():
            raise ValueError("sample_weight contains NaN or infinite values.")
        if (sample_weight < 0).any():
            raise ValueError(
                f"sample_weight must be non-negative; got {int((sample_weight < 0).sum())} "
                "negative value(s)."
            )
        return _weighted_sweep(y_true, y_score, sample_weight)
    # Sort the scores (a value sort is about twice as fast as an argsort), sort the
    # positives' scores, and count the positives at or above each distinct score with
    # one binary search over sorted keys. O(n log n), no gather through a permutation.
    s = np.sort(y_score)
    pos_sorted = np.sort(y_score[y_true])
    n = s.size
    change = np.empty(n, dtype=bool)
    np.not_equal(s[1:], s[:-1], out=change[:-1])
    change[-1] = True
    last = np.flatnonzero(change)  # ascending: last index of each run of equal scores
    m = last.size
    u = s[last]
    first = np.empty(m, dtype=np.int64)
    first[0] = 0
    np.add(last[:-1], 1, out=first[1:])
    n_pos = float(pos_sorted.size)
    tp_asc = n_pos - np.searchsorted(pos_sorted, u, side="left")
    thresholds = np.empty(m + 1, dtype=np.float64)
    tp = np.empty(m + 1)
    fp = np.empty(m + 1)
    thresholds[0] = np.nextafter(float(s[-1]), np.inf)
    tp[0] = fp[0] = 0.0
    thresholds[1:] = u[::-1]
    tp[1:] = tp_asc[::-1]
    np.subtract(n - first[::-1], tp[1:], out=fp[1:])
    return Sweep(thresholds=thresholds, tp=tp, fp=fp, n_pos=n_pos, n_neg=float(n) - n_pos)


def _weighted_sweep(y_true, y_score, sample_weight) -> Sweep:
    order = np.argsort(y_score)[::-1]
    s = y_score[order]
    change = np.empty(s.size, dtype=bool)
    np.not_equal(s[1:], s[:-1], out=change[:-1])
    change[-1] = True
    last = np.flatnonzero(change)
    yt = y_true[order]
    w = np.asarray(sample_weight, dtype=np.float64)[order]
    zero = np.zeros(1)
    tp = np.concatenate([zero, np.cumsum(w * yt)[last]])
    fp = np.concatenate([zero, np.cumsum(w * ~yt)[last]])
    thresholds = np.concatenate([[np.nextafter(float(s[0]), np.inf)], s[last]]).astype(
        np.float64)
    return Sweep(thresholds=thresholds, tp=tp, fp=fp, n_pos=float(tp[-1]), n_neg=float(fp[-1]))


def objective_curve(
    sweep: Sweep,
    *,
    objective: str,
    beta: float = 1.0,
    cost_fn: float = 1.0,
    cost_fp: float = 1.0,
) -> np.ndarray:
    """The objective at every candidate threshold (higher is better).

    ``"min_cost"`` returns minus the mean cost per sample,
    ``-(cost_fn * FN + cost_fp * FP) / n``; ``"max_specificity"`` and
    ``"max_recall"`` return the specificity and the recall (their constraints are
    applied by :func:`select_threshold`).

    Examples
    --------
    >>> from skmedimg._sweep import sweep_scores, objective_curve
    >>> s = sweep_scores(y_true=[0, 0, 1, 1], y_score=[0.1, 0.4, 0.35, 0.8])
    >>> objective_curve(s, objective="youden").tolist()
    [0.0, 0.5, 0.0, 0.5, 0.0]
    """
    tp, fp, fn, tn = sweep.counts()
    if objective == "f_beta":
        return _f_beta(tp, fp, fn, beta=beta)
    if objective == "balanced_accuracy":
        return _balanced_accuracy(tp, fp, fn, tn)
    if objective == "youden":
        return _youden(tp, fp, fn, tn)
    if objective == "g_mean":
        return _g_mean(tp, fp, fn, tn)
    if objective == "min_cost":
        return -_mean_cost(fp, fn, sweep.n_pos + sweep.n_neg, cost_fn=cost_fn,
                                  cost_fp=cost_fp)
    if objective == "max_specificity":
        return sweep.specificity
    if objective == "max_recall":
        return sweep.recall
    raise ValueError(f"Unknown objective {objective!r}; expected one of {OBJECTIVES}.")


class Selection(NamedTuple):
    """The chosen candidate: its index in the sweep, threshold, value, feasibility."""

    index: int
    threshold: float
    score: float
    feasible: bool


def wilson_bounds(k, n, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Wilson score interval of ``k`` successes in ``n`` trials, unchecked.

    Vectorised over ``k`` and ``n``; NaN where ``n == 0``. The checked public version
    is :func:`skmedimg.metrics.wilson_interval`.
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
        lo, hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return lo, hi


def constraint_violation(
    sweep: Sweep,
    *,
    min_recall: float | None = None,
    min_precision: float | None = None,
    min_specificity: float | None = None,
    confidence: float | None = None,
) -> np.ndarray:
    """Total shortfall below the minimum recall/precision/specificity (0 = feasible).

    With ``confidence``, each constrained rate is replaced by the lower end of its
    two-sided Wilson interval at that level (the interval ``clinical_report`` prints),
    so a candidate is feasible only when the data leave little doubt that it meets the
    bound: a point estimate just above ``min_recall`` on 40 positives is as likely as
    not to fall below it on new patients.
    """
    if confidence is None:
        rates = (sweep.recall, sweep.precision, sweep.specificity)
    else:
        rates = (
            wilson_bounds(sweep.tp, sweep.n_pos, confidence)[0],
            # nothing predicted positive: precision is unknown, so its bound is 0
            np.nan_to_num(wilson_bounds(sweep.tp, sweep.tp + sweep.fp, confidence)[0]),
            wilson_bounds(sweep.tn, sweep.n_neg, confidence)[0],
        )
    v = np.zeros(sweep.thresholds.shape)
    for bound, values in zip((min_recall, min_precision, min_specificity), rates):
        if bound is not None:
            v += np.maximum(0.0, bound - values)
    v[v <= _TOL] = 0.0
    return v


def _best_index(values: np.ndarray, prefer_high: bool) -> int:
    """First (highest threshold) or last (lowest threshold) index of the maximum."""
    if prefer_high:
        return int(np.argmax(values))
    return int(values.size - 1 - np.argmax(values[::-1]))


def select_threshold(
    sweep: Sweep,
    *,
    objective: str,
    values: np.ndarray | None = None,
    beta: float = 1.0,
    cost_fn: float = 1.0,
    cost_fp: float = 1.0,
    min_recall: float | None = None,
    min_precision: float | None = None,
    min_specificity: float | None = None,
    confidence: float | None = None,
) -> Selection:
    """The best candidate threshold under the constraints.

    Parameters
    ----------
    sweep : Sweep
        From :func:`sweep_scores`.
    objective : str
        One of :data:`OBJECTIVES`, or any other name when ``values`` is given.
    values : ndarray, optional
        Precomputed objective at every candidate (e.g. from a scorer).
    beta, cost_fn, cost_fp : float
        Objective parameters (see :func:`objective_curve`).
    min_recall, min_precision, min_specificity : float, optional
        Constraints. When no candidate meets them, the candidate with the smallest
        total shortfall is returned with ``feasible=False`` (ties: best objective).
    confidence : float in (0, 1), optional
        Judge the constraints on the lower ends of the rates' Wilson intervals at this
        level instead of on the point estimates (see :func:`constraint_violation`).

    Returns
    -------
    selection : Selection

    Examples
    --------
    >>> from skmedimg._sweep import sweep_scores, select_threshold
    >>> s = sweep_scores(y_true=[0, 0, 1, 0, 1], y_score=[0.1, 0.2, 0.3, 0.6, 0.9])
    >>> sel = select_threshold(s, objective="max_specificity", min_recall=1.0)
    >>> float(sel.threshold), float(sel.score), sel.feasible
    (0.3, 0.666..., True)
    """
    if values is None:
        values = objective_curve(
            sweep, objective=objective, beta=beta, cost_fn=cost_fn, cost_fp=cost_fp
        )
    values = np.asarray(values, dtype=np.float64)
    prefer_high = objective in _PREFER_HIGH
    violation = constraint_violation(
        sweep,
        min_recall=min_recall,
        min_precision=min_precision,
        min_specificity=min_specificity,
        confidence=confidence,
    )
    feasible = violation == 0.0
    if feasible.any():
        masked = np.where(feasible, values, -np.inf)
        idx = _best_index(masked, prefer_high)
        ok = True
    else:
        closest = violation <= violation.min() + _TOL
        idx = _best_index(np.where(closest, values, -np.inf), prefer_high)
        ok = False
    return Selection(int(idx), float(sweep.thresholds[idx]), float(values[idx]), ok)


def curve_table(sweep: Sweep, *, beta: float = 1.0, objective_values=None) -> dict:
    """Threshold → metrics, as a dict of equally long arrays (thresholds descending)."""
    table = {
        "thresholds": sweep.thresholds,
        "tp": sweep.tp,
        "fp": sweep.fp,
        "fn": sweep.fn,
        "tn": sweep.tn,
        "recall": sweep.recall,
        "specificity": sweep.specificity,
        "precision": sweep.precision,
        "npv": sweep.npv,
        "f_beta": sweep.f_beta(beta),
        "balanced_accuracy": _balanced_accuracy(*sweep.counts()),
    }
    if objective_values is not None:
        table["objective"] = np.asarray(objective_values, dtype=np.float64)
    return table
