"""Clinical metrics, scorers, reports and plots for imbalanced classification.

Sensitivity, specificity, PPV, NPV, G-mean and F-beta (reusing :mod:`sklearn.metrics`
and :mod:`imblearn.metrics`), threshold-free "specificity at recall" metrics, ready
``make_scorer`` objects for ``GridSearchCV``, :func:`clinical_report` with confidence
intervals, and plots of the operating point (:class:`OperatingPointDisplay`,
:class:`ThresholdCurveDisplay`, :func:`plot_operating_point`). Never imports Keras.

Conventions shared by every function: a column vector ``(n, 1)`` is read as 1-D (as in
scikit-learn); undefined label metrics follow scikit-learn's ``zero_division``
(default "warn": 0.0 with an ``UndefinedMetricWarning``); score-based metrics are NaN
with an ``UndefinedMetricWarning`` when ``y_true`` has one class (like
``roc_auc_score``); sample weights must be finite, non-negative and not all zero.
"""

from sklearn.metrics import fbeta_score

from ._clinical import (
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
from ._plots import (
    OperatingPointDisplay,
    ThresholdCurveDisplay,
    plot_confusion_matrix,
    plot_operating_point,
    plot_pr_curve,
    plot_roc_curve,
    plot_threshold_curve,
)
from ._report import ClinicalReport, clinical_report, wilson_interval
from ._scorers import (
    clinical_scoring,
    f2_scorer,
    g_mean_scorer,
    make_clinical_scorer,
    npv_scorer,
    ppv_scorer,
    recall_at_precision_scorer,
    recall_at_specificity_scorer,
    sensitivity_scorer,
    specificity_at_recall_scorer,
    specificity_scorer,
)


def __getattr__(name):
    # ``fbeta`` duplicated scikit-learn's ``fbeta_score`` under a second name.
    if name == "fbeta":
        import warnings

        warnings.warn("skmedimg.metrics.fbeta is deprecated in 0.1 and will be removed in 0.3; "
                      "use fbeta_score (scikit-learn's, re-exported here).", FutureWarning,
                      stacklevel=2)
        return fbeta_score
    raise AttributeError(f"module 'skmedimg.metrics' has no attribute {name!r}")


__all__ = [
    "ClinicalReport",
    "OperatingPointDisplay",
    "ThresholdCurveDisplay",
    "clinical_report",
    "clinical_scoring",
    "f2_score",
    "f2_scorer",
    "fbeta_score",
    "g_mean_score",
    "g_mean_scorer",
    "make_clinical_scorer",
    "npv_score",
    "npv_scorer",
    "plot_confusion_matrix",
    "plot_operating_point",
    "plot_pr_curve",
    "plot_roc_curve",
    "plot_threshold_curve",
    "ppv_score",
    "ppv_scorer",
    "recall_at_precision",
    "recall_at_precision_scorer",
    "recall_at_specificity",
    "recall_at_specificity_scorer",
    "sensitivity_score",
    "sensitivity_scorer",
    "specificity_at_recall",
    "specificity_at_recall_scorer",
    "specificity_score",
    "specificity_scorer",
    "wilson_interval",
]
