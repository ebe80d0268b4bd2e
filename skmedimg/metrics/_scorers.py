"""Ready scorers for ``GridSearchCV(scoring=..., refit=...)``.

All are :func:`sklearn.metrics.make_scorer` objects. Label-based ones call ``predict``;
threshold-free ones (specificity at recall, ...) ask for
``response_method=("decision_function", "predict_proba")`` so that they see scores,
exactly like scikit-learn's ``roc_auc`` scorer.
"""

from __future__ import annotations

import inspect

from sklearn.metrics import make_scorer, roc_auc_score

from ._clinical import (
    _AVERAGES,
    _check_bound,
    _check_zero_division,
    f2_score,
    g_mean_score,
    npv_score,
    ppv_score,
    recall_at_precision,
    recall_at_specificity,
    sensitivity_score,
    specificity_at_recall,
    specificity_score,
)
from ._docstrings import fill_doc

_SCORE_RESPONSE = ("decision_function", "predict_proba")

_LABEL_METRICS = {
    "sensitivity": sensitivity_score,
    "recall": sensitivity_score,
    "specificity": specificity_score,
    "ppv": ppv_score,
    "precision": ppv_score,
    "npv": npv_score,
    "g_mean": g_mean_score,
    "f2": f2_score,
}
_SCORE_METRICS = {
    "specificity_at_recall": (specificity_at_recall, "min_recall"),
    "recall_at_specificity": (recall_at_specificity, "min_specificity"),
    "recall_at_precision": (recall_at_precision, "min_precision"),
}

sensitivity_scorer = make_scorer(sensitivity_score)
specificity_scorer = make_scorer(specificity_score)
ppv_scorer = make_scorer(ppv_score)
npv_scorer = make_scorer(npv_score)
g_mean_scorer = make_scorer(g_mean_score)
f2_scorer = make_scorer(f2_score)

# The ready scorers are make_scorer objects, whose class has no docstring: each gets its
# own (read by help(), numpydoc and Sphinx's autofunction, which documents the signature
# of its __call__).
_LABEL_SCORER_DOC = """\
Scorer for :func:`~skmedimg.metrics.{metric}` (labels from ``predict``).

``make_scorer({metric})``: a scorer for ``GridSearchCV(scoring=...)``,
``cross_val_score`` and ``cross_validate``, with the metric's defaults, i.e. a binary
target whose positive class is 1. For another positive class, or for multiclass and
multilabel targets, use ``make_clinical_scorer("{name}", pos_label=...,
average=...)``.

Read more in the :ref:`User Guide <imbalance_metrics>`.

Parameters
----------
estimator : estimator
    A fitted classifier; its ``predict(X)`` gives the labels scored.
X : array-like
    Samples, in the form the estimator accepts.
y_true : array-like of shape (n_samples,)
    True labels of ``X``.
sample_weight : array-like of shape (n_samples,), optional
    Non-negative sample weights, passed to the metric.
**kwargs : dict
    Other metadata, routed to the metric when scikit-learn's metadata routing is
    enabled.

Returns
-------
score : float
    ``{metric}(y_true, estimator.predict(X))``.

See Also
--------
make_clinical_scorer : The same scorer with other keyword arguments.

Examples
--------
>>> from sklearn.linear_model import LogisticRegression
>>> from skmedimg.metrics import {metric}, {scorer}
>>> X, y = [[0], [1], [2], [3], [4], [5]], [0, 0, 1, 0, 1, 1]
>>> clf = LogisticRegression().fit(X, y)
>>> {scorer}(clf, X, y) == {metric}(y, clf.predict(X))
True
"""
_READY_SCORERS = {
    "sensitivity_scorer": (sensitivity_scorer, "sensitivity"),
    "specificity_scorer": (specificity_scorer, "specificity"),
    "ppv_scorer": (ppv_scorer, "ppv"),
    "npv_scorer": (npv_scorer, "npv"),
    "g_mean_scorer": (g_mean_scorer, "g_mean"),
    "f2_scorer": (f2_scorer, "f2"),
}
for _scorer_name, (_scorer, _name) in _READY_SCORERS.items():
    _scorer.__doc__ = _LABEL_SCORER_DOC.format(
        metric=_LABEL_METRICS[_name].__name__, name=_name, scorer=_scorer_name)
del _scorer_name, _scorer, _name
# doctest does not look into instances: list their examples for ``--doctest-modules``
__test__ = {name: scorer.__doc__ for name, (scorer, _) in _READY_SCORERS.items()}


@fill_doc
def specificity_at_recall_scorer(min_recall: float = 0.95, *, pos_label=None, average="macro"):
    """Scorer for :func:`~skmedimg.metrics.specificity_at_recall` (threshold-free).

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    min_recall : float in (0, 1], default=0.95
        Minimum sensitivity the threshold must keep.
    {score_pos_label}
    {score_average}

    Returns
    -------
    {scorer_result}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from skmedimg.metrics import specificity_at_recall_scorer
    >>> X, y = make_classification(200, weights=[0.8], random_state=0)
    >>> scores = cross_val_score(LogisticRegression(), X, y, cv=3,
    ...                          scoring=specificity_at_recall_scorer(min_recall=0.9))
    >>> bool(((0 <= scores) & (scores <= 1)).all())
    True
    """
    _check_bound("min_recall", min_recall)
    return make_scorer(
        specificity_at_recall, response_method=_SCORE_RESPONSE, min_recall=min_recall,
        pos_label=pos_label, average=average,
    )


@fill_doc
def recall_at_specificity_scorer(
    min_specificity: float = 0.95, *, pos_label=None, average="macro"
):
    """Scorer for :func:`~skmedimg.metrics.recall_at_specificity` (threshold-free).

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    min_specificity : float in (0, 1], default=0.95
        Minimum specificity the threshold must keep.
    {score_pos_label}
    {score_average}

    Returns
    -------
    {scorer_result}

    Examples
    --------
    >>> from skmedimg.metrics import recall_at_specificity_scorer
    >>> recall_at_specificity_scorer(0.9)
    make_scorer(recall_at_specificity, response_method=('decision_function', 'predict_proba'),
                min_specificity=0.9, pos_label=None, average=macro)
    """
    _check_bound("min_specificity", min_specificity)
    return make_scorer(
        recall_at_specificity, response_method=_SCORE_RESPONSE,
        min_specificity=min_specificity, pos_label=pos_label, average=average,
    )


@fill_doc
def recall_at_precision_scorer(min_precision: float = 0.5, *, pos_label=None, average="macro"):
    """Scorer for :func:`~skmedimg.metrics.recall_at_precision` (threshold-free).

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    min_precision : float in (0, 1], default=0.5
        Minimum precision (PPV) the threshold must keep.
    {score_pos_label}
    {score_average}

    Returns
    -------
    {scorer_result}

    Examples
    --------
    >>> from skmedimg.metrics import recall_at_precision_scorer
    >>> recall_at_precision_scorer(0.8)
    make_scorer(recall_at_precision, response_method=('decision_function', 'predict_proba'),
                min_precision=0.8, pos_label=None, average=macro)
    """
    _check_bound("min_precision", min_precision)
    return make_scorer(
        recall_at_precision, response_method=_SCORE_RESPONSE, min_precision=min_precision,
        pos_label=pos_label, average=average,
    )


def make_clinical_scorer(metric: str, **kwargs):
    """A scorer for a clinical metric by name, with its keyword arguments.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    metric : str
        ``"sensitivity"`` (alias ``"recall"``), ``"specificity"``, ``"ppv"`` (alias
        ``"precision"``), ``"npv"``, ``"g_mean"``, ``"f2"`` (label-based), or
        ``"specificity_at_recall"``, ``"recall_at_specificity"``,
        ``"recall_at_precision"`` (score-based).
    **kwargs
        Passed to the metric: ``average=`` (``"macro"``, ``"micro"``, ``"weighted"`` or
        ``"binary"``) for multilabel/multiclass variants, ``pos_label=``,
        ``zero_division=``, ``min_recall=``... Checked here: an unknown keyword is a
        ``TypeError``, an invalid ``average``/``zero_division``/bound a ``ValueError``.

    Returns
    -------
    scorer : callable
        A :func:`sklearn.metrics.make_scorer` object.

    Examples
    --------
    >>> from skmedimg.metrics import make_clinical_scorer
    >>> make_clinical_scorer("specificity", average="macro")
    make_scorer(specificity_score, response_method='predict', average=macro)
    """
    if metric in _LABEL_METRICS:
        _check_scorer_kwargs(metric, _LABEL_METRICS[metric], kwargs)
        return make_scorer(_LABEL_METRICS[metric], **kwargs)
    if metric in _SCORE_METRICS:
        func, bound = _SCORE_METRICS[metric]
        _check_scorer_kwargs(metric, func, kwargs)
        if bound in kwargs:
            _check_bound(bound, kwargs[bound])
        return make_scorer(func, response_method=_SCORE_RESPONSE, **kwargs)
    raise ValueError(
        f"Unknown clinical metric {metric!r}; expected one of "
        f"{sorted(_LABEL_METRICS) + sorted(_SCORE_METRICS)}."
    )


def _check_scorer_kwargs(metric, func, kwargs) -> None:
    """Refuse now what the metric would refuse at every scoring call (inside a search
    a scoring error becomes a NaN score and a warning, easy to miss)."""
    allowed = [p for p in inspect.signature(func).parameters
               if p not in ("y_true", "y_pred", "y_score", "sample_weight")]
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise TypeError(
            f"make_clinical_scorer({metric!r}) got unexpected keyword argument(s) {unknown}; "
            f"{metric} accepts {allowed} (sample_weight is routed at scoring time)."
        )
    if "average" in kwargs:
        options = _AVERAGES if metric in _LABEL_METRICS else ("macro", "micro", None)
        if kwargs["average"] not in options:
            raise ValueError(f"average must be one of {options}; got {kwargs['average']!r}.")
    if "zero_division" in kwargs:
        _check_zero_division(kwargs["zero_division"])


def clinical_scoring(
    *, min_recall: float = 0.95, min_specificity: float | None = None, average=None,
    pos_label=None,
) -> dict:
    """A multi-metric ``scoring`` dict for ``GridSearchCV``/``cross_validate``.

    Keys: ``sensitivity``, ``specificity``, ``ppv``, ``npv``, ``g_mean``, ``f2``,
    ``balanced_accuracy``, ``roc_auc``, ``average_precision``,
    ``specificity_at_recall`` and, when ``min_specificity`` is given,
    ``recall_at_specificity``. Pick the one to refit on by name.

    Read more in the :ref:`User Guide <imbalance_metrics>`.

    Parameters
    ----------
    min_recall : float, default=0.95
        Constraint of ``specificity_at_recall``.
    min_specificity : float, optional
        Adds ``recall_at_specificity`` with this constraint.
    average : str, optional
        For multilabel targets (e.g. ``"macro"``); ``None`` means binary.
    pos_label : int, float, bool or str, optional
        Positive class of binary targets (default 1).

    Returns
    -------
    scoring : dict
        Scorer name -> scorer (a :func:`sklearn.metrics.make_scorer` object, or the
        name of a scikit-learn scorer), for ``scoring=`` and ``refit=``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmedimg.metrics import clinical_scoring
    >>> X, y = make_classification(200, weights=[0.8], random_state=0)
    >>> gs = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3,
    ...                   scoring=clinical_scoring(), refit="specificity_at_recall")
    >>> gs.fit(X, y).best_params_["C"] in (0.1, 1.0)
    True
    """
    label_kw: dict = {}
    score_kw: dict = {}
    if average is not None:
        label_kw["average"] = average
        score_kw["average"] = average
    if pos_label is not None:
        label_kw["pos_label"] = pos_label
        score_kw["pos_label"] = pos_label
    scoring = {name: make_clinical_scorer(name, **label_kw) for name in (
        "sensitivity", "specificity", "ppv", "npv", "g_mean", "f2")}
    if average is None:
        scoring["balanced_accuracy"] = "balanced_accuracy"
        scoring["roc_auc"] = "roc_auc"
        scoring["average_precision"] = "average_precision"
    else:
        scoring["roc_auc"] = make_scorer(
            roc_auc_score, response_method=_SCORE_RESPONSE, average=average
        )
    scoring["specificity_at_recall"] = make_clinical_scorer(
        "specificity_at_recall", min_recall=min_recall, **score_kw
    )
    if min_specificity is not None:
        scoring["recall_at_specificity"] = make_clinical_scorer(
            "recall_at_specificity", min_specificity=min_specificity, **score_kw
        )
    return scoring
