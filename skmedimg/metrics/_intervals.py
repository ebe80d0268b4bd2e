"""Confidence-interval machinery of ``clinical_report``.

Wilson score intervals for proportions, the log method for likelihood ratios (Simel et
al., 1991) and the multinomial count and Mann-Whitney AUC bootstraps; ``_binary_section``
puts them together for one label or class.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from .. import _counts
from .._sweep import wilson_bounds as _wilson
from ._clinical import _column_or_1d

#: Upper bound of n_bootstraps: beyond it the percentiles move less than their
#: Monte-Carlo error while the run time grows linearly (10**9 resamples would need
#: 30 GiB for the count draws alone).
MAX_BOOTSTRAPS = 100_000

_PROPORTIONS = {
    "sensitivity": ("tp", "fn"),
    "specificity": ("tn", "fp"),
    "ppv": ("tp", "fp"),
    "npv": ("tn", "fn"),
}


def _check_confidence(confidence) -> float:
    if (not isinstance(confidence, (numbers.Real, np.number)) or isinstance(confidence, bool)
            or not 0 < confidence < 1):
        raise ValueError(
            f"confidence must be a number in (0, 1), e.g. 0.95; got {confidence!r}."
        )
    return float(confidence)


def _check_count(name, value) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a whole number (a count); got {value!r}.")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
        raise ValueError(f"{name} must be a whole number (a count); got {value!r}.")
    return arr


def wilson_interval(k, n, *, confidence: float = 0.95):
    """Wilson score interval for ``k`` successes out of ``n`` trials.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    k : int or array-like of int
        Number of successes, ``0 <= k <= n``.
    n : int or array-like of int
        Number of trials, ``n >= 1``; the same shape as ``k`` (or one of them a
        scalar). Column vectors are read as 1-D.
    confidence : float in (0, 1), default=0.95
        Confidence level.

    Returns
    -------
    low, high : float or ndarray
        The interval's bounds (the same as
        ``scipy.stats.binomtest(k, n).proportion_ci(confidence, method="wilson")``).

    Raises
    ------
    ValueError
        When a count is negative, not a whole number, ``k > n`` or ``n < 1``, or when
        ``confidence`` is not in (0, 1).

    Examples
    --------
    >>> from skmedimg.metrics import wilson_interval
    >>> lo, hi = wilson_interval(45, 50)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.786, 0.957)
    """
    confidence = _check_confidence(confidence)
    k_arr = _column_or_1d(_check_count("k", k))
    n_arr = _column_or_1d(_check_count("n", n))
    if k_arr.ndim and n_arr.ndim and k_arr.shape != n_arr.shape:
        # no broadcasting of (m, 1) against (m,) into an (m, m) table
        raise ValueError(
            f"k and n must have the same shape (or one be a scalar); got {k_arr.shape} and "
            f"{n_arr.shape}."
        )
    k_arr, n_arr = np.broadcast_arrays(k_arr, n_arr)
    if (n_arr < 1).any():
        raise ValueError(f"n (the number of trials) must be >= 1; got {n!r}.")
    if (k_arr < 0).any():
        raise ValueError(f"k (the number of successes) must be >= 0; got {k!r}.")
    if (k_arr > n_arr).any():
        raise ValueError(f"k must be <= n (successes out of n trials); got k={k!r}, n={n!r}.")
    return _wilson(k_arr, n_arr, confidence)


def _count_metrics(tp, fp, fn, tn):
    """F1, F2, G-mean and balanced accuracy from (possibly vectorised) counts."""
    # Undefined values are NaN (shown as n/a), never a 0 that reads like a result:
    # G-mean and balanced accuracy need positives and negatives, F needs a true or a
    # predicted positive (scikit-learn's definition).
    return {
        "f1": _counts.f_beta(tp, fp, fn, beta=1.0, zero_division=np.nan),
        "f2": _counts.f_beta(tp, fp, fn, beta=2.0, zero_division=np.nan),
        "g_mean": _counts.g_mean(tp, fp, fn, tn, zero_division=np.nan),
        "balanced_accuracy": _counts.balanced_accuracy(tp, fp, fn, tn, zero_division=np.nan),
    }


def _lr_interval(tp, fp, fn, tn, z):
    """LR+ and LR- with log-method CIs (0.5 added to each cell only if one is 0).

    With a zero cell the point estimate sits on a boundary (LR- = 0 without false
    negatives, LR+ = inf without false positives) while the corrected interval does
    not reach it; the interval is widened to the boundary, so that it always contains
    the value it is reported with.
    """
    tp, fp, fn, tn = (np.float64(v) for v in (tp, fp, fn, tn))
    with np.errstate(invalid="ignore", divide="ignore"):
        sens, spec = tp / (tp + fn), tn / (tn + fp)
        lr_plus = sens / (1 - spec)
        lr_minus = (1 - sens) / spec
        a, b, c, d = (tp, fp, fn, tn) if min(tp, fp, fn, tn) > 0 else (
            tp + 0.5, fp + 0.5, fn + 0.5, tn + 0.5)
        s_ap, s_an = a / (a + c), d / (b + d)
        lp, ln_ = s_ap / (1 - s_an), (1 - s_ap) / s_an
        se_p = np.sqrt(1 / a - 1 / (a + c) + 1 / b - 1 / (b + d))
        se_n = np.sqrt(1 / c - 1 / (a + c) + 1 / d - 1 / (b + d))
        ci_p = (lp * np.exp(-z * se_p), lp * np.exp(z * se_p))
        ci_n = (ln_ * np.exp(-z * se_n), ln_ * np.exp(z * se_n))
        ci_p = (min(ci_p[0], lr_plus), max(ci_p[1], lr_plus))
        ci_n = (min(ci_n[0], lr_minus), max(ci_n[1], lr_minus))
    if tp + fn == 0 or tn + fp == 0:  # no positive or no negative: LRs are undefined
        ci_p = ci_n = (np.nan, np.nan)
    return (float(lr_plus), ci_p), (float(lr_minus), ci_n)


def _bootstrap_auc(y_pos, y_score, *, n_bootstraps, rng, chunk_cells=2_000_000):
    """AUC of ``n_bootstraps`` case resamples (Mann-Whitney with tie correction)."""
    order = np.argsort(y_score, kind="stable")
    s = y_score[order]
    pos = y_pos[order].astype(np.float64)
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    n = s.size
    out = np.empty(n_bootstraps)
    per_chunk = max(1, chunk_cells // n)
    for b0 in range(0, n_bootstraps, per_chunk):
        b1 = min(n_bootstraps, b0 + per_chunk)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=b1 - b0).astype(np.float64)
        pos_g = np.add.reduceat(counts * pos, starts, axis=1)
        neg_g = np.add.reduceat(counts * (1 - pos), starts, axis=1)
        neg_before = np.cumsum(neg_g, axis=1) - neg_g
        num = (pos_g * (neg_before + 0.5 * neg_g)).sum(axis=1)
        den = pos_g.sum(axis=1) * neg_g.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[b0:b1] = np.where(den > 0, num / den, np.nan)
    return out


def _percentile_ci(samples, confidence):
    samples = np.asarray(samples, dtype=np.float64)
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return (float("nan"), float("nan"))
    alpha = (1 - confidence) / 2 * 100
    lo, hi = np.percentile(samples, [alpha, 100 - alpha])
    return float(lo), float(hi)


def _binary_section(name, y_pos, pred_pos, score, *, threshold, confidence, n_bootstraps, rng):
    y_pos = np.asarray(y_pos, dtype=bool)
    pred_pos = np.asarray(pred_pos, dtype=bool)
    tp = int(np.sum(y_pos & pred_pos))
    fp = int(np.sum(~y_pos & pred_pos))
    fn = int(np.sum(y_pos & ~pred_pos))
    tn = int(np.sum(~y_pos & ~pred_pos))
    cells = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    z = float(norm.ppf(0.5 + confidence / 2))
    metrics: dict = {}
    for key, (num, other) in _PROPORTIONS.items():
        k, m = cells[num], cells[num] + cells[other]
        lo, hi = _wilson(k, m, confidence)
        metrics[key] = {
            "value": float(_counts.ratio(k, m, np.nan)),
            "ci": (float(lo), float(hi)),
            "ci_method": "wilson",
            "count": f"{k}/{m}",
        }
    (lrp, cip), (lrn, cin) = _lr_interval(tp, fp, fn, tn, z)
    metrics["lr_plus"] = {"value": lrp, "ci": tuple(map(float, cip)), "ci_method": "log"}
    metrics["lr_minus"] = {"value": lrn, "ci": tuple(map(float, cin)), "ci_method": "log"}
    point = _count_metrics(tp, fp, fn, tn)
    n = tp + fp + fn + tn
    draws = rng.multinomial(n, np.array([tp, fp, fn, tn]) / n, size=n_bootstraps)
    boot = _count_metrics(draws[:, 0], draws[:, 1], draws[:, 2], draws[:, 3])
    for key in ("f1", "f2", "g_mean", "balanced_accuracy"):
        metrics[key] = {
            "value": float(point[key]),
            "ci": _percentile_ci(boot[key], confidence),
            "ci_method": "bootstrap",
        }
    if score is not None:
        if 0 < y_pos.sum() < y_pos.size:
            auc = float(roc_auc_score(y_pos, score))
            ci = _percentile_ci(
                _bootstrap_auc(y_pos, np.asarray(score, dtype=np.float64),
                               n_bootstraps=n_bootstraps, rng=rng),
                confidence,
            )
        else:
            auc, ci = float("nan"), (float("nan"), float("nan"))
        metrics["auc"] = {"value": auc, "ci": ci, "ci_method": "bootstrap"}
    return {
        "label": name,
        "threshold": threshold,
        "n": n,
        "n_positive": tp + fn,
        "prevalence": (tp + fn) / n if n else float("nan"),
        "confusion_matrix": [[tn, fp], [fn, tp]],
        "metrics": metrics,
    }
