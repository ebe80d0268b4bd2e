"""``ClinicalReport``: the result of ``clinical_report`` and its text/markdown renderings."""

from __future__ import annotations

import numpy as np

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
