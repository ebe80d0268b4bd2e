"""``clinical_report``: the numbers a clinician asks for, with confidence intervals.

Proportions (sensitivity, specificity, PPV, NPV) get Wilson score intervals; likelihood
ratios the log method (Simel et al., 1991); F1, F2, G-mean, balanced accuracy and AUC a
percentile bootstrap. The count-based bootstrap draws the four confusion cells from a
multinomial (the exact distribution of a case resample's confusion matrix), and the AUC
bootstrap draws resample counts and evaluates the Mann-Whitney statistic on the sorted
scores, so 1000 resamples cost milliseconds, not 1000 metric calls.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target, unique_labels

from ._clinical import _column_or_1d, _warn, check_scores, resolve_pos_label
from ._intervals import (
    MAX_BOOTSTRAPS,
    _binary_section,
    _bootstrap_auc,
    _check_confidence,
    wilson_interval,
)
from ._report_table import _LABELS, ClinicalReport

# wilson_interval and ClinicalReport live in _intervals and _report_table (with the
# interval machinery and the report's renderings); they are re-exported from here.
__all__ = ["MAX_BOOTSTRAPS", "ClinicalReport", "_bootstrap_auc", "clinical_report",
           "wilson_interval"]

#: Rule for "near chance" (documented in clinical_report).
CHANCE_LEVEL = 0.5
WEAK_BELOW = 0.6
#: the clinical_report keyword -> the report metric it constrains (ThresholdTuner's names)
_TARGETS = {"min_recall": "sensitivity", "min_specificity": "specificity",
            "min_precision": "ppv"}


def _assess_target(section, parameter, target, confidence):
    """Is ``metric >= target`` on this data, and what does the interval say?"""
    metric = _TARGETS[parameter]
    m = section["metrics"][metric]
    value, (lo, hi) = m["value"], m["ci"]
    ci = f"{round(100 * confidence)}% CI"
    if not np.isfinite(value):
        met, verdict = None, (f"cannot be assessed: {_LABELS[metric]} is undefined here "
                              f"({m['count']})")
    elif value >= target - 1e-12:
        met = True
        verdict = ("met" if lo >= target - 1e-12 else
                   f"met on this data, but the {ci} reaches below the target")
    else:
        met = False
        verdict = (f"NOT MET, the whole {ci} is below the target"
                   if hi < target - 1e-12 else
                   f"NOT MET on this data (the {ci} still reaches the target)")
    return {"parameter": parameter, "metric": metric, "target": float(target),
            "value": value, "ci": (lo, hi), "met": met, "verdict": verdict}


def _assess_chance(section, confidence):
    """Near chance: ROC AUC (balanced accuracy without scores) below ``WEAK_BELOW``,
    or its interval's lower bound at or below 0.5. Below chance (the interval's upper
    bound under 0.5) usually means inverted scores or the wrong ``pos_label``."""
    key = "auc" if "auc" in section["metrics"] else "balanced_accuracy"
    m = section["metrics"][key]
    value, (lo, hi) = m["value"], m["ci"]
    if not np.isfinite(value):
        return None
    name = _LABELS[key]
    ci = f"{round(100 * confidence)}% CI"
    shown = f"{name} {value:.3f}" + (f", {ci} [{lo:.3f}, {hi:.3f}]" if np.isfinite(lo) else "")
    if np.isfinite(hi) and hi < CHANCE_LEVEL:
        message = (f"worse than chance: {shown} is below 0.5 (inverted scores, or the "
                   "wrong pos_label?)")
    elif value < WEAK_BELOW or (np.isfinite(lo) and lo <= CHANCE_LEVEL):
        why = f"below {WEAK_BELOW}" if value < WEAK_BELOW else f"the {ci} includes 0.5"
        message = f"near chance: {shown} ({why})"
    else:
        return None
    return {"metric": key, "value": value, "ci": (lo, hi), "message": message}


def _check_threshold(threshold):
    """``threshold`` as a float64 array (0-d or 1-D), or a ValueError naming it."""
    arr = np.asarray(threshold)
    if arr.dtype.kind not in "iuf" or arr.ndim > 1:
        raise ValueError(
            f"threshold must be a number (or a 1-D list of numbers, one per label or "
            f"class); got {threshold!r}."
        )
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"threshold must be finite; got {threshold!r}.")
    return arr


def _per_output(arr, size, what, threshold):
    """A scalar broadcast to ``size`` values, or exactly ``size`` values."""
    if arr.ndim == 0:
        return np.full(size, float(arr))
    if arr.size != size:
        raise ValueError(
            f"threshold has {arr.size} values for {size} {what}; pass one number or "
            f"one per {what[:-1]}. Got {threshold!r}."
        )
    return arr


def _check_scale(score, thr) -> None:
    """Warn when a probability-looking threshold meets non-probability scores, or the
    other way round: the report would be right for the wrong decision rule."""
    thr = np.atleast_1d(thr)
    in_unit = score.min() >= 0 and score.max() <= 1
    if not in_unit and ((thr > 0) & (thr < 1)).all():
        _warn(f"y_score has values outside [0, 1] (min {score.min():.3g}, max "
              f"{score.max():.3g}) but the threshold {thr.tolist()} looks like a "
              "probability; if it was tuned on predict_proba, pass probabilities.",
              UserWarning)
    elif in_unit and ((thr <= 0) | (thr > 1)).any():
        _warn(f"threshold {thr.tolist()} lies outside (0, 1] while y_score lies in "
              "[0, 1]: every sample of a label gets the same prediction.", UserWarning)


def _check_target_names(target_names, size, what):
    if target_names is None:
        return None
    if isinstance(target_names, str) or np.ndim(target_names) != 1:
        raise ValueError(f"target_names must be a list of names; got {target_names!r}.")
    names = [str(t) for t in target_names]
    if len(names) not in size:
        raise ValueError(
            f"target_names has {len(names)} names for {what}; got {target_names!r}."
        )
    return names


def clinical_report(
    y_true,
    y_pred=None,
    *,
    y_score=None,
    threshold=None,
    pos_label=None,
    target_names=None,
    min_recall: float | None = None,
    min_specificity: float | None = None,
    min_precision: float | None = None,
    confidence: float = 0.95,
    n_bootstraps: int = 1000,
    random_state=None,
) -> ClinicalReport:
    """Sensitivity, specificity, PPV, NPV, LR+/-, F1, F2, G-mean, AUC with CIs.

    Undefined values (e.g. sensitivity without positive samples, PPV when nothing is
    predicted positive) are reported as n/a (``None`` in :meth:`ClinicalReport.to_dict`),
    never as 0.

    The first lines of the text and Markdown renderings state:

    * for each constraint given (``min_recall``, ``min_specificity``,
      ``min_precision``, named as in :class:`~skmedimg.ThresholdTuner`), whether the
      operating point meets it **on this data**, with the Wilson interval: "met",
      "met on this data, but the CI reaches below the target", "NOT MET on this data
      (the CI still reaches the target)" or "NOT MET, the whole CI is below the target";
    * a **near-chance** warning (also issued as a ``UserWarning``) when the ROC AUC
      (the balanced accuracy when no ``y_score`` is given) is below 0.6 or its
      interval's lower bound is at or below 0.5; "worse than chance" when the whole
      interval is below 0.5 (often inverted scores or the wrong ``pos_label``).
      With ``n_bootstraps=0`` only the point estimate is used.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Binary, multiclass labels or a multilabel indicator matrix. A column vector
        ``(n_samples, 1)`` is read as 1-D.
    y_pred : array-like, optional
        Predicted labels (multilabel: a 0/1 indicator matrix). When omitted, they are
        ``y_score >= threshold`` (binary, multilabel) or the arg-max class (multiclass).
    y_score : array-like, optional
        Scores: positive-class scores (binary, shape (n,)), per label (n, n_labels) or
        per class (n, n_classes) probabilities. Enables the AUC.
    threshold : float or array-like, optional
        Operating threshold applied to ``y_score`` and stated in the report: one
        number (binary), one or one per label (multilabel), or one non-negative
        weight per class (multiclass: arg-max of ``weights * y_score``). Default 0.5
        for scores in [0, 1], else 0. A warning when a threshold in (0, 1) meets
        scores outside [0, 1] (or a threshold outside (0, 1] meets scores in [0, 1]).
    pos_label : int, float, bool or str, optional
        Positive class of a binary target (default 1 for {0, 1}, {-1, 1} labels); an
        error for multilabel and multiclass targets, which get one section per
        label/class.
    target_names : list of str, optional
        Names of the labels/classes in the report, in sorted class order as in
        scikit-learn (binary: both names, or only the positive class's).
    min_recall, min_specificity, min_precision : float in (0, 1], optional
        The constraint(s) the threshold was tuned for; the report states whether
        sensitivity, specificity and PPV meet them on this data.
    confidence : float in (0, 1), default=0.95
        Level of the intervals.
    n_bootstraps : int in [0, 100000], default=1000
        Bootstrap resamples for F1, F2, G-mean, balanced accuracy and AUC (0: no
        bootstrap intervals). Capped at 100,000: beyond that the percentiles no
        longer move, while time grows linearly; the AUC resamples are drawn in
        chunks, so memory stays bounded (tens of MB) at any allowed value.
    random_state : int, RandomState instance or None
        Seeds the bootstrap.

    Returns
    -------
    report : ClinicalReport
        The numbers, with :meth:`~ClinicalReport.to_text`,
        :meth:`~ClinicalReport.to_markdown` and :meth:`~ClinicalReport.to_dict`.

    Examples
    --------
    >>> from skmedimg.metrics import clinical_report
    >>> y_true = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    >>> y_score = [.1, .2, .2, .3, .4, .7, .35, .6, .8, .9]
    >>> report = clinical_report(y_true, y_score=y_score, threshold=0.5, random_state=0)
    >>> report["sensitivity"], report["specificity"]
    (0.75, 0.833...)
    >>> print(report.to_text().splitlines()[0])
    Clinical report (binary); decision: score >= 0.5
    >>> report = clinical_report(y_true, y_score=y_score, threshold=0.5, min_recall=0.9,
    ...                          random_state=0)
    >>> print(report.to_text().splitlines()[1])
    target recall >= 0.9: NOT MET on this data (the 95% CI still reaches the target); ...
    """
    if y_pred is None and y_score is None:
        raise ValueError("Pass y_pred (labels) or y_score (scores), or both.")
    confidence = _check_confidence(confidence)
    if (not isinstance(n_bootstraps, numbers.Integral) or isinstance(n_bootstraps, bool)
            or n_bootstraps < 0):
        raise ValueError(f"n_bootstraps must be an int >= 0; got {n_bootstraps!r}.")
    if n_bootstraps > MAX_BOOTSTRAPS:
        raise ValueError(
            f"n_bootstraps={n_bootstraps!r} is more than the {MAX_BOOTSTRAPS:,} resamples "
            "supported: the percentile intervals are stable well before that, and the run "
            "time grows linearly with n_bootstraps."
        )
    targets = {}
    for name, bound in (("min_recall", min_recall), ("min_specificity", min_specificity),
                        ("min_precision", min_precision)):
        if bound is not None:
            if (not isinstance(bound, (numbers.Real, np.number)) or isinstance(bound, bool)
                    or not 0 < bound <= 1):
                raise ValueError(f"{name} must be a number in (0, 1]; got {bound!r}.")
            targets[name] = float(bound)
    rng = check_random_state(random_state)
    y_true_arr = _column_or_1d(y_true)
    n = y_true_arr.shape[0] if y_true_arr.ndim else 0
    if n == 0:
        raise ValueError(f"y_true is empty (shape {y_true_arr.shape}); a report needs samples.")
    task = type_of_target(y_true_arr, input_name="y_true")
    kw = {"confidence": confidence, "n_bootstraps": int(n_bootstraps), "rng": rng}
    score = None if y_score is None else check_scores(y_score, n)
    if score is not None and score.ndim == 2 and score.shape[1] == 1:
        score = score.ravel()
    if y_pred is not None:
        y_pred = _column_or_1d(y_pred)
        if y_pred.ndim == 0 or y_pred.shape[0] != n:
            raise ValueError(f"y_true has {n} samples but y_pred has "
                             f"{y_pred.shape[0] if y_pred.ndim else 0}.")
        pred_kind = type_of_target(y_pred, input_name="y_pred")
        if pred_kind.startswith("continuous"):
            raise ValueError(
                "y_pred holds continuous values (scores?); pass them as y_score=, or "
                "pass predicted labels as y_pred."
            )
    thr_arr = None if threshold is None else _check_threshold(threshold)
    if y_pred is not None and task in ("binary", "multiclass") and y_pred.ndim != 1:
        raise ValueError(
            f"For a {task} y_true, y_pred must hold one label per sample (shape ({n},)); "
            f"got shape {y_pred.shape}."
        )

    def default_threshold(s):
        return 0.5 if s.min() >= 0 and s.max() <= 1 else 0.0

    if task in ("multilabel-indicator", "multiclass") and pos_label is not None:
        raise ValueError(
            f"pos_label={pos_label!r} applies to binary targets; this y_true is {task!r} "
            "(one section per label/class)."
        )
    if task == "binary":
        pos = resolve_pos_label(y_true_arr, pos_label)
        if score is not None and score.ndim != 1:
            raise ValueError(
                f"For a binary target, y_score must be the positive class's scores of "
                f"shape (n_samples,); got {score.shape}."
            )
        if thr_arr is not None and thr_arr.ndim != 0:
            raise ValueError(
                f"threshold must be a single number for a binary target; got {threshold!r}."
            )
        if y_pred is None:
            thr = default_threshold(score) if threshold is None else float(thr_arr)
            if threshold is not None:
                _check_scale(score, thr)
            pred_pos = score >= thr
            note = f"score >= {thr:.6g}" + (" (default)" if threshold is None else "")
        else:
            labels = set(np.unique(y_true_arr).tolist()) | set(np.unique(y_pred).tolist())
            if len(labels) > 2:
                raise ValueError(
                    f"y_pred has labels {sorted(labels, key=str)} together with y_true: "
                    "more than two, so some predicted labels are not classes of this "
                    "binary y_true (another label encoding, or a multiclass model?)."
                )
            pred_pos = y_pred == pos
            thr = float(thr_arr) if threshold is not None else "given labels"
            note = "labels given" if threshold is None else f"score >= {thr:.6g}"
            if threshold is not None and score is not None:
                disagree = int(np.sum((score >= thr) != pred_pos))
                if disagree:
                    _warn(f"y_pred disagrees with y_score >= threshold ({thr:.6g}) on "
                          f"{disagree} of {n} samples; the report uses y_pred.", UserWarning)
                    note = f"labels given (y_score >= {thr:.6g} differs on {disagree})"
        pos_shown = pos.item() if isinstance(pos, np.generic) else pos
        name = f"positive class {pos_shown!r}"
        names = _check_target_names(
            target_names, (1, np.unique(y_true_arr).size),
            f"a binary target with {np.unique(y_true_arr).size} class(es) in y_true "
            "(pass both class names in sorted order, or only the positive class's)")
        if names is not None and len(names) == 1:
            name = names[0]
        elif names is not None:
            # scikit-learn's convention: one name per class, in sorted class order.
            classes = np.unique(y_true_arr)
            name = names[int(np.flatnonzero(classes == pos)[0])]
        sections = [_binary_section(name, y_true_arr == pos, pred_pos, score,
                                    threshold=thr, **kw)]
    elif task == "multilabel-indicator":
        Y = y_true_arr.astype(bool)
        L = Y.shape[1]
        for what, arr in (("y_score", score), ("y_pred", y_pred)):
            if arr is not None and np.shape(arr) != Y.shape:
                raise ValueError(
                    f"For a multilabel y_true of shape {Y.shape}, {what} must have the same "
                    f"shape; got {np.shape(arr)}."
                )
        if y_pred is not None and not (y_pred.dtype.kind in "biuf"
                                       and np.isin(y_pred, (0, 1)).all()):
            raise ValueError(
                "For a multilabel y_true, y_pred must be a 0/1 indicator matrix; got "
                "other values (scores? pass them as y_score=)."
            )
        names = _check_target_names(target_names, (L,), f"{L} labels")
        names = names or [f"label {k}" for k in range(L)]
        thr = None if thr_arr is None else _per_output(thr_arr, L, "labels", threshold)
        if y_pred is None:
            if thr is None:
                thr = np.full(L, default_threshold(score))
            else:
                _check_scale(score, thr)
            P = score >= thr[None, :]
            note = "score >= per-label threshold" + (" (default)" if threshold is None else "")
        else:
            P = y_pred.astype(bool)
            note = "labels given" if threshold is None else "score >= per-label threshold"
        sections = [
            _binary_section(names[k], Y[:, k], P[:, k],
                            None if score is None else score[:, k],
                            threshold="given labels" if thr is None else float(thr[k]), **kw)
            for k in range(L)
        ]
    elif task == "multiclass":
        classes = np.unique(y_true_arr) if y_pred is None else unique_labels(y_true_arr,
                                                                             y_pred)
        K = classes.size
        if score is not None and (score.ndim != 2 or score.shape[1] != K):
            raise ValueError(
                f"For a multiclass target, y_score must be of shape (n_samples, {K}) (one "
                f"column per class of {classes.tolist()}); got {score.shape}."
            )
        if y_pred is None:
            if threshold is None:
                w = np.ones(K)
            else:
                w = thr_arr
                if w.ndim != 1 or w.size != K:
                    raise ValueError(
                        f"threshold for a multiclass target is one weight per class ({K}: "
                        f"{classes.tolist()}); got {threshold!r}."
                    )
                if (w < 0).any() or not (w > 0).any():
                    raise ValueError(
                        f"threshold (class weights) must be non-negative and not all zero; "
                        f"got {threshold!r}."
                    )
            pred = classes[np.argmax(score * w[None, :], axis=1)]
            note = "arg-max of class scores" + ("" if threshold is None else " x weights")
        else:
            pred = y_pred
            note = "labels given"
        names = _check_target_names(target_names, (K,), f"{K} classes {classes.tolist()}")
        names = names or [f"class {c!r}" for c in classes.tolist()]
        sections = [
            _binary_section(names[k], y_true_arr == c, pred == c,
                            None if score is None else score[:, k],
                            threshold="one-vs-rest", **kw)
            for k, c in enumerate(classes)
        ]
    else:
        raise ValueError(f"Unsupported target type {task!r} for a clinical report.")
    near = []
    for sec in sections:
        sec["targets"] = [_assess_target(sec, p, b, confidence) for p, b in targets.items()]
        sec["chance"] = _assess_chance(sec, confidence)
        if sec["chance"]:
            near.append(f"{sec['label']}: {sec['chance']['message']}")
    if near:
        _warn("clinical_report: " + "; ".join(near), UserWarning)
    return ClinicalReport(task=task, sections=sections, confidence=confidence,
                          n_bootstraps=int(n_bootstraps), threshold_note=note,
                          targets=targets)
