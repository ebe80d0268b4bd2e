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
