"""AugmentingOverSampler: new minority images are random augmentations of real ones."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.over_sampling.base import BaseOverSampler
from scipy import sparse
from scipy.sparse import issparse
from sklearn.utils import check_random_state

from .._sklearn_compat import StrOptions
from ._augment import (
    AugmentationSpec,
    augment_images,
    check_augmentation,
    copy_unit,
    make_spec,
    value_range,
)
from ._base import ImageSamplerMixin, NumberInterval, refuse_rows

_AUGMENTATION_PARAMS = (
    "rotation", "flip", "shift", "zoom", "blur", "blur_sigma", "brightness", "contrast",
    "gamma", "n_operations", "rotation_axes",
)

# Every range keeps an augmentation an image of the same anatomy: at most a half turn;
# a shift or zoom below the whole image (a shift of 1 would wrap it onto its mirror, a
# zoom of 1 shrink it to a point); contrast factors above 0 (1 allows a flat image);
# brightness moves of at most half the intensity range; gamma exponents in [1/4, 4].
# Booleans are refused where a number is meant (rotation=True is not "rotate").
AUGMENTATION_CONSTRAINTS: dict = {
    "rotation": [NumberInterval(numbers.Real, 0, 180, closed="both")],
    "flip": ["boolean", StrOptions({"horizontal", "vertical", "both"}), tuple, list],
    "shift": [NumberInterval(numbers.Real, 0, 1, closed="left")],
    "zoom": [NumberInterval(numbers.Real, 0, 1, closed="left")],
    "blur": ["boolean", NumberInterval(numbers.Real, 0, 1, closed="both")],
    "blur_sigma": [tuple, list],
    "brightness": [NumberInterval(numbers.Real, 0, 0.5, closed="both")],
    "contrast": [NumberInterval(numbers.Real, 0, 1, closed="left")],
    "gamma": [NumberInterval(numbers.Real, 0, 3, closed="both")],
    "n_operations": [NumberInterval(numbers.Integral, 1, None, closed="left"), None],
    "rotation_axes": [tuple, list],
}
# How to read X: images (2), volumes (3), or from its shape ("auto", as check_images).
SPATIAL_DIMS_CONSTRAINT = [StrOptions({"auto"}),
                           NumberInterval(numbers.Integral, 2, 3, closed="both")]
# scikit-learn's meaning of n_jobs; 0 means nothing (joblib refuses it), a bool is no count.
N_JOBS_CONSTRAINT = [NumberInterval(numbers.Integral, None, -1, closed="right"),
                     NumberInterval(numbers.Integral, 1, None, closed="left"), None]


def _seed(random_state) -> int:
    """An int seed drawn from a RandomState, to start a ``numpy.random.Generator``."""
    return int(random_state.randint(np.iinfo(np.int32).max))


def resample_images(X, y, new_indices, spec, random_state, n_jobs=None, spatial_dims=None):
    """Originals first (bit-exact, in order), then augmented copies of ``X[new_indices]``.

    Allocates the output once and writes the augmentations into it: no stacked copies
    (anchors P3). Returns ``(X_resampled, y_resampled, sample_indices, intensity_range)``.
    """
    n = X.shape[0]
    X_res = np.empty((n + len(new_indices),) + X.shape[1:], dtype=X.dtype)
    intensity_range = value_range(X) if spec is not None and spec.uses_intensity else None
    # The originals are copied on the augmentation's threads, concurrently with it.
    augment_images(
        X, new_indices, spec, rng=np.random.default_rng(_seed(random_state)),
        out=X_res[n:], intensity_range=intensity_range, n_jobs=n_jobs,
        spatial_dims=spatial_dims, alongside=[copy_unit(X, X_res[:n])],
    )
    y_res = np.concatenate([y, y[new_indices]])
    return X_res, y_res, np.concatenate([np.arange(n), new_indices]), intensity_range


class AugmentedCopiesMixin:
    """Originals first, then augmented copies of the rows ``_draw_new`` picks.

    Shared by the over-samplers; a subclass provides ``_draw_new(y, random_state)``
    (indices of the source rows of the new images), ``_augmentation_spec()`` and
    ``_rows_hint`` (how to get plain copies, for the error on 2-D rows).
    """

    _rows_hint = ""

    def _check_rows(self, X, y):
        # Rows of features cannot be rotated or blurred; without augmentation the new
        # rows are plain copies, which is what RandomOverSampler does with rows.
        spec = self._augmentation_spec()
        if spec is not None and spec.operations:
            refuse_rows(X, type(self).__name__, self._rows_hint)
        return self._check_rows_as_imblearn(X, y)

    def _takes_rows(self) -> bool:
        """Whether 2-D rows are accepted: only when no augmentation is asked for."""
        try:
            spec = self._augmentation_spec()
        except (ValueError, TypeError):  # invalid parameters: fit will say so
            return False
        return spec is None or not spec.operations

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self._takes_rows():  # as RandomOverSampler takes rows
            tags.input_tags.two_d_array = True
            tags.input_tags.sparse = True
            tags.input_tags.dataframe = True
            tags.input_tags.string = True
            tags.input_tags.allow_nan = True
        return tags

    def _resample_indices(self, y):
        self._augmentation_spec()  # validate before a long training run starts
        new = self._draw_new(y, check_random_state(self.random_state))
        self.sample_indices_ = np.concatenate([np.arange(len(y)), new])
        return self.sample_indices_

    def _fit_resample(self, X, y):
        if issparse(X):  # rows, accepted only without augmentation: copies, as imblearn
            random_state = check_random_state(self.random_state)
            new = self._draw_new(y, random_state)
            self.sample_indices_ = np.concatenate([np.arange(X.shape[0]), new])
            self.intensity_range_ = self.spatial_dims_ = None
            return sparse.vstack([X, X[new]], format=X.format), y[self.sample_indices_]
        self._check_resampled_size(y, X[0].nbytes)
        spec = self._augmentation_spec()
        if X.ndim < 3:  # 2-D rows, accepted only without augmentation
            spec = self.spatial_dims_ = None
        else:
            self.spatial_dims_ = self._fit_dims
            check_augmentation(spec, X.shape[1 : 1 + self.spatial_dims_])
        random_state = check_random_state(self.random_state)
        new = self._draw_new(y, random_state)
        X_res, y_res, self.sample_indices_, self.intensity_range_ = resample_images(
            X, y, new, spec, random_state, n_jobs=self.n_jobs, spatial_dims=self.spatial_dims_
        )
        return X_res, y_res


class AugmentingOverSampler(AugmentedCopiesMixin, ImageSamplerMixin, BaseOverSampler):
    """Over-sample image (or volume) classes with random augmentations of their own samples.

    Works as imbalanced-learn's ``RandomOverSampler`` -- same ``sampling_strategy``,
    same draw of source images for a given ``random_state`` -- but every new image is a
    random augmentation of its source: rotation, flips, shift and zoom fused into one
    OpenCV warp, then Gaussian blur, then gamma, contrast and brightness. Images keep
    their dtype (uint8, uint16, float...) and intensity range; the original images come
    back first, bit-exact and in order.

    3-D volumes ``(n, D, H, W[, C])`` (uint8, uint16, int16 Hounsfield units, float...)
    get the same steps in 3-D: one fused affine per volume (trilinear interpolation),
    a 3-D Gaussian blur and the same intensity steps; see ``spatial_dims`` and Notes.

    The defaults are a mild, anatomy-safe augmentation: rotations up to 10 degrees
    (in the axial plane of volumes), shifts and zooms up to 5 %, brightness and contrast
    changes up to 5 %; no flip (laterality matters in medical images) and no blur.
    Exact copies only when asked: set ``rotation=0, shift=0, zoom=0, brightness=0,
    contrast=0`` (or use imbalanced-learn's ``RandomOverSampler`` through
    :class:`ImageSamplerAdapter`).

    Read more in the :ref:`User Guide <resampling>`.

    .. versionadded:: 0.1

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many images each class should have after resampling, with
        imbalanced-learn's meaning (as ``RandomOverSampler``):

        - float: the desired ratio of the minority class's count to the majority
          class's after resampling (binary targets only).
        - str: which classes are over-sampled up to the majority class's count:
          ``"minority"``, ``"not minority"``, ``"not majority"``, ``"all"``, or
          ``"auto"`` (``"not majority"``).
        - dict: ``{class: desired number of images}`` for the classes to over-sample.
        - callable: ``sampling_strategy(y)`` returning such a dict.

    random_state : int, RandomState instance or None, default=None
        Seeds the choice of source images and the augmentations: an int gives the same
        output at every call; ``None`` uses NumPy's global random state.

    rotation : float in [0, 180], default=10.0
        Largest rotation in degrees; angles are uniform in ``[-rotation, rotation]``.
    flip : bool, {"horizontal", "vertical", "both"} or tuple of int, default=False
        Allowed mirror axes; each flips with probability 1/2. ``True`` is
        ``"horizontal"`` (left-right, the width axis), ``"vertical"`` the height axis,
        ``"both"`` the two. A tuple lists axes of one sample: for volumes 0 (depth),
        1 (height), 2 (width); for images 0 (height), 1 (width). Off by default: a
        mirrored chest X-ray shows the heart on the wrong side.
    shift : float in [0, 1), default=0.05
        Largest translation as a fraction of the image width/height (and depth of
        volumes), in whole pixels (voxels).
    zoom : float in [0, 1), default=0.05
        Scale factors are uniform in ``[1 - zoom, 1 + zoom]`` (isotropic for volumes).
    blur : bool or float in [0, 1], default=False
        Probability of a Gaussian blur (``True`` is 0.5).
    blur_sigma : (float, float), default=(0.5, 1.5)
        Range of the blur's standard deviation in pixels (voxels); the larger one must
        not exceed a quarter of the image's height and width (and volume's depth): a
        wider blur flattens the image.
    brightness : float in [0, 0.5], default=0.05
        Largest additive intensity shift, as a fraction of the data's intensity range.
    contrast : float in [0, 1), default=0.05
        Contrast factors around each image's mean are uniform in
        ``[1 - contrast, 1 + contrast]``.
    gamma : float in [0, 3], default=0.0
        Gamma exponents are log-uniform in ``[1 / (1 + gamma), 1 + gamma]``, applied on
        the data's intensity range.
    n_operations : int, default=None
        ``None`` applies every enabled step to every new image (a flip or blur still by
        its own probability). An int applies that many enabled steps, chosen at random
        per image (as RandAugment), and a chosen flip or blur always happens (a chosen
        flip flips one of the allowed axes).
    rotation_axes : tuple of int, default=(0,)
        Volumes only: the axes rotations turn about, 0 (depth), 1 (height), 2 (width);
        each listed axis gets its own angle in ``[-rotation, rotation]``. The default
        turns volumes within their axial (height, width) slices; ``(0, 1, 2)`` turns them
        about any axis (slower: see Notes). Images turn in their plane whatever it is.

    n_jobs : int, default=None
        Threads that augment the images or volumes and copy the originals into the
        output, in scikit-learn's meaning: ``None`` is 1 unless in a
        :func:`joblib.parallel_config` context, ``-1`` all processors. Large images are
        split among them whole; small ones by the OpenCV calls they share. The result
        does not depend on ``n_jobs``.
    spatial_dims : {"auto", 2, 3}, default="auto"
        How to read ``X``: 2 for images ``(n, H, W[, C])``, 3 for volumes
        ``(n, D, H, W[, C])``. ``"auto"`` reads 3-D arrays as images, 5-D arrays as
        volumes and 4-D arrays as images when their last axis has 1 to 4 entries
        (channels); any other 4-D array is ambiguous and refused: pass 2 or 3 (or give
        volumes a channel axis, ``X[..., None]``, as skmedimg's volume loaders do).

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of *new* images per class, as in imbalanced-learn's over-samplers.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Index of the original image each output row is (or is augmented from).
    intensity_range_ : tuple of float or None
        ``(min, max)`` of the data, within which intensity steps work and clip; ``None``
        when no intensity step is enabled.
    spatial_dims_ : int or None
        2 when ``X`` held images, 3 when it held volumes; ``None`` for 2-D rows.
    n_features_in_ : int
        Values per sample (``H * W * C``, or ``D * H * W * C`` for volumes), as
        :class:`~skmedimg.CNNClassifier` (the number of columns for 2-D rows).
    feature_names_in_ : ndarray of str
        Column names of a DataFrame ``X`` (2-D rows); only when they are all strings.

    See Also
    --------
    imblearn.over_sampling.RandomOverSampler : The same without augmentation, 2-D only.
    RandomImageUnderSampler : Under-sample image classes.
    MultilabelRandomOverSampler : Over-sampling for multilabel targets (ML-ROS).
    BalancedBatchDataset : The same balancing drawn afresh every epoch, without copies.

    Notes
    -----
    Geometric steps use bilinear interpolation with reflected borders, so warped pixels
    stay within the source image's range. To share OpenCV calls between images, angles
    and zoom factors are drawn on a grid that moves no pixel by more than a quarter pixel,
    shifts in whole pixels and blur sigmas in steps of 0.05 pixel; the blur kernel spans
    +-2 sigma. Images of more than 128 channels are warped in chunks of channels
    (OpenCV's limit per call). The work is split among ``n_jobs`` threads (whole large
    images; the shared calls of small ones); OpenCV's own (process-wide) thread setting
    is left as it is. The result does not depend on ``n_jobs``. Intensity steps clip to
    ``intensity_range_``.
    Multilabel targets are refused with a pointer to
    :class:`MultilabelRandomOverSampler`; one-hot targets come back one-hot as in
    imbalanced-learn (two classes as one column). A list of images comes back as a list
    of images.

    Volumes: the fused affine (rotation, flips, shift, zoom) is one trilinear resampling
    per volume with mirrored borders, so integer volumes (e.g. int16 Hounsfield units)
    keep their dtype and range, without wrap-around. When no rotation turns about the
    height or width axis (the default ``rotation_axes=(0,)``), depth and plane move
    independently: the volume is resampled along depth, then all its slices are warped
    by one OpenCV call (the slices stacked as channels), which is exactly trilinear
    interpolation (integer volumes are rounded after the depth step when zoomed).
    Rotations about the height or width axis use ``scipy.ndimage.affine_transform``
    (``order=1``) with the same fused matrix, about 40 times slower. Angles, zooms and
    blur sigmas of volumes are not rounded to a grid; shifts are whole voxels. The blur
    is a separable 3-D Gaussian (+-2 sigma). Each volume is processed on its own, on
    ``n_jobs`` threads; the result depends on ``random_state`` only.

    2-D input (rows of features, as imbalanced-learn takes) cannot be rotated or blurred:
    it is refused with an explanation, unless every augmentation is off (``rotation=0,
    shift=0, zoom=0, brightness=0, contrast=0``), when the new rows are plain copies as
    ``RandomOverSampler`` makes them (arrays, lists, DataFrames and sparse matrices).

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg.datasets import make_lesion_images
    >>> from skmedimg.samplers import AugmentingOverSampler
    >>> X, y = make_lesion_images(60, weights=(0.8, 0.2), image_size=16, random_state=0)
    >>> sampler = AugmentingOverSampler(rotation=20, flip=True, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, X_res.dtype, np.bincount(y_res).tolist()
    ((96, 16, 16), dtype('uint8'), [48, 48])
    >>> bool((X_res[:60] == X).all())
    True

    Volumes, with a channel axis as skmedimg's volume loaders give them:

    >>> rng = np.random.default_rng(0)
    >>> V = rng.integers(-1000, 400, (10, 12, 12, 12, 1)).astype(np.int16)
    >>> V_res, y_res = AugmentingOverSampler(random_state=0).fit_resample(
    ...     V, [0] * 7 + [1] * 3)
    >>> V_res.shape, V_res.dtype, np.bincount(y_res).tolist()
    ((14, 12, 12, 12, 1), dtype('int16'), [7, 7])
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        **AUGMENTATION_CONSTRAINTS,
        "n_jobs": N_JOBS_CONSTRAINT,
        "spatial_dims": SPATIAL_DIMS_CONSTRAINT,
    }
    _rows_hint = ("For tabular rows, set every augmentation to 0 (plain copies) or use "
                  "imbalanced-learn's RandomOverSampler.")

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        rotation=10.0,
        flip=False,
        shift=0.05,
        zoom=0.05,
        blur=False,
        blur_sigma=(0.5, 1.5),
        brightness=0.05,
        contrast=0.05,
        gamma=0.0,
        n_operations=None,
        rotation_axes=(0,),
        n_jobs=None,
        spatial_dims="auto",
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.rotation = rotation
        self.flip = flip
        self.shift = shift
        self.zoom = zoom
        self.blur = blur
        self.blur_sigma = blur_sigma
        self.brightness = brightness
        self.contrast = contrast
        self.gamma = gamma
        self.n_operations = n_operations
        self.rotation_axes = rotation_axes
        self.n_jobs = n_jobs
        self.spatial_dims = spatial_dims

    def _spatial_dims_param(self, ndim: int):
        return self.spatial_dims

    def _augmentation_spec(self) -> AugmentationSpec:
        """The validated augmentation parameters (also used by BalancedBatchDataset and
        MultilabelRandomOverSampler, which do not validate this sampler themselves)."""
        self._validate_params()
        return make_spec(**{name: getattr(self, name) for name in _AUGMENTATION_PARAMS})

    def _draw_new(self, y, random_state) -> np.ndarray:
        # Same draws as RandomOverSampler (one ``choice`` per class, in sorted class
        # order), so a seed picks the same source images in both.
        parts = [
            random_state.choice(np.flatnonzero(y == klass), size=n_new, replace=True)
            for klass, n_new in self.sampling_strategy_.items()
        ]
        return np.concatenate(parts).astype(np.intp) if parts else np.empty(0, np.intp)

