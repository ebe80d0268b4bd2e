"""Multiclass tuning: per-class weights on the probabilities, ``argmax(w * p)``.

Coordinate ascent on the weights; for one class, every weight that changes a
prediction is a candidate, and the confusion counts at all of them come from one sort
and one cumulative sum (the multiclass form of the binary sweep). Objectives are
evaluated from per-class counts (:mod:`skmedimg._counts`), weighted by the samples'
weights; opaque scorers are called on a subset of the candidates.
"""

from __future__ import annotations

import numpy as np

from .._counts import f_beta, per_class, recall, specificity
from ._binary import _candidate_subset, _check_nan_objective
from ._objectives import scorer_values


def _macro_from_counts(tp, pc, true, n, objective, beta):
    """Macro native objective for rows of per-class (tp, predicted count, true count)."""
    tp, fp, fn, tn = per_class(tp, pc, true, n)
    rec = recall(tp, fn)
    if objective == "balanced_accuracy":
        return rec.mean(axis=-1)
    if objective == "g_mean":  # geometric mean of the per-class recalls
        with np.errstate(divide="ignore"):
            return np.exp(np.log(np.maximum(rec, 1e-300)).mean(axis=-1)) * (
                rec > 0).all(axis=-1)
    if objective == "youden":
        return (rec + specificity(tn, fp) - 1).mean(axis=-1)
    return f_beta(tp, fp, fn, beta=beta).mean(axis=-1)


def _tune_class_weights(codes, proba, *, spec, classes, y_true, score_params=None,
                        n_rounds=4):
    """Coordinate ascent on per-class weights ``w``; predictions ``argmax(w * p)``.

    For one class ``k`` with the others fixed, sample ``i`` switches to ``k`` when
    ``w_k > max_{j != k} w_j p_ij / p_ik``: sorting those breakpoints gives the
    confusion counts for every value of ``w_k`` in one cumulative sum (the same sorted
    sweep as the binary case). ``score_params["sample_weight"]`` weights the counts.

    Returns
    -------
    w : ndarray of shape (n_classes,)
        The weights, scaled so that the largest is 1.
    best : float
        The objective at ``w``.
    """
    n, K = proba.shape
    params = dict(score_params or {})
    sw = params.get("sample_weight")
    sw = np.ones(n) if sw is None else np.asarray(sw, dtype=np.float64)
    true = np.bincount(codes, weights=sw, minlength=K)
    total = float(sw.sum())
    w = np.ones(K)
    eye = np.eye(K)
    opaque = spec.scorer is not None and (
        spec.counts is None or spec.counts.binary_only or set(params) - {"sample_weight"})
    if spec.scorer is None:
        def from_counts(tp, pc):
            return _macro_from_counts(tp, pc, true, total, spec.objective, spec.beta)
    else:
        def from_counts(tp, pc):
            return spec.counts.multiclass(tp, pc, true, total)

    counts = {"nan": 0, "scored": 0}

    def evaluate(pred_codes):
        if opaque:
            value = float(scorer_values(spec.scorer, y_true, [classes[pred_codes]], classes,
                                        params)[0])
            counts["scored"] += 1
            if np.isnan(value):  # ranked last (NaN would never compare greater)
                counts["nan"] += 1
                return -np.inf
            return value
        hit = pred_codes == codes
        tp = np.bincount(pred_codes[hit], weights=sw[hit], minlength=K)
        pc = np.bincount(pred_codes, weights=sw, minlength=K)
        return float(from_counts(tp, pc))

    best = evaluate(np.argmax(proba * w, axis=1))
    for _ in range(n_rounds):
        improved = False
        for k in range(K):
            wp = proba * w
            wp[:, k] = -np.inf
            other = np.argmax(wp, axis=1)
            m = wp[np.arange(n), other]
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.where(proba[:, k] > 0, m / proba[:, k], np.inf)
            finite = np.isfinite(r)
            order = np.argsort(r[finite], kind="stable")
            r_sorted = r[finite][order]
            if r_sorted.size == 0:
                continue
            idx = np.flatnonzero(finite)[order]
            # candidate w_k: below all breakpoints, between distinct ones, above all
            last = np.append(np.flatnonzero(r_sorted[1:] != r_sorted[:-1]), r_sorted.size - 1)
            ends = r_sorted[last]
            lo = np.r_[ends[0] / 2 if ends[0] > 0 else 0.0, ends]
            hi = np.r_[ends, ends[-1] * 2 + 1e-12]
            cand_w = np.where(lo > 0, np.sqrt(np.maximum(lo, 0) * hi), hi / 2)
            if not opaque:
                c = other
                hit = c == codes
                base_tp = np.bincount(c[hit], weights=sw[hit], minlength=K)
                base_pc = np.bincount(c, weights=sw, minlength=K)
                ci, yi, wi = c[idx], codes[idx], sw[idx][:, None]
                d_pc = (eye[np.full(idx.size, k)] - eye[ci]) * wi
                d_tp = (eye[np.full(idx.size, k)] * (yi == k)[:, None]
                        - eye[ci] * (yi == ci)[:, None]) * wi
                tp_states = base_tp + np.vstack([np.zeros(K), np.cumsum(d_tp, 0)[last]])
                pc_states = base_pc + np.vstack([np.zeros(K), np.cumsum(d_pc, 0)[last]])
                vals = from_counts(tp_states, pc_states)
            else:
                subset = _candidate_subset(cand_w.size)
                vals = np.full(cand_w.size, -np.inf)
                for j in subset:
                    w_try = w.copy()
                    w_try[k] = cand_w[j]
                    vals[j] = evaluate(np.argmax(proba * w_try, axis=1))
            j = int(np.argmax(vals))
            if vals[j] > best + 1e-12:
                w[k] = cand_w[j]
                best = float(vals[j])
                improved = True
        if not improved:
            break
    _check_nan_objective(counts["nan"], counts["scored"], spec.scorer)
    w = w / w.max()
    return w, best
