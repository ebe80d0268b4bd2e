"""Feed a lazy image array to Keras one batch at a time.

``CNNClassifier`` hands in-memory arrays to ``keras.Model.fit``, whose array pipeline
(``ArrayDataAdapter``) shuffles the row *indices* with TensorFlow's seeded
``tf.random.shuffle`` and gathers each batch. For a lazy array (see
:class:`skmedimg.datasets.LazyImageArray`) the same pipeline is built on a column of row
indices instead of the images, and each batch of indices is turned into pixels by one
read: batches, their order and their contents are those of the in-memory path, so a
seeded fit on a lazy array gives bit-for-bit the weights of the fit on the same data in
memory, while only ``batch_size`` images (plus tf.data's prefetch) are in memory.

Keras' array pipeline is internal (``keras.src``); when it cannot be imported, or with
a non-TensorFlow backend, :class:`LazyBatches` (a ``keras.utils.PyDataset`` shuffled
by NumPy) is used instead: still one batch at a time, not bit-identical to the
in-memory path.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from ._keras_compat import array_data_adapter as _array_adapter  # keras.src, gated
from .datasets._lazy import as_lazy_images

__all__ = ["LazyBatches", "lazy_fit_data", "lazy_predict_batches"]


def lazy_fit_data(X, Y, sample_weight=None, *, batch_size: int, shuffle=True, seed=None):
    """Batches ``(x, y[, sample_weight])`` of a lazy ``X`` for ``keras.Model.fit``.

    Parameters
    ----------
    X : LazyImageArray, dask.array or zarr.Array
        The images; read one batch at a time.
    Y : ndarray of shape (n_samples, ...)
        The network's targets (already encoded), in memory.
    sample_weight : ndarray of shape (n_samples,), default=None
        Per-image weights.
    batch_size : int
        Images per batch.
    shuffle : bool or "batch", default=True
        As ``keras.Model.fit``'s ``shuffle``; ``False`` for validation data.
    seed : int, default=None
        Seed of :class:`LazyBatches`' shuffling (the TensorFlow pipeline draws from
        TensorFlow's global seed, as Keras does for arrays).

    Returns
    -------
    data : tf.data.Dataset or LazyBatches
        Pass it as ``x`` (or ``validation_data``) to ``fit``, without ``batch_size``,
        ``shuffle`` or ``y``.
    """
    X = as_lazy_images(X)
    Y = np.asarray(Y)
    sw = None if sample_weight is None else np.asarray(sample_weight)
    adapter = _array_adapter()
    if adapter is None:
        return LazyBatches(X, Y, sw, batch_size=batch_size, shuffle=shuffle, seed=seed)
    import tensorflow as tf

    n = len(X)
    rows = np.arange(n, dtype=np.int64)[:, None]
    dataset = adapter(rows, Y, sample_weight=sw, batch_size=batch_size,
                      shuffle=shuffle).get_tf_dataset()
    out_dtype = tf.as_dtype(X.dtype)
    item_shape = tuple(X.shape[1:])

    def read(index_column):
        return X.read(index_column[:, 0])

    def to_pixels(index_column, *rest):
        x = tf.numpy_function(read, [index_column], out_dtype, stateful=False)
        x.set_shape((None,) + item_shape)
        return (x, *rest)

    # Reads overlap with training in tf.data's threads (file reads release the GIL);
    # the order of batches is kept (deterministic map).
    dataset = dataset.map(to_pixels, num_parallel_calls=tf.data.AUTOTUNE)
    n_batches = math.ceil(n / batch_size)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(n_batches))
    return dataset.prefetch(2)


def lazy_predict_batches(X, batch_size: int):
    """Yield the images of a lazy ``X`` in order, ``batch_size`` at a time.

    Parameters
    ----------
    X : LazyImageArray, dask.array or zarr.Array
        The images.
    batch_size : int
        Images per batch.

    Yields
    ------
    batch : ndarray
    """
    yield from as_lazy_images(X).iter_batches(batch_size)


class LazyBatches(keras.utils.PyDataset):
    """A ``keras.utils.PyDataset`` reading one batch of a lazy array at a time.

    Parameters
    ----------
    X : LazyImageArray
        The images.
    Y : ndarray
        Targets, in memory.
    sample_weight : ndarray or None
        Per-image weights.
    batch_size : int
        Images per batch.
    shuffle : bool, default=True
        Shuffle the images across batches, anew every epoch.
    seed : int, default=None
        Seed of the shuffling.
    **kwargs
        ``workers``, ``use_multiprocessing``, ``max_queue_size`` for ``PyDataset``.
    """

    def __init__(self, X, Y, sample_weight=None, *, batch_size, shuffle=True, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.X = as_lazy_images(X)
        self.Y = np.asarray(Y)
        self.sample_weight = sample_weight
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self._rng = np.random.default_rng(seed)
        self._order = np.arange(len(self.X))
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(len(self.X) / self.batch_size)

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches.")
        idx = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        batch = (self.X.read(idx), self.Y[idx])
        if self.sample_weight is not None:
            batch += (self.sample_weight[idx],)
        return batch

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._order = self._rng.permutation(len(self.X))
