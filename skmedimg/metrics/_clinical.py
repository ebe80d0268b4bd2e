"""Clinical metrics: sensitivity, specificity, PPV, NPV, G-mean, F-beta and the
threshold-free "specificity at a given recall" family.

Sensitivity, specificity, PPV, NPV and the G-mean are computed here from
:func:`sklearn.metrics.multilabel_confusion_matrix` (binary, multiclass and multilabel
targets alike), with scikit-learn's ``zero_division`` convention for undefined ratios;
F2 is :func:`sklearn.metrics.fbeta_score`. They agree with
:func:`sklearn.metrics.recall_score`, :func:`~sklearn.metrics.precision_score` and
:func:`imblearn.metrics.geometric_mean_score` wherever those are defined. The
score-based metrics use the sorted sweep of :mod:`skmedimg._sweep` (every distinct
score is a candidate threshold), never a grid.

Every public function goes through the same input checks (:func:`_column_or_1d`,
:func:`_check_targets`, :func:`_check_sample_weight`): a column vector ``(n, 1)`` is
read as 1-D (as scikit-learn's metrics do) instead of broadcasting against an
``(n,)`` array into an ``(n, n)`` matrix.

Over 500 lines: about 300 are the public functions' numpydoc docstrings; the code is
about 350 lines, one family of metrics sharing one set of input checks.
"""

from __future__ import annotations

import numbers
import sys
import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import fbeta_score, multilabel_confusion_matrix
from sklearn.utils import check_consistent_length
from sklearn.utils.multiclass import type_of_target, unique_labels

from .._sweep import Sweep, select_threshold, sweep_scores
from ._docstrings import fill_doc

_AVERAGES = ("binary", "micro", "macro", "weighted", None)
_TASKS = ("binary", "multiclass", "multilabel-indicator")

# ------------------------------------------------------------------ shared checks


def _warn(message: str, category=UndefinedMetricWarning) -> None:
    """Warn, attributed to the first caller outside ``skmedimg.metrics``."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith(
            "skmedimg.metrics"):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _column_or_1d(a) -> np.ndarray:
    """``a`` as an array; a column vector ``(n, 1)`` becomes 1-D.

    scikit-learn's metrics read a column vector as 1-D too (silently, for binary and
    multiclass targets); without this, ``y_true == y_pred`` of shapes (n, 1) and (n,)
    broadcasts into an (n, n) matrix and every count is wrong.
    """
    arr = np.asarray(a)
    return arr.ravel() if arr.ndim == 2 and arr.shape[1] == 1 else arr


def _check_sample_weight(sample_weight, n: int, *, like: str = "y_true"):
    """Float64 weights of shape ``(n,)``, finite and non-negative, or None."""
    if sample_weight is None:
        return None
    raw = _column_or_1d(sample_weight)
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight must hold real numbers; got dtype {raw.dtype}.")
    sw = raw.astype(np.float64)
    if sw.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},) like {like}; got {sw.shape}.")
    bad = ~np.isfinite(sw)
    if bad.any():
        raise ValueError(
            f"sample_weight contains NaN or infinite values ({int(bad.sum())} of {n})."
        )
    if (sw < 0).any():
        raise ValueError(
            f"sample_weight must be non-negative; got {int((sw < 0).sum())} negative "
            f"value(s) (min {sw.min():g}). A negative weight can push a proportion such "
            "as sensitivity outside [0, 1]."
        )
    if n and not sw.any():
        raise ValueError("sample_weight must contain at least one non-zero weight; all "
                         f"{n} weights are 0.")
    return sw


def _check_zero_division(zero_division) -> None:
    if isinstance(zero_division, str) and zero_division == "warn":
        return
    if isinstance(zero_division, numbers.Real) and (
            zero_division in (0, 1) or np.isnan(zero_division)):
        return
    raise ValueError(
        f"zero_division must be 'warn', 0.0, 1.0 or np.nan; got {zero_division!r}."
    )


def _zero_division_value(zero_division) -> float:
    return 0.0 if isinstance(zero_division, str) else float(zero_division)


def _check_targets(y_true, y_pred, sample_weight=None):
    """(task, labels, y_true, y_pred, sample_weight) for the label-based metrics.

    ``task`` is "binary", "multiclass" or "multilabel-indicator" (scikit-learn's
    rules: binary and multiclass together are multiclass; more than two labels in
    ``y_true`` and ``y_pred`` together are multiclass).
    """
    y_true, y_pred = _column_or_1d(y_true), _column_or_1d(y_pred)
    check_consistent_length(y_true, y_pred)
    if y_true.shape[0] == 0:
        raise ValueError(
            "Found empty input array: y_true and y_pred have 0 samples; a metric needs "
            "at least one."
        )
    kinds = {}
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        kind = type_of_target(arr, input_name=name)
        if kind not in _TASKS:
            hint = (" Scores or probabilities? Pass labels, e.g. y_score >= threshold."
                    if kind == "continuous" else "")
            raise ValueError(
                f"{name} must hold class labels (binary or multiclass) or a multilabel "
                f"indicator matrix; got a {kind!r} target.{hint}"
            )
        kinds[name] = kind
    task = {kinds["y_true"], kinds["y_pred"]}
    if task == {"binary", "multiclass"}:
        task = {"multiclass"}
    if len(task) > 1:
        raise ValueError(
            f"y_true is {kinds['y_true']!r} but y_pred is {kinds['y_pred']!r}: both must be "
            "class labels, or both multilabel indicator matrices of the same shape."
        )
    task = task.pop()
    labels = unique_labels(y_true, y_pred)  # refuses a mix of strings and numbers
    if task == "binary" and labels.size > 2:
        task = "multiclass"
    sw = _check_sample_weight(sample_weight, y_true.shape[0])
    return task, labels, y_true, y_pred, sw


def _check_average(average, task: str, labels) -> None:
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}; got {average!r}.")
    if average != "binary":
        return
    if task == "multilabel-indicator":
        raise ValueError(
            "average='binary' is for binary targets; use 'macro', 'micro', 'weighted' or "
            "None for multilabel targets."
        )
    if task == "multiclass":
        raise ValueError(
            f"Target is multiclass but average='binary' ({len(labels)} labels: "
            f"{labels.tolist()}); choose 'macro', 'micro', 'weighted' or None."
        )


def _check_pos_label(pos_label, labels) -> None:
    """scikit-learn's rule, plus: a lone label of another type than ``pos_label``
    (``pos_label=1`` for string labels) is an error, not "no positive sample"."""
    present = labels.tolist()
    if pos_label in present:
        return
    if len(present) >= 2:
        raise ValueError(
            f"pos_label={pos_label!r} is not a valid label: it should be one of {present}."
        )
    if isinstance(pos_label, str) != isinstance(present[0], str):
        raise ValueError(
            f"pos_label={pos_label!r} cannot be a label of these targets, whose only label "
            f"is {present[0]!r}; pass the positive class as pos_label."
        )


def _confusion_counts(task, labels, y_true, y_pred, sw, *, pos_label, average):
    """(tn, fp, fn, tp) as float arrays: one entry per label/class, or only the
    positive class for ``average="binary"``."""
    if average == "binary":
        _check_pos_label(pos_label, labels)
        t = np.asarray(y_true == pos_label, dtype=bool)
        p = np.asarray(y_pred == pos_label, dtype=bool)
        w = np.ones(t.shape) if sw is None else sw
        cells = (w[~t & ~p].sum(), w[~t & p].sum(), w[t & ~p].sum(), w[t & p].sum())
        return tuple(np.array([c], dtype=np.float64) for c in cells)
    if task == "multilabel-indicator":
        mcm = multilabel_confusion_matrix(y_true, y_pred, sample_weight=sw)
    else:
        if pos_label not in (None, 1):
            _warn(f"Note that pos_label (set to {pos_label!r}) is ignored when average != "
                  f"'binary' (got {average!r}).", UserWarning)
        mcm = multilabel_confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sw)
    mcm = mcm.astype(np.float64)
    return mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0], mcm[:, 1, 1]


def _divide(num, den, *, metric: str, modifier: str, zero_division, warn: bool = True):
    """``num / den``; where ``den == 0`` the ``zero_division`` value, with
    scikit-learn's ``UndefinedMetricWarning`` for ``zero_division="warn"``."""
    num = np.atleast_1d(np.asarray(num, dtype=np.float64))
    den = np.atleast_1d(np.asarray(den, dtype=np.float64))
    undefined = den == 0
    out = np.zeros(num.shape)
    np.divide(num, den, out=out, where=~undefined)
    if undefined.any():
        out[undefined] = _zero_division_value(zero_division)
        if warn and isinstance(zero_division, str):
            where = "due to" if out.size == 1 else "in labels with"
            _warn(f"{metric} is ill-defined and being set to 0.0 {where} no {modifier} "
                  "samples. Use `zero_division` parameter to control this behavior.")
    return out


def _nanaverage(values, weights=None) -> float:
    """Mean ignoring NaN (scikit-learn's ``zero_division=np.nan`` averaging); NaN if
    all are NaN; unweighted when the weights sum to zero."""
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)[keep]
        if w.sum() > 0:
            return float(np.average(values[keep], weights=w))
    return float(values[keep].mean())


def _combine(per_label, support, average):
    if average is None:
        return per_label
    return _nanaverage(per_label, support if average == "weighted" else None)


def _as_float(value):
    """Plain ``float`` for scalar results (arrays are returned unchanged)."""
    return float(value) if np.ndim(value) == 0 else value


#: metric -> (name in warnings, whose absence makes it undefined)
_UNDEFINED = {
    "sensitivity": ("Sensitivity", "true"),
    "specificity": ("Specificity", "negative"),
    "ppv": ("PPV", "predicted"),
    "npv": ("NPV", "predicted negative"),
}


def _rate(which, y_true, y_pred, *, pos_label, average, sample_weight, zero_division):
    _check_zero_division(zero_division)
    task, labels, y_true, y_pred, sw = _check_targets(y_true, y_pred, sample_weight)
    _check_average(average, task, labels)
    tn, fp, fn, tp = _confusion_counts(task, labels, y_true, y_pred, sw,
                                       pos_label=pos_label, average=average)
    num, den = {
        "sensitivity": (tp, tp + fn),
        "specificity": (tn, tn + fp),
        "ppv": (tp, tp + fp),
        "npv": (tn, tn + fn),
    }[which]
    if average == "micro":
        num, den = num.sum(), den.sum()
    metric, modifier = _UNDEFINED[which]
    per_label = _divide(num, den, metric=metric, modifier=modifier,
                        zero_division=zero_division)
    return _combine(per_label, tp + fn, average)




@fill_doc
def sensitivity_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """Sensitivity (recall, true positive rate): TP / (TP + FN).

    Equal to :func:`sklearn.metrics.recall_score`, including its ``zero_division``
    convention: undefined when ``y_true`` has no sample of the positive class.
    Multiclass and multilabel values are one-vs-rest per class/label.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_pred}
    {pos_label}
    {average}
    {sample_weight}
    {zero_division}

    Returns
    -------
    {score}

    Examples
    --------
    >>> from skmedimg.metrics import sensitivity_score
    >>> sensitivity_score([0, 1, 1, 1], [0, 1, 0, 1])
    0.666...
    """
    return _rate("sensitivity", y_true, y_pred, pos_label=pos_label, average=average,
                 sample_weight=sample_weight, zero_division=zero_division)


@fill_doc
def specificity_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """Specificity (true negative rate): TN / (TN + FP).

    Undefined (``zero_division``) when there is no negative sample. For a binary
    target it equals ``recall_score(y_true, y_pred, pos_label=<the other class>)``;
    multiclass and multilabel values are one-vs-rest.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_pred}
    {pos_label}
    {average}
    {sample_weight}
    {zero_division}

    Returns
    -------
    {score}

    Examples
    --------
    >>> from skmedimg.metrics import specificity_score
    >>> specificity_score([0, 0, 0, 1], [0, 1, 0, 1])
    0.666...
    >>> specificity_score([0, 0, 0], [0, 0, 0])  # no positive at all: still defined
    1.0
    """
    return _rate("specificity", y_true, y_pred, pos_label=pos_label, average=average,
                 sample_weight=sample_weight, zero_division=zero_division)


@fill_doc
def ppv_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """Positive predictive value (precision): TP / (TP + FP).

    Equal to :func:`sklearn.metrics.precision_score`; undefined (``zero_division``)
    when nothing is predicted positive.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_pred}
    {pos_label}
    {average}
    {sample_weight}
    {zero_division}

    Returns
    -------
    {score}

    Examples
    --------
    >>> from skmedimg.metrics import ppv_score
    >>> ppv_score([0, 0, 1, 1], [1, 0, 1, 1])
    0.666...
    """
    return _rate("ppv", y_true, y_pred, pos_label=pos_label, average=average,
                 sample_weight=sample_weight, zero_division=zero_division)


@fill_doc
def npv_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """Negative predictive value: TN / (TN + FN).

    Undefined (``zero_division``) when nothing is predicted negative. For a binary
    target it equals ``precision_score(y_true, y_pred, pos_label=<the other class>)``;
    multiclass and multilabel values are one-vs-rest.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_pred}
    {pos_label}
    {average}
    {sample_weight}
    {zero_division}

    Returns
    -------
    {score}

    Examples
    --------
    >>> from skmedimg.metrics import npv_score
    >>> npv_score([0, 0, 1, 1], [0, 0, 0, 1])
    0.666...
    """
    return _rate("npv", y_true, y_pred, pos_label=pos_label, average=average,
                 sample_weight=sample_weight, zero_division=zero_division)


@fill_doc
def g_mean_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """Geometric mean of sensitivity and specificity, ``sqrt(TPR * TNR)``.

    Binary and multiclass targets follow :func:`imblearn.metrics.geometric_mean_score`:
    ``average="macro"`` is the geometric mean of the per-class recalls, "micro" and
    "weighted" are ``sqrt(sensitivity * specificity)`` of the averaged sensitivity and
    specificity, ``None`` gives one-vs-rest values per class. Multilabel targets: per
    label ``sqrt(sensitivity * specificity)``, then averaged. Undefined (``zero_division``,
    with an ``UndefinedMetricWarning`` for "warn") when a sensitivity or specificity
    it needs is undefined (no true or no negative samples).

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_pred}
    {pos_label}
    {average}
    {sample_weight}
    {zero_division}

    Returns
    -------
    {score}

    Examples
    --------
    >>> from skmedimg.metrics import g_mean_score
    >>> round(g_mean_score([0, 0, 0, 1, 1], [0, 0, 1, 1, 0]), 4)
    0.5774
    """
    _check_zero_division(zero_division)
    task, labels, y_true, y_pred, sw = _check_targets(y_true, y_pred, sample_weight)
    _check_average(average, task, labels)
    tn, fp, fn, tp = _confusion_counts(task, labels, y_true, y_pred, sw,
                                       pos_label=pos_label, average=average)
    zd = {"zero_division": zero_division}
    if task != "multilabel-indicator" and average == "macro":
        recall = _divide(tp, tp + fn, metric="G-mean", modifier="true", **zd)
        recall = recall[~np.isnan(recall)]
        if recall.size == 0:
            return float("nan")
        with np.errstate(divide="ignore"):
            return float(np.exp(np.mean(np.log(recall))))
    if task != "multilabel-indicator" and average in ("micro", "weighted"):
        if average == "micro":
            tn, fp, fn, tp = (np.array([a.sum()]) for a in (tn, fp, fn, tp))
        sens = _divide(tp, tp + fn, metric="G-mean", modifier="true", **zd)
        spec = _divide(tn, tn + fp, metric="G-mean", modifier="negative", **zd)
        return float(np.sqrt(_nanaverage(sens, tp + fn) * _nanaverage(spec, tp + fn)))
    if average == "micro":  # multilabel: pooled labels
        tn, fp, fn, tp = (np.array([a.sum()]) for a in (tn, fp, fn, tp))
    quiet = {"zero_division": np.nan, "warn": False}
    sens = _divide(tp, tp + fn, metric="G-mean", modifier="true", **quiet)
    spec = _divide(tn, tn + fp, metric="G-mean", modifier="negative", **quiet)
    undefined = np.isnan(sens) | np.isnan(spec)
    per_label = np.sqrt(np.where(undefined, 0.0, sens * spec))
    if undefined.any():
        per_label[undefined] = _zero_division_value(zero_division)
        if isinstance(zero_division, str):
            if per_label.size > 1:
                why = "in labels with no true or no negative samples"
            else:
                why = "due to no true samples" if np.isnan(sens[0]) else (
                    "due to no negative samples")
            _warn(f"G-mean is ill-defined and being set to 0.0 {why}. Use `zero_division` "
                  "parameter to control this behavior.")
    return _combine(per_label, tp + fn, average)


@fill_doc
def f2_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None,
    zero_division="warn",
) -> float | np.ndarray:
    """F-beta with beta=2 (recall weighted 4 times as much as precision).

    :func:`sklearn.metrics.fbeta_score` with ``beta=2`` after the input checks of
    :func:`sensitivity_score`. As in scikit-learn, it is undefined
    (``zero_division``) only when there is no true and no predicted positive.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_pred}
    {pos_label}
    {average}
    {sample_weight}
    {zero_division}

    Returns
    -------
    {score}

    Examples
    --------
    >>> from skmedimg.metrics import f2_score
    >>> round(f2_score([0, 1, 1, 1], [1, 1, 1, 0]), 4)
    0.6667
    """
    _check_zero_division(zero_division)
    task, labels, y_true, y_pred, sw = _check_targets(y_true, y_pred, sample_weight)
    _check_average(average, task, labels)
    if average == "binary":
        _check_pos_label(pos_label, labels)
    return _as_float(fbeta_score(
        y_true, y_pred, beta=2.0, pos_label=pos_label, average=average,
        sample_weight=sw, zero_division=zero_division,
    ))


# --------------------------------------------------------------------------- scores


def resolve_pos_label(y_true, pos_label=None):
    """The positive label: ``pos_label`` or 1 for {0, 1}/{-1, 1}/bool targets."""
    classes = np.unique(_column_or_1d(y_true))
    if pos_label is not None:
        present = classes.tolist()
        if pos_label not in present and (
                len(present) > 1 or (present and isinstance(pos_label, str)
                                     != isinstance(present[0], str))):
            raise ValueError(f"pos_label={pos_label!r} is not a valid label: {classes}.")
        return pos_label
    if classes.dtype.kind == "b":
        return True
    if classes.dtype.kind in "uif" and (
        set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}
    ):
        return 1
    raise ValueError(
        f"y_true takes values in {classes.tolist()}; pass pos_label to say which class is "
        "the positive one."
    )


def check_scores(y_score, n: int | None = None) -> np.ndarray:
    """``y_score`` as float64 with ``n`` rows, or a clear error naming the problem."""
    raw = np.asarray(y_score)
    if raw.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: y_score has dtype {raw.dtype}.")
    if raw.dtype.kind in "USV" or raw.dtype.kind not in "biufO":
        raise TypeError(f"y_score must hold numeric scores; got dtype {raw.dtype}.")
    try:
        score = raw.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"y_score must hold numeric scores; got {raw.dtype} values that "
                        "are not numbers.") from exc
    if n is not None and (score.ndim == 0 or score.shape[0] != n):
        raise ValueError(f"y_true has {n} samples but y_score has shape {score.shape}.")
    if not np.isfinite(score).all():
        raise ValueError(
            f"y_score contains NaN or infinite values ({int((~np.isfinite(score)).sum())} "
            f"of {score.size})."
        )
    return score


def _pick_defined(name, pick, y_pos, y_score, sample_weight, where=""):
    """``pick(sweep)``, or NaN with an ``UndefinedMetricWarning`` when ``y_pos`` has a
    single class (scikit-learn's ``roc_auc_score`` convention)."""
    s = sweep_scores(y_true=y_pos, y_score=y_score, sample_weight=sample_weight)
    if s.n_pos > 0 and s.n_neg > 0:
        return pick(s)
    missing = "positive" if s.n_pos <= 0 else "negative"
    weighted = " with a non-zero sample_weight" if sample_weight is not None else ""
    _warn(f"Only one class is present in y_true{where} (no {missing} samples{weighted}). "
          f"{name} is not defined in that case; returning nan.")
    return float("nan")


def _score_metric(name, y_true, y_score, *, pos_label, average, sample_weight, pick):
    """Apply ``pick(sweep) -> float`` per label (multilabel) or once (binary)."""
    y_true = _column_or_1d(y_true)
    y_score = check_scores(y_score)
    if y_true.ndim == 2 and type_of_target(y_true, input_name="y_true") == (
            "multilabel-indicator"):
        Y = y_true.astype(bool)
        if y_score.shape != Y.shape:
            raise ValueError(
                f"For multilabel y_true of shape {Y.shape}, y_score must have the same "
                f"shape; got {y_score.shape}."
            )
        sw = _check_sample_weight(sample_weight, Y.shape[0], like="y_score")
        if average == "micro":
            sw = None if sw is None else np.repeat(sw, Y.shape[1])
            return _pick_defined(name, pick, Y.ravel(), y_score.ravel(), sw,
                                 " (all labels pooled)")
        if average not in ("macro", None):
            raise ValueError(f"average must be 'macro', 'micro' or None; got {average!r}.")
        per_label = np.array([
            _pick_defined(name, pick, Y[:, k], y_score[:, k], sw, f" for label {k}")
            for k in range(Y.shape[1])
        ])
        # like roc_auc_score: NaN when a label is undefined
        return per_label if average is None else float(per_label.mean())
    if y_score.ndim == 2 and y_score.shape[1] == 1:
        y_score = y_score.ravel()
    if y_score.ndim != 1:
        raise ValueError(
            f"For a binary y_true, y_score must be 1-D (the positive class's score); "
            f"got shape {y_score.shape}."
        )
    if y_true.shape != y_score.shape:
        raise ValueError(
            f"y_true and y_score must be 1-D of the same length; got shapes "
            f"{y_true.shape} and {y_score.shape}."
        )
    if y_score.size == 0:
        raise ValueError("y_score is empty: y_true and y_score have 0 samples.")
    kind = type_of_target(y_true, input_name="y_true")
    if kind != "binary":
        raise ValueError(f"y_true must be binary or multilabel-indicator; got {kind!r}.")
    pos = resolve_pos_label(y_true, pos_label)
    sw = _check_sample_weight(sample_weight, y_score.size, like="y_score")
    return _pick_defined(name, pick, y_true == pos, y_score, sw)


def _check_bound(name, value):
    if not (isinstance(value, (numbers.Real, np.number)) and not isinstance(value, bool)
            and 0 < value <= 1):
        raise ValueError(f"{name} must be a number in (0, 1]; got {value!r}.")


@fill_doc
def specificity_at_recall(
    y_true, y_score, *, min_recall: float = 0.95, pos_label=None, average="macro",
    sample_weight=None,
) -> float | np.ndarray:
    """Highest specificity reachable with a recall of at least ``min_recall``.

    Threshold-free: every distinct score is tried as a threshold (one sort).

    Undefined when ``y_true`` (or one label of a multilabel ``y_true``) has a single
    class, or when all the samples of a class have zero weight: the result is then
    NaN with an ``UndefinedMetricWarning``, as :func:`sklearn.metrics.roc_auc_score`
    does (with ``average="macro"`` the mean is NaN too).

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_score}
    min_recall : float in (0, 1], default=0.95
        Minimum sensitivity the threshold must keep.
    {score_pos_label}
    {score_average}
    {sample_weight}

    Returns
    -------
    specificity : float or ndarray of shape (n_labels,)
        The specificity at the best threshold whose recall is at least
        ``min_recall``.
    {score_result}

    Examples
    --------
    >>> from skmedimg.metrics import specificity_at_recall
    >>> specificity_at_recall([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.6, 0.9], min_recall=1.0)
    0.666...
    """
    _check_bound("min_recall", min_recall)

    def pick(s: Sweep) -> float:
        return select_threshold(s, objective="max_specificity", min_recall=min_recall).score

    return _score_metric(
        "specificity_at_recall", y_true, y_score, pos_label=pos_label, average=average,
        sample_weight=sample_weight, pick=pick,
    )


@fill_doc
def recall_at_specificity(
    y_true, y_score, *, min_specificity: float = 0.95, pos_label=None, average="macro",
    sample_weight=None,
) -> float | np.ndarray:
    """Highest recall reachable with a specificity of at least ``min_specificity``.

    Threshold-free, like :func:`specificity_at_recall`, and NaN (with an
    ``UndefinedMetricWarning``) in the same cases: ``y_true`` with a single class.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_score}
    min_specificity : float in (0, 1], default=0.95
        Minimum specificity the threshold must keep.
    {score_pos_label}
    {score_average}
    {sample_weight}

    Returns
    -------
    recall : float or ndarray of shape (n_labels,)
        The recall (sensitivity) at the best threshold whose specificity is at
        least ``min_specificity``.
    {score_result}

    Examples
    --------
    >>> from skmedimg.metrics import recall_at_specificity
    >>> recall_at_specificity([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.6, 0.9],
    ...                       min_specificity=1.0)
    0.5
    """
    _check_bound("min_specificity", min_specificity)

    def pick(s: Sweep) -> float:
        return select_threshold(s, objective="max_recall", min_specificity=min_specificity).score

    return _score_metric(
        "recall_at_specificity", y_true, y_score, pos_label=pos_label, average=average,
        sample_weight=sample_weight, pick=pick,
    )


@fill_doc
def recall_at_precision(
    y_true, y_score, *, min_precision: float = 0.5, pos_label=None, average="macro",
    sample_weight=None,
) -> float | np.ndarray:
    """Highest recall reachable with a precision (PPV) of at least ``min_precision``.

    Threshold-free, like :func:`specificity_at_recall`, and NaN (with an
    ``UndefinedMetricWarning``) in the same cases: ``y_true`` with a single class.
    0 when no threshold reaches that precision.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    {y_true_y_score}
    min_precision : float in (0, 1], default=0.5
        Minimum precision (PPV) the threshold must keep.
    {score_pos_label}
    {score_average}
    {sample_weight}

    Returns
    -------
    recall : float or ndarray of shape (n_labels,)
        The recall (sensitivity) at the best threshold whose precision is at least
        ``min_precision``, 0 when none is.
    {score_result}

    Examples
    --------
    >>> from skmedimg.metrics import recall_at_precision
    >>> recall_at_precision([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.6, 0.9], min_precision=0.6)
    1.0
    """
    _check_bound("min_precision", min_precision)

    def pick(s: Sweep) -> float:
        sel = select_threshold(s, objective="max_recall", min_precision=min_precision)
        return sel.score if sel.feasible else 0.0

    return _score_metric(
        "recall_at_precision", y_true, y_score, pos_label=pos_label, average=average,
        sample_weight=sample_weight, pick=pick,
    )
