"""BalancedBatchDataset: balanced, freshly augmented Keras batches, redrawn every epoch.

This module imports Keras (and so TensorFlow); ``skmedimg.samplers`` only loads it when
``BalancedBatchDataset`` is accessed.

imbalanced-learn's ``BalancedBatchGenerator`` draws its indices once, rejects 4-D X and
does not call ``PyDataset.__init__``; this one resamples indices at every epoch end, keeps
the images in their stored dtype and gathers (and augments) one batch at a time, so peak
memory is O(batch), not O(resampled data set).
"""

from __future__ import annotations

import math
import numbers

import keras
import numpy as np
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target

from .._validation import check_resampled_size, is_lazy_images
from ._augment import augment_images, check_augmentation, value_range
from ._base import check_samples, index_only_dims
from ._over import _seed

_CLASS_TARGETS = ("binary", "multiclass", "multilabel-indicator")


class BalancedBatchDataset(keras.utils.PyDataset):
    """A Keras ``PyDataset`` of balanced batches, resampled and re-augmented every epoch.

    Each epoch the sampler runs on the labels only (no image is copied) to get the
    indices of the epoch's images; batches gather their images from ``X`` by index in the
    stored dtype (the model casts and rescales). With an augmenting sampler
    (:class:`AugmentingOverSampler`, :class:`MultilabelRandomOverSampler` with
    ``augmentation``) the new rows of each batch are augmented as the batch is built,
    with the sampler's augmentation parameters (and its ``n_jobs`` threads for large
    images); original rows are untouched.

    Read more in the :ref:`User Guide <resampling>`.

    .. versionadded:: 0.1

    Parameters
    ----------
    X : ndarray of shape (n_samples, H, W[, C]) or (n_samples, D, H, W[, C])
        Images or volumes, any real dtype; never copied as a whole or cast. An
        augmenting sampler reads ``X`` with its ``spatial_dims`` (an ambiguous 4-D
        array is refused); otherwise any 3- to 5-D array is taken.
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
        Class labels, or a multilabel indicator matrix, that decide the balancing;
        continuous targets are refused (they are not classes).
    sampler : sampler, default=None
        :class:`AugmentingOverSampler`, :class:`RandomImageUnderSampler`,
        :class:`MultilabelRandomOverSampler`, or imbalanced-learn's
        ``RandomOverSampler`` / ``RandomUnderSampler``; ``None`` gives plain shuffled
        batches. Its ``random_state`` is replaced, epoch after epoch, by seeds drawn from
        ``random_state``. Samplers whose choice depends on the pixels (SMOTE, NearMiss,
        TomekLinks...) cannot run per epoch: resample once with
        :class:`ImageSamplerAdapter` before fitting instead.
    batch_size : int, default=32
        Images per batch (the last batch of an epoch may be smaller).
    y_encoded : array-like of shape (n_samples, ...), default=None
        What the batches yield as targets (e.g. one-hot), indexed like ``X``; ``y`` by
        default.
    sample_weight : array-like of shape (n_samples,), default=None
        When given, batches are ``(x, y, sample_weight)``; otherwise ``(x, y)``.
    shuffle : bool, default=True
        Shuffle the epoch's images across batches.
    random_state : int, RandomState instance or None, default=None
        Seeds the sequence of epochs: the same value gives the same batches, epoch
        after epoch.
    **kwargs
        ``workers``, ``use_multiprocessing``, ``max_queue_size`` for
        ``keras.utils.PyDataset``.

    Attributes
    ----------
    epoch : int
        Number of ``on_epoch_end`` calls (Keras also makes one before the first epoch).
    indices : ndarray of int
        The current epoch's image indices, in batch order.

    See Also
    --------
    AugmentingOverSampler : The same balancing, materialised once.

    Examples
    --------
    >>> from skmedimg.datasets import make_lesion_images
    >>> from skmedimg.samplers import AugmentingOverSampler, BalancedBatchDataset
    >>> X, y = make_lesion_images(50, weights=(0.8, 0.2), image_size=16, random_state=0)
    >>> data = BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(rotation=15),
    ...                             batch_size=16, random_state=0)
    >>> len(data), data[0][0].shape, data[0][0].dtype
    (5, (16, 16, 16), dtype('uint8'))
    """

    def __init__(
        self,
        X,
        y,
        *,
        sampler=None,
        batch_size: int = 32,
        y_encoded=None,
        sample_weight=None,
        shuffle: bool = True,
        random_state=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        # Augmenting samplers read X with their spatial_dims; the others only index it.
        dims_of = getattr(sampler, "_spatial_dims_param", None)
        if isinstance(sampler, type) or not callable(dims_of):  # a class: refused below
            dims_of = index_only_dims
        self.X, self._spatial_dims = check_samples(X, dims_of)
        n = self.X.shape[0]
        self.y = np.asarray(y)
        self.y_encoded = self.y if y_encoded is None else np.asarray(y_encoded)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        for name, value in (("y", self.y), ("y_encoded", self.y_encoded),
                            ("sample_weight", self.sample_weight)):
            if value is not None and len(value) != n:
                raise ValueError(
                    f"X and {name} have different lengths: {n} images, {len(value)} {name}."
                )
        sw = self.sample_weight
        if sw is not None:
            if sw.ndim != 1 or sw.dtype.kind not in "uif":
                problem = f"shape {sw.shape} and dtype {sw.dtype}"
            elif not np.isfinite(sw).all():
                problem = f"{int(np.count_nonzero(~np.isfinite(sw)))} NaN or infinite weights"
            elif (sw < 0).any():
                problem = f"negative weights (min {float(sw.min())})"
            else:
                problem = None
            if problem:
                raise ValueError(
                    "sample_weight must be a 1-D array of finite weights >= 0, one per "
                    f"image; got {problem}."
                )
        kind = type_of_target(self.y, input_name="y")
        if kind not in _CLASS_TARGETS:
            raise ValueError(
                f"y must hold class labels or a multilabel 0/1 indicator matrix, which "
                f"BalancedBatchDataset balances; got {kind!r} targets"
                + (" (continuous values are not classes; give class labels as y and the "
                   "values to learn as y_encoded)." if kind.startswith("continuous") else ".")
            )
        if (isinstance(batch_size, (bool, np.bool_))
                or not isinstance(batch_size, numbers.Integral) or batch_size < 1):
            raise ValueError(
                f"batch_size must be a positive int; got {batch_size!r}"
                + (" (a bool is not a batch size)." if isinstance(batch_size, (bool, np.bool_))
                   else ".")
            )
        if not isinstance(shuffle, (bool, np.bool_)):
            raise ValueError(f"shuffle must be True or False; got {shuffle!r}.")
        if sampler is not None and (isinstance(sampler, type)
                                    or not callable(getattr(sampler, "fit_resample", None))):
            raise TypeError(
                "sampler must be None or an imbalanced-learn sampler instance (an object "
                "with fit_resample, e.g. AugmentingOverSampler() or RandomUnderSampler()); "
                f"got {sampler!r}"
                + (" (a class: call it to make an instance)." if isinstance(sampler, type)
                   else f" of type {type(sampler).__name__}.")
            )
        self.batch_size = int(batch_size)
        self.sampler = sampler
        self.shuffle = bool(shuffle)
        self.random_state = random_state
        spec_of = getattr(sampler, "_augmentation_spec", None)
        self._spec = spec_of() if spec_of is not None else None
        self._n_jobs = getattr(sampler, "n_jobs", None) if spec_of is not None else None
        if self._spec is not None and not self._spec.operations:
            self._spec = None
        check_augmentation(self._spec, self.X.shape[1 : 1 + self._spatial_dims])
        self._intensity_range = (
            value_range(self.X) if self._spec is not None and self._spec.uses_intensity else None
        )
        self._rng = check_random_state(random_state)
        self.epoch = 0
        self._size = None
        self._draw()

    def _sampler_indices(self, seed: int) -> np.ndarray:
        sampler = clone(self.sampler)
        if "random_state" in sampler.get_params():
            sampler.set_params(random_state=seed)
        if hasattr(sampler, "_fit_resample_indices"):
            return np.asarray(
                sampler._fit_resample_indices(self.y, image_bytes=self.X[0].nbytes)
            )
        label_only = isinstance(sampler, RandomUnderSampler) or (
            isinstance(sampler, RandomOverSampler) and sampler.shrinkage is None
        )
        if not label_only:
            raise ValueError(
                f"{type(sampler).__name__} cannot balance batches on the fly: its choice "
                "depends on the images (or it creates new samples). Use "
                "AugmentingOverSampler, RandomImageUnderSampler, MultilabelRandomOverSampler, "
                "RandomOverSampler or RandomUnderSampler here, or resample once beforehand "
                "with ImageSamplerAdapter."
            )
        if isinstance(sampler, RandomOverSampler):
            targets = check_sampling_strategy(sampler.sampling_strategy, self.y, "over-sampling")
            check_resampled_size(len(self.y) + sum(targets.values()), self.X[0].nbytes + 16,
                                 owner=type(sampler).__name__, param="sampling_strategy")
        # These samplers only index X: an index column yields the selection alone.
        sampler.fit_resample(np.arange(len(self.y))[:, None], self.y)
        return np.asarray(sampler.sample_indices_)

    def _draw(self) -> None:
        """Draw this epoch's indices (and the seed of its augmentations)."""
        n = self.X.shape[0]
        self._epoch_seed = _seed(self._rng)
        indices = np.arange(n) if self.sampler is None else self._sampler_indices(self._epoch_seed)
        synthetic = np.zeros(len(indices), dtype=bool)
        if self._spec is not None:
            synthetic[n:] = True  # over-samplers put the originals first, new rows after
        order = self._rng.permutation(len(indices)) if self.shuffle else np.arange(len(indices))
        if self._size is None:
            self._size = len(indices)
        elif len(order) != self._size:
            # Keras reads the number of batches once per fit, so every epoch must keep the
            # first epoch's size; only samplers whose count varies (ML-ROS stops when the
            # labels are balanced) get their draw cut or topped up at random here.
            extra = self._rng.choice(order, max(0, self._size - len(order)))
            order = np.concatenate([order, extra])[: self._size]
        self.indices = indices[order].astype(np.intp)
        self._synthetic = synthetic[order]

    def __len__(self) -> int:
        return math.ceil(len(self.indices) / self.batch_size)

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches.")
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        idx = self.indices[rows]
        # A collection on disk is read here, one batch at a time.
        x = self.X.read(idx) if is_lazy_images(self.X) else self.X[idx]
        synthetic = self._synthetic[rows]
        if synthetic.any():
            # Seeded by (epoch, batch): the same batch is the same whichever worker or
            # order builds it. The sources of the new rows are already in x.
            rng = np.random.default_rng([self._epoch_seed, index])
            new = np.empty((int(synthetic.sum()),) + self.X.shape[1:], dtype=self.X.dtype)
            x[synthetic] = augment_images(
                x, np.flatnonzero(synthetic), self._spec, rng=rng, out=new,
                intensity_range=self._intensity_range, n_jobs=self._n_jobs,
                spatial_dims=self._spatial_dims,
            )
        batch = (x, self.y_encoded[idx])
        if self.sample_weight is not None:
            batch += (self.sample_weight[idx],)
        return batch

    def on_epoch_end(self) -> None:
        """Resample: the next epoch gets new indices and new augmentations."""
        self.epoch += 1
        self._draw()
