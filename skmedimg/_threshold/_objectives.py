"""What the tuner optimises: native objectives, scorer names and scorers.

Every objective that is a function of the confusion matrix is evaluated from the
cumulative counts of one sorted sweep (:mod:`skmedimg._sweep`), at every candidate
threshold at once: the native names, and scikit-learn scorers built from
``f1_score``, ``fbeta_score``, ``precision_score``, ``recall_score``,
``jaccard_score``, ``accuracy_score``, ``balanced_accuracy_score`` and
``matthews_corrcoef`` (by name, ``"f1"``, ``"recall_macro"``..., or
``make_scorer(fbeta_score, beta=2)``...), with sample weights. Any other scorer is
*opaque*: it is called on candidate predictions (see ``ThresholdTuner``'s
``objective`` for how many).
"""

from __future__ import annotations

import inspect
import math
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    get_scorer,
    get_scorer_names,
    jaccard_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)
from sklearn.utils.metadata_routing import MetadataRequest

from .._counts import (
    accuracy,
    average,
    balanced_accuracy,
    f_beta,
    jaccard,
    matthews,
    multiclass_matthews,
    per_class,
    precision,
    recall,
)
from .._sklearn_compat import _BaseScorer, _Scorer
from .._sweep import OBJECTIVES

# scikit-learn keeps a scorer's metric and keyword arguments in private attributes
# (``_score_func``, ``_kwargs``, ``_sign``, ``_response_method`` of ``_Scorer``,
# imported above from ``_sklearn_compat``). They are read here, and only here, to evaluate
# the scorer from confusion counts. When scikit-learn renames them, every scorer takes
# the slow path (results unchanged); test_threshold_objectives.py fails loudly then.

MULTICLASS_OBJECTIVES = ("f_beta", "balanced_accuracy", "youden", "g_mean")
CONSTRAINED = {"max_specificity": ("min_recall",),
               "max_recall": ("min_precision", "min_specificity")}
CONSTRAINTS = ("min_recall", "min_precision", "min_specificity")
ONLY_BINARY = "Only binary classification is supported."

# metric -> (name, keyword arguments the count formulas honour exactly)
_PRF = frozenset({"average", "pos_label", "zero_division", "labels"})
_METRICS = {
    f1_score: ("f_beta", _PRF),
    fbeta_score: ("f_beta", _PRF | {"beta"}),
    precision_score: ("precision", _PRF),
    recall_score: ("recall", _PRF),
    jaccard_score: ("jaccard", _PRF),
    accuracy_score: ("accuracy", frozenset({"normalize"})),
    balanced_accuracy_score: ("balanced_accuracy", frozenset({"adjusted"})),
    matthews_corrcoef: ("matthews", frozenset()),
}
_AVERAGES = ("binary", "micro", "macro", "weighted")


class CountMetric:
    """A scorer evaluated from confusion counts: same value as calling it.

    Built by :func:`count_metric` from a scorer's metric and keyword arguments.
    """

    def __init__(self, metric, *, sign=1.0, average=None, pos_label=1, beta=1.0,
                 zero_division=0.0, normalize=True, adjusted=False):
        self.metric = metric
        self.sign = float(sign)
        self.average = average
        self.pos_label = pos_label
        self.beta = beta
        self.zero_division = zero_division
        self.normalize = normalize
        self.adjusted = adjusted

    @property
    def binary_only(self) -> bool:
        """``average="binary"`` scores one class: undefined for multiclass targets."""
        return self.average == "binary"

    def _one_vs_rest(self, tp, fp, fn, tn):
        zd = self.zero_division
        if self.metric == "f_beta":
            return f_beta(tp, fp, fn, beta=self.beta, zero_division=zd)
        if self.metric == "precision":
            return precision(tp, fp, zero_division=zd)
        if self.metric == "recall":
            return recall(tp, fn, zero_division=zd)
        return jaccard(tp, fp, fn, zero_division=zd)

    def _averaged(self, tp, fp, fn, tn, support):
        """Per-class counts along the last axis -> the averaged metric."""
        if self.average == "micro":
            return self._one_vs_rest(tp.sum(-1), fp.sum(-1), fn.sum(-1), tn.sum(-1))
        return average(self._one_vs_rest(tp, fp, fn, tn), self.average, support)

    def binary(self, tp, fp, fn, tn, *, pos_label, neg_label):
        """Values at every candidate from the positive class's counts, or None when the
        scorer names a positive class that is neither label (the scorer then raises
        scikit-learn's own error)."""
        if self.average == "binary":
            if _same(self.pos_label, neg_label):  # the metric of the other class
                tp, fp, fn, tn = tn, fn, fp, tp
            elif not _same(self.pos_label, pos_label):
                return None
            return self.sign * self._one_vs_rest(tp, fp, fn, tn)
        if self.average is not None:
            stack = [np.stack(np.broadcast_arrays(a, b), axis=-1)
                     for a, b in ((tn, tp), (fn, fp), (fp, fn), (tp, tn))]
            support = stack[0] + stack[2]  # tp + fn of each class: its samples
            return self.sign * self._averaged(*stack, support)
        if self.metric == "accuracy":
            return self.sign * accuracy(tp, fp, fn, tn, normalize=self.normalize)
        if self.metric == "balanced_accuracy":
            return self.sign * balanced_accuracy(tp, fp, fn, tn, adjusted=self.adjusted)
        return self.sign * matthews(tp, fp, fn, tn)

    def multiclass(self, tp, pc, true, n):
        """Values from per-class counts (last axis: classes; see ``_counts``)."""
        if self.average is not None:
            return self.sign * self._averaged(*per_class(tp, pc, true, n), true)
        if self.metric == "accuracy":
            correct = np.sum(tp, axis=-1)
            return self.sign * (correct / n if self.normalize else correct)
        if self.metric == "balanced_accuracy":
            k = np.shape(true)[-1]
            score = recall(tp, np.asarray(true) - tp).mean(axis=-1)
            return self.sign * ((score - 1 / k) / (1 - 1 / k) if self.adjusted else score)
        return self.sign * multiclass_matthews(tp, pc, true, n)

    def __repr__(self) -> str:
        return f"CountMetric({self.metric!r}, average={self.average!r})"


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _zero_division(value):
    """scikit-learn's zero_division as a number ("warn" acts as 0), or None if invalid."""
    if isinstance(value, str):
        return 0.0 if value == "warn" else None
    if isinstance(value, Real) and not isinstance(value, bool) and (
            math.isnan(value) or value in (0, 1)):
        return float(value)
    return None


def count_metric(scorer) -> CountMetric | None:
    """The count formula of a scikit-learn scorer, or None (call the scorer instead).

    Only scorers made by ``make_scorer`` (``_Scorer``, not a subclass, which may
    override how it scores) from one of the metrics above, scoring ``predict``, with
    keyword arguments the formulas honour exactly: ``average`` binary/micro/macro/
    weighted (not ``"samples"`` or None), ``labels=None``, a valid ``zero_division``
    (NaN only with ``average="binary"``), a finite ``beta >= 0``, boolean
    ``normalize``/``adjusted``.
    """
    if _Scorer is None or type(scorer) is not _Scorer:
        return None
    func, kwargs = getattr(scorer, "_score_func", None), getattr(scorer, "_kwargs", None)
    sign = getattr(scorer, "_sign", None)
    if getattr(scorer, "_response_method", None) != "predict" or not isinstance(
            kwargs, dict) or sign not in (1, -1):
        return None
    try:
        metric, allowed = _METRICS[func]
    except (KeyError, TypeError):  # another metric, or an unhashable callable
        return None
    if set(kwargs) - allowed:
        return None
    spec = {"sign": sign}
    if "average" in allowed:  # precision, recall, F, jaccard
        how = kwargs.get("average", "binary")
        zd = _zero_division(kwargs.get("zero_division", "warn"))
        if how not in _AVERAGES or kwargs.get("labels") is not None or zd is None:
            return None
        if math.isnan(zd) and (how != "binary" or func is jaccard_score):
            # NaN-ignoring averages; jaccard_score refuses NaN (the scorer raises)
            return None
        spec.update(average=how, pos_label=kwargs.get("pos_label", 1),
                    zero_division=zd)
        if func is fbeta_score:
            beta = kwargs.get("beta")
            if not (isinstance(beta, Real) and not isinstance(beta, bool)
                    and math.isfinite(beta) and beta >= 0):
                return None
            spec["beta"] = float(beta)
    for flag in ("normalize", "adjusted"):
        if flag in kwargs:
            if not isinstance(kwargs[flag], (bool, np.bool_)):
                return None
            spec[flag] = bool(kwargs[flag])
    return CountMetric(metric, **spec)


class Objective:
    """A resolved ``objective``: a native name, or a scorer with its count formula."""

    def __init__(self, name, scorer=None):
        self.name = name  # a native name, or "scorer"
        self.scorer = scorer
        self.counts = None if scorer is None else count_metric(scorer)

    @property
    def binary_only(self) -> bool:
        if self.scorer is None:
            return self.name not in MULTICLASS_OBJECTIVES
        return self.counts is not None and self.counts.binary_only


def resolve_objective(objective) -> Objective:
    """``objective`` (native name, scorer name or scorer) -> :class:`Objective`."""
    if callable(objective):
        scorer = objective
    elif isinstance(objective, str) and objective in OBJECTIVES:
        return Objective(objective)
    elif isinstance(objective, str) and objective in get_scorer_names():
        scorer = get_scorer(objective)
    else:
        raise ValueError(
            f"Unknown objective {objective!r}; expected one of {list(OBJECTIVES)}, "
            "the name of a scikit-learn scorer or a scorer callable."
        )
    if _BaseScorer is not None and isinstance(scorer, _BaseScorer) and getattr(
            scorer, "_response_method", "predict") != "predict":
        raise ValueError(threshold_free(scorer))
    return Objective("scorer", scorer)


def check_objective(objective, task: str, constraints: dict) -> Objective:
    """The resolved objective, or a ValueError if it cannot serve this target."""
    resolved = resolve_objective(objective)
    name = resolved.name
    if name in CONSTRAINED and all(constraints[k] is None for k in CONSTRAINED[name]):
        raise ValueError(
            f"objective={name!r} needs a constraint: set {' or '.join(CONSTRAINED[name])}."
        )
    if task == "multiclass":
        if resolved.binary_only:
            what = (f"objective={objective!r}" if isinstance(objective, str)
                    else "a scorer objective with average='binary'")
            raise ValueError(
                f"{ONLY_BINARY} The type of the target is multiclass, and {what} is not "
                "supported for multiclass targets: it scores one positive class (of a "
                "binary target, or of each label of a multilabel one). Use one of "
                f"{list(MULTICLASS_OBJECTIVES)} (macro) or a multiclass scorer such as "
                "'f1_macro'."
            )
        if any(v is not None for v in constraints.values()):
            raise ValueError(
                f"{ONLY_BINARY} The type of the target is multiclass, and min_recall/"
                "min_precision/min_specificity apply to binary and multilabel targets, not "
                "to multiclass ones."
            )
    return resolved


def supports_multiclass(objective, constraints: dict, response_method: str,
                        estimator) -> bool:
    """For the estimator tags: binary-only objectives and constraints, decision-function
    scores and estimators without predict_proba refuse multiclass targets."""
    try:
        resolved = resolve_objective(objective)
    except (TypeError, ValueError):  # reported by fit
        return True
    return not (resolved.binary_only
                or any(v is not None for v in constraints.values())
                or response_method == "decision_function"
                or (response_method == "auto" and not hasattr(estimator, "predict_proba")))


def threshold_free(scorer) -> str:
    return ("A scorer objective must score predicted labels (response_method='predict'); "
            f"threshold-free scorers such as roc_auc cannot pick a threshold. Got {scorer!r}.")


def accepts_sample_weight(scorer) -> bool:
    """Whether calling ``scorer(est, X, y, sample_weight=w)`` weights it: a
    ``make_scorer`` scorer whose metric takes ``sample_weight``, or a callable that
    takes it (or ``**kwargs``)."""
    func = getattr(scorer, "_score_func", None) if (
        _BaseScorer is not None and isinstance(scorer, _BaseScorer)) else scorer
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):  # builtins without a signature: try it
        return True
    return "sample_weight" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


class _ObjectiveRequest:
    """Stands for a named objective in metadata routing: it consumes ``sample_weight``
    (the tuner weights the confusion counts), so routed weights reach the objective."""

    def get_metadata_routing(self):
        request = MetadataRequest(owner="objective")
        request.score.add_request(param="sample_weight", alias=True)
        return request


def routing_consumer(objective):
    """What stands for ``objective`` in the tuner's metadata router."""
    return objective if callable(objective) else _ObjectiveRequest()


# --------------------------------------------------------------------- opaque scorers


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


def scorer_values(scorer, y_true, predictions, classes, score_params):
    """``scorer`` evaluated on each candidate prediction vector (the slow path)."""
    X_dummy = np.zeros((len(y_true), 1))
    values = []
    for pred in predictions:
        try:
            value = scorer(_FixedPredictions(pred, classes), X_dummy, y_true, **score_params)
        except AttributeError as exc:
            raise ValueError(threshold_free(scorer)) from exc
        try:
            values.append(float(value))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"A scorer objective must return a number; {scorer!r} returned {value!r}."
            ) from exc
    return np.asarray(values, dtype=np.float64)
