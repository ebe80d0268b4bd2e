"""ROC, PR, threshold curve and confusion matrix at one operating point.

``OperatingPointDisplay`` and its shorthand ``plot_operating_point``.
"""

from __future__ import annotations

import numpy as np

from ._docstrings import fill_doc
from ._plot_common import (
    PANELS,
    _check_binary_scores,
    _check_display_labels,
    _check_options,
    _check_panels,
    _check_plot_threshold,
    _confusion_at,
    _draw_confusion,
    _draw_pr,
    _draw_roc,
    _estimator_scores,
    _merge,
    _negative_label,
    _new_axes,
    _plot_title,
)
from ._threshold_curve import ThresholdCurveDisplay


class OperatingPointDisplay:
    """ROC, PR, threshold curve and confusion matrix at one operating point.

    The four panels a clinician keeps: the ROC curve (AUC in the legend) and the
    precision-recall curve (prevalence baseline), each with the operating point as a
    red dot labelled with its threshold; the metrics against the threshold with the
    constraints; and the confusion matrix at the threshold, with counts, row
    percentages and the missed-disease (false negative) cell framed in red. Create it
    with :meth:`from_predictions`, :meth:`from_estimator` or
    :func:`plot_operating_point`.

    Read more in the :ref:`User Guide <threshold_moving>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels (both classes present).
    y_score : array-like of shape (n_samples,)
        Scores of the positive class.
    threshold : float, optional
        The operating threshold (``score >= threshold`` is positive); required for the
        confusion matrix.
    pos_label : int, float, bool or str, optional
        The positive class; needed unless the labels are {0, 1}, {-1, 1} or bool.
    beta : float, default=1.0
        Beta of the F-beta curve ("F2").
    min_recall, min_precision, min_specificity : float in (0, 1], optional
        Constraints, drawn on every curve panel that has the metric on an axis.
    objective : str, optional
        Name of the objective the threshold was chosen for.
    display_labels : sequence of 2 str, optional
        Names of the negative then the positive class (e.g. ``["normal",
        "pneumonia"]``); the labels themselves by default.
    name : str, optional
        Model name, in the legends and the title; "model" by default.
    panels : sequence of str, default=("roc", "pr", "threshold", "confusion_matrix")
        Which panels to draw, in order (2x2 for four, else side by side).

    Attributes
    ----------
    figure_ : matplotlib Figure
    axes_ : ndarray of matplotlib Axes
        Shape (2, 2) for four panels, (1, n_panels) otherwise (or the ``ax`` given).
    roc_ : sklearn.metrics.RocCurveDisplay or None
    pr_ : sklearn.metrics.PrecisionRecallDisplay or None
    threshold_curve_ : ThresholdCurveDisplay or None
    confusion_matrix_ : sklearn.metrics.ConfusionMatrixDisplay or None
        Its ``confusion_matrix`` holds the counts, rows and columns ordered
        (negative, positive).
    markers_ : dict of matplotlib Line2D
        The operating-point dots (``"roc"``, ``"pr"``) where drawn.
    operating_point_ : dict or None
        ``threshold``, ``tp``, ``fp``, ``fn``, ``tn``, ``sensitivity``, ``specificity``,
        ``ppv``, ``npv``, ``fpr`` at ``threshold`` (NaN where undefined).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmedimg.metrics import OperatingPointDisplay
    >>> y = [0, 0, 0, 0, 1, 1, 0, 1]
    >>> s = [0.1, 0.3, 0.2, 0.6, 0.7, 0.4, 0.05, 0.9]
    >>> disp = OperatingPointDisplay.from_predictions(
    ...     y, s, threshold=0.5, display_labels=["normal", "pneumonia"], name="CNN")
    >>> disp.axes_.shape
    (2, 2)
    >>> disp.confusion_matrix_.text_[1, 0].get_text()
    '1\\n(33.3%)\\nmissed'
    """

    def __init__(self, y_true, y_score, *, threshold=None, pos_label=None, beta=1.0,
                 min_recall=None, min_precision=None, min_specificity=None, objective=None,
                 display_labels=None, name=None, panels=PANELS):
        self.y_true = y_true
        self.y_score = y_score
        self.threshold = threshold
        self.pos_label = pos_label
        self.beta = beta
        self.min_recall = min_recall
        self.min_precision = min_precision
        self.min_specificity = min_specificity
        self.objective = objective
        self.display_labels = display_labels
        self.name = name
        self.panels = panels

    def plot(self, ax=None, *, title=None):
        """Draw the panels.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, optional
            One Axes per panel; a new figure (constrained layout) when None.
        title : str, optional
            Figure title (e.g. the dataset and the objective); by default names the
            model, the threshold and the objective.

        Returns
        -------
        self : OperatingPointDisplay
            The display, with ``figure_``, ``axes_``, the panels' displays
            (``roc_``, ``pr_``, ``threshold_curve_``, ``confusion_matrix_``),
            ``markers_`` and ``operating_point_`` set.
        """
        threshold = _check_plot_threshold(self.threshold)
        panels = _check_panels(self.panels)
        opts = _check_options(beta=self.beta, min_recall=self.min_recall,
                              min_precision=self.min_precision,
                              min_specificity=self.min_specificity,
                              objective=self.objective, name=self.name, title=title)
        y_true, y_score, pos = _check_binary_scores(self.y_true, self.y_score,
                                                    self.pos_label, both_classes=True)
        if threshold is None and "confusion_matrix" in panels:
            raise ValueError("threshold is required to draw the confusion matrix; pass "
                             "threshold= or leave 'confusion_matrix' out of panels.")
        labels = _check_display_labels(self.display_labels, _negative_label(y_true, pos),
                                       pos)
        name = self.name or "model"
        if ax is None:
            fig, axes = _new_axes(len(panels))
        else:
            axes = np.asarray(ax, dtype=object)
            axes = axes.reshape(1, 1) if axes.ndim == 0 else axes
            if axes.size != len(panels):
                raise ValueError(f"ax must hold one Axes per panel ({len(panels)}: "
                                 f"{list(panels)}); got {axes.size}.")
            fig = axes.flat[0].figure
        point = None if threshold is None else _confusion_at(y_true, y_score, threshold, pos)
        self.roc_ = self.pr_ = self.threshold_curve_ = self.confusion_matrix_ = None
        self.markers_ = {}
        for panel, a in zip(panels, axes.flat):
            if panel == "roc":
                self.roc_, dot = _draw_roc(a, y_true, y_score, pos, name, point, opts)
                a.set_title(f"ROC curve (positive class: {labels[1]})")
            elif panel == "pr":
                self.pr_, dot = _draw_pr(a, y_true, y_score, pos, name, point, opts)
                a.set_title(f"Precision-recall curve (positive class: {labels[1]})")
            elif panel == "threshold":
                self.threshold_curve_ = ThresholdCurveDisplay.from_predictions(
                    y_true, y_score, threshold=threshold, pos_label=pos,
                    beta=1.0 if opts["beta"] is None else opts["beta"],
                    min_recall=self.min_recall, min_precision=self.min_precision,
                    min_specificity=self.min_specificity, objective=self.objective,
                    name=name, ax=a, title="Metrics vs decision threshold")
                dot = None
            else:
                self.confusion_matrix_ = _draw_confusion(a, point, labels)
                dot = None
            if dot is not None:
                self.markers_[panel] = dot
        if len(panels) == 1 and title is not None:
            axes.flat[0].set_title(title)
        elif len(panels) > 1 and (title is not None or ax is None):
            what = (f"operating point at threshold {threshold:.3g}" if threshold is not None
                    else "ROC and precision-recall")
            fig.suptitle(title if title is not None else _plot_title(name, self.objective,
                                                                     what),
                         fontsize="x-large")
        self.operating_point_ = point
        self.figure_, self.axes_ = fig, axes
        return self

    @classmethod
    @fill_doc
    def from_predictions(cls, y_true, y_score, *, threshold=None, pos_label=None,
                         beta: float = 1.0, min_recall=None, min_precision=None,
                         min_specificity=None, objective=None, display_labels=None,
                         name=None, panels=PANELS, title=None,
                         ax=None) -> OperatingPointDisplay:
        """Draw the panels from true labels and scores.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels (both classes present).
        {plot_y_score}
        threshold : float, optional
            The operating threshold (``score >= threshold`` is positive); required
            for the confusion matrix.
        {plot_pos_label}
        beta : float, default=1.0
            Beta of the F-beta curve ("F2" for 2).
        {plot_constraints}
        {plot_objective}
        {plot_display_labels}
        {plot_name}
        {plot_panels}
        title : str, optional
            Figure title (the axes title when one panel is drawn).
        ax : matplotlib Axes or array-like of Axes, optional
            One Axes per panel; a new figure (constrained layout) when None.

        Returns
        -------
        display : OperatingPointDisplay
            The drawn display (see :meth:`plot`).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skmedimg.metrics import OperatingPointDisplay
        >>> disp = OperatingPointDisplay.from_predictions(
        ...     [0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.6], threshold=0.35,
        ...     panels=["roc"], name="CNN")
        >>> disp.markers_["roc"].get_xydata().tolist()
        [[0.333..., 1.0]]
        """
        return cls(y_true, y_score, threshold=threshold, pos_label=pos_label, beta=beta,
                   min_recall=min_recall, min_precision=min_precision,
                   min_specificity=min_specificity, objective=objective,
                   display_labels=display_labels, name=name, panels=panels).plot(
            ax=ax, title=title)

    @classmethod
    @fill_doc
    def from_estimator(cls, estimator, X, y, *, threshold=None, pos_label=None,
                       response_method="auto", beta=None, min_recall=None,
                       min_precision=None, min_specificity=None, objective=None,
                       display_labels=None, name=None, panels=PANELS, title=None,
                       ax=None) -> OperatingPointDisplay:
        """Score ``X`` with a fitted binary classifier and draw the panels on ``y``.

        For a fitted :class:`~skmedimg.ThresholdTuner`, ``threshold``, ``beta``, the
        constraints and ``objective`` default to the tuner's; for another classifier
        ``threshold`` defaults to its own cut-off (0.5 on ``predict_proba``, 0 on
        ``decision_function``). ``display_labels`` default to the estimator's classes
        (negative first), ``name`` to its class name.

        Parameters
        ----------
        {plot_estimator}
        {plot_estimator_threshold}
        {plot_estimator_pos_label}
        {plot_response_method}
        {plot_estimator_beta}
        {plot_estimator_constraints}
        {plot_estimator_objective}
        display_labels : sequence of 2 str, optional
            Names of the negative then the positive class; by default the
            estimator's classes.
        {plot_estimator_name}
        {plot_panels}
        title : str, optional
            Figure title (the axes title when one panel is drawn).
        ax : matplotlib Axes or array-like of Axes, optional
            One Axes per panel; a new figure (constrained layout) when None.

        Returns
        -------
        display : OperatingPointDisplay
            The drawn display (see :meth:`plot`).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skmedimg.metrics import OperatingPointDisplay
        >>> X, y = make_classification(200, weights=[0.8], random_state=0)
        >>> clf = LogisticRegression().fit(X[:150], y[:150])
        >>> disp = OperatingPointDisplay.from_estimator(clf, X[150:], y[150:])
        >>> disp.operating_point_["threshold"], disp.roc_.line_.get_label()
        (0.5, 'LogisticRegression (AUC = 0.9...)')
        """
        y, scores, implied = _estimator_scores(estimator, X, y, pos_label=pos_label,
                                               response_method=response_method)
        kw = _merge({"threshold": threshold, "beta": beta, "min_recall": min_recall,
                     "min_precision": min_precision, "min_specificity": min_specificity,
                     "objective": objective, "name": name,
                     "display_labels": display_labels}, implied)
        kw["beta"] = 1.0 if kw["beta"] is None else kw["beta"]
        return cls.from_predictions(y, scores, pos_label=implied["pos_label"],
                                    panels=panels, title=title, ax=ax, **kw)


@fill_doc
def plot_operating_point(y_true, y_score, *, threshold: float, pos_label=None,
                         beta: float = 1.0, min_recall: float | None = None,
                         min_precision: float | None = None,
                         min_specificity: float | None = None, objective: str | None = None,
                         display_labels=None, name: str | None = None,
                         title: str | None = None) -> OperatingPointDisplay:
    """One 2x2 figure: ROC, PR, metrics vs threshold and confusion matrix at ``threshold``.

    Shorthand for :meth:`OperatingPointDisplay.from_predictions` with all four panels;
    save it with ``display.figure_.savefig(path)``.

    Read more in the :ref:`User Guide <threshold_moving>`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels (both classes present).
    {plot_y_score}
    threshold : float
        The operating threshold (``score >= threshold`` is positive).
    {plot_pos_label}
    beta : float, default=1.0
        Beta of the F-beta curve ("F2" for 2).
    {plot_constraints}
    {plot_objective}
    {plot_display_labels}
    {plot_name}
    title : str, optional
        Figure title, e.g. ``"PneumoniaMNIST test set: max specificity at recall >= 0.95"``.

    Returns
    -------
    display : OperatingPointDisplay
        With ``figure_`` and ``axes_`` (2x2).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmedimg.metrics import plot_operating_point
    >>> y = [0, 0, 0, 0, 1, 1, 0, 1]
    >>> s = [0.1, 0.3, 0.2, 0.6, 0.7, 0.4, 0.05, 0.9]
    >>> disp = plot_operating_point(y, s, threshold=0.5, min_recall=0.6,
    ...                             display_labels=["normal", "pneumonia"], name="CNN",
    ...                             title="Demo set")
    >>> disp.figure_.get_suptitle()
    'Demo set'
    >>> round(disp.operating_point_["sensitivity"], 3)
    0.667
    """
    return OperatingPointDisplay.from_predictions(
        y_true, y_score, threshold=threshold, pos_label=pos_label, beta=beta,
        min_recall=min_recall, min_precision=min_precision, min_specificity=min_specificity,
        objective=objective, display_labels=display_labels, name=name, title=title)
