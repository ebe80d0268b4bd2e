"""Metrics against the decision threshold: ``ThresholdCurveDisplay``."""

from __future__ import annotations

import numpy as np

from .._sweep import curve_table, objective_curve, sweep_scores
from ._docstrings import fill_doc
from ._plot_common import (
    _COLORS,
    _CONSTRAINTS,
    _DEFAULT_METRICS,
    _DRAWN_OBJECTIVES,
    _check_binary_scores,
    _check_curve,
    _check_metrics,
    _check_options,
    _check_plot_threshold,
    _estimator_scores,
    _legend_below,
    _merge,
    _metric_label,
    _plot_title,
)


class ThresholdCurveDisplay:
    """Metrics against the decision threshold, with the chosen operating point.

    Create it with :meth:`from_predictions` or :meth:`from_estimator`, or from a
    precomputed ``curve`` (e.g. a fitted ``ThresholdTuner.curve_``) and :meth:`plot`.

    Read more in the :ref:`User Guide <threshold_moving>`.

    Parameters
    ----------
    curve : dict
        ``{"thresholds": ..., "recall": ..., ...}`` as in ``ThresholdTuner.curve_``:
        1-D arrays of the same length (at least 2), thresholds descending.
    threshold : float, optional
        The operating threshold, drawn as a vertical line labelled with the threshold
        and the sensitivity and specificity there.
    metrics : sequence of str
        Keys of ``curve`` to draw; keys absent from ``curve`` are skipped, but at least
        one must be present. An ``"objective"`` curve equal to another drawn metric is
        not drawn twice: that metric's label says "= objective".
    beta : float, optional
        The beta of the ``"f_beta"`` curve, written in its label ("F2"); "F-beta" when
        None.
    min_recall, min_precision, min_specificity : float in (0, 1], optional
        Constraints, drawn as horizontal lines labelled e.g. "min recall 0.95".
    objective : str, optional
        Name of the objective the threshold was chosen for (title and label of the
        ``"objective"`` curve).
    name : str, optional
        Name of the model, in the default title.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of matplotlib Line2D
        One line per drawn metric.
    threshold_line_ : matplotlib Line2D or None
        The vertical line at ``threshold``.
    constraint_lines_ : dict of matplotlib Line2D
        ``{"min_recall": line, ...}`` for the constraints given.
    operating_point_ : dict or None
        The drawn metrics (and ``"threshold"``) at ``threshold``, read from ``curve``.

    See Also
    --------
    OperatingPointDisplay : ROC, PR, this curve and the confusion matrix in one figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmedimg.metrics import ThresholdCurveDisplay
    >>> disp = ThresholdCurveDisplay.from_predictions(
    ...     [0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.6], threshold=0.35, beta=2,
    ...     min_recall=0.9, title="Demo: F2 under min recall 0.9")
    >>> [t.get_text() for t in disp.ax_.get_legend().get_texts()][:4]
    ['sensitivity (recall)', 'specificity', 'precision (PPV)', 'F2']
    >>> disp.operating_point_["recall"]
    1.0
    """

    def __init__(self, curve, *, threshold=None, metrics=_DEFAULT_METRICS, beta=None,
                 min_recall=None, min_precision=None, min_specificity=None, objective=None,
                 name=None):
        self.curve = curve
        self.threshold = threshold
        self.metrics = metrics
        self.beta = beta
        self.min_recall = min_recall
        self.min_precision = min_precision
        self.min_specificity = min_specificity
        self.objective = objective
        self.name = name

    def plot(self, ax=None, *, title=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on; a new figure (constrained layout) when None. The legend
            is placed below the axes: save with ``bbox_inches="tight"`` or use a
            constrained layout so it is not cut off.
        title : str, optional
            Axes title; by default names the model and the objective.

        Returns
        -------
        self : ThresholdCurveDisplay
            The display, with ``ax_``, ``figure_``, ``lines_``, ``threshold_line_``,
            ``constraint_lines_`` and ``operating_point_`` set.
        """
        import matplotlib.pyplot as plt

        threshold = _check_plot_threshold(self.threshold)
        th, drawn = _check_curve(self.curve, self.metrics)
        opts = _check_options(beta=self.beta, min_recall=self.min_recall,
                              min_precision=self.min_precision,
                              min_specificity=self.min_specificity,
                              objective=self.objective, name=self.name, title=title)
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
        labels = {key: _metric_label(key, opts["beta"], self.objective) for key in drawn}
        twin = next((k for k in drawn if k != "objective" and "objective" in drawn
                     and np.allclose(drawn[k], drawn["objective"])), None)
        if twin is not None:
            labels[twin] += " = objective"
            del drawn["objective"]
        self.lines_ = {}
        for key, values in drawn.items():  # [1:]: drop the "no positive" point
            (self.lines_[key],) = ax.plot(th[1:], values[1:], label=labels[key],
                                          color=_COLORS.get(key), drawstyle="steps-post")
        if twin is not None:
            self.lines_["objective"] = self.lines_[twin]
        self.constraint_lines_ = {}
        for param, key, text in _CONSTRAINTS:
            if opts[param] is not None:
                self.constraint_lines_[param] = ax.axhline(
                    opts[param], color=_COLORS[key] if key in drawn else "0.4",
                    linestyle=":", linewidth=1.8, label=f"{text} {opts[param]:g}")
        self.threshold_line_ = self.operating_point_ = None
        if threshold is not None:
            # counts at t are those at the lowest candidate threshold >= t
            idx = max(int(np.sum(th >= threshold)) - 1, 0)
            point = {"threshold": threshold, **{k: float(v[idx]) for k, v in drawn.items()}}
            label = f"operating point: threshold {threshold:.3g}"
            if "recall" in point and "specificity" in point:
                label += (f"\nsensitivity {point['recall']:.2f}, "
                          f"specificity {point['specificity']:.2f}")
            self.threshold_line_ = ax.axvline(threshold, color="k", linestyle="--",
                                              label=label)
            for key in drawn:
                ax.plot([threshold], [point[key]], "o", color=_COLORS.get(key, "k"),
                        markersize=5, label="_nolegend_")
            self.operating_point_ = point
        ax.set_xlabel("decision threshold (predict positive if score >= threshold)")
        ax.set_ylabel("metric value")
        values = np.concatenate([v[1:] for v in drawn.values()])
        if values.min() >= 0 and values.max() <= 1:
            ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
        ax.set_title(title if title is not None else _plot_title(
            self.name, self.objective, "metrics vs decision threshold"))
        _legend_below(ax, ncol=2)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    @fill_doc
    def from_predictions(cls, y_true, y_score, *, threshold=None, pos_label=None,
                         beta: float = 1.0, min_recall=None, min_precision=None,
                         min_specificity=None, objective=None, metrics=_DEFAULT_METRICS,
                         name=None, title=None, ax=None) -> ThresholdCurveDisplay:
        """Sweep every distinct score of ``y_score`` and draw the metrics.

        Parameters
        ----------
        {plot_y_true}
        {plot_y_score}
        {plot_threshold}
        {plot_pos_label}
        beta : float, default=1.0
            Beta of the F-beta curve, shown in its label ("F2" for 2).
        {plot_constraints}
        {plot_objective}
        {plot_metrics}
        {plot_name}
        title : str, optional
            Axes title (e.g. the dataset and the objective).
        ax : matplotlib Axes, optional
            Axes to draw on; a new figure (constrained layout) when None.

        Returns
        -------
        display : ThresholdCurveDisplay
            The drawn display (see :meth:`plot`).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from skmedimg.metrics import ThresholdCurveDisplay
        >>> disp = ThresholdCurveDisplay.from_predictions(
        ...     [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.35, objective="youden")
        >>> print(disp.ax_.get_title())
        Metrics vs decision threshold
        (objective: youden)
        >>> sorted(disp.lines_)
        ['f_beta', 'objective', 'precision', 'recall', 'specificity']
        """
        threshold = _check_plot_threshold(threshold)
        metrics = _check_metrics(metrics)
        opts = _check_options(beta=beta, min_recall=min_recall, min_precision=min_precision,
                              min_specificity=min_specificity, objective=objective,
                              name=name, title=title)
        y_true, y_score, pos = _check_binary_scores(y_true, y_score, pos_label)
        beta = 1.0 if opts["beta"] is None else opts["beta"]
        sweep = sweep_scores(y_true=y_true == pos, y_score=y_score)
        values = None
        if objective in _DRAWN_OBJECTIVES:
            values = objective_curve(sweep, objective=objective, beta=beta)
            metrics = metrics if "objective" in metrics else (*metrics, "objective")
        curve = curve_table(sweep, beta=beta, objective_values=values)
        return cls(curve, threshold=threshold, metrics=metrics, beta=beta,
                   min_recall=min_recall, min_precision=min_precision,
                   min_specificity=min_specificity, objective=objective,
                   name=name).plot(ax=ax, title=title)

    @classmethod
    @fill_doc
    def from_estimator(cls, estimator, X, y, *, threshold=None, pos_label=None,
                       response_method="auto", beta=None, min_recall=None,
                       min_precision=None, min_specificity=None, objective=None,
                       metrics=_DEFAULT_METRICS, name=None, title=None,
                       ax=None) -> ThresholdCurveDisplay:
        """Score ``X`` with a fitted binary classifier and draw the metrics on ``y``.

        For a fitted :class:`~skmedimg.ThresholdTuner`, ``threshold``, ``beta``, the
        constraints and ``objective`` default to the tuner's (its ``threshold_``,
        ``beta``, ``min_recall``...) and the scores are those its threshold applies to.
        For any other classifier, ``threshold`` defaults to its own cut-off: 0.5 on
        ``predict_proba``'s positive column, 0 on ``decision_function``.

        Parameters
        ----------
        {plot_estimator}
        {plot_estimator_threshold}
        {plot_estimator_pos_label}
        {plot_response_method}
        {plot_estimator_beta}
        {plot_estimator_constraints}
        {plot_estimator_objective}
        {plot_metrics}
        {plot_estimator_name}
        title : str, optional
            Axes title (e.g. the dataset and the objective).
        ax : matplotlib Axes, optional
            Axes to draw on; a new figure (constrained layout) when None.

        Returns
        -------
        display : ThresholdCurveDisplay
            The drawn display (see :meth:`plot`).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skmedimg import ThresholdTuner
        >>> from skmedimg.metrics import ThresholdCurveDisplay
        >>> X, y = make_classification(200, weights=[0.8], random_state=0)
        >>> tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
        ...                        min_recall=0.9, cv=3).fit(X[:150], y[:150])
        >>> disp = ThresholdCurveDisplay.from_estimator(tuner, X[150:], y[150:])
        >>> disp.threshold == tuner.threshold_, disp.min_recall
        (True, 0.9)
        """
        y, scores, implied = _estimator_scores(estimator, X, y, pos_label=pos_label,
                                               response_method=response_method)
        kw = _merge({"threshold": threshold, "beta": beta, "min_recall": min_recall,
                     "min_precision": min_precision, "min_specificity": min_specificity,
                     "objective": objective, "name": name}, implied)
        return cls.from_predictions(
            y, scores, pos_label=implied["pos_label"], metrics=metrics, title=title, ax=ax,
            **{**kw, "beta": 1.0 if kw["beta"] is None else kw["beta"]})
