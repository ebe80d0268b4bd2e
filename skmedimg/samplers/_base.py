"""What every image sampler shares: N-D input validation, tags and index-only resampling.

imbalanced-learn validates ``X`` as a 2-D feature matrix in ``_check_X_y``, which both
``fit`` and ``fit_resample`` call. Overriding that one hook (anchors P1) is all it takes
for image arrays; the rest of imbalanced-learn's machinery (``sampling_strategy``,
parameter validation, one-hot round trip) stays in charge.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.utils.multiclass import type_of_target
from sklearn_compat.utils.validation import validate_data

from .._sklearn_compat import Interval
from .._validation import check_images, check_resampled_size


class NumberInterval(Interval):
    """scikit-learn's ``Interval`` constraint, refusing booleans.

    ``bool`` is a ``numbers.Integral``: ``rotation=True`` would otherwise be accepted as
    a rotation of 1 degree, ``batch_size=True`` as batches of one image.
    """

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def check_strategy_counts(sampling_strategy, y, *, owner: str) -> None:
    """Counts of a ``sampling_strategy`` dict (or of a callable's dict) must be ints >= 0.

    imbalanced-learn hands float counts on to NumPy (a TypeError about "a sequence of
    integers"), and takes ``True`` as one image.
    """
    if callable(sampling_strategy):
        sampling_strategy = sampling_strategy(y)
    if not isinstance(sampling_strategy, Mapping):
        return
    bad = {
        key: value for key, value in sampling_strategy.items()
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral)
        or value < 0
    }
    if bad:
        raise ValueError(
            f"{owner}: sampling_strategy must give the number of images wanted per class "
            f"as an int >= 0 (a dict, as in imbalanced-learn); got {bad!r}."
        )

MULTILABEL_HINT = (
    "y is a multilabel indicator matrix (some rows have several or no labels); "
    "imbalanced-learn's sampling_strategy is defined for one label per image. Use "
    "skmedimg.samplers.MultilabelRandomOverSampler (ML-ROS) for multilabel targets."
)


def check_single_label(y):
    """Reject real multilabel targets with a clear message; one-hot passes (imblearn P2)."""
    y_arr = np.asarray(y)
    if y_arr.ndim == 2 and type_of_target(y_arr) == "multilabel-indicator":
        if np.any(y_arr.sum(axis=1) != 1):
            raise ValueError(MULTILABEL_HINT)
    return y


class ImageSamplerMixin:
    """Mixin placed *before* an imbalanced-learn sampler base to accept image arrays.

    ``X`` must be ``(n, H, W)`` or ``(n, H, W, C)``, of any real dtype; it is neither
    copied nor cast. ``n_features_in_`` is the number of pixel values per image
    (``H * W * C``), as :class:`~skmedimg.CNNClassifier` sets it (imbalanced-learn would
    set ``X.shape[1]``, the image height).
    """

    _size_param = "sampling_strategy"  # the parameter that sets the output size

    def fit_resample(self, X, y, **params):
        """Resample images ``X`` and targets ``y``; see the class docstring."""
        if isinstance(X, (list, tuple)):
            # imbalanced-learn hands back the input's type: a list of images would come
            # back as nested Python lists of pixels. Images come back as one array.
            X = check_images(X, name="X")
        return super().fit_resample(X, y, **params)

    def _n_new_samples(self, y) -> int:
        """Most new rows resampling ``y`` can create (after ``sampling_strategy_``)."""
        if self._sampling_type == "over-sampling":
            return int(sum(self.sampling_strategy_.values()))
        return 0

    def _check_resampled_size(self, y, image_bytes: int) -> None:
        """Refuse, before drawing anything, a resampling that cannot fit in memory."""
        # 16 bytes per row: the sample index and the label kept next to each image.
        check_resampled_size(len(y) + self._n_new_samples(y), int(image_bytes) + 16,
                             owner=type(self).__name__, param=self._size_param)

    def _check_X_y(self, X, y, accept_sparse=None):
        X = check_images(X, name="X")
        y, binarize_y = check_target_type(check_single_label(y), indicate_one_vs_all=True)
        # check_images already rejected NaN/inf; dtype=None keeps uint8/uint16 as they are.
        X, y = validate_data(
            self, X=X, y=y, reset=True, allow_nd=True, dtype=None, ensure_all_finite=False
        )
        self.n_features_in_ = int(np.prod(X.shape[1:]))  # one meaning across skmedimg
        self._check_strategy_counts(y)
        return X, y, binarize_y

    def _check_y_indices(self, y):
        """Validate ``y`` for index-only resampling (no images at hand)."""
        y = check_target_type(check_single_label(y))
        self._check_strategy_counts(y)
        return y

    def _check_strategy_counts(self, y) -> None:
        check_strategy_counts(getattr(self, "sampling_strategy", None), y,
                              owner=type(self).__name__)

    def _fit_resample_indices(self, y, *, image_bytes: int = 0) -> np.ndarray:
        """Resample ``y`` only and return ``sample_indices_`` (used by balanced batches).

        Same parameter checks and ``sampling_strategy_`` as ``fit_resample``; the rows at
        positions ``len(y):`` of the result are new (synthetic) rows for over-samplers.
        ``image_bytes`` (bytes per image) sizes the memory check of the epoch's images.
        """
        self._validate_params()
        y = self._check_y_indices(y)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y, self._sampling_type
        )
        self._check_resampled_size(y, image_bytes)
        return self._resample_indices(y)

    def _resample_indices(self, y) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # scikit-learn has no 4-D tag; three_d_array is the closest (anchors P4).
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = False
        tags.input_tags.dataframe = False
        tags.input_tags.string = False
        tags.input_tags.allow_nan = False
        tags.sampler_tags.sample_indices = True
        return tags
