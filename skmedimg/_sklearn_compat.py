"""The few private scikit-learn symbols skmedimg relies on, imported in one place.

scikit-learn keeps its parameter-validation machinery and ``_fit_context`` private.
They are imported here, and only here, so that a rename in a future release breaks one
module with a clear fallback instead of every estimator (imbalanced-learn does the same
with ``sklearn_compat``).
"""

from __future__ import annotations

import functools

try:  # scikit-learn >= 1.3
    from sklearn.utils._param_validation import (
        HasMethods,
        Interval,
        RealNotInt,
        StrOptions,
        validate_params,
    )
except ImportError as exc:  # pragma: no cover - guarded by the dependency pin
    raise ImportError(
        "skmedimg needs scikit-learn >= 1.6 (sklearn.utils._param_validation)."
    ) from exc

try:
    from sklearn.base import _fit_context
except ImportError:  # pragma: no cover - fallback that only validates parameters

    def _fit_context(*, prefer_skip_nested_validation):
        def decorator(fit_method):
            @functools.wraps(fit_method)
            def wrapper(estimator, *args, **kwargs):
                estimator._validate_params()
                return fit_method(estimator, *args, **kwargs)

            return wrapper

        return decorator


__all__ = [
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_fit_context",
    "validate_params",
]

# scikit-learn's private sample-weight validator (used by CNNClassifier.fit); imported
# here so that a rename breaks this module only.
try:
    from sklearn.utils.validation import _check_sample_weight
except ImportError as exc:  # pragma: no cover - guarded by the dependency pin
    raise ImportError(
        "skmedimg needs scikit-learn >= 1.6 (sklearn.utils.validation._check_sample_weight)."
    ) from exc

__all__ += ["_check_sample_weight"]

# scikit-learn's meta-estimators refuse unrouted fit parameters with this (private) helper;
# ThresholdTuner does the same so that its message is scikit-learn's.
from sklearn.utils.metadata_routing import _raise_for_params  # noqa: E402

__all__ += ["_raise_for_params"]

# scikit-learn's row selector for arrays, DataFrames, lists and sparse matrices (what its
# splitters use); the tuner's cross-fit slices X, y and sample-aligned parameters with it.
try:
    from sklearn.utils import _safe_indexing
except ImportError:  # pragma: no cover - moved in a future scikit-learn
    from sklearn_compat.utils._indexing import _safe_indexing

__all__ += ["_safe_indexing"]

# A scorer made by ``make_scorer`` keeps its metric and keyword arguments in private
# attributes of these private classes; the tuner reads them to evaluate known metrics from
# confusion counts. None when scikit-learn moves them: every scorer is then called as is
# (same results, slower), and tests/test_threshold_objectives.py fails loudly.
try:
    from sklearn.metrics._scorer import _BaseScorer, _Scorer
except ImportError:  # pragma: no cover - depends on scikit-learn's private layout
    _BaseScorer = _Scorer = None

__all__ += ["_BaseScorer", "_Scorer"]
