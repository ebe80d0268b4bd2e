"""Image samplers for imbalanced-learn, and balanced Keras batches without copies.

imbalanced-learn's samplers validate ``X`` as a 2-D feature matrix; these accept image
arrays ``(n, H, W)`` or ``(n, H, W, C)`` and volumes ``(n, D, H, W)`` or
``(n, D, H, W, C)`` of any real dtype and keep imbalanced-learn's
meaning of ``sampling_strategy``. ``BalancedBatchDataset`` (a Keras ``PyDataset``) is
loaded lazily, so ``import skmedimg.samplers`` does not import TensorFlow.
"""

from importlib import import_module

from ._adapter import ImageSamplerAdapter
from ._multilabel import MultilabelRandomOverSampler
from ._over import AugmentingOverSampler
from ._under import RandomImageUnderSampler

__all__ = [
    "AugmentingOverSampler",
    "BalancedBatchDataset",
    "ImageSamplerAdapter",
    "MultilabelRandomOverSampler",
    "RandomImageUnderSampler",
]


def __getattr__(name):
    if name == "BalancedBatchDataset":
        return import_module("skmedimg.samplers._batches").BalancedBatchDataset
    raise AttributeError(f"module 'skmedimg.samplers' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
