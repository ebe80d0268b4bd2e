"""ImageSamplerAdapter: run any imbalanced-learn sampler on image arrays."""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils import check_sampling_strategy
from scipy.sparse import issparse
from sklearn.base import clone
from sklearn.utils import get_tags

from .._sklearn_compat import HasMethods
from ._base import ImageSamplerMixin, check_strategy_counts


def _same_rows(out, features, indices) -> bool:
    """Whether a sampler's output is exactly ``features[indices]`` (a selection)."""
    if out.shape[0] != len(indices):
        return False
    picked = features[indices]
    if issparse(out) or issparse(picked):
        if not (issparse(out) and issparse(picked)) or out.shape != picked.shape:
            return False
        return (out != picked).nnz == 0
    out, picked = np.asarray(out), np.asarray(picked)
    try:
        return np.array_equal(out, picked, equal_nan=True)
    except TypeError:  # object or string rows: no NaN test for them
        return np.array_equal(out, picked)


class ImageSamplerAdapter(ImageSamplerMixin, BaseSampler):
    """Run an imbalanced-learn sampler on images, flattened or through a transformer.

    - Generating samplers (``SMOTE``, ``ADASYN``, ``BorderlineSMOTE``...) run in pixel
      space on ``X.reshape(n, -1)``; their output is reshaped back to images (their
      dtype, e.g. uint8 interpolations truncated as imbalanced-learn does).
    - Selecting samplers (``RandomUnderSampler``, ``TomekLinks``, ``NearMiss``,
      ``EditedNearestNeighbours``...) decide on the pixels or, with ``transformer``, on
      features such as PCA components; the selected *original* images are returned,
      bit-exact, using the sampler's ``sample_indices_``.

    Volumes ``(n, D, H, W[, C])`` are flattened and reshaped back the same way (any 3- to
    5-D array: the layout does not matter to a flattened row).

    2-D input (rows of features: arrays, lists, DataFrames, sparse matrices) goes to the
    sampler as it is, so the adapter takes what the sampler takes and returns what it
    returns.

    Read more in the :ref:`User Guide <resampling>`.

    .. versionadded:: 0.1

    Parameters
    ----------
    sampler : imbalanced-learn sampler
        Cloned at each fit; its own ``sampling_strategy`` and ``random_state`` apply.
    transformer : scikit-learn transformer, default=None
        Fitted on the flattened images; the sampler runs on its output. Only selecting
        samplers can be used with it (new points in feature space are not images).

    Attributes
    ----------
    sampler_ : sampler
        The fitted clone of ``sampler``.
    transformer_ : transformer or None
        The fitted clone of ``transformer``.
    sampling_strategy_ : str
        Always ``"auto"``: the counts are the sampler's; ``sampler_.sampling_strategy_``
        has them.
    sample_indices_ : ndarray of shape (n_samples_resampled,)
        Indices of the selected original images (for a sampler that perturbs its new
        samples, such as ``RandomOverSampler(shrinkage=...)``, the source of each row);
        only for samplers that expose them (not for SMOTE-like generators).
    n_features_in_ : int
        Values per sample (``H * W * C``, or ``D * H * W * C`` for volumes), as
        :class:`~skmedimg.CNNClassifier` (the number of columns for 2-D rows).
    feature_names_in_ : ndarray of str
        Column names of a DataFrame ``X`` (2-D rows); only when they are all strings.

    See Also
    --------
    AugmentingOverSampler : Over-sample with augmented images instead of interpolations.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> from skmedimg.datasets import make_lesion_images
    >>> from skmedimg.samplers import ImageSamplerAdapter
    >>> X, y = make_lesion_images(60, weights=(0.8, 0.2), image_size=16, random_state=0)
    >>> X_res, y_res = ImageSamplerAdapter(SMOTE(random_state=0)).fit_resample(X, y)
    >>> X_res.shape, X_res.dtype, np.bincount(y_res).tolist()
    ((96, 16, 16), dtype('uint8'), [48, 48])
    """

    _sampling_type = "bypass"
    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit_resample"])],
        "transformer": [HasMethods(["fit_transform"]), None],
    }

    def __init__(self, sampler, *, transformer=None):
        super().__init__()
        self.sampler = sampler
        self.transformer = transformer

    def _check_neighbours(self, sampler, y) -> None:
        """A clear error where a SMOTE-like sampler would fail deep in NearestNeighbors."""
        if getattr(sampler, "_sampling_type", None) != "over-sampling":
            return
        k = getattr(sampler, "k_neighbors", getattr(sampler, "n_neighbors", None))
        if not isinstance(k, numbers.Integral):
            return
        name = "k_neighbors" if hasattr(sampler, "k_neighbors") else "n_neighbors"
        targets = check_sampling_strategy(sampler.sampling_strategy, y, "over-sampling")
        counts = Counter(y.tolist())
        targets = {getattr(c, "item", lambda c=c: c)(): n for c, n in targets.items()}
        small = {c: counts[c] for c, n_new in targets.items() if n_new and counts[c] <= k}
        if small:
            raise ValueError(
                f"{type(sampler).__name__}({name}={k}) needs at least {k + 1} images in "
                f"each class it over-samples; class(es) {small} have fewer. Lower {name}, "
                "or use AugmentingOverSampler, which works from a single image."
            )

    def _check_strategy_counts(self, y) -> None:
        check_strategy_counts(getattr(self.sampler, "sampling_strategy", None), y,
                              owner=type(self.sampler).__name__)

    def _n_new_samples(self, y) -> int:
        if getattr(self.sampler, "_sampling_type", None) != "over-sampling":
            return 0
        targets = check_sampling_strategy(self.sampler.sampling_strategy, y, "over-sampling")
        return int(sum(targets.values()))

    def _check_rows(self, X, y):
        # Rows go to the sampler as they are; fit (which does not run the sampler) must
        # refuse what the sampler would refuse: its tags say what it takes.
        try:
            takes = get_tags(self.sampler).input_tags
        except Exception:  # noqa: BLE001 - not a sampler; parameter validation says so
            return self._check_rows_as_imblearn(X, y)
        return self._check_rows_as_imblearn(
            X, y, accept_sparse=("csr", "csc") if takes.sparse else (),
            dtype=None if takes.string else "numeric", ensure_all_finite=not takes.allow_nan,
        )

    def _fit_resample(self, X, y):
        n = X.shape[0]
        rows = X.ndim == 2
        # Generating samplers work on a float64 copy of the pixels: 8 bytes per pixel more.
        if issparse(X):
            row_bytes = (X.data.nbytes + X.indices.nbytes) // max(n, 1) + 8 * X.shape[1]
        else:
            row_bytes = X[0].nbytes + 8 * X[0].size
        self._check_resampled_size(y, row_bytes)
        flat = X if rows else X.reshape(n, -1)  # a view for C-contiguous images
        sampler = clone(self.sampler)
        self.transformer_ = None if self.transformer is None else clone(self.transformer)
        if self.transformer_ is None:
            self._check_neighbours(sampler, y)
            features = flat
        else:
            features = self.transformer_.fit_transform(flat, y)
        X_out, y_res = sampler.fit_resample(features, y)
        self.sampler_ = sampler
        self.__dict__.pop("sample_indices_", None)  # none from an earlier fit may linger
        indices = getattr(sampler, "sample_indices_", None)
        if indices is not None:
            self.sample_indices_ = np.asarray(indices)
            # Selected rows come back as the original images. A sampler can also set
            # sample_indices_ while it perturbs its output (RandomOverSampler's
            # shrinkage): then the indices are only the sources of the new rows.
            if _same_rows(X_out, features, self.sample_indices_):
                return X[self.sample_indices_], y_res
        if self.transformer_ is not None:
            raise ValueError(
                f"{type(sampler).__name__} creates new samples in the transformer's feature "
                "space, which are not images; use it without a transformer (pixel space) or "
                "use a selecting sampler (one with sample_indices_)."
            )
        if rows:  # as the sampler returns them
            return X_out, y_res
        X_out = np.asarray(X_out)
        if X_out.dtype != X.dtype:
            X_out = X_out.astype(X.dtype)
        return X_out.reshape((-1,) + X.shape[1:]), y_res

    def _resample_indices(self, y):
        raise ValueError(
            "ImageSamplerAdapter decides on the images, so it cannot resample labels alone "
            "(e.g. per epoch in BalancedBatchDataset); resample once with fit_resample, or "
            "pass a label-only sampler such as RandomUnderSampler directly."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        try:
            inner = get_tags(self.sampler)
        except Exception:  # noqa: BLE001 - not a sampler: fit_resample will say so
            tags.sampler_tags.sample_indices = False
            return tags
        # Rows go to the sampler as they are: it decides what it takes; selecting
        # samplers set sample_indices_, generating ones (SMOTE...) do not.
        for name in ("sparse", "dataframe", "string", "allow_nan"):
            setattr(tags.input_tags, name, getattr(inner.input_tags, name))
        inner_sampler_tags = getattr(inner, "sampler_tags", None)
        tags.sampler_tags.sample_indices = bool(
            getattr(inner_sampler_tags, "sample_indices", False))
        return tags
