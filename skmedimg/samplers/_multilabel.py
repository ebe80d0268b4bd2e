"""MultilabelRandomOverSampler: ML-ROS (Charte et al., 2015) for image arrays.

imbalanced-learn has no multilabel sampler, so the algorithm is written here.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping

import numpy as np
from imblearn.base import BaseSampler
from sklearn.utils.multiclass import type_of_target
from sklearn_compat.utils.validation import validate_data

from .._sklearn_compat import StrOptions
from ._base import ImageSamplerMixin, NumberInterval, check_samples, is_rows, refuse_rows
from ._over import (
    N_JOBS_CONSTRAINT,
    SPATIAL_DIMS_CONSTRAINT,
    AugmentedCopiesMixin,
    AugmentingOverSampler,
)


def check_multilabel(y) -> np.ndarray:
    """``y`` as an (n, n_labels) 0/1 matrix, or a clear error."""
    if y is None:
        raise ValueError(
            "MultilabelRandomOverSampler requires y to be passed, but the target y is None; "
            "give a multilabel indicator matrix of shape (n_samples, n_labels)."
        )
    y = np.asarray(y)
    if y.ndim != 2 or type_of_target(y) != "multilabel-indicator":
        raise ValueError(
            "MultilabelRandomOverSampler needs a multilabel indicator matrix y of shape "
            f"(n_samples, n_labels) with 0/1 entries; got {type_of_target(y)!r} targets of "
            f"shape {y.shape}. For binary or multiclass y use AugmentingOverSampler."
        )
    # scikit-learn calls any 2-valued integer matrix an indicator matrix (0/2, -1/1).
    values = np.unique(y)
    if not np.isin(values, (0, 1)).all():
        raise ValueError(
            "MultilabelRandomOverSampler needs a multilabel indicator matrix y with 0/1 "
            f"entries (1: the image carries the label); got the values {values.tolist()}."
        )
    if not values.any():
        raise ValueError(
            "y has no positive label (every entry is 0): MultilabelRandomOverSampler has "
            "no label to over-sample."
        )
    return y


def imbalance_ratio_per_label(counts: np.ndarray) -> np.ndarray:
    """IRLbl: the most frequent label's count over each label's count (inf for absent)."""
    with np.errstate(divide="ignore"):
        return counts.max() / counts.astype(float)


def ml_ros_indices(Y: np.ndarray, n_new: int, random_state, sampling_strategy="auto"):
    """ML-ROS: clone images of minority labels until none is a minority or ``n_new`` is used.

    With ``sampling_strategy="auto"`` (the paper's rule) a label is a minority while its
    IRLbl exceeds the mean IRLbl of the original data; with a float ``r``, while its count
    is below ``r`` times the most frequent label's count; with a dict, while its count is
    below the dict's value. Labels take turns, each cloning one random image that carries
    it (which also raises the counts of the labels co-occurring in that image).

    Returns ``(indices, draws, unmet)``: the cloned rows, the number of clones drawn for
    each label's turn, and the labels still short of their target when ``n_new`` ran out.
    """
    Y = np.asarray(Y, dtype=np.int64)
    counts = Y.sum(axis=0)
    present = counts > 0
    if isinstance(sampling_strategy, Mapping):
        target = dict(sampling_strategy)

        def reached(label):
            return counts[label] >= target[label]

        minority = np.array(sorted(label for label in target if counts[label] < target[label]),
                            dtype=np.intp)
    elif isinstance(sampling_strategy, str):  # "auto"
        ir = imbalance_ratio_per_label(counts)
        mean_ir = ir[present].mean()

        def reached(label):
            return counts.max() / counts[label] <= mean_ir

        minority = np.flatnonzero(present & (ir > mean_ir))
    else:
        ratio = float(sampling_strategy)

        def reached(label):
            return counts[label] >= ratio * counts.max()

        minority = np.flatnonzero(present & (counts < ratio * counts.max()))
    bags = {label: np.flatnonzero(Y[:, label]) for label in minority}
    draws = dict.fromkeys(bags, 0)
    clones: list[int] = []
    while bags and len(clones) < n_new:
        for label in list(bags):
            if len(clones) >= n_new:
                break
            row = int(random_state.choice(bags[label]))
            clones.append(row)
            draws[label] += 1
            counts += Y[row]
            if reached(label):
                del bags[label]
    return np.asarray(clones, dtype=np.intp), draws, sorted(int(label) for label in bags)


class MultilabelRandomOverSampler(AugmentedCopiesMixin, ImageSamplerMixin, BaseSampler):
    """Over-sample the rarest labels of a multilabel image set (ML-ROS).

    ML-ROS (Charte et al., 2015): the imbalance ratio of a label (IRLbl) is the count of
    the most frequent label over its own; labels whose IRLbl exceeds the mean IRLbl are
    minority labels. Images carrying them are cloned at random, label by label in turn,
    until no minority label remains or the budget ``max_new_fraction * n_samples`` is
    spent. By default the clones get :class:`AugmentingOverSampler`'s mild augmentation.

    Read more in the :ref:`User Guide <resampling>`.

    .. versionadded:: 0.1

    Parameters
    ----------
    sampling_strategy : "auto", float or dict, default="auto"
        Which labels are over-sampled and how far, with imbalanced-learn's meanings
        applied to each label (the number of images carrying it):

        - ``"auto"``: ML-ROS's rule: labels whose IRLbl exceeds the mean IRLbl, until it
          no longer does.
        - float in (0, 1]: the desired ratio of each label's count to the most frequent
          label's count after resampling (imbalanced-learn's minority/majority ratio);
          labels below it are over-sampled.
        - dict: ``{label index: desired number of images carrying it}``; each count must
          be at least the current one, as in imbalanced-learn's over-samplers.

        Cloning an image raises every label it carries, so targets are reached in turns
        and may be exceeded; a target the budget cannot reach gives a ``UserWarning``.

    max_new_fraction : float, default=0.25
        Largest number of new images as a fraction of ``n_samples`` (the paper's P/100).

    sampling_ratio : float, default="deprecated"
        Former name of ``max_new_fraction``.

        .. deprecated:: 0.1
           ``sampling_ratio`` is deprecated and will be removed in 0.3; use
           ``max_new_fraction`` (``sampling_strategy`` is imbalanced-learn's target).

    augmentation : AugmentingOverSampler, "auto" or None, default="auto"
        Whose augmentation parameters (rotation, flip, ...) are applied to the clones,
        validated as in :class:`AugmentingOverSampler`; its ``sampling_strategy``,
        ``random_state`` and ``n_jobs`` are ignored (its ``spatial_dims`` is used when
        this sampler's is ``"auto"``). ``"auto"`` is
        ``AugmentingOverSampler()``'s mild, anatomy-safe default augmentation; ``None``
        clones exactly (and then 2-D rows of features are accepted too).

    random_state : int, RandomState instance or None, default=None
        Seeds the choice of the images to clone and their augmentations: an int gives
        the same output at every call; ``None`` uses NumPy's global random state.

    n_jobs : int, default=None
        Threads that augment the images or volumes and copy the originals into the
        output, in scikit-learn's meaning: ``None`` is 1 unless in a
        :func:`joblib.parallel_config` context, ``-1`` all processors. The result does
        not depend on ``n_jobs``.
    spatial_dims : {"auto", 2, 3}, default="auto"
        How to read ``X``: 2 for images ``(n, H, W[, C])``, 3 for volumes
        ``(n, D, H, W[, C])``, ``"auto"`` as :class:`AugmentingOverSampler` (an
        ambiguous 4-D array is refused). Volumes are augmented in 3-D.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of clones drawn for each over-sampled label (label index: count), as
        imbalanced-learn's over-samplers count new samples per class; a clone also raises
        the other labels its image carries.
    imbalance_ratio_per_label_ : ndarray of shape (n_labels,)
        IRLbl of each label before resampling (inf for a label no image carries).
    mean_imbalance_ratio_ : float
        Mean IRLbl over the labels present, before resampling.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Original image of each output row; originals first, in order.
    intensity_range_ : tuple of float or None
        Data range used by intensity augmentation, ``None`` without it.
    spatial_dims_ : int or None
        2 when ``X`` held images, 3 when it held volumes; ``None`` for 2-D rows.
    n_features_in_ : int
        Values per sample (``H * W * C``, or ``D * H * W * C`` for volumes), as
        :class:`~skmedimg.CNNClassifier` (the number of columns for 2-D rows).
    feature_names_in_ : ndarray of str
        Column names of a DataFrame ``X`` (2-D rows); only when they are all strings.

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
    _parameter_constraints: dict = {
        "sampling_strategy": [StrOptions({"auto"}),
                              NumberInterval(numbers.Real, 0, 1, closed="right"), Mapping],
        "max_new_fraction": [NumberInterval(numbers.Real, 0, None, closed="neither")],
        "sampling_ratio": [NumberInterval(numbers.Real, 0, None, closed="neither"),
                           StrOptions({"deprecated"})],
        "augmentation": [AugmentingOverSampler, StrOptions({"auto"}), None],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS_CONSTRAINT,
        "spatial_dims": SPATIAL_DIMS_CONSTRAINT,
    }
    _rows_hint = "For tabular rows, set augmentation=None (plain clones)."

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        max_new_fraction=0.25,
        sampling_ratio="deprecated",
        augmentation="auto",
        random_state=None,
        n_jobs=None,
        spatial_dims="auto",
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.max_new_fraction = max_new_fraction
        self.sampling_ratio = sampling_ratio
        self.augmentation = augmentation
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.spatial_dims = spatial_dims

    def _spatial_dims_param(self, ndim: int):
        """This sampler's ``spatial_dims``; when "auto", the augmentation's own."""
        own = self.spatial_dims
        theirs = getattr(self.augmentation, "spatial_dims", "auto")
        if isinstance(own, str) and own == "auto":
            return theirs
        if not (isinstance(theirs, str) and theirs == "auto") and theirs != own:
            raise ValueError(
                f"MultilabelRandomOverSampler(spatial_dims={own!r}) and its "
                f"augmentation's spatial_dims={theirs!r} disagree; set one of them."
            )
        return own

    @property
    def _size_param(self) -> str:
        """The parameter named by the memory check: the one that sets the budget."""
        return "max_new_fraction" if self.sampling_ratio == "deprecated" else "sampling_ratio"

    def _check_X_y(self, X, y, accept_sparse=None):
        rows = is_rows(X)
        if rows:
            spec = self._augmentation_spec()
            if spec is not None and spec.operations:
                refuse_rows(X, type(self).__name__, self._rows_hint)
        else:
            X, self._fit_dims = check_samples(X, self._spatial_dims_param)
        y = check_multilabel(y)
        X, y = validate_data(
            self, X=X, y=y, reset=True, allow_nd=not rows, dtype=None,
            ensure_all_finite=False, multi_output=True, accept_sparse=["csr", "csc"],
        )
        if not rows:
            self.n_features_in_ = int(np.prod(X.shape[1:]))  # as CNNClassifier
        self._check_strategy_counts(y)
        return X, y, False

    def _check_y_indices(self, y):
        y = check_multilabel(y)
        self._check_strategy_counts(y)
        return y

    def _check_strategy_counts(self, Y) -> None:
        """Validate a dict ``sampling_strategy`` against ``Y``; fix the budget (once)."""
        self._budget = self.max_new_fraction
        if self.sampling_ratio != "deprecated":
            warnings.warn(
                "sampling_ratio is deprecated in 0.1 and will be removed in 0.3; use "
                "max_new_fraction (the same budget). sampling_strategy now says which "
                "labels are over-sampled and how far, as in imbalanced-learn.",
                FutureWarning, stacklevel=2,
            )
            self._budget = self.sampling_ratio
        if not isinstance(self.sampling_strategy, Mapping):
            return
        n_labels = Y.shape[1]
        counts = np.asarray(Y, dtype=np.int64).sum(axis=0)
        for label, wanted in self.sampling_strategy.items():
            if isinstance(label, (bool, np.bool_)) or not isinstance(label, numbers.Integral) \
                    or not 0 <= label < n_labels:
                raise ValueError(
                    f"sampling_strategy keys must be label indices (columns of y) in "
                    f"[0, {n_labels - 1}]; got {label!r}."
                )
            if isinstance(wanted, (bool, np.bool_)) or not isinstance(wanted, numbers.Integral):
                raise ValueError(
                    "sampling_strategy values must be the number of images wanted with "
                    f"each label, as ints; got {wanted!r} for label {label}."
                )
            if wanted < counts[label]:
                raise ValueError(
                    "With over-sampling methods, the number of images carrying a label "
                    f"must be at least the original one: label {label} is carried by "
                    f"{counts[label]} images and sampling_strategy asks for {wanted}."
                )
            if counts[label] == 0 and wanted > 0:
                raise ValueError(
                    f"No image carries label {label}: it cannot be over-sampled "
                    f"(sampling_strategy asks for {wanted} images)."
                )

    def _n_new_samples(self, y) -> int:
        return int(self._budget * len(y))  # ML-ROS's budget, an upper bound

    def _augmentation_spec(self):
        self._validate_params()
        if self.augmentation is None:
            return None
        augmentation = AugmentingOverSampler() if self.augmentation == "auto" \
            else self.augmentation
        try:
            return augmentation._augmentation_spec()
        except ValueError as exc:  # name this sampler's parameter too
            raise type(exc)(f"MultilabelRandomOverSampler(augmentation=...): {exc}") from exc

    def _draw_new(self, Y, random_state) -> np.ndarray:
        counts = np.asarray(Y, dtype=np.int64).sum(axis=0)
        self.imbalance_ratio_per_label_ = imbalance_ratio_per_label(counts)
        self.mean_imbalance_ratio_ = float(self.imbalance_ratio_per_label_[counts > 0].mean())
        n_new = int(self._budget * Y.shape[0])
        clones, draws, unmet = ml_ros_indices(Y, n_new, random_state, self.sampling_strategy)
        self.sampling_strategy_ = {int(label): n for label, n in draws.items()}
        if unmet and self.sampling_strategy != "auto":
            warnings.warn(
                f"MultilabelRandomOverSampler: the budget of {n_new} new images "
                f"({self._size_param}={self._budget}) ran out before label(s) {unmet} "
                f"reached sampling_strategy={self.sampling_strategy!r}; raise "
                f"{self._size_param} to reach them.",
                UserWarning, stacklevel=2,
            )
        return clones

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags
