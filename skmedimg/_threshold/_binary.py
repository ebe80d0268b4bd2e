"""Binary and multilabel tuning: one sorted sweep per binary problem.

A binary target is one problem; a multilabel target is one independent binary problem
per label. Each is swept once (every distinct score is a candidate threshold), the
objective is evaluated at every candidate from the confusion counts, or, for an opaque
scorer, by calling it (:meth:`_TuneSpec._scorer_search`), and the constraints select
among the candidates (:func:`skmedimg._sweep.select_threshold`).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._sweep import Sweep, curve_table, objective_curve, select_threshold, sweep_scores
from ._objectives import count_metric, scorer_values

# Opaque scorers cost one call per candidate: above this many candidates, a quantile
# subset is scored first, then every candidate between the best one's neighbours.
_MAX_SCORER_CANDIDATES = 256


class ConstraintNotMetWarning(UserWarning):
    """No threshold satisfies the requested minimum recall/precision/specificity.

    Issued by :meth:`ThresholdTuner.fit`, which then uses the closest achievable
    operating point (smallest total shortfall) and sets ``constraint_met_`` to False.
    """


class _UndefinedObjectiveError(ValueError):
    """The scorer objective is NaN at every candidate: it cannot rank them."""


def _check_nan_objective(n_nan: int, n_scored: int, scorer) -> None:
    """NaN scorer values are ranked last, as ``GridSearchCV`` ranks NaN test scores
    (with a warning); NaN everywhere leaves nothing to rank and is an error."""
    if n_nan == 0:
        return
    if n_nan == n_scored:
        raise _UndefinedObjectiveError(
            f"The scorer objective {scorer!r} returned NaN at every candidate threshold, so "
            "it cannot choose one. Check the scorer (a metric undefined on these labels, "
            "zero_division=np.nan...)."
        )
    warnings.warn(
        f"The scorer objective returned NaN at {n_nan} of {n_scored} candidate "
        "thresholds; they are ranked last and never selected (as GridSearchCV ranks NaN "
        "scores).", UserWarning, stacklevel=6,
    )


def _candidate_subset(n: int) -> np.ndarray:
    if n <= _MAX_SCORER_CANDIDATES:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, _MAX_SCORER_CANDIDATES).round().astype(int))


class _TuneSpec:
    """Objective and constraints in one picklable object (for folds and labels).

    ``scorer`` is evaluated from the confusion counts when :func:`count_metric` knows
    its formula (and ``fast``), else called (the opaque path).
    """

    def __init__(self, *, objective, scorer, beta, cost_fn, cost_fp, min_recall,
                 min_precision, min_specificity, confidence=None, score_params=None,
                 fast=True):
        self.objective = objective
        self.scorer = scorer
        self.counts = count_metric(scorer) if scorer is not None and fast else None
        self.beta = beta
        self.cost_fn = cost_fn
        self.cost_fp = cost_fp
        self.constraints = {"min_recall": min_recall, "min_precision": min_precision,
                            "min_specificity": min_specificity}
        self.confidence = confidence
        # unused by the tuner, which passes each call the score params aligned with its
        # samples (kept for callers of the old signature)
        self.score_params = score_params

    def tune_binary(self, y_true, y_pos, scores, *, neg_label, pos_label, score_params=None):
        """(Selection, Sweep, objective values) for one binary problem.

        ``score_params["sample_weight"]``, when given, weights the confusion counts (and
        is passed to an opaque scorer with the other score params).
        """
        params = dict(score_params or {})
        sweep = sweep_scores(y_true=y_pos, y_score=scores,
                             sample_weight=params.get("sample_weight"))
        values = None
        if self.scorer is not None:
            values = None
            if self.counts is not None and set(params) <= {"sample_weight"}:
                values = self.counts.binary(*sweep.counts(), pos_label=pos_label,
                                            neg_label=neg_label)
            if values is None:
                values = self._scorer_search(sweep, y_true, scores, params,
                                             neg_label=neg_label, pos_label=pos_label)
            else:
                nan = np.isnan(values)
                _check_nan_objective(int(nan.sum()), nan.size, self.scorer)
                values = np.where(nan, -np.inf, values)  # NaN would win argmax
        sel = select_threshold(
            sweep, objective=self.objective if self.scorer is None else "scorer",
            values=values, beta=self.beta, cost_fn=self.cost_fn, cost_fp=self.cost_fp,
            confidence=self.confidence, **self.constraints,
        )
        return sel, sweep, values

    def _scorer_search(self, sweep, y_true, scores, params, *, neg_label, pos_label):
        """Call the scorer on a quantile subset of the candidates, then on every
        candidate between the best one's two neighbours in the subset."""
        classes = np.array([neg_label, pos_label])
        values = np.full(sweep.thresholds.size, -np.inf)
        scored = np.zeros(sweep.thresholds.size, dtype=bool)
        nan = np.zeros(sweep.thresholds.size, dtype=bool)

        def score_at(indices):
            indices = indices[~scored[indices]]
            preds = (np.where(scores >= t, pos_label, neg_label)
                     for t in sweep.thresholds[indices])
            v = scorer_values(self.scorer, y_true, preds, classes, params)
            scored[indices], nan[indices] = True, np.isnan(v)
            values[indices] = np.where(np.isnan(v), -np.inf, v)  # NaN would win argmax

        subset = _candidate_subset(sweep.thresholds.size)
        score_at(subset)
        if subset.size < sweep.thresholds.size:  # refine around the coarse optimum
            j = int(np.argmax(values[subset]))
            lo, hi = subset[max(j - 1, 0)], subset[min(j + 1, subset.size - 1)]
            score_at(np.arange(lo, hi + 1))
        _check_nan_objective(int(nan.sum()), int(scored.sum()), self.scorer)
        return values

    def curve(self, sweep: Sweep, values) -> dict:
        """``curve_``: the metrics and the objective at every candidate."""
        if values is None:
            values = objective_curve(sweep, objective=self.objective, beta=self.beta,
                                     cost_fn=self.cost_fn, cost_fp=self.cost_fp)
        return curve_table(sweep, beta=self.beta, objective_values=values)

    def warn_constraint(self, sel, sweep, where: str, threshold) -> None:
        if sel.feasible:
            return
        i = sel.index
        judged = ("" if self.confidence is None else
                  f" (judged on the lower ends of {self.confidence:.0%} Wilson intervals)")
        wanted = " and ".join(f"{k.removeprefix('min_')} >= {v:g}"
                              for k, v in self.constraints.items() if v is not None)
        warnings.warn(
            f"No threshold reaches {wanted}{judged} on the out-of-fold scores{where}; using "
            f"the closest achievable point: threshold {threshold:.6g} with recall "
            f"{sweep.recall[i]:.3f}, precision {sweep.precision[i]:.3f}, specificity "
            f"{sweep.specificity[i]:.3f}.",
            ConstraintNotMetWarning, stacklevel=5,
        )


def _identity(t, label=None):
    return t


def tune_binary_target(spec, y, scores, *, pos, neg, score_params, deployed=_identity):
    """Fitted attributes of a binary target (``deployed`` maps a tuned threshold to
    the deployed model's score scale)."""
    sel, sweep, values = spec.tune_binary(y, y == pos, scores, neg_label=neg,
                                          pos_label=pos, score_params=score_params)
    spec.warn_constraint(sel, sweep, "", deployed(sel.threshold))
    curve = spec.curve(sweep, values)
    curve["thresholds"] = deployed(curve["thresholds"])
    return {"threshold_": deployed(sel.threshold), "threshold_index_": sel.index,
            "best_score_": sel.score, "constraint_met_": sel.feasible, "curve_": curve}


def tune_multilabel_target(spec, Y, scores, *, score_params, deployed=_identity):
    """Fitted attributes of a multilabel target: one binary problem per label."""
    thr, best, met, curves, index = [], [], [], [], []
    for k in range(Y.shape[1]):
        yk = Y[:, k].astype(int)
        sel, sweep, values = spec.tune_binary(yk, yk == 1, scores[:, k], neg_label=0,
                                              pos_label=1, score_params=score_params)
        spec.warn_constraint(sel, sweep, f" for label {k}", deployed(sel.threshold, k))
        thr.append(deployed(sel.threshold, k))
        best.append(sel.score)
        met.append(sel.feasible)
        index.append(sel.index)
        curve = spec.curve(sweep, values)
        curve["thresholds"] = deployed(curve["thresholds"], k)
        curves.append(curve)
    return {"threshold_": np.array(thr), "threshold_index_": np.array(index),
            "best_score_": np.array(best), "constraint_met_": np.array(met),
            "curve_": curves}


def fold_thresholds(spec, task, y, scores, *, pos, neg, score_params):
    """One validation fold's own optimum: a threshold (binary), one per label
    (multilabel); NaN where the fold lacks a class or the objective is undefined."""

    def tune(y_true, y_pos, s, neg_label, pos_label):
        if np.unique(y_pos).size < 2:
            return np.nan
        try:
            return spec.tune_binary(y_true, y_pos, s, neg_label=neg_label,
                                    pos_label=pos_label, score_params=score_params)[
                0].threshold
        except _UndefinedObjectiveError:  # undefined on this fold alone
            return np.nan

    if task == "binary":
        return tune(y, y == pos, scores, neg, pos)
    return [tune(y[:, k].astype(int), y[:, k] == 1, scores[:, k], 0, 1)
            for k in range(y.shape[1])]
