"""Tuning for each task, on the pooled out-of-fold scores and on each fold alone.

Dispatches to the binary/multilabel sweep (:mod:`._binary`) or the multiclass weights
(:mod:`._multiclass`) and returns fitted attributes as a dict (the tuner sets them all
at once, at the end of a successful fit).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._binary import (
    ConstraintNotMetWarning,
    _UndefinedObjectiveError,
    fold_thresholds,
    tune_binary_target,
    tune_multilabel_target,
)
from ._multiclass import _tune_class_weights
from ._scores import _index_params


def tune_pooled(spec, task, y, scores, score_params, classes, pos, neg, align=None) -> dict:
    """The tuned threshold(s) or class weights and their out-of-fold statistics.

    ``align`` (a ``_ScoreAlignment``): ``scores`` are fold-aligned, and the thresholds
    are mapped to the scale of the fold ensemble's averaged scores.
    """
    kw = {} if align is None else {"deployed": align.to_ensemble}
    if task == "binary":
        return tune_binary_target(spec, y, scores, pos=pos, neg=neg,
                                  score_params=score_params, **kw)
    if task == "multilabel":
        return tune_multilabel_target(spec, y, scores, score_params=score_params, **kw)
    w, best = _tune_class_weights(np.searchsorted(classes, y), scores, spec=spec,
                                  classes=classes, y_true=y, score_params=score_params)
    return {"class_weights_": w, "threshold_index_": None, "best_score_": best,
            "constraint_met_": True, "curve_": None}


def tune_folds(spec, task, y, test_idx, fold_scores, classes, pos, neg, score_params,
               n) -> dict:
    """Each validation fold's own optimum and their spread (``fold_thresholds_``,
    ``threshold_spread_``); ``score_params`` are sliced to each fold."""
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstraintNotMetWarning)
        warnings.filterwarnings("ignore", message="The scorer objective returned NaN")
        for test, s in zip(test_idx, fold_scores):
            yt, params = y[test], _index_params(score_params, test, n)
            if task != "multiclass":
                rows.append(fold_thresholds(spec, task, yt, s, pos=pos, neg=neg,
                                            score_params=params))
                continue
            try:
                rows.append(_tune_class_weights(
                    np.searchsorted(classes, yt), s, spec=spec, classes=classes, y_true=yt,
                    score_params=params)[0])
            except _UndefinedObjectiveError:
                rows.append(np.full(classes.size, np.nan))
    ft = np.asarray(rows, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = {"mean": np.nanmean(ft, axis=0), "std": np.nanstd(ft, axis=0),
                  "min": np.nanmin(ft, axis=0), "max": np.nanmax(ft, axis=0)}
    return {"fold_thresholds_": ft, "threshold_spread_": spread}
