"""Losses for imbalanced image classification.

Keras ships the cross-entropies and focal losses; what it lacks is (a) per-label class
weights for multilabel targets (``class_weight`` in ``Model.fit`` only handles one
integer label per sample) and (b) differentiable surrogates of the metrics clinicians
read — recall/specificity and F-beta — computed from probabilities so they have
gradients. Those are written here, on top of Keras' own element-wise losses.
"""

from __future__ import annotations

import keras
from keras import ops

_EPS = 1e-7


def _elementwise(base: str, y_true, y_pred, gamma: float):
    """Per-label loss of shape (batch, n_labels), reusing Keras' loss functions.

    Keras' functional losses average over the last axis; adding a trailing axis of size
    one keeps each label's term separate so that it can be weighted.
    """
    y_true = ops.expand_dims(ops.cast(y_true, y_pred.dtype), -1)
    y_pred = ops.expand_dims(y_pred, -1)
    if base == "focal":
        return keras.losses.binary_focal_crossentropy(y_true, y_pred, gamma=gamma)
    return keras.losses.binary_crossentropy(y_true, y_pred)


@keras.saving.register_keras_serializable(package="skmedimg")
class WeightedBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy (or focal loss) with per-label positive/negative weights.

    Parameters
    ----------
    pos_weight, neg_weight : list of float
        Weight of positive and negative targets, one entry per output label.
    base : {"bce", "focal"}, default="bce"
        Element-wise loss that is weighted.
    gamma : float, default=2.0
        Focusing parameter when ``base="focal"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg._losses import WeightedBinaryCrossentropy
    >>> loss = WeightedBinaryCrossentropy(pos_weight=[4.0], neg_weight=[1.0])
    >>> y_true = np.array([[1.0], [0.0]]); y_pred = np.array([[0.5], [0.5]])
    >>> round(float(loss(y_true, y_pred)), 3)  # (4 + 1) / 2 * ln 2
    1.733
    """

    def __init__(self, pos_weight, neg_weight, base="bce", gamma=2.0, name=None, **kwargs):
        super().__init__(name=name or f"weighted_{base}", **kwargs)
        self.pos_weight = [float(w) for w in pos_weight]
        self.neg_weight = [float(w) for w in neg_weight]
        self.base = base
        self.gamma = float(gamma)

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        terms = _elementwise(self.base, y_true, y_pred, self.gamma)
        pos = ops.convert_to_tensor(self.pos_weight, dtype=y_pred.dtype)
        neg = ops.convert_to_tensor(self.neg_weight, dtype=y_pred.dtype)
        weights = y_true * pos + (1.0 - y_true) * neg
        return ops.mean(terms * weights, axis=-1)

    def get_config(self):
        return {
            **super().get_config(),
            "pos_weight": self.pos_weight,
            "neg_weight": self.neg_weight,
            "base": self.base,
            "gamma": self.gamma,
        }


def _soft_confusion(y_true, y_pred):
    """Soft TP, FP, FN, TN per output column, from probabilities (differentiable)."""
    y_true = ops.cast(y_true, y_pred.dtype)
    tp = ops.sum(y_true * y_pred, axis=0)
    fp = ops.sum((1.0 - y_true) * y_pred, axis=0)
    fn = ops.sum(y_true * (1.0 - y_pred), axis=0)
    tn = ops.sum((1.0 - y_true) * (1.0 - y_pred), axis=0)
    return tp, fp, fn, tn


@keras.saving.register_keras_serializable(package="skmedimg")
class SoftRecallSpecificityLoss(keras.losses.Loss):
    """``1 - (w * recall + (1 - w) * specificity)`` from probabilities.

    Computed over the batch from soft counts (``TP = sum(y * p)``…), so it has
    gradients, unlike recall computed from rounded predictions. With ``w = 0.5`` it is
    one minus the soft balanced accuracy; a larger ``recall_weight`` trades false
    alarms for fewer missed diseases. Averaged over output columns (labels/classes).

    Parameters
    ----------
    recall_weight : float, default=0.5
        Weight ``w`` of recall, in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg._losses import SoftRecallSpecificityLoss
    >>> loss = SoftRecallSpecificityLoss(recall_weight=0.5)
    >>> round(float(loss(np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]]))), 4)
    0.0
    """

    def __init__(self, recall_weight=0.5, name="soft_recall_specificity", **kwargs):
        super().__init__(name=name, **kwargs)
        self.recall_weight = float(recall_weight)

    def call(self, y_true, y_pred):
        tp, fp, fn, tn = _soft_confusion(y_true, y_pred)
        recall = tp / (tp + fn + _EPS)
        specificity = tn / (tn + fp + _EPS)
        w = self.recall_weight
        return 1.0 - ops.mean(w * recall + (1.0 - w) * specificity)

    def get_config(self):
        return {**super().get_config(), "recall_weight": self.recall_weight}


@keras.saving.register_keras_serializable(package="skmedimg")
class SoftFBetaLoss(keras.losses.Loss):
    """``1 - F_beta`` from soft counts over the batch (macro over output columns).

    Parameters
    ----------
    beta : float, default=1.0
        Weight of recall relative to precision (``beta=2`` favours recall).

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg._losses import SoftFBetaLoss
    >>> y = np.array([[1.0], [0.0]])
    >>> round(float(SoftFBetaLoss(beta=2.0)(y, np.array([[0.5], [0.5]]))), 4)
    0.5
    """

    def __init__(self, beta=1.0, name="soft_fbeta", **kwargs):
        super().__init__(name=name, **kwargs)
        self.beta = float(beta)

    def call(self, y_true, y_pred):
        tp, fp, fn, _ = _soft_confusion(y_true, y_pred)
        b2 = self.beta**2
        fbeta = (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp + _EPS)
        return 1.0 - ops.mean(fbeta)

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


LOSS_NAMES = (
    "auto",
    "bce",
    "binary_crossentropy",
    "categorical_crossentropy",
    "weighted_bce",
    "focal",
    "recall_specificity",
    "fbeta",
)
SURROGATE_LOSSES = ("recall_specificity", "fbeta")


def make_loss(name, *, target_type: str, class_weights=None, loss_kwargs=None):
    """Build the Keras loss for a loss name.

    Parameters
    ----------
    name : str
        One of ``LOSS_NAMES``.
    target_type : {"binary", "multiclass", "multilabel-indicator"}
        Target type as given by :func:`sklearn.utils.multiclass.type_of_target`.
    class_weights : tuple of (list, list), optional
        Per-output ``(pos_weight, neg_weight)`` to apply through the loss.
    loss_kwargs : dict, optional
        Routed ``loss__*`` parameters (e.g. ``gamma``, ``beta``, ``recall_weight``).
    """
    kw = dict(loss_kwargs or {})
    multiclass = target_type == "multiclass"
    if name == "auto":
        name = "categorical_crossentropy" if multiclass else "bce"
        if class_weights is not None:
            name = "weighted_bce"
    if name in ("bce", "binary_crossentropy"):
        if multiclass:
            raise ValueError(
                "loss='bce' needs binary or multilabel targets; use 'categorical_crossentropy' "
                "(or 'auto') for multiclass targets."
            )
        return keras.losses.BinaryCrossentropy(**kw)
    if name == "categorical_crossentropy":
        if not multiclass:
            raise ValueError(
                "loss='categorical_crossentropy' needs multiclass targets; use 'bce' for "
                f"{target_type} targets."
            )
        return keras.losses.CategoricalCrossentropy(**kw)
    if name == "focal":
        if multiclass:
            return keras.losses.CategoricalFocalCrossentropy(**kw)
        if class_weights is not None:
            return WeightedBinaryCrossentropy(*class_weights, base="focal", **kw)
        return keras.losses.BinaryFocalCrossentropy(**kw)
    if name == "weighted_bce":
        if multiclass:
            raise ValueError(
                "loss='weighted_bce' needs binary or multilabel targets; for multiclass "
                "targets use class_weight with 'categorical_crossentropy'."
            )
        return WeightedBinaryCrossentropy(*class_weights, **kw)
    if name == "recall_specificity":
        return SoftRecallSpecificityLoss(**kw)
    if name == "fbeta":
        return SoftFBetaLoss(**kw)
    raise ValueError(f"Unknown loss {name!r}; expected one of {LOSS_NAMES} or a Keras loss.")
