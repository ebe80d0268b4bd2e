"""Validation, drawing and estimator helpers shared by the operating-point plots.

Used by ``_threshold_curve`` (``ThresholdCurveDisplay``), ``_operating_point_display``
(``OperatingPointDisplay``) and the deprecated ``plot_*`` functions in ``_plots``.
Matplotlib is imported only when a plot is drawn.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from sklearn.utils.multiclass import type_of_target

from .. import _counts
from .._sweep import OBJECTIVES
from ._clinical import _check_bound, _column_or_1d, _warn, check_scores, resolve_pos_label

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
