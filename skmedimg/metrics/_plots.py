"""ROC, PR, threshold-vs-metric and confusion-matrix plots at a chosen operating point.

The scikit-learn way: display classes with ``from_predictions`` and ``from_estimator``
(:class:`ThresholdCurveDisplay`, :class:`OperatingPointDisplay`), drawn on top of
scikit-learn's own ``RocCurveDisplay``, ``PrecisionRecallDisplay`` and
``ConfusionMatrixDisplay``. What skmedimg adds is the operating point: the threshold, the
sensitivity and specificity there, the recall/precision/specificity constraints, and a
confusion matrix whose missed-disease cell cannot be overlooked. Legends sit below the
axes so they never cover a curve. Matplotlib is an optional dependency, imported only
when a plot is drawn.

The ``plot_*`` functions are deprecated: they revive names scikit-learn removed in 1.2.
They live here; the display classes live in ``_threshold_curve`` and
``_operating_point_display`` (re-exported below), their shared helpers in ``_plot_common``.
"""

from __future__ import annotations

from .._sweep import curve_table, sweep_scores
from ._clinical import _column_or_1d, _warn
from ._docstrings import fill_doc
from ._operating_point_display import OperatingPointDisplay, plot_operating_point
from ._plot_common import (
    PANELS,
    _check_binary_scores,
    _check_plot_threshold,
    _mark,
    _operating_point,
)
from ._threshold_curve import ThresholdCurveDisplay

__all__ = [
    "PANELS",
    "OperatingPointDisplay",
    "ThresholdCurveDisplay",
    "plot_confusion_matrix",
    "plot_operating_point",
    "plot_pr_curve",
    "plot_roc_curve",
    "plot_threshold_curve",
]

# ------------------------------------------------------------- deprecated names


def _deprecated(old, new):
    _warn(f"{old} is deprecated in 0.1 and will be removed in 0.3 (scikit-learn removed "
          f"its plot_* functions in 1.2); use {new}.", FutureWarning)


@fill_doc
def plot_pr_curve(y_true, y_score, *, threshold=None, pos_label=None, name=None, ax=None):
    """Precision-recall curve, with the operating point when ``threshold`` is given.

    .. deprecated:: 0.1
       ``plot_pr_curve`` will be removed in 0.3. Use
       :meth:`sklearn.metrics.PrecisionRecallDisplay.from_predictions`, or
       ``OperatingPointDisplay.from_predictions(y_true, y_score, threshold=...,
       panels=["pr"])`` to mark the operating point.

    Parameters
    ----------
    {plot_y_true}
    {plot_y_score}
    {plot_threshold}
    {plot_pos_label}
    name : str, optional
        Model name, in the legend.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    display : sklearn.metrics.PrecisionRecallDisplay
        ``display.figure_`` can be saved with ``savefig``.

    Examples
    --------
    >>> import warnings, matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmedimg.metrics import plot_pr_curve
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     disp = plot_pr_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.35)
    >>> type(disp).__name__, w[0].category.__name__
    ('PrecisionRecallDisplay', 'FutureWarning')
    """
    from sklearn.metrics import PrecisionRecallDisplay

    _deprecated("plot_pr_curve", "sklearn.metrics.PrecisionRecallDisplay.from_predictions, "
                "or skmedimg.metrics.OperatingPointDisplay.from_predictions(y_true, y_score, "
                "threshold=..., panels=['pr']) to mark the operating point")
    threshold = _check_plot_threshold(threshold)
    y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
    disp = PrecisionRecallDisplay.from_predictions(
        y_true, y_score, pos_label=pos, name=name, ax=ax
    )
    if threshold is not None:
        r, p, _ = _operating_point(y_true, y_score, threshold, pos)
        _mark(disp.ax_, r, p, threshold, "lower left")
    return disp


@fill_doc
def plot_roc_curve(y_true, y_score, *, threshold=None, pos_label=None, name=None, ax=None):
    """ROC curve, with the operating point when ``threshold`` is given.

    .. deprecated:: 0.1
       ``plot_roc_curve`` will be removed in 0.3. Use
       :meth:`sklearn.metrics.RocCurveDisplay.from_predictions`, or
       ``OperatingPointDisplay.from_predictions(y_true, y_score, threshold=...,
       panels=["roc"])`` to mark the operating point.

    Parameters
    ----------
    {plot_y_true}
    {plot_y_score}
    {plot_threshold}
    {plot_pos_label}
    name : str, optional
        Model name, in the legend.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    display : sklearn.metrics.RocCurveDisplay
        ``display.figure_`` can be saved with ``savefig``.
    """
    from sklearn.metrics import RocCurveDisplay

    _deprecated("plot_roc_curve", "sklearn.metrics.RocCurveDisplay.from_predictions, or "
                "skmedimg.metrics.OperatingPointDisplay.from_predictions(y_true, y_score, "
                "threshold=..., panels=['roc']) to mark the operating point")
    threshold = _check_plot_threshold(threshold)
    y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
    disp = RocCurveDisplay.from_predictions(y_true, y_score, pos_label=pos, name=name, ax=ax)
    if threshold is not None:
        r, _, fpr = _operating_point(y_true, y_score, threshold, pos)
        _mark(disp.ax_, fpr, r, threshold, "lower right")
    return disp


def plot_confusion_matrix(y_true, y_pred, *, labels=None, normalize=None, ax=None):
    """Confusion matrix via :class:`sklearn.metrics.ConfusionMatrixDisplay`.

    .. deprecated:: 0.1
       ``plot_confusion_matrix`` will be removed in 0.3. Use
       :meth:`sklearn.metrics.ConfusionMatrixDisplay.from_predictions`, or
       ``OperatingPointDisplay.from_predictions(y_true, y_score, threshold=...,
       panels=["confusion_matrix"])`` for counts, row percentages and the missed cases.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), optional
        Labels to index the matrix, in order; those in ``y_true`` or ``y_pred`` by
        default.
    normalize : {"true", "pred", "all"}, optional
        Normalise the counts over the true classes (rows), the predicted classes
        (columns) or all samples; counts when None.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    display : sklearn.metrics.ConfusionMatrixDisplay
        ``display.figure_`` can be saved with ``savefig``.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    _deprecated("plot_confusion_matrix",
                "sklearn.metrics.ConfusionMatrixDisplay.from_predictions, or "
                "skmedimg.metrics.OperatingPointDisplay.from_predictions(y_true, y_score, "
                "threshold=..., panels=['confusion_matrix'])")
    return ConfusionMatrixDisplay.from_predictions(
        _column_or_1d(y_true), _column_or_1d(y_pred), labels=labels, normalize=normalize,
        ax=ax, colorbar=False,
    )


@fill_doc
def plot_threshold_curve(y_true=None, y_score=None, *, curve=None, threshold=None,
                         pos_label=None, beta: float = 1.0,
                         metrics=("recall", "specificity", "precision", "f_beta"), ax=None):
    """Recall, specificity, precision, F-beta... against the threshold.

    .. deprecated:: 0.1
       ``plot_threshold_curve`` will be removed in 0.3. Use
       :meth:`ThresholdCurveDisplay.from_predictions` (or
       ``ThresholdCurveDisplay(curve, ...).plot()`` for a precomputed curve).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,), optional
        Binary labels; with ``y_score``, unless ``curve`` is given.
    y_score : array-like of shape (n_samples,), optional
        Scores of the positive class.
    curve : dict, optional
        A precomputed curve such as ``ThresholdTuner.curve_``, drawn instead of
        sweeping ``y_score``.
    {plot_threshold}
    {plot_pos_label}
    beta : float, default=1.0
        Beta of the F-beta curve ("F2" for 2).
    {plot_metrics}
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    display : ThresholdCurveDisplay
        The drawn display; ``display.figure_`` can be saved with ``savefig``.
    """
    _deprecated("plot_threshold_curve",
                "skmedimg.metrics.ThresholdCurveDisplay.from_predictions(y_true, y_score, "
                "...), or ThresholdCurveDisplay(curve, ...).plot() for a precomputed curve")
    threshold = _check_plot_threshold(threshold)
    if curve is None:
        if y_true is None or y_score is None:
            raise ValueError("Pass y_true and y_score, or curve=.")
        y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
        curve = curve_table(sweep_scores(y_true=y_true == pos, y_score=y_score), beta=beta)
    return ThresholdCurveDisplay(curve, threshold=threshold, metrics=metrics,
                                 beta=beta).plot(ax=ax)
