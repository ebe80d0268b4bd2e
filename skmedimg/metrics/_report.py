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
from scipy.stats import norm
from sklearn.metrics import roc_auc_score
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target, unique_labels

from .. import _counts
from .._sweep import wilson_bounds as _wilson
from ._clinical import _column_or_1d, _warn, check_scores, resolve_pos_label

#: Upper bound of n_bootstraps: beyond it the percentiles move less than their
#: Monte-Carlo error while the run time grows linearly (10**9 resamples would need
#: 30 GiB for the count draws alone).
MAX_BOOTSTRAPS = 100_000
#: Rule for "near chance" (documented in clinical_report).
CHANCE_LEVEL = 0.5
WEAK_BELOW = 0.6
#: the clinical_report keyword -> the report metric it constrains (ThresholdTuner's names)
_TARGETS = {"min_recall": "sensitivity", "min_specificity": "specificity",
            "min_precision": "ppv"}

_PROPORTIONS = {
    "sensitivity": ("tp", "fn"),
    "specificity": ("tn", "fp"),
    "ppv": ("tp", "fp"),
    "npv": ("tn", "fn"),
}
_ORDER = (
    "sensitivity", "specificity", "ppv", "npv", "lr_plus", "lr_minus", "f1", "f2",
    "g_mean", "balanced_accuracy", "auc",
)
_LABELS = {
    "sensitivity": "Sensitivity (recall)",
    "specificity": "Specificity",
    "ppv": "PPV (precision)",
    "npv": "NPV",
    "lr_plus": "LR+",
    "lr_minus": "LR-",
    "f1": "F1",
    "f2": "F2",
    "g_mean": "G-mean",
    "balanced_accuracy": "Balanced accuracy",
    "auc": "ROC AUC",
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
    """LR+ and LR- with log-method CIs (0.5 added to each cell only if one is 0)."""
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


def _fmt(v, digits=3):
    if v is None:
        return "-"
    if isinstance(v, float) and not np.isfinite(v):
        return "inf" if v == np.inf else "n/a"
    return f"{v:.{digits}f}"


class ClinicalReport:
    """Result of :func:`clinical_report`: one section per label/class.

    Use :meth:`to_dict` (plain Python types, JSON-ready), :meth:`to_text` (also
    ``str(report)``) or :meth:`to_markdown`. ``report["sensitivity"]`` is the value of
    a metric of a single-section (binary) report; for multilabel and multiclass
    reports read ``report.sections[k]["metrics"][name]["value"]``.

    Made by :func:`clinical_report`, which computes every number; the constructor
    only stores them.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    task : {"binary", "multiclass", "multilabel-indicator"}
        The type of ``y_true`` (scikit-learn's ``type_of_target``).
    sections : list of dict
        One section per label/class (see ``sections`` below).
    confidence : float in (0, 1)
        Level of the intervals, e.g. 0.95.
    n_bootstraps : int
        Number of bootstrap resamples behind the bootstrap intervals (0: none).
    threshold_note : str
        How the predictions were made (e.g. ``"score >= 0.5"``), shown in the
        first line of the text.
    targets : dict, optional
        The ``min_recall``/``min_specificity``/``min_precision`` constraints given,
        by name.

    Attributes
    ----------
    task : str
        The ``task`` given.
    sections : list of dict
        Per label/class: counts, ``metrics`` (value, CI, method), ``targets`` (one
        entry per ``min_*`` constraint given: value, CI, ``met`` True/False/None and a
        ``verdict``) and ``chance`` (None, or the near-chance finding).
    confidence : float
        The ``confidence`` given.
    n_bootstraps : int
        The ``n_bootstraps`` given.
    threshold_note : str
        The ``threshold_note`` given.
    targets : dict
        The ``min_recall``/``min_specificity``/``min_precision`` constraints given.
    alerts : list of str
        The findings shown first in the text: targets and near-chance models.
    """

    def __init__(self, *, task, sections, confidence, n_bootstraps, threshold_note,
                 targets=None):
        self.task = task
        self.sections = sections
        self.confidence = confidence
        self.n_bootstraps = n_bootstraps
        self.threshold_note = threshold_note
        self.targets = dict(targets or {})

    @property
    def alerts(self) -> list:
        """The findings shown first in the text: targets and near-chance models.

        One line per ``min_*`` target (met or not, with the interval) and per
        near-chance section, prefixed with the section's label when there are
        several.
        """
        prefix = len(self.sections) > 1
        lines = []
        for sec in self.sections:
            head = f"{sec['label']}: " if prefix else ""
            for t in sec.get("targets", []):
                lines.append(
                    f"{head}target {t['parameter'].removeprefix('min_')} >= {t['target']:g}: "
                    f"{t['verdict']}; {_LABELS[t['metric']]} {_fmt(t['value'])} "
                    f"[{_fmt(t['ci'][0])}, {_fmt(t['ci'][1])}]"
                )
            if sec.get("chance"):
                lines.append(f"{head}WARNING: {sec['chance']['message']}")
        return lines

    def __getitem__(self, metric):
        if len(self.sections) != 1:
            raise KeyError(
                f"report[{metric!r}] is for single-section (binary) reports; this "
                f"{self.task} report has {len(self.sections)} sections: use "
                f"report.sections[k]['metrics'][{metric!r}]['value']."
            )
        metrics = self.sections[0]["metrics"]
        if metric not in metrics:
            raise KeyError(f"No metric {metric!r} in this report; it has {list(metrics)}.")
        return metrics[metric]["value"]

    def to_dict(self) -> dict:
        """The report as nested dicts and lists of plain Python numbers and strings.

        Returns
        -------
        report : dict
            ``task``, ``confidence``, ``n_bootstraps``, ``threshold``, ``targets``,
            ``alerts`` and ``sections``, ready for ``json.dumps``: undefined or
            infinite values (e.g. LR+ at specificity 1) become None.
        """

        def plain(v):
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and not np.isfinite(v):
                return None  # strict JSON has no inf/nan
            return v

        return plain({
            "task": self.task,
            "confidence": self.confidence,
            "n_bootstraps": self.n_bootstraps,
            "threshold": self.threshold_note,
            "targets": self.targets,
            "alerts": self.alerts,
            "sections": self.sections,
        })

    def _rows(self, section):
        for key in _ORDER:
            if key in section["metrics"]:
                m = section["metrics"][key]
                yield (_LABELS[key], _fmt(m["value"]),
                       f"[{_fmt(m['ci'][0])}, {_fmt(m['ci'][1])}]", m["ci_method"])

    def _title(self, section):
        thr = section["threshold"]
        thr = f"{thr:.6g}" if isinstance(thr, (float, int, np.number)) else str(thr)
        return (f"{section['label']}: n={section['n']}, positives={section['n_positive']} "
                f"(prevalence {100 * section['prevalence']:.1f}%), threshold {thr}")

    def to_text(self) -> str:
        """Readable fixed-width text; targets and warnings come first.

        Returns
        -------
        text : str
            The report, one table of metrics with intervals and one confusion matrix
            per section; also ``str(report)``.
        """
        ci = f"{round(100 * self.confidence)}% CI"
        lines = [f"Clinical report ({self.task}); decision: {self.threshold_note}"]
        lines += self.alerts
        for sec in self.sections:
            lines += ["", self._title(sec), f"  {'metric':<22}{'value':>8}  {ci:<18}method"]
            for name, val, interval, method in self._rows(sec):
                lines.append(f"  {name:<22}{val:>8}  {interval:<18}{method}")
            (tn, fp), (fn, tp) = sec["confusion_matrix"]
            w = max(6, len(str(max(tn, fp, fn, tp))) + 2)
            lines += [
                "  confusion matrix (rows: true, columns: predicted)",
                f"  {'':<10}{'neg':>{w}}{'pos':>{w}}",
                f"  {'true neg':<10}{tn:>{w}}{fp:>{w}}",
                f"  {'true pos':<10}{fn:>{w}}{tp:>{w}}",
            ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<ClinicalReport {self.task}, {len(self.sections)} section(s)>"

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown tables; targets and warnings come first.

        Returns
        -------
        markdown : str
            The report, one table of metrics with intervals and one confusion matrix
            per section.
        """
        ci = f"{round(100 * self.confidence)}% CI"
        out = [f"**Clinical report** ({self.task}); decision: {self.threshold_note}"]
        if self.alerts:
            out += [""] + [f"- {line}" for line in self.alerts]
        for sec in self.sections:
            out += ["", f"**{self._title(sec)}**", "", f"| metric | value | {ci} | method |",
                    "|---|---:|---|---|"]
            out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self._rows(sec)]
            (tn, fp), (fn, tp) = sec["confusion_matrix"]
            out += ["", "| | predicted neg | predicted pos |", "|---|---:|---:|",
                    f"| true neg | {tn} | {fp} |", f"| true pos | {fn} | {tp} |"]
        return "\n".join(out)


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
