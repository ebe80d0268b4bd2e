"""Parameter descriptions shared by several public docstrings of ``skmedimg.metrics``.

A docstring line holding only ``{key}`` (any indentation) is replaced by ``_SHARED[key]``
indented to match, when the function is decorated with :func:`fill_doc`. Only whole
lines are substituted, so the other braces of a docstring (``{0, 1}``, dict literals in
examples) need no escaping; an unknown key fails at import, so no placeholder can reach
the rendered documentation.
"""

from __future__ import annotations

import re
import textwrap

_SHARED = {
    # -------------------------------------------------- label-based metrics
    "y_true_y_pred": """\
y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
    True and predicted labels (multilabel: indicator matrices). A column vector
    ``(n_samples, 1)`` is read as 1-D, as in scikit-learn.""",
    "pos_label": """\
pos_label : int, float, bool or str, default=1
    The positive class when ``average="binary"``; an error when two classes are
    present and it is neither of them, or when it cannot be a label of the
    targets (``pos_label=1`` with string labels). Ignored for the other
    averages.""",
    "average": """\
average : {"binary", "micro", "macro", "weighted"} or None, default="binary"
    How to combine classes/labels; ``None`` returns one value per class/label
    (in sorted label order). "weighted" weights by the number of true samples.""",
    "sample_weight": """\
sample_weight : array-like of shape (n_samples,), optional
    Non-negative sample weights (finite, not all zero).""",
    "zero_division": """\
zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
    The value when the metric is undefined, as in scikit-learn: "warn" gives 0.0
    and an ``UndefinedMetricWarning``; ``np.nan`` values are left out of the
    averages.""",
    "score": """\
score : float or ndarray of shape (n_labels,)
    The metric: a float, or one value per class/label (in sorted label order)
    when ``average=None``.""",
    # -------------------------------------------------- score-based metrics
    "y_true_y_score": """\
y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
    Binary labels or a multilabel indicator matrix (a column vector is 1-D).
y_score : array-like of shape (n_samples,) or (n_samples, n_labels)
    Scores of the positive class (probability or decision function); one column
    per label for a multilabel ``y_true``.""",
    "score_pos_label": """\
pos_label : int, float, bool or str, optional
    Positive class of a binary ``y_true``; default 1 for {0, 1} and {-1, 1}
    labels (and True for booleans), required for other labels.""",
    "score_average": """\
average : {"macro", "micro"} or None, default="macro"
    Multilabel only: the mean over labels, the labels pooled, or one value per
    label (``None``).""",
    "score_result": """\
    For a multilabel ``y_true``: the mean over labels ("macro"), the pooled value
    ("micro") or one value per label (``None``). NaN (with an
    ``UndefinedMetricWarning``) where undefined.""",
    "scorer_result": """\
scorer : callable
    A :func:`sklearn.metrics.make_scorer` object, called as
    ``scorer(estimator, X, y_true)``. It scores the output of the estimator's
    ``decision_function`` (or ``predict_proba`` when it has none), like
    scikit-learn's ``"roc_auc"`` scorer.""",
    # -------------------------------------------------------------- plots
    "plot_y_true": """\
y_true : array-like of shape (n_samples,)
    Binary labels.""",
    "plot_y_score": """\
y_score : array-like of shape (n_samples,)
    Scores of the positive class (probabilities or a decision function).""",
    "plot_threshold": """\
threshold : float, optional
    The operating threshold to mark (``score >= threshold`` is positive).""",
    "plot_pos_label": """\
pos_label : int, float, bool or str, optional
    The positive class; needed unless the labels are {0, 1}, {-1, 1} or bool.""",
    "plot_constraints": """\
min_recall, min_precision, min_specificity : float in (0, 1], optional
    Constraints (e.g. those a threshold was tuned under), drawn as lines labelled
    e.g. "min recall 0.95".""",
    "plot_objective": """\
objective : str, optional
    Name of the objective the threshold was chosen for, in the title. One of
    :class:`~skmedimg.ThresholdTuner`'s objectives other than ``"min_cost"``
    (e.g. ``"youden"``) also adds its curve to the threshold plot.""",
    "plot_metrics": """\
metrics : sequence of str, default=("recall", "specificity", "precision", "f_beta")
    Curves to draw, among ``"recall"``, ``"specificity"``, ``"precision"``,
    ``"f_beta"``, ``"npv"``, ``"balanced_accuracy"`` and ``"objective"`` (the keys
    of ``ThresholdTuner.curve_``).""",
    "plot_display_labels": """\
display_labels : sequence of 2 str, optional
    Names of the negative then the positive class (e.g. ``["normal",
    "pneumonia"]``); the labels themselves by default.""",
    "plot_name": """\
name : str, optional
    Model name, in the legends and the default title.""",
    "plot_panels": """\
panels : sequence of str, default=("roc", "pr", "threshold", "confusion_matrix")
    Which panels to draw, in order (2x2 for four, else side by side); the
    confusion matrix needs a ``threshold``.""",
    "plot_estimator": """\
estimator : estimator
    A fitted binary classifier with ``predict_proba`` or ``decision_function``,
    e.g. a fitted :class:`~skmedimg.ThresholdTuner`.
X : array-like
    Samples, in the form the estimator accepts (e.g. images).
y : array-like of shape (n_samples,)
    True labels of ``X``.""",
    "plot_estimator_threshold": """\
threshold : float, optional
    The operating threshold to mark; by default the tuner's ``threshold_``, or
    the classifier's own cut-off (0.5 on ``predict_proba``, 0 on
    ``decision_function``).""",
    "plot_estimator_pos_label": """\
pos_label : int, float, bool or str, optional
    The positive class; by default ``classes_[1]`` (a tuner's ``pos_label_``).""",
    "plot_response_method": """\
response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
    The scores to draw; ``"auto"`` prefers ``predict_proba``. A tuner's threshold
    applies to one of them only.""",
    "plot_estimator_beta": """\
beta : float, optional
    Beta of the F-beta curve ("F2" for 2); the tuner's ``beta``, else 1.0.""",
    "plot_estimator_constraints": """\
min_recall, min_precision, min_specificity : float in (0, 1], optional
    Constraints drawn as lines; by default the tuner's.""",
    "plot_estimator_objective": """\
objective : str, optional
    Name of the objective, in the title; by default the tuner's.""",
    "plot_estimator_name": """\
name : str, optional
    Model name, in the legends and the title; by default the estimator's class
    name.""",
}

_LINE = re.compile(r"^(?P<indent>[ ]*)\{(?P<key>\w+)\}[ ]*$", re.MULTILINE)


def _fill(doc: str) -> str:
    def sub(match: re.Match) -> str:
        key = match["key"]
        if key not in _SHARED:
            raise KeyError(f"No shared docstring entry {key!r}; known: {sorted(_SHARED)}.")
        return textwrap.indent(_SHARED[key], match["indent"])

    return _LINE.sub(sub, doc)


def fill_doc(obj):
    """Replace the ``{key}`` lines of ``obj.__doc__`` by the shared entries."""
    if obj.__doc__:  # None under python -OO
        obj.__doc__ = _fill(obj.__doc__)
    return obj
