"""MultilabelRandomOverSampler: ML-ROS (Charte et al., 2015) for image arrays.

imbalanced-learn has no multilabel sampler, so the algorithm is written here.
"""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils import Substitution
from imblearn.utils._docstring import _random_state_docstring
from sklearn.utils.multiclass import type_of_target
from sklearn_compat.utils.validation import validate_data

from .._sklearn_compat import HasMethods, Interval
from .._validation import check_images
from ._base import ImageSamplerMixin
from ._over import AugmentedCopiesMixin


def check_multilabel(y) -> np.ndarray:
    """``y`` as an (n, n_labels) 0/1 matrix, or a clear error."""
    y = np.asarray(y)
    if y.ndim != 2 or type_of_target(y) != "multilabel-indicator":
        raise ValueError(
            "MultilabelRandomOverSampler needs a multilabel indicator matrix y of shape "
            f"(n_samples, n_labels) with 0/1 entries; got {type_of_target(y)!r} targets of "
            f"shape {y.shape}. For binary or multiclass y use AugmentingOverSampler."
        )
    return y


def imbalance_ratio_per_label(counts: np.ndarray) -> np.ndarray:
    """IRLbl: the most frequent label's count over each label's count (inf for absent)."""
    with np.errstate(divide="ignore"):
        return counts.max() / counts.astype(float)


def ml_ros_indices(Y: np.ndarray, n_new: int, random_state) -> np.ndarray:
    """ML-ROS: clone images of minority labels until none is a minority or ``n_new`` is used.

    A label is a minority while its IRLbl exceeds the mean IRLbl of the original data;
    labels take turns, each cloning one random image that carries it (which also raises
    the counts of the labels co-occurring in that image).
    """
    counts = Y.sum(axis=0).astype(np.int64)
    ir = imbalance_ratio_per_label(counts)
    present = counts > 0
    mean_ir = ir[present].mean()
    minority = np.flatnonzero(present & (ir > mean_ir))
    bags = {label: np.flatnonzero(Y[:, label]) for label in minority}
    clones: list[int] = []
    while bags and len(clones) < n_new:
        for label in list(bags):
            if len(clones) >= n_new:
                break
            row = int(random_state.choice(bags[label]))
            clones.append(row)
            counts += Y[row]
            if counts.max() / counts[label] <= mean_ir:
                del bags[label]
    return np.asarray(clones, dtype=np.intp)


@Substitution(random_state=_random_state_docstring)
class MultilabelRandomOverSampler(AugmentedCopiesMixin, ImageSamplerMixin, BaseSampler):
    """Over-sample the rarest labels of a multilabel image set (ML-ROS).

    ML-ROS (Charte et al., 2015): the imbalance ratio of a label (IRLbl) is the count of
    the most frequent label over its own; labels whose IRLbl exceeds the mean IRLbl are
    minority labels. Images carrying them are cloned at random, label by label in turn,
    until no minority label remains or the budget ``sampling_ratio * n_samples`` is
    spent. Clones can be augmented like :class:`AugmentingOverSampler`'s new images.

    .. versionadded:: 0.1

    Parameters
    ----------
    sampling_ratio : float, default=0.25
        Largest number of new images as a fraction of ``n_samples`` (the paper's P/100).

    augmentation : AugmentingOverSampler, default=None
        Whose augmentation parameters (rotation, flip, ...) are applied to the clones;
        its ``sampling_strategy`` and ``random_state`` are ignored. ``None`` clones
        exactly.

    {random_state}

    Attributes
    ----------
    imbalance_ratio_per_label_ : ndarray of shape (n_labels,)
        IRLbl of each label before resampling (inf for a label no image carries).
    mean_imbalance_ratio_ : float
        Mean IRLbl over the labels present, before resampling.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Original image of each output row; originals first, in order.
    intensity_range_ : tuple of float or None
        Data range used by intensity augmentation, ``None`` without it.
    n_features_in_ : int
        ``X.shape[1]`` (the image height).

    See Also
    --------
    AugmentingOverSampler : Over-sampling for binary and multiclass targets.

    References
    ----------
    .. [1] F. Charte, A. J. Rivera, M. J. del Jesus, F. Herrera, "Addressing imbalance in
       multilabel classification: Measures and random resampling algorithms",
       Neurocomputing 163, pp. 3-16, 2015.

    Examples
    --------
    >>> from skmedimg.datasets import make_lesion_images
    >>> from skmedimg.samplers import MultilabelRandomOverSampler
    >>> X, Y = make_lesion_images(100, multilabel=True, image_size=16, random_state=0)
    >>> Y.sum(axis=0).tolist()
    [20, 10, 5]
    >>> X_res, Y_res = MultilabelRandomOverSampler(random_state=0).fit_resample(X, Y)
    >>> X_res.shape, Y_res.sum(axis=0).tolist()
    ((106, 16, 16), [25, 13, 11])
    """

    _sampling_type = "bypass"
    _size_param = "sampling_ratio"  # named by the memory check of _check_resampled_size
    _parameter_constraints: dict = {
        "sampling_ratio": [Interval(numbers.Real, 0, None, closed="neither")],
        "augmentation": [HasMethods(["_augmentation_spec"]), None],
        "random_state": ["random_state"],
    }

    def __init__(self, *, sampling_ratio=0.25, augmentation=None, random_state=None):
        super().__init__()
        self.sampling_ratio = sampling_ratio
        self.augmentation = augmentation
        self.random_state = random_state

    def _check_X_y(self, X, y, accept_sparse=None):
        X = check_images(X, name="X")
        y = check_multilabel(y)
        X, y = validate_data(
            self, X=X, y=y, reset=True, allow_nd=True, dtype=None, ensure_all_finite=False,
            multi_output=True,
        )
        return X, y, False

    def _check_y_indices(self, y):
        return check_multilabel(y)

    def _n_new_samples(self, y) -> int:
        return int(self.sampling_ratio * len(y))  # ML-ROS's budget, an upper bound

    def _augmentation_spec(self):
        return None if self.augmentation is None else self.augmentation._augmentation_spec()

    def _draw_new(self, Y, random_state) -> np.ndarray:
        counts = Y.sum(axis=0)
        self.imbalance_ratio_per_label_ = imbalance_ratio_per_label(counts)
        self.mean_imbalance_ratio_ = float(self.imbalance_ratio_per_label_[counts > 0].mean())
        n_new = int(self.sampling_ratio * Y.shape[0])
        return ml_ros_indices(Y, n_new, random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags
