"""Clinical metrics: sensitivity, specificity, PPV, NPV, G-mean, F-beta and the
threshold-free "specificity at a given recall" family.

Binary and multiclass labels go to :mod:`imblearn.metrics` and :mod:`sklearn.metrics`,
which already compute them; multilabel indicator targets (which imbalanced-learn
rejects) and NPV are computed here from :func:`sklearn.metrics.multilabel_confusion_matrix`.
The score-based metrics use the sorted sweep of :mod:`skmedimg._sweep` (every distinct
score is a candidate threshold), never a grid.
"""

from __future__ import annotations

import numpy as np
from imblearn.metrics import geometric_mean_score as _imb_gmean
from imblearn.metrics import sensitivity_score as _imb_sensitivity
from imblearn.metrics import specificity_score as _imb_specificity
from sklearn.metrics import fbeta_score, multilabel_confusion_matrix, precision_score
from sklearn.utils.multiclass import type_of_target

from .._sweep import Sweep, select_threshold, sweep_scores

_AVERAGES = ("binary", "micro", "macro", "weighted", None)


def _is_multilabel(y) -> bool:
    return type_of_target(y) == "multilabel-indicator"


def _check_average(average, multilabel: bool) -> None:
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}; got {average!r}.")
    if multilabel and average == "binary":
        raise ValueError(
            "average='binary' is for binary targets; use 'macro', 'micro', 'weighted' or "
            "None for multilabel targets."
        )


def _as_float(value):
    """Plain ``float`` for scalar results (arrays are returned unchanged)."""
    return float(value) if np.ndim(value) == 0 else value


def _ratio(num, den):
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > 0)


def _ovr_counts(y_true, y_pred, *, pos_label, average, sample_weight):
    """(tn, fp, fn, tp) per label/class, restricted to ``pos_label`` for 'binary'."""
    multilabel = _is_multilabel(y_true)
    _check_average(average, multilabel)
    if multilabel:
        mcm = multilabel_confusion_matrix(y_true, y_pred, sample_weight=sample_weight)
    else:
        # ravel: a (n, 1) column is a 1-D target for scikit-learn; other shapes fail below.
        labels = np.unique(np.concatenate([np.ravel(y_true), np.ravel(y_pred)]))
        mcm = multilabel_confusion_matrix(
            y_true, y_pred, labels=labels, sample_weight=sample_weight
        )
        if average == "binary":
            if labels.size > 2:
                raise ValueError(
                    f"Target is multiclass ({labels.size} classes) but average='binary'; "
                    "choose 'macro', 'micro', 'weighted' or None."
                )
            if pos_label not in labels:
                if labels.size == 2:
                    raise ValueError(f"pos_label={pos_label!r} is not a valid label: {labels}.")
                # one class only: the positive class is absent, all its counts are 0
                return 0.0, float(mcm[0, 0, 0] + mcm[0, 1, 1]), 0.0, 0.0
            mcm = mcm[list(labels).index(pos_label)][None]
    mcm = mcm.astype(np.float64)
    return mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0], mcm[:, 1, 1]


def _average(per_label, support, average, micro_value):
    if average is None:
        return per_label
    if average == "binary":
        return float(per_label[0])
    if average == "micro":
        return float(micro_value)
    if average == "weighted":
        total = support.sum()
        return float(np.average(per_label, weights=support)) if total > 0 else 0.0
    return float(per_label.mean())


def _rate_from_counts(y_true, y_pred, *, which, pos_label, average, sample_weight):
    tn, fp, fn, tp = _ovr_counts(
        y_true, y_pred, pos_label=pos_label, average=average, sample_weight=sample_weight
    )
    tn, fp, fn, tp = (np.atleast_1d(np.asarray(a, dtype=np.float64)) for a in (tn, fp, fn, tp))
    num, den = {
        "sensitivity": (tp, tp + fn),
        "specificity": (tn, tn + fp),
        "npv": (tn, tn + fn),
    }[which]
    per_label = _ratio(num, den)
    return _average(per_label, tp + fn, average, _ratio(num.sum(), den.sum()))


def sensitivity_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None
) -> float | np.ndarray:
    """Sensitivity (recall, true positive rate): TP / (TP + FN).

    Binary and multiclass targets use :func:`imblearn.metrics.sensitivity_score`;
    multilabel indicator targets use :func:`sklearn.metrics.recall_score`.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
        True and predicted labels (multilabel: indicator matrices).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default="binary"
        How to combine classes/labels; ``None`` returns one value per class/label.
    sample_weight : array-like of shape (n_samples,), optional
        Sample weights.

    Returns
    -------
    score : float or ndarray

    Examples
    --------
    >>> from skmedimg.metrics import sensitivity_score
    >>> sensitivity_score([0, 1, 1, 1], [0, 1, 0, 1])
    0.666...
    """
    if _is_multilabel(y_true):
        _check_average(average, True)
        from sklearn.metrics import recall_score

        return _as_float(recall_score(
            y_true, y_pred, average=average, sample_weight=sample_weight, zero_division=0
        ))
    return _as_float(_imb_sensitivity(
        y_true, y_pred, pos_label=pos_label, average=average, sample_weight=sample_weight
    ))


def specificity_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None
) -> float | np.ndarray:
    """Specificity (true negative rate): TN / (TN + FP).

    Binary and multiclass targets use :func:`imblearn.metrics.specificity_score`;
    multilabel targets are computed label by label (one-vs-rest confusion matrices).
    Parameters are those of :func:`sensitivity_score`.

    Examples
    --------
    >>> from skmedimg.metrics import specificity_score
    >>> specificity_score([0, 0, 0, 1], [0, 1, 0, 1])
    0.666...
    """
    if _is_multilabel(y_true):
        return _rate_from_counts(
            y_true, y_pred, which="specificity", pos_label=pos_label, average=average,
            sample_weight=sample_weight,
        )
    return _as_float(_imb_specificity(
        y_true, y_pred, pos_label=pos_label, average=average, sample_weight=sample_weight
    ))


def ppv_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None
) -> float | np.ndarray:
    """Positive predictive value (precision): TP / (TP + FP).

    A thin wrapper on :func:`sklearn.metrics.precision_score` with ``zero_division=0``.

    Examples
    --------
    >>> from skmedimg.metrics import ppv_score
    >>> ppv_score([0, 0, 1, 1], [1, 0, 1, 1])
    0.666...
    """
    return _as_float(precision_score(
        y_true, y_pred, pos_label=pos_label, average=average, sample_weight=sample_weight,
        zero_division=0,
    ))


def npv_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None
) -> float | np.ndarray:
    """Negative predictive value: TN / (TN + FN) of the positive class (0 if undefined).

    Parameters are those of :func:`sensitivity_score`; multiclass values are
    one-vs-rest per class.

    Examples
    --------
    >>> from skmedimg.metrics import npv_score
    >>> npv_score([0, 0, 1, 1], [0, 0, 0, 1])
    0.666...
    """
    return _rate_from_counts(
        y_true, y_pred, which="npv", pos_label=pos_label, average=average,
        sample_weight=sample_weight,
    )


def g_mean_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None
) -> float | np.ndarray:
    """Geometric mean of sensitivity and specificity, ``sqrt(TPR * TNR)``.

    Binary and multiclass targets use :func:`imblearn.metrics.geometric_mean_score`
    (for multiclass with ``average="macro"``: the geometric mean of the per-class
    recalls, imbalanced-learn's definition). Multilabel targets: per label
    ``sqrt(sensitivity * specificity)``, then averaged.

    Examples
    --------
    >>> from skmedimg.metrics import g_mean_score
    >>> round(g_mean_score([0, 0, 0, 1, 1], [0, 0, 1, 1, 0]), 4)
    0.5774
    """
    if _is_multilabel(y_true):
        tn, fp, fn, tp = _ovr_counts(
            y_true, y_pred, pos_label=pos_label, average=average, sample_weight=sample_weight
        )
        per_label = np.sqrt(_ratio(tp, tp + fn) * _ratio(tn, tn + fp))
        micro = np.sqrt(_ratio(tp.sum(), (tp + fn).sum()) * _ratio(tn.sum(), (tn + fp).sum()))
        return _average(per_label, tp + fn, average, micro)
    if average == "binary":
        return _as_float(_imb_gmean(
            y_true, y_pred, pos_label=pos_label, average="binary", sample_weight=sample_weight
        ))
    return _as_float(_imb_gmean(
        y_true, y_pred, average="multiclass" if average == "macro" else average,
        sample_weight=sample_weight,
    ))


def f2_score(
    y_true, y_pred, *, pos_label=1, average="binary", sample_weight=None
) -> float | np.ndarray:
    """F-beta with beta=2 (recall weighted 4 times as much as precision).

    :func:`sklearn.metrics.fbeta_score` with ``beta=2`` and ``zero_division=0``.

    Examples
    --------
    >>> from skmedimg.metrics import f2_score
    >>> round(f2_score([0, 1, 1, 1], [1, 1, 1, 0]), 4)
    0.6667
    """
    return _as_float(fbeta_score(
        y_true, y_pred, beta=2.0, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=0,
    ))


# --------------------------------------------------------------------------- scores


def resolve_pos_label(y_true, pos_label=None):
    """The positive label: ``pos_label`` or 1 for {0, 1}/{-1, 1}/bool targets."""
    classes = np.unique(np.asarray(y_true))
    if pos_label is not None:
        if pos_label not in classes and classes.size > 1:
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
    if raw.dtype.kind in "USV":
        raise TypeError(f"y_score must hold numeric scores; got dtype {raw.dtype}.")
    score = raw.astype(np.float64)
    if n is not None and (score.ndim == 0 or score.shape[0] != n):
        raise ValueError(f"y_true has {n} samples but y_score has shape {score.shape}.")
    if not np.isfinite(score).all():
        raise ValueError(
            f"y_score contains NaN or infinite values ({int((~np.isfinite(score)).sum())} "
            f"of {score.size})."
        )
    return score


def _score_metric(y_true, y_score, *, pos_label, average, sample_weight, pick):
    """Apply ``pick(sweep) -> float`` per label (multilabel) or once (binary)."""
    y_score = check_scores(y_score)
    if _is_multilabel(y_true):
        Y = np.asarray(y_true).astype(bool)
        if y_score.shape != Y.shape:
            raise ValueError(
                f"For multilabel y_true of shape {Y.shape}, y_score must have the same "
                f"shape; got {y_score.shape}."
            )
        if average == "micro":
            sw = None if sample_weight is None else np.repeat(sample_weight, Y.shape[1])
            return pick(sweep_scores(y_true=Y.ravel(), y_score=y_score.ravel(), sample_weight=sw))
        if average not in ("macro", None):
            raise ValueError(f"average must be 'macro', 'micro' or None; got {average!r}.")
        per_label = np.array([
            pick(sweep_scores(y_true=Y[:, k], y_score=y_score[:, k], sample_weight=sample_weight))
            for k in range(Y.shape[1])
        ])
        return per_label if average is None else float(per_label.mean())
    y_true = np.asarray(y_true)
    if y_score.ndim == 2 and y_score.shape[1] == 1:
        y_score = y_score.ravel()
    if y_score.ndim != 1:
        raise ValueError(
            f"For a binary y_true, y_score must be 1-D (the positive class's score); "
            f"got shape {y_score.shape}."
        )
    if type_of_target(y_true) not in ("binary",):
        raise ValueError(
            f"y_true must be binary or multilabel-indicator; got {type_of_target(y_true)!r}."
        )
    pos = resolve_pos_label(y_true, pos_label)
    return pick(sweep_scores(y_true=y_true == pos, y_score=y_score, sample_weight=sample_weight))


def _check_bound(name, value):
    if not (isinstance(value, (int, float, np.number)) and 0 < value <= 1):
        raise ValueError(f"{name} must be a number in (0, 1]; got {value!r}.")


def specificity_at_recall(
    y_true, y_score, *, min_recall: float = 0.95, pos_label=None, average="macro",
    sample_weight=None,
) -> float | np.ndarray:
    """Highest specificity reachable with a recall of at least ``min_recall``.

    Threshold-free: every distinct score is tried as a threshold (one sort).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Binary labels or a multilabel indicator matrix.
    y_score : array-like of shape (n_samples,) or (n_samples, n_labels)
        Scores of the positive class (probability or decision function).
    min_recall : float in (0, 1], default=0.95
        Minimum sensitivity.
    pos_label : int, float, bool or str, optional
        Positive class (binary); default 1 for {0, 1} and {-1, 1} labels.
    average : {"macro", "micro"} or None, default="macro"
        Multilabel only: mean over labels, pooled labels, or one value per label.
    sample_weight : array-like of shape (n_samples,), optional
        Sample weights.

    Returns
    -------
    specificity : float or ndarray

    Examples
    --------
    >>> from skmedimg.metrics import specificity_at_recall
    >>> specificity_at_recall([0, 0, 1, 0, 1], [0.1, 0.2, 0.3, 0.6, 0.9], min_recall=1.0)
    0.666...
    """
    _check_bound("min_recall", min_recall)

    def pick(s: Sweep) -> float:
        sel = select_threshold(s, objective="max_specificity", min_recall=min_recall)
        return sel.score

    return _score_metric(
        y_true, y_score, pos_label=pos_label, average=average, sample_weight=sample_weight,
        pick=pick,
    )


def recall_at_specificity(
    y_true, y_score, *, min_specificity: float = 0.95, pos_label=None, average="macro",
    sample_weight=None,
) -> float | np.ndarray:
    """Highest recall reachable with a specificity of at least ``min_specificity``.

    Parameters are those of :func:`specificity_at_recall`.

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
        y_true, y_score, pos_label=pos_label, average=average, sample_weight=sample_weight,
        pick=pick,
    )


def recall_at_precision(
    y_true, y_score, *, min_precision: float = 0.5, pos_label=None, average="macro",
    sample_weight=None,
) -> float | np.ndarray:
    """Highest recall reachable with a precision (PPV) of at least ``min_precision``.

    0 when no threshold reaches that precision. Parameters are those of
    :func:`specificity_at_recall`.

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
        y_true, y_score, pos_label=pos_label, average=average, sample_weight=sample_weight,
        pick=pick,
    )
