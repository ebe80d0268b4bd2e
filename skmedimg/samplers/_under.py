"""RandomImageUnderSampler: imbalanced-learn's RandomUnderSampler for image arrays."""

from __future__ import annotations

import numpy as np
from imblearn.under_sampling import RandomUnderSampler

from ._base import ImageSamplerMixin


class RandomImageUnderSampler(ImageSamplerMixin, RandomUnderSampler):
    """Under-sample image classes by picking images at random.

    imbalanced-learn's ``RandomUnderSampler`` (same parameters, same selection for a
    given ``random_state``) that also takes images ``(n, H, W)`` or ``(n, H, W, C)`` and
    volumes ``(n, D, H, W)`` or ``(n, D, H, W, C)`` of any real dtype (a selection does
    not depend on the layout, so 4-D arrays need no ``spatial_dims``). Only the selected
    images are copied. Everything ``RandomUnderSampler`` takes (2-D rows as arrays,
    lists, DataFrames or sparse matrices, of any dtype, with NaN) is taken and returned
    as it returns it.

    Read more in the :ref:`User Guide <resampling>`.

    .. versionadded:: 0.1

    Parameters
    ----------
    sampling_strategy : float, str, dict or callable, default="auto"
        How many images each class should keep, with imbalanced-learn's meaning (as
        ``RandomUnderSampler``):

        - float: the desired ratio of the minority class's count to the majority
          class's after resampling (binary targets only).
        - str: which classes are under-sampled down to the minority class's count:
          ``"majority"``, ``"not minority"``, ``"not majority"``, ``"all"``, or
          ``"auto"`` (``"not minority"``).
        - dict: ``{class: desired number of images}`` for the classes to under-sample.
        - callable: ``sampling_strategy(y)`` returning such a dict.

    random_state : int, RandomState instance or None, default=None
        Seeds the selection: an int gives the same selection at every call (and the
        same as ``RandomUnderSampler`` with that seed); ``None`` uses NumPy's global
        random state.

    replacement : bool, default=False
        Whether to sample with replacement.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of images kept per under-sampled class.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Indices of the selected images.
    n_features_in_ : int
        Values per sample (``H * W * C``, or ``D * H * W * C`` for volumes), as
        :class:`~skmedimg.CNNClassifier` (the number of columns for 2-D rows).
    feature_names_in_ : ndarray of str
        Column names of a DataFrame ``X`` (2-D rows); only when they are all strings.

    See Also
    --------
    AugmentingOverSampler : Over-sample with augmented images.
    ImageSamplerAdapter : Any imbalanced-learn sampler (NearMiss, TomekLinks...) on images.

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg.datasets import make_lesion_images
    >>> from skmedimg.samplers import RandomImageUnderSampler
    >>> X, y = make_lesion_images(50, weights=(0.8, 0.2), image_size=16, random_state=0)
    >>> X_res, y_res = RandomImageUnderSampler(random_state=0).fit_resample(X, y)
    >>> X_res.shape, np.bincount(y_res).tolist()
    ((20, 16, 16), [10, 10])
    >>> X_rows, y_rows = RandomImageUnderSampler(random_state=0).fit_resample(
    ...     X.reshape(50, -1), y)
    >>> X_rows.shape
    (20, 256)
    """

    def _check_rows(self, X, y):
        return self._check_rows_as_imblearn(X, y)  # as RandomUnderSampler takes them

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # What RandomUnderSampler takes, it takes too (as 2-D rows).
        tags.input_tags.two_d_array = True
        tags.input_tags.sparse = True
        tags.input_tags.dataframe = True
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags

    def _resample_indices(self, y):
        # RandomUnderSampler only indexes X: an index column gives the selection alone.
        self._fit_resample(np.arange(len(y))[:, None], y)
        return self.sample_indices_
