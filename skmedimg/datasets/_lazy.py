"""``LazyImageArray``: image collections larger than memory, read one batch at a time.

A ``LazyImageArray`` looks like an ndarray where scikit-learn needs one (``shape``,
``dtype``, ``ndim``, ``len``, indexing) but holds no pixels: indexing it with a slice,
an integer array or a mask (as scikit-learn's splitters do through ``_safe_indexing``,
which calls ``X[indices, ...]``) returns another lazy view, so ``train_test_split``,
``cross_val_predict``, ``GridSearchCV`` and ``ThresholdTuner`` pass it around without
reading a pixel. Pixels are read by :meth:`LazyImageArray.read`, by
:meth:`LazyImageArray.iter_batches` or by ``np.asarray`` (which reads the whole view).

The formats are the existing ones: a ``.npy`` file (what ``np.save`` and
``np.lib.format.open_memmap`` write; it is read with positional file reads, so pages
read once do not stay mapped and count in the process's memory), a Zarr array, image
files decoded on demand, or any array-like with ``shape``, ``dtype`` and integer-array
indexing (a ``dask.array``). Pickling stores paths and row indices, never pixels.

This module imports only NumPy and ``skmedimg._validation`` (for ``is_lazy_images``)
at load time: ``_validation`` imports it lazily, and it must not import the loaders
(which import ``_validation``) at load time.
"""

from __future__ import annotations

import importlib.util
import math
import numbers
import os
import threading
from pathlib import Path

import numpy as np

from .._validation import is_lazy_images

__all__ = ["LazyImageArray", "as_lazy_images", "is_lazy_images"]

# Rows read at once by the whole-array helpers (min, max, finite checks): about this
# many bytes, so that they never hold more than a few tens of MiB.
_CHUNK_BYTES = 64 * 2**20


class LazyImageArray:
    """An image array kept on disk (or in a Zarr/Dask store) and read batch by batch.

    Behaves like an ndarray of shape ``(n_samples, height, width[, channels])`` where
    scikit-learn and skmedimg need one: ``shape``, ``dtype``, ``ndim``, ``len``, and
    ``X[key]`` for a slice, an integer array, a list of ints or a boolean mask, which
    returns another ``LazyImageArray`` without reading pixels (also as ``X[key, ...]``,
    scikit-learn's form). ``X[i]`` for one int returns the image as an ndarray.
    :class:`~skmedimg.CNNClassifier` reads only the batches it trains or predicts on.

    Read more in the :ref:`User Guide <larger_than_memory>`.

    .. versionadded:: 0.1

    Parameters
    ----------
    source : str, path-like, numpy.memmap, zarr.Array, dask.array.Array or list of str
        - the path of a ``.npy`` file (e.g. written by ``np.save``,
          ``np.lib.format.open_memmap`` or ``load_image_folder(..., out=...)``), or a
          ``numpy.memmap`` of a whole ``.npy`` file (``np.load(path, mmap_mode="r")``);
        - the path of a Zarr array (a folder, usually ``*.zarr``) or a ``zarr.Array``
          (needs the optional ``zarr`` package);
        - a list of image file paths, decoded on demand and resized to ``image_size``
          (needs ``image_size``);
        - any other array-like with ``shape``, ``dtype`` and integer-array indexing
          along the first axis, such as a ``dask.array.Array``.
    image_size : int or (int, int), default=None
        ``(height, width)`` of the images decoded from a list of files (required for
        files, not used otherwise).
    color : {"grayscale", "rgb"}, default="grayscale"
        Colour mode of images decoded from files.
    n_jobs : int, default=None
        Threads decoding the files of one read (files only).

    Attributes
    ----------
    shape : tuple of int
        Shape of the (view of the) collection.
    dtype : numpy.dtype
        Pixel dtype, as stored (or as set by :meth:`astype`).
    ndim : int
        Number of dimensions.
    source : str
        A description of the backing store (a path for files).

    See Also
    --------
    skmedimg.datasets.load_image_folder : With ``out=``, decodes a folder of images once
        into a ``.npy`` or ``.zarr`` file and returns it as a ``LazyImageArray``.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from skmedimg.datasets._lazy import LazyImageArray
    >>> path = os.path.join(tempfile.mkdtemp(), "images.npy")
    >>> np.save(path, np.arange(5 * 4 * 4, dtype=np.uint8).reshape(5, 4, 4))
    >>> X = LazyImageArray(path)
    >>> X.shape, X.dtype, len(X[[0, 3]]), type(X[1:3]).__name__
    ((5, 4, 4), dtype('uint8'), 2, 'LazyImageArray')
    >>> X[[3, 0]].read()[:, 0, 0]
    array([48,  0], dtype=uint8)
    """

    # Checked by duck typing in skmedimg (``is_lazy_images``), which must not import
    # this module only to find out that X is a plain ndarray.
    _skmedimg_lazy = True

    def __init__(self, source, *, image_size=None, color: str = "grayscale", n_jobs=None):
        self._source = _make_source(source, image_size=image_size, color=color, n_jobs=n_jobs)
        self._rows = range(self._source.shape[0])
        self._post: tuple = ()
        self._cast = None
        self._item_shape = tuple(self._source.shape[1:])
        self._dtype = self._source.dtype
        self._finite = None  # known True once checked; views of a finite array are finite

    # ------------------------------------------------------------------ array protocol
    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the view, as an ndarray's (read from metadata, no pixels)."""
        return (len(self._rows),) + self._item_shape

    @property
    def dtype(self) -> np.dtype:
        """Pixel dtype, as stored or as set by :meth:`astype`."""
        return self._dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions (3 to 5: images with or without channels, volumes)."""
        return 1 + len(self._item_shape)

    @property
    def size(self) -> int:
        """Number of pixels in the view."""
        return int(math.prod(self.shape))

    @property
    def nbytes(self) -> int:
        """Bytes the view takes once read (not its size on disk)."""
        return self.size * self._dtype.itemsize

    @property
    def source(self) -> str:
        """A description of the backing store (a path for files)."""
        return self._source.describe()

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return (f"LazyImageArray(shape={self.shape}, dtype={self._dtype}, "
                f"source={self.source!r})")

    def __array__(self, dtype=None, copy=None):
        if copy is False:
            raise ValueError(
                "A LazyImageArray cannot be converted to an ndarray without reading (and so "
                "copying) its pixels; call np.asarray(X) or X.read() instead."
            )
        data = self.read()
        return data if dtype is None else data.astype(dtype, copy=False)

    def __iter__(self):
        for batch in self.iter_batches():
            yield from batch

    def __getitem__(self, key):
        first, post = self._split_key(key)
        if isinstance(first, numbers.Integral) and not isinstance(first, (bool, np.bool_)):
            n = len(self)
            if not -n <= first < n:
                raise IndexError(
                    f"index {first} is out of bounds for axis 0 with size {n}"
                )
            view = self._view(np.array([int(first) % n], dtype=np.intp), post)
            return view.read()[0]
        return self._view(self._positions(first), post)

    def astype(self, dtype, copy: bool = True) -> LazyImageArray:
        """A lazy view whose pixels are cast to ``dtype`` as they are read.

        Parameters
        ----------
        dtype : dtype
            Target dtype.
        copy : bool, default=True
            Ignored (nothing is read here); kept for ndarray compatibility.

        Returns
        -------
        view : LazyImageArray
            The same rows, read as ``dtype``.
        """
        view = self._view(None, ())
        view._cast = np.dtype(dtype)
        view._dtype = np.dtype(dtype)
        view._finite = None  # a narrowing cast can overflow to inf
        return view

    # ---------------------------------------------------------------------- reading
    def read(self, indices=None) -> np.ndarray:
        """Read the pixels of the view (or of rows ``indices`` of it) into an ndarray.

        Rows are read from the store in ascending order, each one once, whatever the
        order (or repetitions) of ``indices``.

        Parameters
        ----------
        indices : array-like of int, slice or None, default=None
            Rows of this view to read; ``None`` reads all of them.

        Returns
        -------
        images : ndarray of shape (len(indices),) + shape[1:]
            A new C-contiguous array of dtype ``self.dtype``.
        """
        rows = self._rows if indices is None else _take(self._rows, self._positions(indices))
        if isinstance(rows, range) and rows.step == 1:
            data = self._source.read(rows)
        else:
            # The store sees each row once, in ascending order (sequential file reads).
            rows, inverse = _sorted_unique(rows)
            data = self._source.read(rows)
            if inverse is not None:
                data = data[inverse]
        for key in self._post:
            data = data[key]
        if self._cast is not None:
            data = data.astype(self._cast, copy=False)
        return np.ascontiguousarray(data)

    def iter_batches(self, batch_size: int | None = None):
        """Yield the view's images in order, ``batch_size`` rows at a time.

        Parameters
        ----------
        batch_size : int, default=None
            Rows per batch; ``None`` picks about 64 MiB worth of images.

        Yields
        ------
        batch : ndarray
            The next rows, as read by :meth:`read`.
        """
        if batch_size is None:
            row_bytes = max(1, math.prod(self._item_shape) * self._dtype.itemsize)
            batch_size = max(1, _CHUNK_BYTES // row_bytes)
        for start in range(0, len(self), int(batch_size)):
            yield self.read(slice(start, start + int(batch_size)))

    def min(self):
        """Smallest pixel value, read in chunks of about 64 MiB.

        Returns
        -------
        value : scalar
            The minimum over every pixel of the view.
        """
        return self._reduce(np.min, "min")

    def max(self):
        """Largest pixel value, read in chunks of about 64 MiB.

        Returns
        -------
        value : scalar
            The maximum over every pixel of the view.
        """
        return self._reduce(np.max, "max")

    def count_nonfinite(self) -> int:
        """Number of NaN or infinite pixels.

        Integer dtypes cannot hold them: 0, without reading anything. Floats are read in
        chunks of about 64 MiB, once: an array found finite, and the views taken from
        it, are not read again.

        Returns
        -------
        n_nonfinite : int
            Pixels that are NaN, +inf or -inf.
        """
        if self._dtype.kind != "f" or self._finite:
            return 0
        n_bad = int(sum(batch.size - np.count_nonzero(np.isfinite(batch))
                        for batch in self.iter_batches()))
        self._finite = n_bad == 0
        return n_bad

    def _reduce(self, func, name: str):
        if self.size == 0:
            raise ValueError(f"zero-size array to reduction operation {name} which has no "
                             "identity")
        return func([func(batch) for batch in self.iter_batches()])

    # ---------------------------------------------------------------------- pickling
    def __getstate__(self):
        state = dict(vars(self))
        rows = state["_rows"]
        if isinstance(rows, np.ndarray) and len(rows) and rows.max() < 2**31:
            state["_rows"] = rows.astype(np.int32)  # half the pickle; indices only
        return state

    def __setstate__(self, state):
        vars(self).update(state)
        if isinstance(self._rows, np.ndarray):
            self._rows = self._rows.astype(np.intp)

    # ---------------------------------------------------------------------- indexing
    def _view(self, positions, post) -> LazyImageArray:
        view = object.__new__(type(self))
        vars(view).update(vars(self))
        if positions is not None:
            view._rows = _take(self._rows, positions)
        if post:
            # The item shape after the extra keys, worked out on a zero-stride dummy.
            dummy = np.broadcast_to(np.zeros((), self._dtype), (1,) + self._item_shape)
            try:
                view._item_shape = tuple(dummy[post].shape[1:])
            except IndexError as exc:
                raise IndexError(f"{exc} (indexing a LazyImageArray of shape "
                                 f"{self.shape})") from None
            view._post = self._post + (post,)
        return view

    def _split_key(self, key):
        """(key of the first axis, key applied to each read batch or ())."""
        if not isinstance(key, tuple):
            key = (key,)
        if not key:
            return slice(None), ()
        if key[0] is Ellipsis:
            rest = key[1:]
            consumed = sum(1 for k in rest if k is not None)
            if consumed < self.ndim:
                # The Ellipsis covers the first axis: the whole key applies to each batch.
                return slice(None), self._check_post(key)
            key = rest  # it covers nothing: the next entry is the first axis'
            if not key:
                return slice(None), ()
        first, rest = key[0], key[1:]
        if first is None or first is Ellipsis:
            raise IndexError(
                "a LazyImageArray cannot get a new axis before its images axis; read it "
                "first (np.asarray(X)) to do that."
            )
        if len(rest) == 0 or (len(rest) == 1 and rest[0] is Ellipsis):
            return first, ()
        return first, self._check_post((slice(None),) + rest)

    @staticmethod
    def _check_post(post: tuple) -> tuple:
        for k in post:
            if not (k is None or k is Ellipsis or isinstance(k, slice)
                    or (isinstance(k, numbers.Integral) and not isinstance(k, bool))):
                raise IndexError(
                    "a LazyImageArray takes slices, ints, None and ... after its first "
                    f"axis; got {k!r}. Index the images axis first, or read the view "
                    "(np.asarray(X)) to index it freely."
                )
        return post

    def _positions(self, key) -> np.ndarray | slice:
        """Positions (in this view) selected by a first-axis key."""
        n = len(self)
        if isinstance(key, slice):
            return key
        if isinstance(key, range):
            key = np.asarray(key)
        arr = np.asarray(key)
        if arr.dtype == bool:
            if arr.shape != (n,):
                raise IndexError(
                    f"boolean index did not match indexed array along axis 0; size of axis "
                    f"is {n} but the boolean index has shape {arr.shape}"
                )
            return np.flatnonzero(arr)
        if arr.size == 0:
            return np.zeros(0, dtype=np.intp)
        if arr.dtype.kind not in "iu" or arr.ndim != 1:
            raise IndexError(
                "a LazyImageArray is indexed along its first axis by an int, a slice, a 1-D "
                f"array or list of ints, or a boolean mask; got {_describe(key)}."
            )
        arr = arr.astype(np.intp, copy=False)
        bad = (arr < -n) | (arr >= n)
        if bad.any():
            raise IndexError(
                f"index {int(arr[bad][0])} is out of bounds for axis 0 with size {n}"
            )
        return np.where(arr < 0, arr + n, arr)


def _take(rows: range | np.ndarray, positions) -> range | np.ndarray:
    """``rows[positions]`` for a range (kept a range for slices) or an index array."""
    if isinstance(positions, slice):
        out = rows[positions]
        return out.copy() if isinstance(out, np.ndarray) else out
    if isinstance(rows, range):
        return rows.start + rows.step * np.asarray(positions, dtype=np.intp)
    return rows[positions]


def _describe(key) -> str:
    arr = np.asarray(key) if not isinstance(key, str) else None
    if arr is not None and arr.dtype != object:
        return f"an array of dtype {arr.dtype} and shape {arr.shape}"
    return repr(key)


def as_lazy_images(X) -> LazyImageArray:
    """``X`` as a :class:`LazyImageArray` (itself when it already is one)."""
    if isinstance(X, LazyImageArray):
        return X
    return LazyImageArray(X)


# ---------------------------------------------------------------------- backing stores


class MissingBackingFileError(FileNotFoundError):
    """The file (or folder) behind a LazyImageArray is gone."""


class TruncatedBackingFileError(ValueError):
    """The file behind a LazyImageArray holds fewer bytes than its header promises."""


def _make_source(source, *, image_size, color, n_jobs):
    if isinstance(source, np.memmap):
        filename = getattr(source, "filename", None)
        if not filename or not str(filename).endswith(".npy"):
            raise TypeError(
                "A numpy.memmap is accepted when it maps a whole .npy file (as "
                "np.load(path, mmap_mode='r') returns); pass the .npy path instead."
            )
        npy = _NpySource(filename)
        if npy.shape != source.shape or npy.dtype != source.dtype:
            raise TypeError(
                f"The numpy.memmap (shape {source.shape}) is only part of {filename!r} "
                f"(shape {npy.shape}); pass the path and index the LazyImageArray instead."
            )
        return npy
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.suffix.lower() == ".npy":
            return _NpySource(path)
        if path.is_dir() or path.suffix.lower() == ".zarr":
            return _ZarrSource(path)
        if not path.exists():
            raise MissingBackingFileError(f"Image collection {str(path)!r} does not exist.")
        raise ValueError(
            f"{str(path)!r} is neither a .npy file nor a Zarr array; those are the formats "
            "a LazyImageArray reads (load_image_folder(..., out='images.npy') writes one)."
        )
    if type(source).__module__.startswith("zarr"):
        return _ZarrSource(source)
    if isinstance(source, (list, tuple)) or (
        isinstance(source, np.ndarray) and source.dtype.kind in "US"
    ):
        return _FileSource(source, image_size=image_size, color=color, n_jobs=n_jobs)
    if isinstance(source, np.ndarray):
        raise TypeError(
            "X is already an ndarray in memory; use it directly (a LazyImageArray is for "
            "collections on disk: a .npy path, a Zarr array, image files or a dask.array)."
        )
    if hasattr(source, "shape") and hasattr(source, "dtype") and hasattr(source, "__getitem__"):
        return _ArraySource(source)
    raise TypeError(
        "source must be the path of a .npy file or Zarr array, a numpy.memmap, a "
        "zarr.Array, a list of image file paths or an array-like such as a dask.array; "
        f"got {type(source).__name__}."
    )


def _check_image_dtype(dtype, shape, where: str) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind not in "uif":
        raise TypeError(
            f"{where} holds {dtype} values; images must hold real-valued pixels "
            "(unsigned/signed integers or floats)."
        )
    if len(shape) < 1:
        raise ValueError(f"{where} is a scalar, not a collection of images.")
    return dtype


def _sorted_unique(rows):
    """(sorted unique base rows, inverse to put them back in order, or None)."""
    pos = np.asarray(rows, dtype=np.intp)
    if len(pos) < 2 or np.all(pos[1:] > pos[:-1]):
        return pos, None
    uniq, inverse = np.unique(pos, return_inverse=True)
    return uniq, inverse


class _NpySource:
    """A ``.npy`` file read with positional reads (``os.preadv``), no memory map."""

    def __init__(self, path):
        self.path = str(Path(path))
        self.shape, self.dtype, self.offset = self._header()
        self._fd = None
        self._lock = threading.Lock()

    def describe(self) -> str:
        return self.path

    def _header(self):
        try:
            with open(self.path, "rb") as f:
                version = np.lib.format.read_magic(f)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, fortran, dtype = read_header(f)
                offset = f.tell()
        except FileNotFoundError:
            raise MissingBackingFileError(
                f"The image collection file {self.path!r} behind this LazyImageArray does "
                "not exist (moved or deleted?); write it again, e.g. with "
                "skmedimg.datasets.load_image_folder(..., out=...)."
            ) from None
        except ValueError as exc:
            raise TruncatedBackingFileError(
                f"{self.path!r} is not a readable .npy file ({exc}); it may be truncated or "
                "still being written."
            ) from None
        if fortran and len(shape) > 1:
            raise ValueError(
                f"{self.path!r} stores its array in Fortran order, so one image is not one "
                "contiguous block; save it in C order (np.save(path, np.ascontiguousarray(X)))."
            )
        dtype = _check_image_dtype(dtype, shape, repr(self.path))
        if dtype.hasobject:
            raise TypeError(f"{self.path!r} holds Python objects, not pixels.")
        need = offset + math.prod(shape) * dtype.itemsize
        have = os.path.getsize(self.path)
        if have < need:
            raise TruncatedBackingFileError(
                f"The image collection file {self.path!r} is truncated: its header "
                f"promises {shape[0]:,} images of shape {tuple(shape[1:])} and dtype {dtype} "
                f"({need:,} bytes) but it holds {have:,} bytes. It was not written to the "
                "end (interrupted copy or write?); write it again."
            )
        return tuple(shape), dtype, offset

    def _open(self) -> int:
        if self._fd is None:
            with self._lock:
                if self._fd is None:
                    shape, dtype, offset = self._header()
                    if (shape, dtype, offset) != (self.shape, self.dtype, self.offset):
                        raise ValueError(
                            f"The image collection file {self.path!r} changed since this "
                            f"LazyImageArray was made: it now holds {shape} {dtype} images, "
                            f"not {self.shape} {self.dtype}; open it again."
                        )
                    self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        return self._fd

    def read(self, rows) -> np.ndarray:
        fd = self._open()
        row_bytes = math.prod(self.shape[1:]) * self.dtype.itemsize
        if isinstance(rows, range) and rows.step == 1:
            runs, inverse, n = [(rows.start, len(rows))], None, len(rows)
        else:
            uniq, inverse = _sorted_unique(rows)
            n = len(uniq)
            # Consecutive rows are read in one call.
            breaks = np.flatnonzero(np.diff(uniq) != 1) + 1
            starts = np.concatenate([[0], breaks]).astype(np.intp)
            ends = np.concatenate([breaks, [n]]).astype(np.intp)
            runs = [(int(uniq[s]), int(e - s)) for s, e in zip(starts, ends)] if n else []
        out = np.empty((n,) + self.shape[1:], dtype=self.dtype)
        flat = out.reshape(-1).view(np.uint8)
        at = 0
        for first, count in runs:
            want = count * row_bytes
            got = _pread_into(fd, flat[at:at + want], self.offset + first * row_bytes,
                              self._lock)
            if got != want:
                raise TruncatedBackingFileError(
                    f"The image collection file {self.path!r} ended early: reading rows "
                    f"{first}-{first + count - 1} gave {got} of {want} bytes (was it "
                    "truncated after it was opened?)."
                )
            at += want
        return out if inverse is None else out[inverse]

    def __getstate__(self):
        return {"path": self.path, "shape": self.shape, "dtype": self.dtype,
                "offset": self.offset}

    def __setstate__(self, state):
        vars(self).update(state)
        self._fd = None
        self._lock = threading.Lock()

    def __del__(self):
        fd = getattr(self, "_fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:  # pragma: no cover - already closed at interpreter exit
                pass


def _pread_into(fd: int, buffer: np.ndarray, offset: int, lock: threading.Lock) -> int:
    """Read ``len(buffer)`` bytes at ``offset`` into ``buffer``; returns the bytes read.

    ``os.preadv`` is positional, so threads (tf.data's parallel reads) can share ``fd``;
    without it (Windows) a lock serialises seek + read.
    """
    total, view = 0, memoryview(buffer)
    while total < len(buffer):
        if hasattr(os, "preadv"):
            got = os.preadv(fd, [view[total:]], offset + total)
        else:  # pragma: no cover - Windows
            with lock:
                os.lseek(fd, offset + total, os.SEEK_SET)
                data = os.read(fd, len(buffer) - total)
            got = len(data)
            view[total:total + got] = data
        if got == 0:
            break
        total += got
    return total


class _ZarrSource:
    """A Zarr array, opened read-only from its path (pickled as the path) or given."""

    def __init__(self, source):
        if importlib.util.find_spec("zarr") is None:  # pragma: no cover - without zarr
            raise ImportError(
                "Reading a Zarr array needs the optional 'zarr' package: pip install zarr "
                "(or pip install 'skmedimg[zarr]')."
            )
        if isinstance(source, (str, os.PathLike)):
            self.path = str(Path(source))
            self._array = None
        else:
            self.path = None
            self._array = source
        array = self._get()
        self.shape = tuple(array.shape)
        self.dtype = _check_image_dtype(array.dtype, self.shape, self.describe())
        _check_zarr_complete(array, self.describe())

    def describe(self) -> str:
        return self.path or f"zarr array {getattr(self._array, 'name', '')!s}".strip()

    def _get(self):
        if self._array is None:
            import zarr

            if not os.path.exists(self.path):
                raise MissingBackingFileError(
                    f"The Zarr array {self.path!r} behind this LazyImageArray does not "
                    "exist (moved or deleted?); write it again."
                )
            try:
                array = zarr.open_array(self.path, mode="r")
            except Exception as exc:  # noqa: BLE001 - zarr raises several kinds
                raise TruncatedBackingFileError(
                    f"{self.path!r} is not a readable Zarr array ({type(exc).__name__}: "
                    f"{exc}); it may be incomplete."
                ) from None
            if hasattr(self, "shape") and (tuple(array.shape), array.dtype) != (
                self.shape, self.dtype
            ):
                raise ValueError(
                    f"The Zarr array {self.path!r} changed since this LazyImageArray was "
                    f"made: it now holds {tuple(array.shape)} {array.dtype} images."
                )
            self._array = array
        return self._array

    def read(self, rows) -> np.ndarray:
        array = self._get()
        if isinstance(rows, range) and rows.step == 1:
            return np.asarray(array[rows.start:rows.stop])
        uniq, inverse = _sorted_unique(rows)
        data = np.asarray(array.oindex[uniq]) if len(uniq) else np.empty(
            (0,) + self.shape[1:], dtype=self.dtype)
        return data if inverse is None else data[inverse]

    def __getstate__(self):
        state = {"path": self.path, "shape": self.shape, "dtype": self.dtype}
        state["_array"] = None if self.path is not None else self._array
        return state

    def __setstate__(self, state):
        vars(self).update(state)


def _check_zarr_complete(array, where: str) -> None:
    """Collections written by skmedimg record how many images they hold once complete;
    a missing chunk would otherwise read silently as the fill value."""
    info = dict(array.attrs).get("skmedimg")
    if not isinstance(info, dict):
        return
    if not info.get("complete", False):
        raise TruncatedBackingFileError(
            f"The Zarr array {where!r} was not written to the end (interrupted?); rerun "
            "load_image_folder(..., out=...) to finish it."
        )
    initialized = getattr(array, "nchunks_initialized", None)
    if callable(initialized):
        initialized = initialized()
    if initialized is not None and initialized < array.nchunks:
        raise TruncatedBackingFileError(
            f"The Zarr array {where!r} is missing {array.nchunks - initialized} of its "
            f"{array.nchunks} chunks (deleted or not copied?); write it again."
        )


class _FileSource:
    """Image files decoded (and resized) on demand, with OpenCV as the loaders do."""

    def __init__(self, paths, *, image_size, color, n_jobs):
        from ._loaders import _check_color, _check_image_size

        # A list of str pickles as UTF-8, a quarter of a NumPy unicode array.
        self.paths = [str(p) for p in paths]
        if len(self.paths) == 0:
            raise ValueError("A LazyImageArray of files needs a non-empty list of paths.")
        self.size = _check_image_size(image_size)
        if self.size is None:
            raise ValueError(
                "image_size is required for a LazyImageArray of image files: every image is "
                "decoded on demand and must come out at the same (height, width)."
            )
        self.color = color
        self.flags = _check_color(color)
        self.n_jobs = n_jobs
        missing = [p for p in self.paths if not os.path.isfile(p)]
        if missing:
            raise MissingBackingFileError(
                f"{len(missing)} image file(s) do not exist, e.g. {missing[:3]}."
            )
        first = self._decode([self.paths[0]])[0]
        self.shape = (len(self.paths),) + first.shape
        self.dtype = first.dtype

    def describe(self) -> str:
        return f"{len(self.paths)} image files, e.g. {self.paths[0]}"

    def _decode(self, paths) -> list[np.ndarray]:
        from . import _loaders

        results = _loaders._read_many(list(paths), self.flags, self.size, self.n_jobs)
        failures = [(str(p), reason) for p, (_, reason) in zip(paths, results) if reason]
        images = [image for image, _ in results]
        if not failures and hasattr(self, "shape"):
            failures = [
                (str(p), f"decoded as {im.shape} {im.dtype}, not {self.shape[1:]} {self.dtype}")
                for p, im in zip(paths, images)
                if im.shape != self.shape[1:] or im.dtype != self.dtype
            ]
        if failures:
            raise _loaders.ImageLoadError(
                f"{len(failures)} image file(s) behind this LazyImageArray could not be "
                f"read:\n{_loaders._format_failures(failures)}", failures,
            )
        return images

    def read(self, rows) -> np.ndarray:
        uniq, inverse = _sorted_unique(rows)
        out = np.empty((len(uniq),) + self.shape[1:], dtype=self.dtype)
        for i, image in enumerate(self._decode([self.paths[j] for j in uniq])):
            out[i] = image
        return out if inverse is None else out[inverse]


class _ArraySource:
    """Any array-like indexed along its first axis (a dask.array: computed per read)."""

    def __init__(self, array):
        self.array = array
        self.shape = tuple(int(s) for s in array.shape)
        if any(math.isnan(s) for s in self.shape if isinstance(s, float)):
            raise ValueError("The array's shape is not known (dask: call compute_chunk_sizes()).")
        self.dtype = _check_image_dtype(array.dtype, self.shape, type(array).__name__)

    def describe(self) -> str:
        return f"{type(self.array).__module__}.{type(self.array).__name__}"

    def read(self, rows) -> np.ndarray:
        if isinstance(rows, range) and rows.step == 1:
            data = self.array[rows.start:rows.stop]
            inverse = None
        else:
            uniq, inverse = _sorted_unique(rows)
            data = self.array[uniq]
        if hasattr(data, "compute"):
            data = data.compute()
        data = np.asarray(data)
        return data if inverse is None else data[inverse]


# ------------------------------------------------------------------------------ writing

_WRITE_CHUNK_BYTES = 64 * 2**20  # images decoded and written per step (and per checkpoint)
_MARKER_VERSION = 1


def _collection_key(paths, size, color) -> str:
    """What the collection is made of: the files (path, size, modification time) and the
    decoding settings. A rerun with the same key reuses or resumes the file."""
    import hashlib
    import json

    digest = hashlib.sha256()
    digest.update(json.dumps([_MARKER_VERSION, size, color]).encode())
    for p in paths:
        try:
            st = os.stat(p)
            digest.update(f"\0{p}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"\0{p}\0missing".encode())
    return digest.hexdigest()


def _read_marker(path: Path) -> dict | None:
    import json

    try:
        with open(path) as f:
            marker = json.load(f)
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _write_marker(path: Path, marker: dict) -> None:
    import json

    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(marker, f)
    os.replace(tmp, path)


class _NpyWriter:
    suffix = ".npy"

    def __init__(self, out: Path):
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.marker = out.with_name(out.name + ".json")
        self.partial_marker = self.partial.with_name(self.partial.name + ".json")

    def final_marker(self):
        return _read_marker(self.marker) if self.out.exists() else None

    def progress_marker(self):
        return _read_marker(self.partial_marker) if self.partial.exists() else None

    def create(self, n, item_shape, dtype):
        self.discard()
        mm = np.lib.format.open_memmap(self.partial, mode="w+", dtype=dtype,
                                       shape=(n,) + tuple(item_shape))
        del mm  # written with plain writes: mapped pages would stay in memory

    def write(self, start, batch):
        header = _NpySource(self.partial)  # the shape, dtype and data offset written
        row_bytes = math.prod(header.shape[1:]) * header.dtype.itemsize
        with open(self.partial, "r+b") as f:
            f.seek(header.offset + start * row_bytes)
            f.write(np.ascontiguousarray(batch, dtype=header.dtype).data)

    def checkpoint(self, marker):
        with open(self.partial, "r+b") as f:
            os.fsync(f.fileno())
        _write_marker(self.partial_marker, marker)

    def read_partial(self, rows):
        return _NpySource(self.partial).read(rows)

    def finish(self, marker):
        _write_marker(self.marker, marker)
        os.replace(self.partial, self.out)
        self.partial_marker.unlink(missing_ok=True)

    def discard(self):
        self.partial.unlink(missing_ok=True)
        self.partial_marker.unlink(missing_ok=True)


class _ZarrWriter:
    suffix = ".zarr"

    def __init__(self, out: Path):
        self.out = out
        self.partial = out.with_name(out.name + ".partial")

    @staticmethod
    def _marker_of(path: Path):
        import zarr

        try:
            info = dict(zarr.open_array(str(path), mode="r").attrs).get("skmedimg")
        except Exception:  # noqa: BLE001 - not a (readable) zarr array
            return None
        return info if isinstance(info, dict) else None

    def final_marker(self):
        return self._marker_of(self.out) if self.out.exists() else None

    def progress_marker(self):
        return self._marker_of(self.partial) if self.partial.exists() else None

    def create(self, n, item_shape, dtype):
        import zarr

        self.discard()
        row_bytes = max(1, math.prod(item_shape) * np.dtype(dtype).itemsize)
        # Small chunks (about 1 MiB): training reads random rows, and a chunk is
        # decompressed as a whole to read one of its images.
        rows = max(1, min(n, 2**20 // row_bytes))
        kwargs = dict(shape=(n,) + tuple(item_shape), chunks=(rows,) + tuple(item_shape),
                      dtype=dtype)
        if hasattr(zarr, "create_array"):  # zarr 3
            zarr.create_array(str(self.partial), config={"write_empty_chunks": True},
                              **kwargs)
        else:  # pragma: no cover - zarr 2
            zarr.open_array(str(self.partial), mode="w", write_empty_chunks=True, **kwargs)
        self._array = None

    def chunk_rows(self):
        import zarr

        return zarr.open_array(str(self.partial), mode="r").chunks[0]

    def write(self, start, batch):
        import zarr

        array = zarr.open_array(str(self.partial), mode="r+")
        array[start:start + len(batch)] = batch

    def checkpoint(self, marker):
        import zarr

        zarr.open_array(str(self.partial), mode="r+").attrs["skmedimg"] = marker

    def read_partial(self, rows):
        import zarr

        return _ZarrSource(zarr.open_array(str(self.partial), mode="r")).read(rows)

    def finish(self, marker):
        self.checkpoint(marker)
        os.replace(self.partial, self.out)

    def discard(self):
        import shutil

        if self.partial.exists():
            shutil.rmtree(self.partial) if self.partial.is_dir() else self.partial.unlink()


def _writer_for(out) -> _NpyWriter | _ZarrWriter:
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".npy":
        return _NpyWriter(out)
    if suffix == ".zarr":
        if importlib.util.find_spec("zarr") is None:
            raise ImportError(
                "out='*.zarr' needs the optional 'zarr' package: pip install zarr (or "
                "write a .npy file instead)."
            )
        return _ZarrWriter(out)
    raise ValueError(
        f"out must be the path of a .npy file or a .zarr folder to write the images to; "
        f"got {str(out)!r}."
    )


def write_collection(out, paths, *, flags, size, color, n_jobs, logger):
    """Decode ``paths`` once into the file-backed array ``out`` (``.npy`` or ``.zarr``).

    Written under ``<out>.partial`` and renamed to ``out`` when complete, so ``out``
    never holds half a collection. Progress is checkpointed every ~64 MiB of images: a
    rerun with the same files and settings resumes where an interrupted one stopped, and
    reuses a complete ``out`` without decoding anything; ``out`` written from other files
    or settings is refused, never overwritten.

    Returns
    -------
    images : LazyImageArray
        The written collection.
    failures : list of (str, str)
        ``(path, reason)`` of the files that could not be decoded (their rows are
        absent from ``images``).
    kept : ndarray of int
        Positions in ``paths`` of the rows of ``images``.
    """
    import time

    from . import _loaders

    writer = _writer_for(out)
    paths = [str(p) for p in paths]
    n = len(paths)
    key = _collection_key(paths, size, color)

    done_marker = writer.final_marker()
    if done_marker is not None or writer.out.exists():
        if done_marker is not None and done_marker.get("key") == key:
            logger.info("Reusing %s: it was written from the same %d files.", writer.out, n)
            failures = [tuple(f) for f in done_marker.get("failures", [])]
            kept = np.asarray(done_marker.get("kept", range(n)), dtype=np.intp)
            return LazyImageArray(writer.out), failures, kept
        raise FileExistsError(
            f"out={str(writer.out)!r} already exists and was not written from these files "
            "with these settings (image_size, color); delete it or choose another path. It "
            "is never overwritten."
        )

    marker = writer.progress_marker()
    if marker is not None and marker.get("key") == key and marker.get("n") == n:
        start = int(marker["done"])
        logger.info("Resuming %s at image %d of %d.", writer.partial, start, n)
    else:
        marker = None
        start = 0
    failures = [tuple(f) for f in marker["failures"]] if marker else []
    item_shape = tuple(marker["item_shape"]) if marker else None
    dtype = np.dtype(marker["dtype"]) if marker else None

    chunk = None
    began = time.perf_counter()
    position = start
    while position < n:
        if chunk is None and item_shape is not None:
            row_bytes = max(1, math.prod(item_shape) * dtype.itemsize)
            chunk = max(1, _WRITE_CHUNK_BYTES // row_bytes)
            if isinstance(writer, _ZarrWriter):  # whole zarr chunks per write
                rows = writer.chunk_rows()
                chunk = max(rows, chunk // rows * rows)
        stop = min(n, position + (chunk or 1))  # one image tells the shape and dtype
        results = _loaders._read_many(paths[position:stop], flags, size, n_jobs)
        if item_shape is None:
            first = next((im for im, _ in results if im is not None), None)
            if first is None:  # nothing readable yet: record and go on
                failures.extend((p, r) for p, (_, r) in zip(paths[position:stop], results))
                position = stop
                continue
            item_shape, dtype = first.shape, first.dtype
            writer.create(n, item_shape, dtype)
            # Rows before the first readable image are all failures, already listed.
        batch = np.zeros((stop - position,) + tuple(item_shape), dtype=dtype)
        for i, (image, reason) in enumerate(results):
            path = paths[position + i]
            if reason:
                failures.append((path, reason))
            elif image.shape != tuple(item_shape) or image.dtype != dtype:
                failures.append((path, f"decoded as {image.shape} {image.dtype}, other images "
                                       f"are {tuple(item_shape)} {dtype}; pass image_size to "
                                       "resize them all (bit depths must agree)"))
            else:
                batch[i] = image
        writer.write(position, batch)
        position = stop
        marker = {"key": key, "n": n, "done": position, "failures": failures,
                  "item_shape": list(item_shape), "dtype": dtype.str}
        writer.checkpoint(marker)
        elapsed = time.perf_counter() - began
        logger.info("Wrote %d of %d images to %s (%.0f images/s)", position, n,
                    writer.partial, (position - start) / max(elapsed, 1e-9))

    if item_shape is None:
        return None, failures, np.zeros(0, dtype=np.intp)
    failed = {p for p, _ in failures}
    kept = np.asarray([i for i, p in enumerate(paths) if p not in failed], dtype=np.intp)
    marker = {"key": key, "n": n, "done": n, "failures": failures,
              "item_shape": list(item_shape), "dtype": dtype.str, "complete": True}
    if len(kept) < n:
        marker["kept"] = kept.tolist()
    if len(kept) < n:
        if len(kept) == 0:
            return None, failures, kept
        _compact(writer, kept, item_shape, dtype)
    writer.finish(marker)
    return LazyImageArray(writer.out), failures, kept


def _compact(writer, kept, item_shape, dtype) -> None:
    """Rewrite the partial file with the readable rows only (after ``on_error='skip'``)."""
    row_bytes = max(1, math.prod(item_shape) * np.dtype(dtype).itemsize)
    step = max(1, _WRITE_CHUNK_BYTES // row_bytes)
    old = writer.partial.with_name(writer.partial.name + ".all")
    if old.exists():
        import shutil

        shutil.rmtree(old) if old.is_dir() else old.unlink()
    os.replace(writer.partial, old)
    reader = type(writer)(writer.out)
    reader.partial = old
    writer.create(len(kept), item_shape, dtype)
    for start in range(0, len(kept), step):
        writer.write(start, reader.read_partial(kept[start:start + step]))
    if old.is_dir():
        import shutil

        shutil.rmtree(old)
    else:
        old.unlink()
