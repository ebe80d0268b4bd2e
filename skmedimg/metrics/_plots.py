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
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.utils.multiclass import type_of_target

from .. import _counts
from .._sweep import OBJECTIVES, curve_table, objective_curve, sweep_scores
from ._clinical import _check_bound, _column_or_1d, _warn, check_scores, resolve_pos_label
from ._docstrings import fill_doc

#: Panels of :class:`OperatingPointDisplay`, in their default order.
PANELS = ("roc", "pr", "threshold", "confusion_matrix")
_DEFAULT_METRICS = ("recall", "specificity", "precision", "f_beta")
_COLORS = {
    "recall": "tab:blue",
    "specificity": "tab:orange",
    "precision": "tab:green",
    "f_beta": "tab:purple",
    "npv": "tab:brown",
    "balanced_accuracy": "tab:olive",
    "objective": "tab:gray",
}
_LABELS = {
    "recall": "sensitivity (recall)",
    "specificity": "specificity",
    "precision": "precision (PPV)",
    "npv": "NPV",
    "balanced_accuracy": "balanced accuracy",
}
# (parameter, curve key it bounds, legend text)
_CONSTRAINTS = (
    ("min_recall", "recall", "min recall"),
    ("min_specificity", "specificity", "min specificity"),
    ("min_precision", "precision", "min precision"),
)
# objectives whose curve lies in [0, 1] and can share the metrics' axis
_DRAWN_OBJECTIVES = frozenset(OBJECTIVES) - {"min_cost"}
_MISSED = "tab:red"


# ------------------------------------------------------------------ validation


def _check_plot_threshold(threshold, name="threshold"):
    """None, or ``threshold`` as a finite float (a ValueError naming it otherwise)."""
    if threshold is None:
        return None
    if (not isinstance(threshold, (numbers.Real, np.number)) or isinstance(threshold, bool)
            or not np.isfinite(threshold)):
        raise ValueError(f"{name} must be a finite number; got {threshold!r}.")
    return float(threshold)


def _check_binary_scores(y_true, y_score, pos_label, *, both_classes=False):
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
    pos = resolve_pos_label(y_true, pos_label)
    if both_classes and np.unique(y_true).size < 2:
        raise ValueError(
            f"y_true must contain both classes to draw ROC and PR curves; it only has "
            f"{np.unique(y_true).tolist()}."
        )
    return y_true, y_score, pos


def _check_text(value, name):
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None; got {type(value).__name__}.")
    return value


def _check_options(*, beta=None, min_recall=None, min_precision=None, min_specificity=None,
                   objective=None, name=None, title=None):
    """The shared keyword options, validated (errors name the parameter)."""
    if beta is not None and not (
            isinstance(beta, (numbers.Real, np.number)) and not isinstance(beta, bool)
            and np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive finite number; got {beta!r}.")
    bounds = {"min_recall": min_recall, "min_precision": min_precision,
              "min_specificity": min_specificity}
    for key, value in bounds.items():
        if value is not None:
            _check_bound(key, value)
    _check_text(objective, "objective")
    _check_text(name, "name")
    _check_text(title, "title")
    return {"beta": None if beta is None else float(beta),
            **{k: None if v is None else float(v) for k, v in bounds.items()}}


def _check_metrics(metrics):
    if isinstance(metrics, str) or not hasattr(metrics, "__iter__"):
        raise ValueError(f"metrics must be a list of curve keys, not a string; got {metrics!r}.")
    return tuple(metrics)


def _check_curve(curve, metrics):
    """(thresholds, {metric: values}) from ``curve``, or a ValueError naming it."""
    keys = sorted(map(str, curve)) if isinstance(curve, Mapping) else None
    if keys is None or "thresholds" not in curve:
        raise ValueError(
            "curve must be a dict with a 'thresholds' array and metric arrays of the same "
            f"length, such as ThresholdTuner.curve_; got {type(curve).__name__} with keys "
            f"{keys}."
        )
    metrics = _check_metrics(metrics)
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


def _check_display_labels(display_labels, neg, pos):
    if display_labels is None:
        return [str(neg), str(pos)]
    if isinstance(display_labels, str) or not hasattr(display_labels, "__len__") \
            or len(display_labels) != 2:
        raise ValueError(
            "display_labels must be 2 names, the negative class's then the positive "
            f"class's (e.g. ['normal', 'pneumonia']); got {display_labels!r}."
        )
    return [str(d) for d in display_labels]


def _check_panels(panels):
    if isinstance(panels, str) or not hasattr(panels, "__iter__"):
        raise ValueError(f"panels must be a list drawn from {PANELS}; got {panels!r}.")
    panels = tuple(panels)
    bad = [p for p in panels if p not in PANELS]
    if not panels or bad or len(set(panels)) != len(panels):
        raise ValueError(
            f"panels must be a non-empty list of distinct names from {PANELS}; got "
            f"{list(panels)}."
        )
    return panels


def _negative_label(y_true, pos):
    others = [c for c in np.unique(y_true).tolist() if c != pos]
    return others[0] if others else "not " + str(pos)


# ------------------------------------------------------------- shared drawing


def _operating_point(y_true, y_score, threshold, pos_label):
    """(recall, precision, false positive rate) at ``threshold``; NaN (not drawn,
    with a warning) where undefined, never a 0 that would be drawn as a result."""
    point = _confusion_at(y_true, y_score, threshold, pos_label)
    return point["sensitivity"], point["ppv"], point["fpr"]


def _confusion_at(y_true, y_score, threshold, pos_label):
    """Counts and rates at ``threshold`` (NaN where a rate is undefined)."""
    y_pos = y_true == pos_label
    pred = y_score >= threshold
    tp = int(np.sum(y_pos & pred))
    fp = int(np.sum(~y_pos & pred))
    fn = int(np.sum(y_pos & ~pred))
    tn = int(np.sum(~y_pos & ~pred))
    undefined = {"zero_division": np.nan}
    return {
        "threshold": float(threshold), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "sensitivity": float(_counts.recall(tp, fn, **undefined)),
        "specificity": float(_counts.specificity(tn, fp, **undefined)),
        "ppv": float(_counts.precision(tp, fp, **undefined)),
        "npv": float(_counts.npv(tn, fn, **undefined)),
        "fpr": float(_counts.fpr(fp, tn, **undefined)),
    }


def _mark(ax, x, y, threshold, loc):
    """Old-style operating-point dot (used by the deprecated functions)."""
    if not (np.isfinite(x) and np.isfinite(y)):
        _warn_undefined(threshold)
        return
    ax.plot([x], [y], "o", color="C3", label=f"threshold {threshold:.4g}")
    ax.legend(loc=loc)


def _warn_undefined(threshold):
    _warn(f"The operating point at threshold {threshold:.4g} is undefined on this data "
          "(no positive, no negative or no predicted positive sample); not drawn.",
          UserWarning)


def _mark_point(ax, x, y, point):
    """Red dot at the operating point, annotated with its threshold; None if undefined."""
    if not (np.isfinite(x) and np.isfinite(y)):
        _warn_undefined(point["threshold"])
        return None
    t = point["threshold"]
    (dot,) = ax.plot([x], [y], "o", color=_MISSED, markersize=8, zorder=5,
                     label=f"operating point: threshold {t:.3g}\n"
                           f"sensitivity {point['sensitivity']:.2f}, "
                           f"specificity {point['specificity']:.2f}")
    ax.annotate(f"t = {t:.3g}", (x, y), xytext=(8, -14), textcoords="offset points",
                color=_MISSED, fontsize="small", fontweight="bold")
    return dot


def _legend_below(ax, ncol=1):
    """Legend under the axes, clear of the tick labels and the x label."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    # borderaxespad is in legend font sizes: it skips one row of tick labels and one
    # x label, whatever the height of the axes
    return ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     borderaxespad=4.2, ncol=ncol, fontsize="small", frameon=False)


def _new_axes(n_panels, figsize=None):
    import matplotlib.pyplot as plt

    if n_panels == 4:
        shape, size = (2, 2), (12, 11)
    else:
        shape, size = (1, n_panels), (5.5 * n_panels, 5.8)
    fig, axes = plt.subplots(*shape, figsize=figsize or size, layout="constrained",
                             squeeze=False)
    return fig, axes


def _metric_label(key, beta, objective):
    if key == "f_beta":
        return f"F{beta:g}" if beta is not None else "F-beta"
    if key == "objective":
        return f"objective ({objective})" if objective else "objective"
    return _LABELS.get(key, key)


def _draw_roc(ax, y_true, y_score, pos, name, point, opts):
    from sklearn.metrics import RocCurveDisplay

    disp = RocCurveDisplay.from_predictions(y_true, y_score, pos_label=pos, name=name,
                                            ax=ax, plot_chance_level=True)
    if opts["min_recall"] is not None:
        ax.axhline(opts["min_recall"], color=_COLORS["recall"], linestyle=":",
                   label=f"min recall {opts['min_recall']:g}")
    if opts["min_specificity"] is not None:
        ax.axvline(1 - opts["min_specificity"], color=_COLORS["specificity"], linestyle=":",
                   label=f"min specificity {opts['min_specificity']:g}")
    dot = None if point is None else _mark_point(ax, point["fpr"], point["sensitivity"],
                                                 point)
    ax.set_xlabel("1 - specificity (false positive rate)")
    ax.set_ylabel("sensitivity (true positive rate)")
    _legend_below(ax)
    return disp, dot


def _draw_pr(ax, y_true, y_score, pos, name, point, opts):
    from sklearn.metrics import PrecisionRecallDisplay

    disp = PrecisionRecallDisplay.from_predictions(y_true, y_score, pos_label=pos, name=name,
                                                   ax=ax, plot_chance_level=True)
    prevalence = float(np.mean(y_true == pos))
    chance = getattr(disp, "chance_level_", None)
    if chance is not None:
        chance.set_label(f"prevalence {prevalence:.2f} (no-skill baseline)")
    if opts["min_recall"] is not None:
        ax.axvline(opts["min_recall"], color=_COLORS["recall"], linestyle=":",
                   label=f"min recall {opts['min_recall']:g}")
    if opts["min_precision"] is not None:
        ax.axhline(opts["min_precision"], color=_COLORS["precision"], linestyle=":",
                   label=f"min precision {opts['min_precision']:g}")
    dot = None if point is None else _mark_point(ax, point["sensitivity"], point["ppv"],
                                                 point)
    ax.set_xlabel("sensitivity (recall)")
    ax.set_ylabel("precision (PPV)")
    _legend_below(ax)
    return disp, dot


def _draw_confusion(ax, point, labels):
    """Counts and row percentages; the false-negative cell framed in red as "missed"."""
    from matplotlib.patches import Rectangle
    from sklearn.metrics import ConfusionMatrixDisplay

    cm = np.array([[point["tn"], point["fp"]], [point["fn"], point["tp"]]])
    disp = ConfusionMatrixDisplay(cm, display_labels=labels).plot(
        ax=ax, cmap="Blues", colorbar=False, values_format="d")
    totals = cm.sum(axis=1, keepdims=True)
    frac = np.divide(cm, totals, out=np.zeros(cm.shape), where=totals > 0)
    # colour by row share, not by count: with 1 case in 20 the counts colour every
    # positive-row cell as pale as the rarest one, and the missed cases vanish
    disp.im_.set_data(frac)
    disp.im_.set_clim(0.0, 1.0)
    for (i, j), text in np.ndenumerate(disp.text_):
        text.set_text(f"{cm[i, j]}\n({100 * frac[i, j]:.1f}%)")
        text.set_color("white" if frac[i, j] > 0.5 else "black")
    fn_text = disp.text_[1, 0]
    fn_text.set_text(fn_text.get_text() + "\nmissed")
    fn_text.set_color("white" if frac[1, 0] > 0.5 else _MISSED)
    fn_text.set_fontweight("bold")
    ax.add_patch(Rectangle((-0.47, 0.53), 0.94, 0.94, fill=False, edgecolor=_MISSED,
                           linewidth=3, zorder=4))
    ax.set_yticks([0, 1], [f"{lab}\n(n={int(n)})" for lab, n in zip(labels, totals[:, 0])])
    ax.set_title(f"Confusion matrix at threshold {point['threshold']:.3g}\n"
                 "(count and % of each true class)")
    return disp


def _plot_title(name, objective, what):
    title = f"{name}: {what}" if name else what[:1].upper() + what[1:]
    return f"{title}\n(objective: {objective})" if objective else title


def _objective_name(objective):
    if objective is None or isinstance(objective, str):
        return objective
    return getattr(objective, "__name__", "scorer")


def _estimator_scores(estimator, X, y, *, pos_label, response_method):
    """(scores of the positive class, settings the estimator implies).

    For a fitted binary :class:`~skmedimg.ThresholdTuner` the settings are its
    threshold, constraints, objective and beta; for another classifier the default
    cut-off of its scores (0.5 on probabilities, 0 on a decision function).
    """
    from sklearn.utils.validation import check_is_fitted

    from .._threshold import ThresholdTuner

    if response_method not in ("auto", "predict_proba", "decision_function"):
        raise ValueError("response_method must be 'auto', 'predict_proba' or "
                         f"'decision_function'; got {response_method!r}.")
    check_is_fitted(estimator)
    settings = {"name": type(estimator).__name__}
    method = response_method
    if isinstance(estimator, ThresholdTuner):
        if estimator.task_ != "binary":
            raise ValueError(
                f"from_estimator draws binary tuners; this ThresholdTuner is "
                f"{estimator.task_} (use tuner.plot(label=k) for a label's curve)."
            )
        if pos_label is not None and pos_label != estimator.pos_label_:
            raise ValueError(f"pos_label={pos_label!r} differs from the tuner's positive "
                             f"class {estimator.pos_label_!r}.")
        if response_method not in ("auto", estimator.response_method_):
            raise ValueError(f"response_method={response_method!r}, but the tuner's "
                             f"threshold applies to {estimator.response_method_} scores.")
        pos_label, method = estimator.pos_label_, estimator.response_method_
        settings.update(
            threshold=float(estimator.threshold_), beta=float(estimator.beta),
            min_recall=estimator.min_recall, min_precision=estimator.min_precision,
            min_specificity=estimator.min_specificity,
            objective=_objective_name(estimator.objective),
            name=f"{type(estimator.estimator).__name__} (tuned)",
        )
    classes = getattr(estimator, "classes_", None)
    if classes is None or len(classes) != 2:
        raise ValueError(f"estimator must be a fitted binary classifier; "
                         f"{type(estimator).__name__} has classes_={classes!r}.")
    classes = list(np.asarray(classes).tolist())
    if pos_label is None:
        pos_label = classes[1]  # scikit-learn's convention: the greater label
    elif pos_label not in classes:
        raise ValueError(f"pos_label={pos_label!r} is not one of the estimator's classes "
                         f"{classes}.")
    if method == "auto":
        method = "predict_proba" if hasattr(estimator, "predict_proba") else (
            "decision_function")
    if not hasattr(estimator, method):
        raise ValueError(f"{type(estimator).__name__} has no {method}; it cannot score "
                         "samples for a curve.")
    out = np.asarray(getattr(estimator, method)(X), dtype=np.float64)
    col = classes.index(pos_label)
    if out.ndim == 2 and out.shape[1] == 2:
        scores = out[:, col]
    elif method == "decision_function" and out.ndim == 1:
        scores = out if col == 1 else -out
    else:
        raise ValueError(f"{type(estimator).__name__}.{method} returned shape {out.shape}; "
                         "expected (n_samples, 2) or, for decision_function, (n_samples,).")
    settings.setdefault("threshold", 0.5 if method == "predict_proba" else 0.0)
    settings["pos_label"] = pos_label
    settings["display_labels"] = [str(classes[1 - col]), str(classes[col])]
    return _column_or_1d(y), scores, settings


def _merge(given, implied):
    """``given`` (the caller's keywords) where not None, else what the estimator implies."""
    return {k: implied.get(k) if v is None else v for k, v in given.items()}


# ------------------------------------------------------------- threshold curve


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


# ------------------------------------------------------------- operating point


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
