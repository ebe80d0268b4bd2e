"""PR, ROC, confusion-matrix and threshold-vs-metric plots with the operating point.

scikit-learn's ``PrecisionRecallDisplay``, ``RocCurveDisplay`` and
``ConfusionMatrixDisplay`` are used where they exist; the threshold curve has its own
small display with the same shape (``plot``, ``ax_``, ``figure_``). Matplotlib is an
optional dependency, imported only when a plot is drawn.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.utils.multiclass import type_of_target

from .._sweep import curve_table, sweep_scores
from ._clinical import _column_or_1d, _warn, check_scores, resolve_pos_label


def _check_plot_threshold(threshold):
    """None, or ``threshold`` as a finite float (a ValueError naming it otherwise)."""
    if threshold is None:
        return None
    if (not isinstance(threshold, (numbers.Real, np.number)) or isinstance(threshold, bool)
            or not np.isfinite(threshold)):
        raise ValueError(f"threshold must be a finite number; got {threshold!r}.")
    return float(threshold)


def _check_binary_scores(y_true, y_score, pos_label):
    """(y_true 1-D, y_score 1-D float, positive label) for a binary curve."""
    y_true = _column_or_1d(y_true)
    y_score = check_scores(_column_or_1d(y_score), y_true.shape[0] if y_true.ndim else 0)
    if y_true.ndim != 1 or y_score.ndim != 1:
        raise ValueError(
            f"y_true and y_score must be 1-D (binary labels and the positive class's "
            f"scores); got shapes {y_true.shape} and {y_score.shape}."
        )
    kind = type_of_target(y_true, input_name="y_true")
    if kind != "binary":
        raise ValueError(f"y_true must be binary for this plot; got {kind!r}.")
    return y_true, y_score, resolve_pos_label(y_true, pos_label)


def _operating_point(y_true, y_score, threshold, pos_label):
    """(recall, precision, false positive rate) at ``threshold``; NaN (not drawn,
    with a warning) where undefined, never a 0 that would be drawn as a result."""
    y_pos = y_true == pos_label
    pred = y_score >= threshold
    tp = np.sum(y_pos & pred)
    fp = np.sum(~y_pos & pred)
    fn = np.sum(y_pos & ~pred)
    tn = np.sum(~y_pos & ~pred)
    nan = float("nan")
    recall = tp / (tp + fn) if tp + fn else nan
    precision = tp / (tp + fp) if tp + fp else nan
    fpr = fp / (fp + tn) if fp + tn else nan
    return float(recall), float(precision), float(fpr)


def _mark(ax, x, y, threshold, loc):
    if not (np.isfinite(x) and np.isfinite(y)):
        _warn(f"The operating point at threshold {threshold:.4g} is undefined on this data "
              "(no positive, no negative or no predicted positive sample); not drawn.",
              UserWarning)
        return
    ax.plot([x], [y], "o", color="C3", label=f"threshold {threshold:.4g}")
    ax.legend(loc=loc)


def plot_pr_curve(y_true, y_score, *, threshold=None, pos_label=None, name=None, ax=None):
    """Precision-recall curve, with the operating point when ``threshold`` is given.

    Returns
    -------
    display : sklearn.metrics.PrecisionRecallDisplay
        ``display.figure_`` can be saved with ``savefig``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmedimg.metrics import plot_pr_curve
    >>> disp = plot_pr_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.35)
    >>> type(disp).__name__
    'PrecisionRecallDisplay'
    """
    from sklearn.metrics import PrecisionRecallDisplay

    threshold = _check_plot_threshold(threshold)
    y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
    disp = PrecisionRecallDisplay.from_predictions(
        y_true, y_score, pos_label=pos, name=name, ax=ax
    )
    if threshold is not None:
        r, p, _ = _operating_point(y_true, y_score, threshold, pos)
        _mark(disp.ax_, r, p, threshold, "lower left")
    return disp


def plot_roc_curve(y_true, y_score, *, threshold=None, pos_label=None, name=None, ax=None):
    """ROC curve, with the operating point when ``threshold`` is given.

    Returns
    -------
    display : sklearn.metrics.RocCurveDisplay
    """
    from sklearn.metrics import RocCurveDisplay

    threshold = _check_plot_threshold(threshold)
    y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
    disp = RocCurveDisplay.from_predictions(y_true, y_score, pos_label=pos, name=name, ax=ax)
    if threshold is not None:
        r, _, fpr = _operating_point(y_true, y_score, threshold, pos)
        _mark(disp.ax_, fpr, r, threshold, "lower right")
    return disp


def plot_confusion_matrix(y_true, y_pred, *, labels=None, normalize=None, ax=None):
    """Confusion matrix via :class:`sklearn.metrics.ConfusionMatrixDisplay`."""
    from sklearn.metrics import ConfusionMatrixDisplay

    return ConfusionMatrixDisplay.from_predictions(
        _column_or_1d(y_true), _column_or_1d(y_pred), labels=labels, normalize=normalize,
        ax=ax, colorbar=False,
    )


def _check_curve(curve, metrics):
    """(thresholds, {metric: values}) from ``curve``, or a ValueError naming it."""
    keys = sorted(map(str, curve)) if isinstance(curve, Mapping) else None
    if keys is None or "thresholds" not in curve:
        raise ValueError(
            "curve must be a dict with a 'thresholds' array and metric arrays of the same "
            f"length, such as ThresholdTuner.curve_; got {type(curve).__name__} with keys "
            f"{keys}."
        )
    if isinstance(metrics, str):
        raise ValueError(f"metrics must be a list of curve keys, not a string; got {metrics!r}.")
    th = _column_or_1d(np.asarray(curve["thresholds"], dtype=np.float64))
    if th.ndim != 1 or th.size < 2:
        raise ValueError(f"curve['thresholds'] must be 1-D with at least 2 values; got shape "
                         f"{th.shape}.")
    drawn = {}
    for key in metrics:
        if key in curve:
            values = _column_or_1d(np.asarray(curve[key], dtype=np.float64))
            if values.shape != th.shape:
                raise ValueError(f"curve[{key!r}] has shape {values.shape} but "
                                 f"curve['thresholds'] has shape {th.shape}.")
            drawn[key] = values
    if not drawn:
        raise ValueError(f"None of metrics={list(metrics)} is a key of curve (keys: {keys}).")
    return th, drawn


class ThresholdCurveDisplay:
    """Metrics against the decision threshold, with the chosen operating point.

    Parameters
    ----------
    curve : dict
        ``{"thresholds": ..., "recall": ..., ...}`` as in ``ThresholdTuner.curve_``:
        1-D arrays of the same length (at least 2), thresholds descending.
    threshold : float, optional
        The operating threshold, drawn as a vertical line.
    metrics : sequence of str
        Keys of ``curve`` to draw; keys absent from ``curve`` are skipped, but at least
        one must be present.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of matplotlib Line2D
    """

    def __init__(self, curve, *, threshold=None,
                 metrics=("recall", "specificity", "precision", "f_beta")):
        self.curve = curve
        self.threshold = threshold
        self.metrics = metrics

    def plot(self, ax=None, *, title=None):
        """Draw on ``ax`` (a new figure when None); returns ``self``."""
        import matplotlib.pyplot as plt

        threshold = _check_plot_threshold(self.threshold)
        th, drawn = _check_curve(self.curve, self.metrics)
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        self.lines_ = {}
        for key, values in drawn.items():  # [1:]: drop the "no positive" point
            (self.lines_[key],) = ax.plot(th[1:], values[1:], label=key,
                                          drawstyle="steps-post")
        if threshold is not None:
            ax.axvline(threshold, color="k", linestyle="--",
                       label=f"threshold {threshold:.4g}")
        ax.set_xlabel("decision threshold (predict positive if score >= threshold)")
        ax.set_ylabel("metric")
        ax.set_ylim(-0.02, 1.02)
        ax.legend(loc="best")
        if title:
            ax.set_title(title)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def plot_threshold_curve(y_true=None, y_score=None, *, curve=None, threshold=None,
                         pos_label=None, beta: float = 1.0,
                         metrics=("recall", "specificity", "precision", "f_beta"), ax=None):
    """Recall, specificity, precision, F-beta... against the threshold.

    Pass ``y_true`` and ``y_score``, or a precomputed ``curve`` (e.g. a fitted
    ``ThresholdTuner.curve_``).

    Returns
    -------
    display : ThresholdCurveDisplay

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmedimg.metrics import plot_threshold_curve
    >>> disp = plot_threshold_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.35)
    >>> sorted(disp.lines_)
    ['f_beta', 'precision', 'recall', 'specificity']
    """
    threshold = _check_plot_threshold(threshold)
    if curve is None:
        if y_true is None or y_score is None:
            raise ValueError("Pass y_true and y_score, or curve=.")
        y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
        curve = curve_table(sweep_scores(y_true=y_true == pos, y_score=y_score), beta=beta)
    return ThresholdCurveDisplay(curve, threshold=threshold, metrics=metrics).plot(ax=ax)
