"""PR, ROC, confusion-matrix and threshold-vs-metric plots with the operating point.

scikit-learn's ``PrecisionRecallDisplay``, ``RocCurveDisplay`` and
``ConfusionMatrixDisplay`` are used where they exist; the threshold curve has its own
small display with the same shape (``plot``, ``ax_``, ``figure_``). Matplotlib is an
optional dependency, imported only when a plot is drawn.
"""

from __future__ import annotations

import numpy as np

from .._sweep import curve_table, sweep_scores
from ._clinical import resolve_pos_label


def _operating_point(y_true, y_score, threshold, pos_label):
    y_pos = np.asarray(y_true) == pos_label
    pred = np.asarray(y_score) >= threshold
    tp = np.sum(y_pos & pred)
    fp = np.sum(~y_pos & pred)
    fn = np.sum(y_pos & ~pred)
    tn = np.sum(~y_pos & ~pred)
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return float(recall), float(precision), float(fpr)


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

    pos = resolve_pos_label(y_true, pos_label)
    disp = PrecisionRecallDisplay.from_predictions(
        y_true, y_score, pos_label=pos, name=name, ax=ax
    )
    if threshold is not None:
        r, p, _ = _operating_point(y_true, y_score, threshold, pos)
        disp.ax_.plot([r], [p], "o", color="C3", label=f"threshold {threshold:.4g}")
        disp.ax_.legend(loc="lower left")
    return disp


def plot_roc_curve(y_true, y_score, *, threshold=None, pos_label=None, name=None, ax=None):
    """ROC curve, with the operating point when ``threshold`` is given.

    Returns
    -------
    display : sklearn.metrics.RocCurveDisplay
    """
    from sklearn.metrics import RocCurveDisplay

    pos = resolve_pos_label(y_true, pos_label)
    disp = RocCurveDisplay.from_predictions(y_true, y_score, pos_label=pos, name=name, ax=ax)
    if threshold is not None:
        r, _, fpr = _operating_point(y_true, y_score, threshold, pos)
        disp.ax_.plot([fpr], [r], "o", color="C3", label=f"threshold {threshold:.4g}")
        disp.ax_.legend(loc="lower right")
    return disp


def plot_confusion_matrix(y_true, y_pred, *, labels=None, normalize=None, ax=None):
    """Confusion matrix via :class:`sklearn.metrics.ConfusionMatrixDisplay`."""
    from sklearn.metrics import ConfusionMatrixDisplay

    return ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, normalize=normalize, ax=ax, colorbar=False
    )


class ThresholdCurveDisplay:
    """Metrics against the decision threshold, with the chosen operating point.

    Parameters
    ----------
    curve : dict
        ``{"thresholds": ..., "recall": ..., ...}`` as in ``ThresholdTuner.curve_``.
    threshold : float, optional
        The operating threshold, drawn as a vertical line.
    metrics : sequence of str
        Keys of ``curve`` to draw.

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

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        th = np.asarray(self.curve["thresholds"])[1:]  # drop the "no positive" point
        self.lines_ = {}
        for key in self.metrics:
            if key in self.curve:
                (self.lines_[key],) = ax.plot(th, np.asarray(self.curve[key])[1:],
                                              label=key, drawstyle="steps-post")
        if self.threshold is not None:
            ax.axvline(self.threshold, color="k", linestyle="--",
                       label=f"threshold {self.threshold:.4g}")
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
    if curve is None:
        if y_true is None or y_score is None:
            raise ValueError("Pass y_true and y_score, or curve=.")
        pos = resolve_pos_label(y_true, pos_label)
        curve = curve_table(
            sweep_scores(y_true=np.asarray(y_true) == pos, y_score=y_score), beta=beta
        )
    return ThresholdCurveDisplay(curve, threshold=threshold, metrics=metrics).plot(ax=ax)
