"""``ThresholdTuner``: learn the decision threshold(s) from out-of-fold scores.

The estimator is cross-fitted once (one ``cross_val_predict`` worth of fits), then one
sorted sweep over *every distinct* out-of-fold score gives the confusion matrix at every
candidate threshold (:mod:`skmedimg._sweep`); no refit per threshold and no grid.

Follows the template of scikit-learn's ``TunedThresholdClassifierCV`` (``__init__``
stores parameters, validation in ``fit``, the same ``cv``/``refit``/``"prefit"`` rules
and messages, ``available_if`` delegation, a ``classes_`` property, metadata routing)
and goes beyond it: multilabel (one threshold per label, multilabel-stratified folds),
multiclass (per-class weights on the probabilities), constrained clinical objectives,
the threshold's spread across folds, a JSON decision rule, and an ensemble mode for
non-deterministic estimators such as ``CNNClassifier``.

Keep this module free of TensorFlow/Keras imports.
"""

from __future__ import annotations

import copy
import json
import logging
import numbers
import os
import warnings
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils import _safe_indexing, get_tags, indexable
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._sklearn_compat import HasMethods, Interval, RealNotInt, StrOptions, _fit_context
from ._sweep import OBJECTIVES, Sweep, curve_table, select_threshold, sweep_scores

logger = logging.getLogger(__name__)

__all__ = ["ConstraintNotMetWarning", "DecisionRule", "ThresholdTuner"]

_RULE_FORMAT = "skmedimg.decision_rule"
# Scorer objectives cost one scorer call per candidate: above this many candidates, a
# quantile subset is scored first, then every candidate around the best one.
_MAX_SCORER_CANDIDATES = 256
_MULTICLASS_OBJECTIVES = ("f_beta", "balanced_accuracy", "youden", "g_mean")
_CONSTRAINED = {"max_specificity": ("min_recall",),
                "max_recall": ("min_precision", "min_specificity")}


class ConstraintNotMetWarning(UserWarning):
    """No threshold satisfies the requested minimum recall/precision/specificity."""


# ----------------------------------------------------------------------------- helpers


def _estimator_has(attr):
    """``available_if`` check: the fitted ``estimator_`` or else ``estimator`` has it."""

    def check(self):
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, attr)
        else:
            getattr(self.estimator, attr)
        return True

    return check


def _is_non_deterministic(estimator, _depth=0) -> bool:
    """True when the estimator, or one it wraps (search, pipeline step), is tagged
    ``non_deterministic`` (``GridSearchCV`` and ``Pipeline`` do not propagate the tag)."""
    if estimator is None or isinstance(estimator, str) or _depth > 8:
        return False
    try:
        if get_tags(estimator).non_deterministic:
            return True
    except Exception:  # noqa: BLE001 - objects without tags
        pass
    for attr in ("estimator", "base_estimator", "classifier"):
        sub = getattr(estimator, attr, None)
        if sub is not None and hasattr(sub, "fit") and _is_non_deterministic(sub, _depth + 1):
            return True
    for step in getattr(estimator, "steps", None) or []:
        if isinstance(step, tuple) and _is_non_deterministic(step[-1], _depth + 1):
            return True
    return False


def _index_params(params: dict, indices, n_samples: int) -> dict:
    """Slice sample-aligned fit/score parameters (arrays of length ``n_samples``)."""
    out = {}
    for key, value in params.items():
        if value is not None and hasattr(value, "__len__") and not isinstance(value, str) \
                and len(value) == n_samples:
            out[key] = _safe_indexing(value, indices)
        else:
            out[key] = value
    return out


def _class_index(classes, label, name: str) -> int:
    """Column of ``label`` in a binary estimator's (n, 2) output (``classes_`` order)."""
    if classes is None:
        raise ValueError(
            f"{name} has no classes_ attribute; ThresholdTuner needs it to know which score "
            "column belongs to which class."
        )
    hits = [i for i, c in enumerate(classes) if c == label]
    if len(classes) != 2 or len(hits) != 1:
        raise ValueError(
            f"pos_label={label!r} is not one of the 2 classes of {name}: "
            f"classes_={list(classes)}."
        )
    return hits[0]


def _label_positive(p, classes, k: int, name: str, method: str):
    """Positive-class column of one label's (n, n_values) output (multi-output models)."""
    if classes is None:
        if p.shape[1] != 2:
            raise ValueError(
                f"{name}.{method} returned an array of shape {p.shape} for label {k}; "
                "expected (n_samples, 2)."
            )
        return p[:, 1]
    hits = [i for i, c in enumerate(classes) if c == 1]
    if hits:
        return p[:, hits[0]]
    # the label was 0 throughout this model's training data: it never predicts it
    return np.zeros(p.shape[0])


def _get_scores(estimator, X, *, method: str, task: str, pos_label=None, n_outputs=None):
    """Scores used for thresholding: (n,) binary, (n, n_labels), (n, n_classes).

    Binary: the ``pos_label`` column of an (n, 2) output (columns in ``classes_``
    order), or a 1-D decision function, which scores ``classes_[1]`` (scikit-learn's
    convention) and is negated when ``pos_label`` is ``classes_[0]``.
    """
    try:
        func = getattr(estimator, method)
    except AttributeError as exc:
        raise ValueError(
            f"{type(estimator).__name__} does not implement {method!r}; ThresholdTuner "
            "needs an estimator with predict_proba or decision_function."
        ) from exc
    out = func(X)
    name = type(estimator).__name__
    classes = getattr(estimator, "classes_", None)
    if task == "binary":
        s = np.asarray(out, dtype=np.float64)
        col = _class_index(classes, pos_label, name)
        if s.ndim == 2 and s.shape[1] == 2:
            return s[:, col]
        if method == "decision_function" and (s.ndim == 1 or s.ndim == 2 and s.shape[1] == 1):
            d = s.reshape(-1)
            return d if col == 1 else -d
        raise ValueError(
            f"{name}.{method} returned scores of shape {s.shape} for a binary target; "
            "expected (n_samples, 2) with columns in the order of classes_"
            + (" or (n_samples,)." if method == "decision_function" else ".")
        )
    if isinstance(out, list):  # multi-output estimators: one (n, n_values) array per label
        cols = []
        for k, p in enumerate(out):
            p = np.asarray(p, dtype=np.float64)
            cl = classes[k] if isinstance(classes, list) else None
            cols.append(_label_positive(p.reshape(p.shape[0], -1), cl, k, name, method))
        out = np.column_stack(cols)
    out = np.asarray(out, dtype=np.float64)
    out = out.reshape(out.shape[0], -1)
    if n_outputs is not None and out.shape[1] != n_outputs:
        what, whats = ("label", "labels") if task == "multilabel" else ("class", "classes")
        raise ValueError(
            f"{name}.{method} returned {out.shape[1]} score column(s) for a {task} target "
            f"with {n_outputs} {whats}; expected one column per {what}."
        )
    return out


def _check_estimator_classes(estimator, classes, task: str) -> None:
    """The model's ``classes_`` must be the target's classes, in the same order: the score
    columns are read in that order (a prefit model trained on other labels, or on more
    classes than the validation set holds, would have its columns misread)."""
    if task == "multilabel":
        return
    name = type(estimator).__name__
    est_classes = getattr(estimator, "classes_", None)
    if est_classes is None:
        raise ValueError(
            f"{name} has no classes_ attribute after fit; ThresholdTuner needs it to know "
            "which score column belongs to which class."
        )
    est_list, y_list = np.asarray(est_classes).tolist(), np.asarray(classes).tolist()
    if est_list != y_list:
        raise ValueError(
            f"{name}.classes_={est_list} differ from the classes of y {y_list}; the score "
            "columns would be assigned to the wrong classes. With cv='prefit', y must hold "
            "exactly the classes the estimator was trained on, with the same labels."
        )


class _FixedPredictions(ClassifierMixin, BaseEstimator):
    """A stand-in classifier whose ``predict`` returns given labels (for scorers)."""

    def __init__(self, labels=None, classes=None):
        self.labels = labels
        self.classes = classes

    @property
    def classes_(self):
        return self.classes

    def predict(self, X):
        return self.labels


def _scorer_values(scorer, y_true, predictions, classes, score_params):
    """``scorer`` evaluated on each candidate prediction vector."""
    X_dummy = np.zeros((len(y_true), 1))
    values = []
    for pred in predictions:
        try:
            value = scorer(_FixedPredictions(pred, classes), X_dummy, y_true, **score_params)
        except AttributeError as exc:
            raise ValueError(
                "A scorer objective must score predicted labels (response_method="
                "'predict'); threshold-free scorers such as roc_auc cannot pick a "
                f"threshold. Got {scorer!r}."
            ) from exc
        try:
            values.append(float(value))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"A scorer objective must return a number; {scorer!r} returned {value!r}."
            ) from exc
    return np.asarray(values, dtype=np.float64)


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
        "scores).", UserWarning, stacklevel=5,
    )


def _candidate_subset(n: int) -> np.ndarray:
    if n <= _MAX_SCORER_CANDIDATES:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, _MAX_SCORER_CANDIDATES).round().astype(int))


class _TuneSpec:
    """Objective and constraints in one picklable object (for folds and labels)."""

    def __init__(self, *, objective, scorer, beta, cost_fn, cost_fp, min_recall,
                 min_precision, min_specificity, confidence=None, score_params=None):
        self.objective = objective
        self.scorer = scorer
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
        """(Selection, Sweep, objective values) for one binary problem."""
        sweep = sweep_scores(y_true=y_pos, y_score=scores)
        values = None
        if self.scorer is not None:
            classes = np.array([neg_label, pos_label])
            values = np.full(sweep.thresholds.size, -np.inf)
            scored = np.zeros(sweep.thresholds.size, dtype=bool)
            nan = np.zeros(sweep.thresholds.size, dtype=bool)

            def score_at(indices):
                indices = indices[~scored[indices]]
                preds = (np.where(scores >= t, pos_label, neg_label)
                         for t in sweep.thresholds[indices])
                v = _scorer_values(self.scorer, y_true, preds, classes, score_params or {})
                scored[indices], nan[indices] = True, np.isnan(v)
                values[indices] = np.where(np.isnan(v), -np.inf, v)  # NaN would win argmax

            subset = _candidate_subset(sweep.thresholds.size)
            score_at(subset)
            if subset.size < sweep.thresholds.size:  # refine around the coarse optimum
                j = int(np.argmax(values[subset]))
                lo, hi = subset[max(j - 1, 0)], subset[min(j + 1, subset.size - 1)]
                score_at(np.arange(lo, hi + 1))
            _check_nan_objective(int(nan.sum()), int(scored.sum()), self.scorer)
        sel = select_threshold(
            sweep, objective=self.objective if self.scorer is None else "scorer",
            values=values, beta=self.beta, cost_fn=self.cost_fn, cost_fp=self.cost_fp,
            confidence=self.confidence, **self.constraints,
        )
        return sel, sweep, values


def _describe_constraints(constraints: dict) -> str:
    return " and ".join(f"{k.removeprefix('min_')} >= {v:g}" for k, v in constraints.items()
                        if v is not None)


# -------------------------------------------------------------- multiclass class weights


def _macro_from_counts(tp, pc, true, n, objective, beta):
    """Macro objective for rows of per-class (tp, predicted count, true count)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(true > 0, tp / true, 0.0)
        if objective == "balanced_accuracy":
            return recall.mean(axis=-1)
        if objective == "g_mean":
            return np.exp(np.log(np.maximum(recall, 1e-300)).mean(axis=-1)) * (
                recall > 0).all(axis=-1)
        if objective == "youden":
            neg = n - true
            spec = np.where(neg > 0, (neg - (pc - tp)) / neg, 0.0)
            return (recall + spec - 1).mean(axis=-1)
        b2 = beta * beta
        den = (1 + b2) * tp + b2 * (true - tp) + (pc - tp)
        return np.where(den > 0, (1 + b2) * tp / den, 0.0).mean(axis=-1)


def _tune_class_weights(codes, proba, *, spec: _TuneSpec, classes, y_true, score_params=None,
                        n_rounds=4):
    """Coordinate ascent on per-class weights ``w``; predictions ``argmax(w * p)``.

    For one class ``k`` with the others fixed, sample ``i`` switches to ``k`` when
    ``w_k > max_{j != k} w_j p_ij / p_ik``: sorting those breakpoints gives the
    confusion counts for every value of ``w_k`` in one cumulative sum (the same sorted
    sweep as the binary case).
    """
    n, K = proba.shape
    true = np.bincount(codes, minlength=K).astype(np.float64)
    w = np.ones(K)
    eye = np.eye(K)

    counts = {"nan": 0, "scored": 0}

    def evaluate(pred_codes):
        if spec.scorer is not None:
            value = float(_scorer_values(spec.scorer, y_true, [classes[pred_codes]], classes,
                                         score_params or {})[0])
            counts["scored"] += 1
            if np.isnan(value):  # ranked last (NaN would never compare greater)
                counts["nan"] += 1
                return -np.inf
            return value
        tp = np.bincount(pred_codes[pred_codes == codes], minlength=K).astype(float)
        pc = np.bincount(pred_codes, minlength=K).astype(float)
        return float(_macro_from_counts(tp, pc, true, n, spec.objective, spec.beta))

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
            if spec.scorer is None:
                c = other
                base_tp = np.bincount(c[c == codes], minlength=K).astype(float)
                base_pc = np.bincount(c, minlength=K).astype(float)
                ci, yi = c[idx], codes[idx]
                d_pc = eye[np.full(idx.size, k)] - eye[ci]
                d_tp = eye[np.full(idx.size, k)] * (yi == k)[:, None] - eye[ci] * (
                    yi == ci)[:, None]
                tp_states = base_tp + np.vstack([np.zeros(K), np.cumsum(d_tp, 0)[last]])
                pc_states = base_pc + np.vstack([np.zeros(K), np.cumsum(d_pc, 0)[last]])
                vals = _macro_from_counts(tp_states, pc_states, true, n, spec.objective,
                                          spec.beta)
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


# ------------------------------------------------------------------------ fold ensemble


class _FoldEnsemble(ClassifierMixin, BaseEstimator):
    """The fold models of a ``ThresholdTuner(ensemble=True)``; averages their outputs."""

    def __init__(self, estimators=None):
        self.estimators = estimators

    @property
    def classes_(self):
        return self.estimators[0].classes_

    @property
    def n_features_in_(self):
        return self.estimators[0].n_features_in_

    def _mean(self, method, X):
        outs = [getattr(est, method)(X) for est in self.estimators]
        if isinstance(outs[0], list):
            return [np.mean([o[k] for o in outs], axis=0) for k in range(len(outs[0]))]
        return np.mean([np.asarray(o, dtype=np.float64) for o in outs], axis=0)

    @available_if(lambda self: hasattr(self.estimators[0], "predict_proba"))
    def predict_proba(self, X):
        return self._mean("predict_proba", X)

    @available_if(lambda self: hasattr(self.estimators[0], "decision_function"))
    def decision_function(self, X):
        return self._mean("decision_function", X)

    def predict(self, X):
        proba = np.asarray(self.predict_proba(X))
        if proba.ndim == 2 and proba.shape[1] == len(self.classes_):
            return np.asarray(self.classes_)[np.argmax(proba, axis=1)]
        return (proba >= 0.5).astype(int)


class _ScoreAlignment:
    """Put the fold models' out-of-fold scores on one scale before the pooled sweep.

    A fold ensemble averages its models' scores at predict time, but each network's
    score scale moves from one training run to the next (one fold model puts positives
    at 0.9, the next at 0.3). Sweeping the raw out-of-fold scores pooled across folds
    then picks a threshold that means a different recall on the averaged scores: with
    one low-scale fold, a recall constraint drags it down to that fold's scale (every
    sample passes it after averaging); with one high-scale fold, an F-beta optimum sits
    at that fold's scale and the averaged scores of the positives fall below it.

    Each fold's scores (per label) are standardised on the link scale (logit of a
    probability, a decision function as is) by their median and inter-quartile range;
    the threshold ``z`` chosen on the pooled standardised scores maps back to the
    ensemble's scale as ``mean_k inv_link(loc_k + scale_k * z)``, the ensemble's score
    of a sample that sits at ``z`` in every fold model. When the fold models agree, the
    result is the pooled threshold.
    """

    _EPS = 1e-7

    def __init__(self, fold_scores, method):
        self.proba = method == "predict_proba"
        links = [self._link(np.asarray(s, dtype=np.float64)) for s in fold_scores]
        self.loc = np.stack([np.median(v, axis=0) for v in links])
        q75, q25 = zip(*(np.percentile(v, [75, 25], axis=0) for v in links))
        scale = np.asarray(q75) - np.asarray(q25)
        std = np.stack([np.std(v, axis=0) for v in links])
        scale = np.where(scale > 0, scale, std)
        self.scale = np.where(scale > 0, scale, 1.0)
        self.z = [(v - lo) / sc for v, lo, sc in zip(links, self.loc, self.scale)]

    def _link(self, s):
        if not self.proba:
            return s
        p = np.clip(s, self._EPS, 1 - self._EPS)
        return np.log(p) - np.log1p(-p)

    def to_ensemble(self, z, label=None):
        """Ensemble-scale threshold(s) for standardised threshold(s) ``z``."""
        z = np.asarray(z, dtype=np.float64)
        loc, scale = (self.loc, self.scale) if label is None else (
            self.loc[:, label], self.scale[:, label])
        v = loc.reshape((-1,) + (1,) * z.ndim) + scale.reshape((-1,) + (1,) * z.ndim) * z
        if self.proba:
            v = 0.5 * (1.0 + np.tanh(0.5 * v))  # sigmoid without overflow warnings
        out = v.mean(axis=0)
        return float(out) if out.ndim == 0 else out


# ---------------------------------------------------------------------- decision rule


_RULE_VERSION = 2
_RULE_TASKS = ("binary", "multilabel", "multiclass")
_SCORE_TYPES = ("predict_proba", "decision_function")
# float32 probabilities (a network's sigmoid or softmax) can pass 0 or 1 by a few ulps
_PROBA_TOL = 1e-6
_MISSING = object()


def _show(value) -> str:
    if value is _MISSING:
        return "nothing (the key is missing)"
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def _is_real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _is_label(v) -> bool:
    return isinstance(v, (str, bool, np.bool_)) or (_is_real(v) and bool(np.isfinite(v)))


def _distinct_labels(classes, n_min: int) -> bool:
    return (isinstance(classes, list) and len(classes) >= n_min
            and all(_is_label(c) for c in classes)
            and not any(a == b for i, a in enumerate(classes) for b in classes[i + 1:]))


def _validate_rule(rule: dict) -> dict:
    """Check a rule (plain data) against the format; the fields ``predict`` uses.

    Every problem found is reported, one line each (the field, what was expected, what
    was got), in one ``ValueError``.
    """
    problems = []

    def get(key):
        return rule.get(key, _MISSING)

    def bad(key, expected):
        problems.append(f"{key!r}: expected {expected}; got {_show(get(key))}")

    fmt, version = get("format"), get("format_version")
    if fmt is not _MISSING and fmt != _RULE_FORMAT:
        bad("format", repr(_RULE_FORMAT))
    if version is not _MISSING and not (_is_int(version) and 1 <= version <= _RULE_VERSION):
        bad("format_version", f"an integer from 1 to {_RULE_VERSION} (the versions this "
            "skmedimg reads)")
    task, score_type = get("task"), get("score_type")
    if not (isinstance(task, str) and task in _RULE_TASKS):
        bad("task", "one of 'binary', 'multilabel', 'multiclass'")
        task = None
    if task == "multiclass":
        if score_type != "predict_proba":
            bad("score_type", "'predict_proba' (multiclass class weights apply to "
                "probabilities)")
    elif not (isinstance(score_type, str) and score_type in _SCORE_TYPES):
        bad("score_type", "'predict_proba' or 'decision_function'")
    proba = score_type == "predict_proba"

    def threshold_ok(v):
        return _is_real(v) and bool(np.isfinite(v)) and (
            not proba or -_PROBA_TOL <= v <= 1 + _PROBA_TOL)

    number = "a finite number in [0, 1] (a probability)" if proba else "a finite number"
    classes = get("classes")
    spec = {"task": task, "proba": proba, "classes": None if classes is _MISSING else classes}
    if task == "binary":
        if not _distinct_labels(classes, 2) or len(classes) != 2:
            bad("classes", "a list of the 2 distinct class labels, in the order of the "
                "score columns")
            classes = None
        pos = get("pos_label")
        column = None
        if not _is_label(pos):
            bad("pos_label", "a class label (str, int, float or bool)")
        elif classes is not None:
            hits = [i for i, c in enumerate(classes) if c == pos]
            if hits:
                column = hits[0]
                spec.update(pos_label=classes[column], neg_label=classes[1 - column])
            else:
                bad("pos_label", f"one of the classes {classes}")
        given = get("positive_column")
        if given is not _MISSING and column is not None and not (
                _is_int(given) and given == column):
            bad("positive_column", f"{column}, the index of pos_label in classes")
        spec["column"] = column
        if not threshold_ok(get("threshold")):
            bad("threshold", number)
        spec["threshold"] = get("threshold")
    elif task == "multilabel":
        thr = get("thresholds")
        thr_ok = isinstance(thr, list) and len(thr) > 0 and all(threshold_ok(v) for v in thr)
        if not thr_ok:
            bad("thresholds", f"a non-empty list with one threshold per label, each "
                f"{number}")
        elif classes is not _MISSING and not (isinstance(classes, list)
                                              and len(classes) == len(thr)):
            bad("classes", f"a list naming the {len(thr)} labels (one per threshold)")
        spec["thresholds"] = np.asarray(thr, dtype=np.float64) if thr_ok else None
    elif task == "multiclass":
        if not _distinct_labels(classes, 2):
            bad("classes", "a list of at least 2 distinct class labels, in the order of "
                "the score columns")
            classes = None
        w = get("class_weights")
        w_ok = (isinstance(w, list) and len(w) > 0
                and all(_is_real(v) and np.isfinite(v) and v >= 0 for v in w)
                and any(v > 0 for v in w))
        if not w_ok:
            bad("class_weights", "a list of finite weights >= 0 (not all 0), one per class")
        elif classes is not None and len(w) != len(classes):
            bad("class_weights", f"{len(classes)} weights, one per class")
        spec["class_weights"] = np.asarray(w, dtype=np.float64) if w_ok else None
    if problems:
        raise ValueError("Invalid decision rule:\n  - " + "\n  - ".join(problems))
    return spec


def _score_input(task: str, score_type: str, classes, n_outputs: int) -> str:
    """What ``DecisionRule.predict`` expects (also written into the exported rule)."""
    if task == "binary" and score_type == "decision_function":
        return ("the output of decision_function: shape (n_samples,), scoring classes[1] "
                "as scikit-learn does, or shape (n_samples, 2) with columns in the order "
                f"of 'classes' {list(classes)}")
    if task == "multilabel":
        return (f"the output of {score_type}: shape (n_samples, {n_outputs}), one column "
                "per label (or the list of one (n_samples, 2) array per label of "
                "multi-output estimators)")
    return (f"the output of {score_type}: shape (n_samples, {n_outputs}), columns in the "
            f"order of 'classes' {list(classes)}")


def _as_scores(values, what: str = "scores") -> np.ndarray:
    """Numeric float64 array, or a ValueError (strings, bools, ragged lists)."""
    try:
        arr = np.asarray(values)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{what} must be a rectangular array of numbers: {exc}") from exc
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{what} must hold numbers; got objects ({exc}).") from exc
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"{what} must hold numeric model scores; got an array of dtype {arr.dtype}"
            + (" (predicted labels are not scores)." if arr.dtype.kind == "b" else ".")
        )
    return arr.astype(np.float64)


class DecisionRule:
    """A learned decision rule as plain data: thresholds applied to model scores.

    Created by :meth:`ThresholdTuner.decision_rule` / :meth:`ThresholdTuner.to_json`, or
    loaded with :meth:`DecisionRule.from_json`; needs no pickle and no estimator. The
    rule is validated once, when it is created: a missing field, a value of the wrong
    type, a NaN, infinite or out-of-range threshold, a ``pos_label`` that is not one of
    the ``classes`` or an unknown ``format_version`` raise a ``ValueError`` naming the
    field.

    **Which scores** :meth:`predict` expects: the output of the ``score_type`` method
    (``predict_proba`` or ``decision_function``) of the deployed model, i.e. of the
    fitted :class:`ThresholdTuner` itself (``tuner.predict_proba(X)`` or
    ``tuner.decision_function(X)``; for a fold ensemble these are the fold models'
    averaged scores, and the per-fold alignment used while tuning is already folded into
    the thresholds, so nothing else is applied):

    * binary, ``predict_proba``: shape (n_samples, 2), columns in the order of
      ``classes``; column ``positive_column`` (the index of ``pos_label`` in
      ``classes``) is compared with ``threshold``. A 1-D array is refused: it cannot be
      told which class it scores.
    * binary, ``decision_function``: shape (n_samples,), which scores ``classes[1]``
      (scikit-learn's convention; negated when ``pos_label`` is ``classes[0]``), or
      (n_samples, 2) with columns in the order of ``classes``.
    * multilabel: shape (n_samples, n_labels), one column per label and one entry of
      ``thresholds`` per column (or the list of one (n_samples, 2) array per label that
      multi-output estimators return); predicts a 0/1 indicator matrix.
    * multiclass (``predict_proba`` only): shape (n_samples, n_classes), columns in the
      order of ``classes``; predicts ``classes[argmax(class_weights * proba)]``.

    A sample is positive when ``score >= threshold``. Scores must be numbers, without
    NaN, and in [0, 1] for ``predict_proba``; the wrong number of columns is an error.

    Parameters
    ----------
    rule : dict
        The rule's fields (``task``, ``score_type``, ``classes``, and ``pos_label`` and
        ``threshold`` for binary, ``thresholds`` for multilabel, ``class_weights`` for
        multiclass), as written by :meth:`ThresholdTuner.to_json`; other fields are
        kept as information.

    Examples
    --------
    >>> from skmedimg._threshold import DecisionRule
    >>> rule = DecisionRule({"task": "binary", "classes": ["healthy", "lesion"],
    ...                      "pos_label": "lesion", "threshold": 0.3,
    ...                      "score_type": "predict_proba"})
    >>> rule.predict([[0.9, 0.1], [0.7, 0.3], [0.1, 0.9]]).tolist()
    ['healthy', 'lesion', 'lesion']
    >>> DecisionRule({"task": "binary", "classes": [0, 1], "pos_label": 1,
    ...               "threshold": float("nan"), "score_type": "predict_proba"})
    Traceback (most recent call last):
    ...
    ValueError: Invalid decision rule:
      - 'threshold': expected a finite number in [0, 1] (a probability); got nan (float)
    """

    def __init__(self, rule: dict):
        if not isinstance(rule, Mapping):
            raise TypeError(
                f"A decision rule must be a dict (a JSON object); got {type(rule).__name__}."
            )
        plain = _plain(dict(rule))
        self._spec = _validate_rule(plain)
        self._rule = plain

    @property
    def rule(self) -> dict:
        """The rule's fields (a copy: the validated rule cannot be changed)."""
        return copy.deepcopy(self._rule)

    @classmethod
    def from_json(cls, source) -> DecisionRule:
        """From JSON text (``str`` or ``bytes``), a path to a JSON file, or an open file.

        Raises
        ------
        TypeError
            ``source`` is of another type (for a dict, use ``DecisionRule(rule)``).
        ValueError
            Empty text, text that is neither a JSON object nor the path of a file,
            invalid JSON, or an invalid rule (see :class:`DecisionRule`).
        """
        if isinstance(source, (bytes, bytearray)):
            source = bytes(source).decode("utf-8")
        if hasattr(source, "read"):
            text = source.read()
        elif isinstance(source, os.PathLike):
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
        elif isinstance(source, str):
            if not source.strip():
                raise ValueError("source is empty; expected JSON text or the path of a "
                                 "JSON file.")
            if source.lstrip().startswith("{"):
                text = source
            elif os.path.isfile(source):
                with open(source, encoding="utf-8") as fh:
                    text = fh.read()
            else:
                raise ValueError(
                    "source is neither a JSON object ('{...}') nor the path of an existing "
                    f"file: {source[:80]!r}."
                )
        else:
            hint = " (for a dict, use DecisionRule(rule))" if isinstance(source, Mapping) else ""
            raise TypeError(
                "source must be JSON text, bytes, a path or an open file; got "
                f"{type(source).__name__}{hint}."
            )
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"source is not valid JSON: {exc}.") from exc
        if not isinstance(data, dict):
            raise ValueError(
                f"A decision rule is a JSON object; got a JSON {type(data).__name__}."
            )
        return cls(data)

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """The rule as JSON (standard JSON: non-finite informational numbers become
        ``null``), written to ``path`` when given."""
        text = json.dumps(_json_safe(self._rule), indent=indent, allow_nan=False)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    def predict(self, scores) -> np.ndarray:
        """Labels from the deployed model's scores (see the class docstring for the
        exact shape and column order).

        Parameters
        ----------
        scores : array-like
            The output of the rule's ``score_type`` method of the deployed model.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        spec = self._spec
        task, classes = spec["task"], spec["classes"]
        n_outputs = {"binary": 2, "multilabel": None if spec.get("thresholds") is None
                     else spec["thresholds"].size,
                     "multiclass": len(classes) if isinstance(classes, list) else None}[task]
        expected = _score_input(task, self._rule["score_type"], classes, n_outputs)
        if task == "multilabel" and isinstance(scores, (list, tuple)) and len(scores) and all(
                np.ndim(p) == 2 for p in scores):
            arrays = [_as_scores(p) for p in scores]
            if len(arrays) != n_outputs or any(a.shape != (arrays[0].shape[0], 2)
                                               for a in arrays):
                raise ValueError(
                    f"scores must be {expected}; got a list of {len(arrays)} arrays of "
                    f"shapes {[a.shape for a in arrays][:5]}."
                )
            s = np.column_stack([a[:, 1] for a in arrays])
        else:
            s = _as_scores(scores)
        one_d = (task == "binary" and not spec["proba"]
                 and (s.ndim == 1 or s.ndim == 2 and s.shape[1] == 1))
        if not one_d and not (s.ndim == 2 and s.shape[1] == n_outputs):
            raise ValueError(f"scores must be {expected}; got shape {s.shape}.")
        nan = np.isnan(s)
        if nan.any():
            rows = np.flatnonzero(nan.reshape(s.shape[0], -1).any(axis=1))
            raise ValueError(
                f"scores contain NaN for {rows.size} sample(s) (rows {rows[:10].tolist()}); "
                "a NaN score cannot be classified."
            )
        if spec["proba"] and s.size and (s.min() < -_PROBA_TOL or s.max() > 1 + _PROBA_TOL):
            raise ValueError(
                f"scores must be probabilities in [0, 1] (score_type 'predict_proba'); got "
                f"values from {s.min():.6g} to {s.max():.6g}. Pass {expected}."
            )
        if task == "binary":
            if one_d:
                d = s.reshape(-1)
                pos_score = d if spec["column"] == 1 else -d
            else:
                pos_score = s[:, spec["column"]]
            return np.where(pos_score >= spec["threshold"], spec["pos_label"],
                            spec["neg_label"])
        if task == "multilabel":
            return (s >= spec["thresholds"][None, :]).astype(int)
        return np.asarray(classes)[np.argmax(s * spec["class_weights"][None, :], axis=1)]

    def __repr__(self) -> str:
        return f"DecisionRule({self._rule!r})"


def _plain(value):
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _json_safe(value):
    """Standard JSON has no NaN/Infinity: informational numbers that are not finite
    (an undefined fold spread...) are written as null."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- estimator


def _fit_and_score(estimator, X, y, train, test, *, fit_params, method, task, pos_label,
                   classes):
    n = len(y) if not hasattr(y, "shape") else y.shape[0]
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    estimator.fit(X_train, y_train, **_index_params(fit_params, train, n))
    _check_estimator_classes(estimator, classes, task)
    scores = _get_scores(estimator, _safe_indexing(X, test), method=method, task=task,
                         pos_label=pos_label, n_outputs=len(classes))
    return estimator, scores


class ThresholdTuner(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Learn decision threshold(s) from out-of-fold scores for a clinical objective.

    The estimator is cross-fitted once; one sorted sweep over every distinct
    out-of-fold score then finds the threshold that optimises the objective (no refit
    per threshold, no fixed grid). Binary targets get one threshold, multilabel targets
    one per label, multiclass targets per-class weights on the probabilities
    (``predict = argmax(w_k * p_k)``) tuned for a macro objective.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba`` or ``decision_function`` (a ``CNNClassifier``,
        a ``Pipeline``, a ``GridSearchCV``...). ``X`` is passed through untouched, so
        image arrays of shape (n, H, W[, C]) work. For binary and multiclass targets its
        fitted ``classes_`` must be the classes of ``y`` (sorted, as scikit-learn sets
        them): they say which score column belongs to which class.
    objective : str or callable, default="f_beta"
        ``"f_beta"``, ``"balanced_accuracy"``, ``"youden"`` (TPR + TNR - 1),
        ``"g_mean"``, ``"min_cost"`` (minimise ``cost_fn * FN + cost_fp * FP``),
        ``"max_specificity"`` (subject to ``min_recall``), ``"max_recall"`` (subject to
        ``min_precision`` and/or ``min_specificity``), the name of a scikit-learn scorer
        that scores labels (e.g. ``"matthews_corrcoef"``), or a scorer callable
        ``scorer(estimator, X, y)``. Multiclass: the first four (macro) or a scorer.
        A scorer that returns NaN at some thresholds has those ranked last, with a
        warning (as ``GridSearchCV`` ranks NaN scores); NaN at every threshold is a
        ``ValueError``.
    beta : float, default=1.0
        Beta of the F-beta objective (2 weighs recall 4 times precision).
    min_recall, min_precision, min_specificity : float in (0, 1], default=None
        Constraints on the out-of-fold operating point; they may be combined with any
        binary/multilabel objective. When none of the thresholds meets them, a
        :class:`ConstraintNotMetWarning` is issued and the closest achievable point
        (smallest total shortfall) is used; ``constraint_met_`` records it.
    constraint_confidence : float in (0, 1), default=None
        Judge the constraints on the lower end of each rate's two-sided Wilson
        interval at this level (the interval :func:`~skmedimg.metrics.clinical_report`
        prints) instead of on the out-of-fold point estimate. ``None`` keeps the point
        estimate, as scikit-learn does. **Why:** a threshold that *just* reaches
        recall 0.90 on 150 out-of-fold positives falls below 0.90 on new patients
        about half of the time; with ``constraint_confidence=0.95`` the tuner keeps a
        margin that shrinks as the data grow (measured on the README's synthetic
        example over 4 seeds: test sensitivity 0.82-0.98 at the point estimate,
        0.91-0.98 with the bound, for 0.67-0.87 specificity). Recommended whenever a
        minimum recall is a safety requirement.

        .. versionadded:: 0.1
    cost_fn, cost_fp : float, default=1.0
        Costs of a false negative and a false positive for ``"min_cost"``.
    pos_label : int, float, bool or str, default=None
        Positive class of a binary target; by default the greater label
        (``classes_[1]``), as in scikit-learn. Must be None for multiclass and
        multilabel targets (every class or label is tuned).
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        Scores to threshold; ``"auto"`` prefers ``predict_proba``. Multiclass targets
        need ``predict_proba`` (the class weights multiply probabilities).
    cv : int, float, cross-validation generator, iterable or "prefit", default=None
        ``None``/int: (multilabel-)stratified K-fold (5 folds by default); multilabel
        targets use ``iterstrat``'s ``MultilabelStratifiedKFold`` because
        ``check_cv`` falls back to plain ``KFold`` for them. A float in (0, 1): one
        stratified validation split of that size. A splitter or iterable of
        (train, test). ``"prefit"``: ``estimator`` is already fitted and ``fit(X, y)``
        receives a held-out validation set.
    refit : bool or "auto", default="auto"
        ``True``: refit ``estimator`` on all data and deploy it with the out-of-fold
        threshold (scikit-learn's pattern). ``False``: deploy the model whose scores
        were tuned (a single split, ``cv="prefit"``, or ``ensemble=True``).
        ``"auto"``: ``True`` for deterministic estimators; for non-deterministic ones
        (``__sklearn_tags__().non_deterministic``, e.g. ``CNNClassifier``) ``False``
        (with the fold ensemble, or the model of a single split).
    ensemble : bool or "auto", default="auto"
        Keep the fold models and average their scores at predict time (as
        ``CalibratedClassifierCV(ensemble=True)``); the threshold was tuned on exactly
        those models' out-of-fold scores. ``"auto"`` enables it for non-deterministic
        estimators with several folds. **Why:** a network's score scale moves from one
        training run to the next (measured on PneumoniaMNIST: a threshold tuned for
        recall >= 0.97 on out-of-fold scores gave test sensitivity 0.997 or 0.426 on the
        refit network depending on augmentation; averaging the fold models kept it at
        0.992). Refitting and reusing the threshold is safe only for deterministic
        models. The fold models' scales also differ from each other, so in ensemble
        mode each fold's out-of-fold scores are standardised (median and inter-quartile
        range on the logit scale) before the pooled sweep, and the chosen point is
        mapped back to the scale of the averaged scores.
    random_state : int, RandomState instance or None, default=None
        Seeds the float-``cv`` split, and shuffles the multilabel K-fold splitter. With
        None, that splitter does not shuffle and is repeatable (a fixed internal seed
        breaks its ties, which it would otherwise draw from NumPy's global state).
    n_jobs : int, default=None
        Folds fitted in parallel (joblib).
    store_cv_results : bool, default=False
        Keep the out-of-fold scores in ``cv_results_``.

    Attributes
    ----------
    estimator_ : estimator instance
        The deployed model (refit estimator, fold ensemble, single-split model or the
        prefit estimator).
    estimators_ : list of estimator instances
        The fold models (``ensemble_`` only, else empty).
    threshold_ : float or ndarray of shape (n_labels,) or (n_classes,)
        The threshold (binary), one per label (multilabel) or the class weights
        (multiclass). ``best_threshold_`` is an alias.
    best_score_ : float or ndarray of shape (n_labels,)
        Objective at ``threshold_`` on the pooled out-of-fold scores (for
        ``"min_cost"``: minus the mean cost per sample).
    constraint_met_ : bool or ndarray of bool
        Whether the recall/precision/specificity constraints were met out of fold.
    curve_ : dict or list of dict
        Threshold -> metrics on the out-of-fold scores: ``thresholds`` (descending),
        ``tp``, ``fp``, ``fn``, ``tn``, ``recall``, ``specificity``, ``precision``,
        ``npv``, ``f_beta``, ``balanced_accuracy``, ``objective``; a list per label for
        multilabel; ``None`` for multiclass. In ensemble mode the metrics are those of
        the fold-aligned scores and the thresholds are on the averaged scores' scale.
    fold_thresholds_ : ndarray of shape (n_splits,) or (n_splits, n_outputs)
        The optimum of each validation fold on its own (NaN when a fold lacks a class).
    threshold_spread_ : dict
        ``mean``, ``std``, ``min``, ``max`` of ``fold_thresholds_``: how stable the
        operating point is.
    cv_results_ : dict
        ``scores``, ``y``, ``indices`` and ``fold`` of the pooled out-of-fold
        predictions (only with ``store_cv_results=True``). In ensemble mode ``scores``
        are each fold model's own scores, not on the scale of ``threshold_`` (which
        applies to the averaged scores; ``curve_`` gives the operating points).
    task_ : {"binary", "multilabel", "multiclass"}
    response_method_ : str
        The method whose scores are thresholded.
    pos_label_ : object
        Positive class (binary).
    refit_, ensemble_ : bool
        The resolved modes.
    n_splits_ : int
        Number of splits used for tuning.
    classes_ : ndarray
        Class labels (a property of ``estimator_``).
    n_features_in_ : int
        Only when ``estimator_`` defines it.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : binary-only, 100-point grid.
    skmedimg.metrics.specificity_at_recall : the threshold-free metric.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmedimg import ThresholdTuner
    >>> X, y = make_classification(600, weights=[0.9], random_state=0)
    >>> tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
    ...                        min_recall=0.9, cv=3).fit(X, y)
    >>> bool(tuner.curve_["recall"][tuner.threshold_index_] >= 0.9)
    True
    >>> tuner.predict(X[:5]).shape
    (5,)
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "objective": [str, callable],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "min_recall": [Interval(Real, 0, 1, closed="right"), None],
        "min_precision": [Interval(Real, 0, 1, closed="right"), None],
        "min_specificity": [Interval(Real, 0, 1, closed="right"), None],
        "constraint_confidence": [Interval(RealNotInt, 0, 1, closed="neither"), None],
        "cost_fn": [Interval(Real, 0, None, closed="left")],
        "cost_fp": [Interval(Real, 0, None, closed="left")],
        "pos_label": [Real, str, "boolean", None],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "cv": ["cv_object", StrOptions({"prefit"}),
               Interval(RealNotInt, 0.0, 1.0, closed="neither")],
        "refit": ["boolean", StrOptions({"auto"})],
        "ensemble": ["boolean", StrOptions({"auto"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "store_cv_results": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        *,
        objective="f_beta",
        beta=1.0,
        min_recall=None,
        min_precision=None,
        min_specificity=None,
        constraint_confidence=None,
        cost_fn=1.0,
        cost_fp=1.0,
        pos_label=None,
        response_method="auto",
        cv=None,
        refit="auto",
        ensemble="auto",
        random_state=None,
        n_jobs=None,
        store_cv_results=False,
    ):
        self.estimator = estimator
        self.objective = objective
        self.beta = beta
        self.min_recall = min_recall
        self.min_precision = min_precision
        self.min_specificity = min_specificity
        self.constraint_confidence = constraint_confidence
        self.cost_fn = cost_fn
        self.cost_fp = cost_fp
        self.pos_label = pos_label
        self.response_method = response_method
        self.cv = cv
        self.refit = refit
        self.ensemble = ensemble
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.store_cv_results = store_cv_results

    # ------------------------------------------------------------------ validation
    def _get_scorer(self):
        """The scorer object for scorer objectives, else None."""
        if callable(self.objective):
            return self.objective
        if self.objective in OBJECTIVES:
            return None
        if self.objective in get_scorer_names():
            return check_scoring(self.estimator, scoring=self.objective)
        raise ValueError(
            f"Unknown objective {self.objective!r}; expected one of {list(OBJECTIVES)}, "
            "the name of a scikit-learn scorer or a scorer callable."
        )

    def _check_objective(self, task):
        scorer = self._get_scorer()
        name = "scorer" if scorer is not None else self.objective
        constraints = {k: getattr(self, k) for k in
                       ("min_recall", "min_precision", "min_specificity")}
        if name in _CONSTRAINED and all(constraints[k] is None for k in _CONSTRAINED[name]):
            needed = " or ".join(_CONSTRAINED[name])
            raise ValueError(
                f"objective={name!r} needs a constraint: set {needed}."
            )
        if task == "multiclass":
            if scorer is None and name not in _MULTICLASS_OBJECTIVES:
                raise ValueError(
                    f"objective={name!r} is not supported for multiclass targets; use one of "
                    f"{list(_MULTICLASS_OBJECTIVES)} (macro) or a scorer."
                )
            if any(v is not None for v in constraints.values()):
                raise ValueError(
                    "min_recall/min_precision/min_specificity apply to binary and "
                    "multilabel targets, not to multiclass ones."
                )
        return scorer

    def _response_method(self, estimator, task):
        if self.response_method != "auto":
            if task == "multiclass" and self.response_method == "decision_function":
                # argmax(w * d) is meaningless for signed scores: a weight < 1 raises a
                # negative decision value
                raise ValueError(
                    "response_method='decision_function' is not supported for multiclass "
                    "targets: the class weights multiply probabilities. Use "
                    "response_method='predict_proba' or 'auto'."
                )
            return self.response_method
        if hasattr(estimator, "predict_proba"):
            return "predict_proba"
        if task == "multiclass":
            raise ValueError("Multiclass threshold tuning needs an estimator with predict_proba.")
        return "decision_function"

    def _check_target(self, y):
        y_arr = np.asarray(y)
        if y_arr.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0,)) while a minimum "
                             "of 1 is required.")
        y_type = type_of_target(y, input_name="y")
        if y_type == "multilabel-indicator":
            # type_of_target also accepts two-valued matrices such as {0, 2} or {-1, 1};
            # the tuner reads value 1 as positive and predicts a 0/1 matrix
            values = np.unique(y_arr).tolist()
            if not set(values) <= {0, 1}:
                raise ValueError(
                    f"A multilabel y must be a 0/1 indicator matrix; got values {values}."
                )
            counts = y_arr.sum(axis=0)
            bad = np.flatnonzero((counts == 0) | (counts == y_arr.shape[0]))
            if bad.size:
                raise ValueError(
                    f"Labels {bad.tolist()} of the multilabel y have a single value; every "
                    "label needs positive and negative samples to tune a threshold."
                )
            return "multilabel", np.arange(y_arr.shape[1])
        if y_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Only binary, multiclass and multilabel-indicator targets are supported. "
                f"Unknown label type: {y_type}"
            )
        classes = np.unique(y_arr)
        if classes.size < 2:
            raise ValueError(
                f"y contains 1 class ({classes[0]!r}); ThresholdTuner needs at least two "
                "classes."
            )
        return ("binary" if classes.size == 2 else "multiclass"), classes

    def _make_cv(self, y, task):
        if isinstance(self.cv, str):  # "prefit"
            return self.cv
        if isinstance(self.cv, Real) and 0 < self.cv < 1:
            if task == "multilabel":
                from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

                return MultilabelStratifiedShuffleSplit(
                    n_splits=1, test_size=self.cv, random_state=self.random_state)
            return StratifiedShuffleSplit(n_splits=1, test_size=self.cv,
                                          random_state=self.random_state)
        if task == "multilabel" and (self.cv is None or isinstance(self.cv, numbers.Integral)):
            from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

            shuffle = self.random_state is not None
            cv = MultilabelStratifiedKFold(n_splits=5 if self.cv is None else self.cv,
                                           shuffle=shuffle, random_state=self.random_state)
            if not shuffle:
                # iterstrat breaks ties with random draws even when not shuffling, from
                # NumPy's global state when random_state is None: a fixed seed makes the
                # unshuffled default repeatable, as scikit-learn's unshuffled splitters are
                # (set after __init__, which refuses a random_state without shuffle)
                cv.random_state = 0
            return cv
        return check_cv(self.cv, y=y, classifier=True)

    # ------------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **params):
        """Cross-fit the estimator, tune the threshold(s), build the deployed model.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data in whatever form ``estimator`` accepts (feature matrix,
            image array...). With ``cv="prefit"``: the validation set.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Binary, multiclass or multilabel-indicator target.
        **params : dict
            With metadata routing enabled, routed to the estimator's ``fit``, the
            splitter's ``split`` and a scorer objective. Otherwise passed to the
            estimator's ``fit`` (``groups`` goes to the splitter).

        Returns
        -------
        self : ThresholdTuner
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        X, y = indexable(X, y)
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        task, classes = self._check_target(y)
        scorer = self._check_objective(task)
        y_arr = np.asarray(y)
        n = y_arr.shape[0]

        if get_config().get("enable_metadata_routing", False):
            routed = process_routing(self, "fit", **params)
            fit_params = dict(routed.estimator.fit)
            split_params = dict(routed.splitter.split)
            score_params = dict(routed.scorer.score) if scorer is not None else {}
        else:
            params = dict(params)
            groups = params.pop("groups", None)
            fit_params, score_params = params, {}
            split_params = {} if groups is None else {"groups": groups}

        if task == "binary":
            pos = classes[1] if self.pos_label is None else self.pos_label
            if not any(c == pos for c in classes.tolist()):
                raise ValueError(f"pos_label={pos!r} is not a valid label: {classes.tolist()}.")
            pos = classes[[c == pos for c in classes.tolist()].index(True)]
            neg = classes[0] if classes[1] == pos else classes[1]
        else:
            if self.pos_label is not None:
                raise ValueError(
                    f"pos_label={self.pos_label!r} applies to binary targets; y is {task} "
                    "(every label/class is tuned). Leave pos_label=None."
                )
            pos = neg = None

        # ----- splits and modes (same rules and messages as TunedThresholdClassifierCV)
        cv = self._make_cv(y_arr, task)
        non_det = _is_non_deterministic(self.estimator)
        if cv == "prefit":
            if self.refit is True:
                raise ValueError("When cv='prefit', refit cannot be True.")
            if self.ensemble is True:
                raise ValueError("When cv='prefit', ensemble cannot be True.")
            try:
                # No attribute list: estimators such as CNNClassifier answer through
                # __sklearn_is_fitted__, so a network that was only initialize()d (its
                # classes_ already set) is not mistaken for a trained one.
                check_is_fitted(self.estimator)
                if getattr(self.estimator, "classes_", None) is None:
                    raise NotFittedError("classes_ is None")
            except NotFittedError as exc:
                raise NotFittedError("When cv='prefit', `estimator` must be fitted.") from exc
            refit, ensemble, n_splits = False, False, 1
            splits = [(None, np.arange(n))]
        else:
            splits = list(cv.split(X, y_arr, **split_params))
            n_splits = len(splits)
            ensemble = self.ensemble
            if ensemble == "auto":
                ensemble = non_det and self.refit is not True and n_splits > 1
            if ensemble and self.refit is True:
                raise ValueError(
                    "ensemble=True and refit=True are exclusive: the ensemble deploys the "
                    "fold models whose scores were tuned, refit deploys a new model."
                )
            refit = self.refit
            if refit == "auto":
                refit = not ensemble and not (non_det and n_splits == 1)
            if not refit and not ensemble and n_splits > 1:
                raise ValueError(
                    "When cv has several folds, refit cannot be False (unless ensemble=True)."
                )
            if refit and non_det:
                warnings.warn(
                    f"refit=True with a non-deterministic estimator "
                    f"({type(self.estimator).__name__}): the refit model's score scale can "
                    "differ from the fold models', so the out-of-fold threshold may not "
                    "transfer. Prefer ensemble=True or refit=False (the default 'auto').",
                    UserWarning, stacklevel=2,
                )
            self._check_fold_classes(splits, y_arr, task, classes)

        method = self._response_method(self.estimator, task)

        # ----- out-of-fold scores: one cross-fit
        if cv == "prefit":
            _check_estimator_classes(self.estimator, classes, task)
            fold_models = [self.estimator]
            fold_scores = [_get_scores(self.estimator, X, method=method, task=task,
                                       pos_label=pos, n_outputs=len(classes))]
        else:
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_and_score)(clone(self.estimator), X, y, train, test,
                                        fit_params=fit_params, method=method, task=task,
                                        pos_label=pos, classes=classes)
                for train, test in splits
            )
            fold_models = [r[0] for r in results]
            fold_scores = [r[1] for r in results]
        for f, s in enumerate(fold_scores):
            bad = ~np.isfinite(s).reshape(s.shape[0], -1).all(axis=1)
            if bad.any():
                where = "" if cv == "prefit" else f" of fold {f}"
                raise ValueError(
                    f"{type(fold_models[f]).__name__}.{method} returned NaN or infinite "
                    f"scores for {int(bad.sum())} of the {bad.size} validation samples"
                    f"{where}; a threshold cannot be tuned on them."
                )
        test_idx = [np.asarray(test) for _, test in splits]
        oof_idx = np.concatenate(test_idx)
        oof_scores = np.concatenate(fold_scores, axis=0)
        oof_y = y_arr[oof_idx]
        oof_score_params = _index_params(score_params, oof_idx, n)
        spread = np.ptp(oof_scores, axis=0)
        if (spread == 0).all() if task == "multiclass" else (spread == 0).any():
            raise ValueError(
                "The provided estimator makes constant predictions. Therefore, it is "
                "impossible to optimize the decision threshold."
            )

        spec = _TuneSpec(objective=self.objective if scorer is None else "scorer",
                         scorer=scorer, beta=self.beta, cost_fn=self.cost_fn,
                         cost_fp=self.cost_fp, min_recall=self.min_recall,
                         min_precision=self.min_precision,
                         min_specificity=self.min_specificity,
                         confidence=self.constraint_confidence)
        align = None
        if ensemble and task != "multiclass":
            # the fold models' score scales differ; tune on aligned scores, deploy the
            # threshold on the averaged scores' scale (see _ScoreAlignment)
            align = _ScoreAlignment(fold_scores, method)
            tune_scores = np.concatenate(align.z, axis=0)
        else:
            tune_scores = oof_scores
        # Everything is computed into `fitted` and set on self at the very end: a fit that
        # fails half-way must leave no fitted attributes (first fit) or the previous model
        # exactly as it was (re-fit), never a mix of the two.
        fitted = {"task_": task, "pos_label_": pos, "response_method_": method,
                  "refit_": bool(refit), "ensemble_": bool(ensemble), "n_splits_": n_splits}
        fitted.update(self._tune(spec, task, oof_y, tune_scores, oof_score_params, classes,
                                 pos, neg, align))
        fitted.update(self._tune_folds(spec, task, y_arr, test_idx, fold_scores, classes,
                                       pos, neg, score_params, n))

        if self.store_cv_results:
            fold_of = np.concatenate([np.full(t.size, f) for f, t in enumerate(test_idx)])
            fitted["cv_results_"] = {"scores": oof_scores, "y": oof_y, "indices": oof_idx,
                                     "fold": fold_of}

        # ----- the deployed model
        if cv == "prefit":
            estimator_, estimators_ = self.estimator, []
        elif ensemble:
            estimator_, estimators_ = _FoldEnsemble(fold_models), fold_models
        elif refit:
            estimator_, estimators_ = clone(self.estimator).fit(X, y, **fit_params), []
            _check_estimator_classes(estimator_, classes, task)
        else:  # single split, refit=False: the model whose scores were tuned
            estimator_, estimators_ = fold_models[0], []
        fitted["estimator_"], fitted["estimators_"] = estimator_, estimators_
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(estimator_, attr):
                fitted[attr] = getattr(estimator_, attr)
        self._set_fitted(fitted)
        logger.info("ThresholdTuner: %s threshold(s) %s (objective %s = %s)", task,
                    self.threshold_, self.objective, self.best_score_)
        return self

    _FITTED_ATTRIBUTES = (
        "task_", "pos_label_", "response_method_", "refit_", "ensemble_", "n_splits_",
        "threshold_", "threshold_index_", "best_score_", "constraint_met_", "curve_",
        "fold_thresholds_", "threshold_spread_", "cv_results_", "estimator_",
        "estimators_", "n_features_in_", "feature_names_in_",
    )

    def _set_fitted(self, fitted: dict) -> None:
        """Replace the whole fitted state at once (attributes of an earlier fit that this
        one does not set, such as ``cv_results_``, are removed)."""
        for name in self._FITTED_ATTRIBUTES:
            if name in fitted:
                setattr(self, name, fitted[name])
            else:
                self.__dict__.pop(name, None)

    def _check_fold_classes(self, splits, y, task, classes):
        for i, (train, _) in enumerate(splits):
            y_train = y[np.asarray(train)]
            if task == "multilabel":
                counts = y_train.sum(axis=0)
                if np.any((counts == 0) | (counts == y_train.shape[0])):
                    warnings.warn(
                        f"Training fold {i} has labels with a single value; their fold "
                        "model cannot learn them. Use fewer folds.", UserWarning,
                        stacklevel=3)
                continue
            present = np.unique(y_train)
            if present.size < classes.size:
                missing = sorted(set(classes.tolist()) - set(present.tolist()))
                raise ValueError(
                    f"Training fold {i} contains a single class or misses classes "
                    f"{missing}; every training fold needs all {classes.size} classes. Use "
                    "fewer folds or a stratified splitter."
                )

    def _tune(self, spec, task, y, scores, score_params, classes, pos, neg, align=None):
        """The tuned threshold(s) and their out-of-fold statistics (fitted attributes)."""

        def deployed(t, label=None):  # aligned thresholds -> the ensemble's scale
            return t if align is None else align.to_ensemble(t, label)

        if task == "binary":
            sel, sweep, values = spec.tune_binary(y, y == pos, scores, neg_label=neg,
                                                  pos_label=pos, score_params=score_params)
            self._warn_constraint(spec, sel, sweep, "", deployed(sel.threshold))
            curve = self._curve(spec, sweep, values)
            curve["thresholds"] = deployed(curve["thresholds"])
            return {"threshold_": deployed(sel.threshold), "threshold_index_": sel.index,
                    "best_score_": sel.score, "constraint_met_": sel.feasible,
                    "curve_": curve}
        if task == "multilabel":
            thr, best, met, curves, index = [], [], [], [], []
            for k in range(y.shape[1]):
                yk = y[:, k].astype(int)
                sel, sweep, values = spec.tune_binary(yk, yk == 1, scores[:, k], neg_label=0,
                                                      pos_label=1, score_params=score_params)
                self._warn_constraint(spec, sel, sweep, f" for label {k}",
                                      deployed(sel.threshold, k))
                thr.append(deployed(sel.threshold, k))
                best.append(sel.score)
                met.append(sel.feasible)
                index.append(sel.index)
                curve = self._curve(spec, sweep, values)
                curve["thresholds"] = deployed(curve["thresholds"], k)
                curves.append(curve)
            return {"threshold_": np.array(thr), "threshold_index_": np.array(index),
                    "best_score_": np.array(best), "constraint_met_": np.array(met),
                    "curve_": curves}
        codes = np.searchsorted(classes, y)
        w, best = _tune_class_weights(codes, scores, spec=spec, classes=classes, y_true=y,
                                      score_params=score_params)
        return {"threshold_": w, "threshold_index_": None, "best_score_": best,
                "constraint_met_": True, "curve_": None}

    def _tune_folds(self, spec, task, y, test_idx, fold_scores, classes, pos, neg,
                    score_params, n):
        """Each validation fold's own optimum and their spread (fitted attributes)."""
        rows = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConstraintNotMetWarning)
            warnings.filterwarnings("ignore", message="The scorer objective returned NaN")
            for test, s in zip(test_idx, fold_scores):
                yt = y[test]
                params = _index_params(score_params, test, n)
                if task == "binary":
                    row = np.nan
                    if np.unique(yt).size == 2:
                        try:
                            row = spec.tune_binary(yt, yt == pos, s, neg_label=neg,
                                                   pos_label=pos, score_params=params)[
                                0].threshold
                        except _UndefinedObjectiveError:  # undefined on this fold alone
                            pass
                    rows.append(row)
                elif task == "multilabel":
                    row = []
                    for k in range(yt.shape[1]):
                        yk = yt[:, k].astype(int)
                        row.append(np.nan)
                        if 0 < yk.sum() < yk.size:
                            try:
                                row[-1] = spec.tune_binary(
                                    yk, yk == 1, s[:, k], neg_label=0, pos_label=1,
                                    score_params=params)[0].threshold
                            except _UndefinedObjectiveError:
                                pass
                    rows.append(row)
                else:
                    codes = np.searchsorted(classes, yt)
                    try:
                        rows.append(_tune_class_weights(codes, s, spec=spec, classes=classes,
                                                        y_true=yt, score_params=params)[0])
                    except _UndefinedObjectiveError:
                        rows.append(np.full(classes.size, np.nan))
        ft = np.asarray(rows, dtype=np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            spread = {
                "mean": np.nanmean(ft, axis=0), "std": np.nanstd(ft, axis=0),
                "min": np.nanmin(ft, axis=0), "max": np.nanmax(ft, axis=0),
            }
        return {"fold_thresholds_": ft, "threshold_spread_": spread}

    def _curve(self, spec, sweep: Sweep, values):
        if values is None:
            from ._sweep import objective_curve

            values = objective_curve(sweep, objective=spec.objective, beta=spec.beta,
                                     cost_fn=spec.cost_fn, cost_fp=spec.cost_fp)
        return curve_table(sweep, beta=spec.beta, objective_values=values)

    def _warn_constraint(self, spec, sel, sweep, where, threshold):
        if sel.feasible:
            return
        i = sel.index
        judged = ("" if spec.confidence is None else
                  f" (judged on the lower ends of {spec.confidence:.0%} Wilson intervals)")
        warnings.warn(
            f"No threshold reaches {_describe_constraints(spec.constraints)}{judged} on the "
            f"out-of-fold scores{where}; using the closest achievable point: threshold "
            f"{threshold:.6g} with recall {sweep.recall[i]:.3f}, precision "
            f"{sweep.precision[i]:.3f}, specificity {sweep.specificity[i]:.3f}.",
            ConstraintNotMetWarning, stacklevel=4,
        )

    # -------------------------------------------------------------- predictions
    @property
    def classes_(self):
        """Class labels (of the deployed estimator)."""
        return self.estimator_.classes_

    @property
    def best_threshold_(self):
        """Alias of ``threshold_`` (the name used by ``TunedThresholdClassifierCV``)."""
        return self.threshold_

    def _scores(self, X):
        check_is_fitted(self, "threshold_")
        s = _get_scores(self.estimator_, X, method=self.response_method_, task=self.task_,
                        pos_label=self.pos_label_)
        nan = np.isnan(s)
        if nan.any():  # NaN >= threshold is False: it would be predicted negative
            rows = np.flatnonzero(nan.reshape(s.shape[0], -1).any(axis=1))
            raise ValueError(
                f"The deployed estimator returned NaN scores for {rows.size} sample(s) "
                f"(rows {rows[:10].tolist()}); ThresholdTuner cannot classify them."
            )
        return s

    def predict(self, X):
        """Labels at the tuned threshold(s).

        Parameters
        ----------
        X : array-like
            Samples in the form the estimator accepts.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        s = self._scores(X)
        if self.task_ == "binary":
            classes = np.asarray(self.classes_)
            neg = classes[0] if classes[1] == self.pos_label_ else classes[1]
            return np.where(s >= self.threshold_, self.pos_label_, neg)
        if self.task_ == "multilabel":
            return (s >= self.threshold_[None, :]).astype(int)
        return np.asarray(self.classes_)[np.argmax(s * self.threshold_[None, :], axis=1)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Probabilities of the deployed estimator (averaged over fold models in
        ensemble mode); thresholds do not change them."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log-probabilities of the deployed estimator."""
        check_is_fitted(self, "estimator_")
        if isinstance(self.estimator_, _FoldEnsemble):
            with np.errstate(divide="ignore"):
                return np.log(self.estimator_.predict_proba(X))
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the deployed estimator."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    # ------------------------------------------------------------- rule, plot
    def decision_rule(self) -> DecisionRule:
        """The fitted rule as a :class:`DecisionRule` (plain data)."""
        check_is_fitted(self, "threshold_")
        from . import __version__

        task, method = self.task_, self.response_method_
        # the score columns: the classes in the deployed model's order, or the labels
        classes = (list(range(len(self.threshold_))) if task == "multilabel"
                   else _plain(np.asarray(self.classes_)))
        n_outputs = len(classes)
        score_input = _score_input(task, method, classes, n_outputs)
        if self.ensemble_:
            score_input += (f" (ThresholdTuner.{method}: the fold models' averaged scores; "
                            "the fold alignment used in tuning is folded into the thresholds)")
        rule = {
            "format": _RULE_FORMAT,
            "format_version": _RULE_VERSION,
            "skmedimg_version": __version__,
            "task": task,
            "score_type": method,
            "score_input": score_input,
            "comparison": "score >= threshold" if task != "multiclass"
            else "argmax(class_weights * proba)",
            "classes": classes,
            "objective": self.objective if isinstance(self.objective, str)
            else repr(self.objective),
            "objective_params": {"beta": self.beta, "min_recall": self.min_recall,
                                 "min_precision": self.min_precision,
                                 "min_specificity": self.min_specificity,
                                 "constraint_confidence": self.constraint_confidence,
                                 "cost_fn": self.cost_fn, "cost_fp": self.cost_fp},
            "best_score": _plain(self.best_score_),
            "constraint_met": _plain(self.constraint_met_),
            "deployment": "fold_ensemble" if self.ensemble_ else (
                "refit" if self.refit_ else "tuned_model"),
            "n_splits": self.n_splits_,
            "threshold_spread": _plain(self.threshold_spread_),
            "estimator": type(self.estimator).__name__,
        }
        if task == "binary":
            rule["pos_label"] = _plain(self.pos_label_)
            rule["positive_column"] = [c == self.pos_label_ for c in classes].index(True)
            rule["threshold"] = float(self.threshold_)
        elif self.task_ == "multilabel":
            rule["thresholds"] = _plain(self.threshold_)
        else:
            rule["class_weights"] = _plain(self.threshold_)
        return DecisionRule(_plain(rule))

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """The decision rule as JSON (written to ``path`` when given).

        Deployment needs no pickle: ``DecisionRule.from_json(text).predict(scores)``,
        with ``scores`` the output of this tuner's ``score_type`` method
        (``tuner.predict_proba(X)`` or ``tuner.decision_function(X)``, unchanged),
        reproduces :meth:`predict`; see :class:`DecisionRule` for the expected shapes.
        """
        return self.decision_rule().to_json(path, indent=indent)

    @staticmethod
    def from_json(source) -> DecisionRule:
        """Load a rule written by :meth:`to_json` (a JSON string or a file path)."""
        rule = DecisionRule.from_json(source)
        if "format" not in rule._rule:
            raise ValueError(
                f"Not a skmedimg decision rule: the 'format' field ({_RULE_FORMAT!r}) is "
                "missing."
            )
        return rule

    def plot(self, label: int | None = None, *, ax=None,
             metrics=("recall", "specificity", "precision", "f_beta", "objective")):
        """Metrics against the threshold (out-of-fold), with the operating point.

        Parameters
        ----------
        label : int, optional
            Multilabel: which label to plot (default 0).
        ax : matplotlib Axes, optional
        metrics : sequence of str
            Keys of ``curve_``.

        Returns
        -------
        display : skmedimg.metrics.ThresholdCurveDisplay
        """
        from .metrics import ThresholdCurveDisplay

        check_is_fitted(self, "threshold_")
        if self.task_ == "multiclass":
            raise ValueError("plot() draws threshold curves of binary and multilabel tuners.")
        if self.task_ == "multilabel":
            k = 0 if label is None else label
            n_labels = len(self.curve_)
            # a negative index would plot another label under this one's title
            if not (_is_int(k) and 0 <= k < n_labels):
                raise ValueError(
                    f"label must be an integer in [0, {n_labels - 1}]; got {label!r}."
                )
            curve, thr, title = self.curve_[k], float(self.threshold_[k]), f"label {k}"
        elif label is not None:
            raise ValueError(f"label applies to multilabel tuners; this one is {self.task_}.")
        else:
            curve, thr, title = self.curve_, float(self.threshold_), None
        name = self.objective if isinstance(self.objective, str) else "scorer"
        return ThresholdCurveDisplay(curve, threshold=thr, metrics=metrics).plot(
            ax=ax, title=title or f"objective: {name}")

    # ----------------------------------------------------------------- routing
    def get_metadata_routing(self):
        """Metadata routing: estimator ``fit``, splitter ``split``, scorer ``score``."""
        router = (
            MetadataRouter(owner=self)
            .add(estimator=self.estimator,
                 method_mapping=MethodMapping().add(callee="fit", caller="fit"))
            .add(splitter=self.cv,
                 method_mapping=MethodMapping().add(callee="split", caller="fit"))
        )
        if callable(self.objective):
            router.add(scorer=self.objective,
                       method_mapping=MethodMapping().add(callee="score", caller="fit"))
        elif isinstance(self.objective, str) and self.objective not in OBJECTIVES \
                and self.objective in get_scorer_names():
            router.add(scorer=check_scoring(self.estimator, scoring=self.objective),
                       method_mapping=MethodMapping().add(callee="score", caller="fit"))
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub = get_tags(self.estimator)
        if sub.classifier_tags is not None:
            tags.classifier_tags.multi_label = sub.classifier_tags.multi_label
        tags.input_tags = sub.input_tags
        tags.non_deterministic = _is_non_deterministic(self.estimator)
        return tags
