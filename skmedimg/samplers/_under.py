"""RandomImageUnderSampler: imbalanced-learn's RandomUnderSampler for image arrays."""

from __future__ import annotations

import numpy as np
from imblearn.under_sampling import RandomUnderSampler
from imblearn.under_sampling.base import BaseUnderSampler
from imblearn.utils import Substitution
from imblearn.utils._docstring import _random_state_docstring

from ._base import ImageSamplerMixin


@Substitution(
    sampling_strategy=BaseUnderSampler._sampling_strategy_docstring,
    random_state=_random_state_docstring,
)
class RandomImageUnderSampler(ImageSamplerMixin, RandomUnderSampler):
    """Under-sample image classes by picking images at random.

    imbalanced-learn's ``RandomUnderSampler`` (same parameters, same selection for a
    given ``random_state``) with image input: ``(n, H, W)`` or ``(n, H, W, C)`` of any
    real dtype. Only the selected images are copied.

    .. versionadded:: 0.1

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    replacement : bool, default=False
        Whether to sample with replacement.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of images kept per under-sampled class.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Indices of the selected images.
    n_features_in_ : int
        Pixel values per image (``H * W * C``), as :class:`~skmedimg.CNNClassifier`.

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
    """

    def _resample_indices(self, y):
        # RandomUnderSampler only indexes X: an index column gives the selection alone.
        self._fit_resample(np.arange(len(y))[:, None], y)
        return self.sample_indices_
