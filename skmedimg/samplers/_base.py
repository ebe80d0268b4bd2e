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
from scipy.sparse import issparse
from sklearn.utils.multiclass import type_of_target
from sklearn_compat.utils.validation import validate_data

from .._sklearn_compat import Interval
from .._validation import (
    IMAGE_SHAPE_HINT,
    as_pixel_array,
    check_images,
    check_resampled_size,
    is_lazy_images,
    resolve_spatial_dims,
)


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


def index_only_dims(ndim: int):
    """The ``spatial_dims`` reading for a sampler that only indexes samples: any 3- to
    5-D array is taken (images or volumes, the layout does not matter to a selection);
    other arrays get ``"auto"``'s error naming the accepted shapes."""
    return 3 if ndim == 5 else 2 if ndim in (3, 4) else "auto"


def check_samples(X, spatial_dims) -> tuple[np.ndarray, int]:
    """Validate images or volumes ``X`` (no copy); ``spatial_dims`` is a parameter value
    or a callable ``ndim -> value``. Returns ``(X, spatial dims)``."""
    X = as_pixel_array(X, name="X")
    if callable(spatial_dims):
        spatial_dims = spatial_dims(X.ndim)
    X = check_images(X, name="X", spatial_dims=spatial_dims)
    return X, resolve_spatial_dims(X.shape, spatial_dims)


def is_rows(X) -> bool:
    """Whether ``X`` is what imbalanced-learn takes: 2-D rows (a 2-D array or list, a
    DataFrame, a sparse matrix), as opposed to a stack of images (3-D to 5-D)."""
    if issparse(X):
        return True
    if isinstance(X, (list, tuple)):
        if len(X) and hasattr(X[0], "shape"):  # a list of arrays: one per sample
            return len(X[0].shape) == 1
        try:
            return np.ndim(X) == 2
        except ValueError:  # ragged: check_images explains it
            return False
    return getattr(X, "ndim", None) == 2


def is_list_of_images(X) -> bool:
    """A Python list of arrays of 2 or more dimensions (one image each)."""
    return isinstance(X, list) and bool(len(X)) and all(
        hasattr(x, "shape") and len(x.shape) >= 2 for x in X
    )


def refuse_rows(X, owner: str, hint: str) -> None:
    """The error for 2-D rows given to a sampler that augments images geometrically;
    ``hint`` says how to get plain copies of rows instead."""
    if issparse(X):
        raise TypeError(
            f"X is a sparse matrix ({type(X).__name__}); sparse matrices are not supported "
            f"for images. {owner} needs a dense image array of shape {IMAGE_SHAPE_HINT}."
        )
    shape = getattr(X, "shape", None) or np.shape(X)
    raise ValueError(
        f"X must be an image array of shape {IMAGE_SHAPE_HINT}; got an array with ndim=2 "
        f"and shape {tuple(shape)}. {owner} rotates, flips, shifts and blurs images, which "
        "2-D rows of features are not: reshape flattened images first (e.g. "
        f"X.reshape(-1, 28, 28)). {hint}"
    )


def refuse_lazy(X, owner: str) -> None:
    """Resampling copies images into memory: refuse collections kept on disk."""
    if is_lazy_images(X):
        raise TypeError(
            f"X is an image collection kept on disk ({type(X).__name__} of shape "
            f"{tuple(X.shape)}); {owner}.fit_resample would copy the resampled images into "
            f"memory. Balance on the fly instead, reading one batch at a time: "
            f"CNNClassifier(sampler={owner}(...)) or BalancedBatchDataset(X, y, "
            f"sampler={owner}(...))."
        )


class ImageSamplerMixin:
    """Mixin placed *before* an imbalanced-learn sampler base to accept image arrays.

    ``X`` must be images ``(n, H, W)`` or ``(n, H, W, C)`` or volumes ``(n, D, H, W)`` or
    ``(n, D, H, W, C)``, of any real dtype; it is neither copied nor cast.
    ``n_features_in_`` is the number of values per sample (``H * W * C`` or
    ``D * H * W * C``), as :class:`~skmedimg.CNNClassifier` sets it (imbalanced-learn
    would set ``X.shape[1]``). 2-D rows (what imbalanced-learn takes) go to
    ``_check_rows``, which refuses them unless a sampler says otherwise. Samplers that
    only index samples take any 3- to 5-D array; those that augment read it with their
    ``spatial_dims`` (``_spatial_dims_param``).
    """

    _size_param = "sampling_strategy"  # the parameter that sets the output size

    def fit(self, X, y, **params):
        """Check the data and the parameters, and set ``sampling_strategy_``.

        Nothing is resampled: use :meth:`fit_resample` (as in imbalanced-learn).

        Parameters
        ----------
        X : {array-like, list of ndarray} of shape (n_samples, height, width[, channels]) \
                or (n_samples, depth, height, width[, channels])
            Images or volumes, as for :meth:`fit_resample`.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Target labels.
        **params : dict
            Extra parameters for the sampler (none are used by skmedimg's samplers).

        Returns
        -------
        self : object
            The sampler itself.
        """
        refuse_lazy(X, type(self).__name__)
        return super().fit(X, y, **params)

    def fit_resample(self, X, y, **params):
        """Resample the data set: images (or 2-D rows) ``X`` and targets ``y``.

        Parameters
        ----------
        X : {array-like, list of ndarray} of shape (n_samples, height, width[, channels]) \
                or (n_samples, depth, height, width[, channels])
            Images or volumes of any real dtype, or a list of equally shaped ones. Samplers that
            take tabular data also accept imbalanced-learn's 2-D input (array-like,
            DataFrame or sparse matrix of shape (n_samples, n_features)).
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Target labels (one-hot targets come back one-hot, as in imbalanced-learn).
        **params : dict
            Extra parameters for the sampler (none are used by skmedimg's samplers).

        Returns
        -------
        X_resampled : ndarray, list of ndarray or the type of ``X``
            The resampled images, in the dtype of ``X``: an array for an array, a list
            of images for a list of images; 2-D input comes back as imbalanced-learn
            returns it (same container type).
        y_resampled : ndarray of shape (n_samples_new,) or (n_samples_new, n_classes)
            The target of each row of ``X_resampled``, in the container type of ``y``.
        """
        refuse_lazy(X, type(self).__name__)
        images_list = is_list_of_images(X)
        if images_list:
            # Stack once; imbalanced-learn's own list round trip (``.tolist()``) would
            # turn every image into nested Python lists of pixels.
            X, _ = check_samples(X, self._spatial_dims_param)
        output = super().fit_resample(X, y, **params)
        if images_list:
            output = (list(output[0]), *output[1:])
        return output

    def _check_X_y(self, X, y, accept_sparse=None):
        if is_rows(X):
            return self._check_rows(X, y)
        X, self._fit_dims = check_samples(X, self._spatial_dims_param)
        y, binarize_y = check_target_type(check_single_label(y), indicate_one_vs_all=True)
        # check_images already rejected NaN/inf; dtype=None keeps uint8/uint16 as they are.
        X, y = validate_data(
            self, X=X, y=y, reset=True, allow_nd=True, dtype=None, ensure_all_finite=False
        )
        self.n_features_in_ = int(np.prod(X.shape[1:]))  # one meaning across skmedimg
        self._check_strategy_counts(y)
        return X, y, binarize_y

    def _spatial_dims_param(self, ndim: int):
        """How to read an ``ndim``-D ``X``: images or volumes (see ``index_only_dims``);
        samplers with a ``spatial_dims`` parameter return it."""
        return index_only_dims(ndim)

    def _check_rows(self, X, y):
        """Validate 2-D rows; this default refuses them (the sampler needs images)."""
        refuse_rows(X, type(self).__name__, "")

    def _check_rows_as_imblearn(self, X, y, *, accept_sparse=("csr", "csc"), dtype=None,
                                ensure_all_finite=False):
        """2-D rows validated as imbalanced-learn's samplers do; by default as those that
        only index ``X`` (any dtype, NaN allowed). ``n_features_in_`` is the number of
        columns."""
        y, binarize_y = check_target_type(check_single_label(y), indicate_one_vs_all=True)
        X, y = validate_data(
            self, X=X, y=y, reset=True, accept_sparse=list(accept_sparse) or False,
            dtype=dtype, ensure_all_finite=ensure_all_finite,
        )
        self._check_strategy_counts(y)
        return X, y, binarize_y

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
