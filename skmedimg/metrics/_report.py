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
from sklearn.utils.multiclass import type_of_target

from ._clinical import check_scores, resolve_pos_label

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


def wilson_interval(k, n, *, confidence: float = 0.95):
    """Wilson score interval for ``k`` successes out of ``n`` (NaN when ``n == 0``).

    Examples
    --------
    >>> from skmedimg.metrics import wilson_interval
    >>> lo, hi = wilson_interval(45, 50)
    >>> round(float(lo), 3), round(float(hi), 3)
    (0.786, 0.957)
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
        lo, hi = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    return lo, hi


def _count_metrics(tp, fp, fn, tn):
    """F1, F2, G-mean and balanced accuracy from (possibly vectorised) counts."""
    tp, fp, fn, tn = (np.asarray(a, dtype=np.float64) for a in (tp, fp, fn, tn))
    with np.errstate(invalid="ignore", divide="ignore"):
        sens = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        spec = np.where(tn + fp > 0, tn / (tn + fp), 0.0)
        f1 = np.where(tp > 0, 2 * tp / (2 * tp + fn + fp), 0.0)
        f2 = np.where(tp > 0, 5 * tp / (5 * tp + 4 * fn + fp), 0.0)
    return {
        "f1": f1,
        "f2": f2,
        "g_mean": np.sqrt(sens * spec),
        "balanced_accuracy": (sens + spec) / 2,
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
        lo, hi = wilson_interval(k, m, confidence=confidence)
        metrics[key] = {
            "value": k / m if m else float("nan"),
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
    a metric for a binary report (the first section otherwise).
    """

    def __init__(self, *, task, sections, confidence, n_bootstraps, threshold_note):
        self.task = task
        self.sections = sections
        self.confidence = confidence
        self.n_bootstraps = n_bootstraps
        self.threshold_note = threshold_note

    def __getitem__(self, metric):
        return self.sections[0]["metrics"][metric]["value"]

    def to_dict(self) -> dict:
        """The report as nested dicts/lists of plain Python numbers and strings
        (undefined or infinite values, e.g. LR+ at specificity 1, become None)."""

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
        """Readable fixed-width text."""
        ci = f"{round(100 * self.confidence)}% CI"
        lines = [f"Clinical report ({self.task}); decision: {self.threshold_note}"]
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
        """GitHub-flavoured Markdown tables."""
        ci = f"{round(100 * self.confidence)}% CI"
        out = [f"**Clinical report** ({self.task}); decision: {self.threshold_note}"]
        for sec in self.sections:
            out += ["", f"**{self._title(sec)}**", "", f"| metric | value | {ci} | method |",
                    "|---|---:|---|---|"]
            out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self._rows(sec)]
            (tn, fp), (fn, tp) = sec["confusion_matrix"]
            out += ["", "| | predicted neg | predicted pos |", "|---|---:|---:|",
                    f"| true neg | {tn} | {fp} |", f"| true pos | {fn} | {tp} |"]
        return "\n".join(out)


def clinical_report(
    y_true,
    y_pred=None,
    *,
    y_score=None,
    threshold=None,
    pos_label=None,
    target_names=None,
    confidence: float = 0.95,
    n_bootstraps: int = 1000,
    random_state=None,
) -> ClinicalReport:
    """Sensitivity, specificity, PPV, NPV, LR+/-, F1, F2, G-mean, AUC with CIs.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Binary, multiclass labels or a multilabel indicator matrix.
    y_pred : array-like, optional
        Predicted labels. When omitted, they are ``y_score >= threshold`` (binary,
        multilabel) or the arg-max class (multiclass).
    y_score : array-like, optional
        Scores: positive-class scores (binary, shape (n,)), per label (n, n_labels) or
        per class (n, n_classes) probabilities. Enables the AUC.
    threshold : float or array-like, optional
        Operating threshold(s) applied to ``y_score`` and stated in the report
        (default 0.5 for scores in [0, 1], else 0).
    pos_label : optional
        Positive class of a binary target (default 1 for {0, 1}, {-1, 1} labels).
    target_names : list of str, optional
        Names of the labels/classes in the report, in sorted class order as in
        scikit-learn (binary: both names, or only the positive class's).
    confidence : float, default=0.95
        Level of the intervals.
    n_bootstraps : int, default=1000
        Bootstrap resamples for F1, F2, G-mean, balanced accuracy and AUC.
    random_state : int, RandomState instance or None
        Seeds the bootstrap.

    Returns
    -------
    report : ClinicalReport

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
    """
    if y_pred is None and y_score is None:
        raise ValueError("Pass y_pred (labels) or y_score (scores), or both.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}.")
    if not isinstance(n_bootstraps, numbers.Integral) or n_bootstraps < 0:
        raise ValueError(f"n_bootstraps must be an int >= 0; got {n_bootstraps!r}.")
    rng = check_random_state(random_state)
    y_true_arr = np.asarray(y_true)
    n = y_true_arr.shape[0] if y_true_arr.ndim else 0
    if n == 0:
        raise ValueError(f"y_true is empty (shape {y_true_arr.shape}); a report needs samples.")
    task = type_of_target(y_true_arr, input_name="y_true")
    kw = {"confidence": confidence, "n_bootstraps": int(n_bootstraps), "rng": rng}
    score = None if y_score is None else check_scores(y_score, n)
    if y_pred is not None and len(y_pred) != n:
        raise ValueError(f"y_true has {n} samples but y_pred has {len(y_pred)}.")
    if threshold is not None and not np.isfinite(np.asarray(threshold, dtype=np.float64)).all():
        raise ValueError(f"threshold must be finite; got {threshold!r}.")

    def default_threshold(s):
        return 0.5 if s.min() >= 0 and s.max() <= 1 else 0.0

    if task == "binary":
        pos = resolve_pos_label(y_true_arr, pos_label)
        if score is not None:
            score = score.ravel() if score.ndim == 2 and score.shape[1] == 1 else score
            if score.ndim != 1:
                raise ValueError(
                    f"For a binary target, y_score must be the positive class's scores of "
                    f"shape (n_samples,); got {score.shape}."
                )
        if y_pred is None:
            thr = default_threshold(score) if threshold is None else float(threshold)
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
            pred_pos = np.asarray(y_pred) == pos
            thr = threshold if threshold is not None else "given labels"
            note = "labels given" if threshold is None else f"score >= {float(threshold):.6g}"
        pos_shown = pos.item() if isinstance(pos, np.generic) else pos
        name = f"positive class {pos_shown!r}"
        if target_names is not None and len(target_names) == 1:
            name = str(target_names[0])
        elif target_names is not None:
            # scikit-learn's convention: one name per class, in sorted class order.
            classes = np.unique(y_true_arr)
            if len(target_names) != len(classes):
                raise ValueError(
                    f"target_names has {len(target_names)} names for {len(classes)} classes."
                )
            name = str(target_names[int(np.flatnonzero(classes == pos)[0])])
        sections = [_binary_section(name, y_true_arr == pos, pred_pos, score,
                                    threshold=thr, **kw)]
    elif task == "multilabel-indicator":
        Y = y_true_arr.astype(bool)
        L = Y.shape[1]
        for name, arr in (("y_score", score), ("y_pred", y_pred)):
            if arr is not None and np.shape(arr) != Y.shape:
                raise ValueError(
                    f"For a multilabel y_true of shape {Y.shape}, {name} must have the same "
                    f"shape; got {np.shape(arr)}."
                )
        names = list(target_names) if target_names else [f"label {k}" for k in range(L)]
        if y_pred is None:
            thr = (np.full(L, default_threshold(score)) if threshold is None
                   else np.broadcast_to(np.asarray(threshold, dtype=np.float64), (L,)))
            P = score >= thr[None, :]
            note = "score >= per-label threshold" + (" (default)" if threshold is None else "")
        else:
            P = np.asarray(y_pred).astype(bool)
            thr = (np.broadcast_to(np.asarray(threshold, dtype=np.float64), (L,))
                   if threshold is not None else ["given labels"] * L)
            note = "labels given" if threshold is None else "score >= per-label threshold"
        sections = [
            _binary_section(names[k], Y[:, k], P[:, k],
                            None if score is None else score[:, k],
                            threshold=float(thr[k]) if threshold is not None or y_pred is None
                            else thr[k], **kw)
            for k in range(L)
        ]
    elif task == "multiclass":
        classes = np.unique(y_true_arr)
        if y_pred is None:
            if score is None or score.ndim != 2 or score.shape[1] != classes.size:
                raise ValueError(
                    "For a multiclass target without y_pred, y_score must be of shape "
                    f"(n_samples, {classes.size})."
                )
            w = np.ones(classes.size) if threshold is None else np.asarray(threshold, float)
            pred = classes[np.argmax(score * w[None, :], axis=1)]
            note = "arg-max of class scores" + ("" if threshold is None else " x weights")
        else:
            pred = np.asarray(y_pred)
            note = "labels given"
        names = list(target_names) if target_names else [f"class {c!r}" for c in classes]
        sections = [
            _binary_section(names[k], y_true_arr == c, pred == c,
                            None if score is None or score.ndim != 2 else score[:, k],
                            threshold="one-vs-rest", **kw)
            for k, c in enumerate(classes)
        ]
    else:
        raise ValueError(f"Unsupported target type {task!r} for a clinical report.")
    return ClinicalReport(task=task, sections=sections, confidence=confidence,
                          n_bootstraps=int(n_bootstraps), threshold_note=note)
