"""skmedimg: imbalanced medical-image classification for the scikit-learn ecosystem.

The estimators import TensorFlow, which takes seconds; they are loaded lazily so that
``import skmedimg.samplers`` or ``import skmedimg.metrics`` stays fast.
"""

from importlib import import_module

__version__ = "0.1.0.dev0"

_LAZY = {
    "CNNClassifier": "skmedimg._classifier",
    "ThresholdTuner": "skmedimg._threshold",
    "DecisionRule": "skmedimg._threshold",
    "ConstraintNotMetWarning": "skmedimg._threshold",
}

__all__ = [
    "CNNClassifier",
    "ConstraintNotMetWarning",
    "DecisionRule",
    "ThresholdTuner",
    "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'skmedimg' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
