"""``load_medmnist``: a MedMNIST ``.npz`` file, its splits and its label checks.

Failures are reported as in every loader (see ``_loaders``); the log records go to the
``skmedimg.datasets._loaders`` logger, shared by all loaders.
"""

from __future__ import annotations

import json
import os
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from .._validation import check_images
from ._loaders import (
    _MEDMNIST_SPLITS,
    _is_regular_file,
    logger,
)


def _medmnist_labels(labels: np.ndarray, key: str, multilabel: bool | None) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.dtype.kind not in "uifb":
        raise ValueError(f"{key} must hold numeric labels; got dtype {labels.dtype}.")
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            raise ValueError(f"{key} must hold integer class labels; found non-integer values.")
    if labels.size and labels.dtype.kind in "uf" and (
        labels.max() > np.iinfo(np.int64).max or labels.min() < np.iinfo(np.int64).min
    ):
        # astype(int64) would wrap these around to other labels.
        raise ValueError(
            f"{key} holds labels beyond the int64 range (max {labels.max()}); class labels "
            "are small integers."
        )
    labels = labels.astype(np.int64)
    if labels.ndim == 1:
        labels = labels[:, None]
    if labels.ndim != 2:
        raise ValueError(f"{key} must have shape (n,) or (n, n_labels); got {labels.shape}.")
    if multilabel is None:
        multilabel = labels.shape[1] > 1
    if multilabel:
        if not np.isin(labels, (0, 1)).all():
            raise ValueError(
                f"{key} has shape {labels.shape} with values other than 0/1, so it is not a "
                "multilabel indicator matrix; multi-output targets are not supported."
            )
        return labels
    if labels.shape[1] == 1:
        return labels[:, 0]
    # A one-hot matrix read as single-label.
    if not (np.isin(labels, (0, 1)).all() and np.all(labels.sum(axis=1) == 1)):
        raise ValueError(
            f"multilabel=False but {key} has shape {labels.shape} and its rows are not "
            "one-hot, so it cannot be read as single-label classes."
        )
    return labels.argmax(axis=1)


_PICKLE_REFUSED = (
    "pickled Python objects, which skmedimg never loads for safety (unpickling a file "
    "can run arbitrary code); MedMNIST files hold numeric arrays only"
)


def _open_npz(path: Path):
    """``np.load`` of a .npz archive, with errors that say what is wrong with the file.

    Never passes on numpy's suggestion to load pickled data: a data file that needs
    unpickling is refused.
    """
    if path.is_dir():
        raise ValueError(f"{str(path)!r} is a folder, not a .npz file.")
    if not _is_regular_file(path):
        raise ValueError(f"{str(path)!r} is not a regular file (a FIFO, socket or device).")
    if path.stat().st_size == 0:
        raise ValueError(f"{str(path)!r} is empty (0 bytes), not a valid .npz file.")
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(f"{str(path)!r} holds a single array (.npy), not a MedMNIST .npz archive.")
    if not head.startswith(b"PK"):
        if head[:1] == b"\x80":
            raise ValueError(f"{str(path)!r} is not a .npz file: it holds {_PICKLE_REFUSED}.")
        looks_like = ""
        if head.lstrip()[:1] == b"<":
            looks_like = " (it looks like an HTML or XML page: an interrupted download?)"
        raise ValueError(
            f"{str(path)!r} is not a valid .npz file: it does not start like a zip "
            f"archive{looks_like}."
        )
    try:
        return np.load(path, allow_pickle=False)
    except (EOFError, zipfile.BadZipFile, zlib.error, OSError, ValueError) as exc:
        raise ValueError(
            f"{str(path)!r} is not a valid .npz file: it is truncated or corrupt "
            f"({_error_reason(exc)})."
        ) from None


def _error_reason(exc: BaseException) -> str:
    """A short reason from a numpy/zipfile error, without advice to unpickle."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if not text or "pickle" in text.lower():
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _read_array(archive, key: str, path: Path) -> np.ndarray:
    """One array of an open .npz archive, refusing object arrays."""
    try:
        return np.asarray(archive[key])
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise ValueError(
                f"{key} in {str(path)!r} holds {_PICKLE_REFUSED}."
            ) from None
        raise ValueError(
            f"{key} in {str(path)!r} cannot be read: the file is truncated or corrupt "
            f"({_error_reason(exc)})."
        ) from None
    except (EOFError, zipfile.BadZipFile, zlib.error, OSError) as exc:
        raise ValueError(
            f"{key} in {str(path)!r} cannot be read: the file is truncated or corrupt "
            f"({_error_reason(exc)})."
        ) from None


_COPY_CHUNK = 64 * 2**20


def _extract_images(path: Path, key: str, cache_dir: Path) -> Path:
    """``<key>.npy`` of a .npz archive as its own file, written once, streamed in chunks.

    A zip member cannot be memory-mapped (MedMNIST files are compressed), so the images
    are decompressed once into a plain ``.npy`` file beside the archive; the array is
    never held in memory as a whole. A stamp of the archive's size and modification
    time tells a complete, current extraction from a stale one, and the file only gets
    its final name once complete, so an interrupted run is redone, never half-read.
    """
    stat = path.stat()
    stamp = {"source": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    target = cache_dir / f"{key}.npy"
    stamp_file = cache_dir / f"{key}.json"
    if target.exists() and stamp_file.exists():
        try:
            if json.loads(stamp_file.read_text()) == stamp:
                return target
        except (OSError, ValueError):
            pass
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f"{key}.npy.partial"
    try:
        with zipfile.ZipFile(path) as archive, archive.open(f"{key}.npy") as member:
            version = np.lib.format.read_magic(member)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise ValueError(f"{key} in {str(path)!r} has .npy format version "
                                 f"{version}, which mmap_mode='r' cannot stream.")
            shape, fortran, dtype = read_header(member)
            if dtype.hasobject:
                raise ValueError(f"{key} in {str(path)!r} holds {_PICKLE_REFUSED}.")
            out = np.lib.format.open_memmap(partial, mode="w+", dtype=dtype, shape=shape,
                                            fortran_order=fortran)
            flat = out.reshape(-1, order="F" if fortran else "C").view(np.uint8)
            for start in range(0, flat.size, _COPY_CHUNK):
                view = memoryview(flat[start:start + _COPY_CHUNK])
                got = 0
                while got < len(view):
                    n = member.readinto(view[got:])
                    if not n:
                        raise EOFError(f"{key}.npy ends early")
                    got += n
            out.flush()
            del out, flat
    except (EOFError, zipfile.BadZipFile, zlib.error, KeyError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise ValueError(
            f"{key} in {str(path)!r} cannot be read: the file is truncated or corrupt "
            f"({_error_reason(exc)})."
        ) from None
    os.replace(partial, target)
    stamp_file.write_text(json.dumps(stamp))
    return target


def load_medmnist(
    path,
    *,
    split: str | Sequence[str] | None = None,
    multilabel: bool | None = None,
    return_X_y: bool = False,
    mmap_mode: str | None = None,
    cache_dir=None,
):
    """Load a MedMNIST ``.npz`` file (2-D or 3-D data set) with labels in scikit-learn's shapes.

    The MedMNIST layout stores ``<split>_images`` and ``<split>_labels`` for the splits
    ``train``, ``val`` and ``test``; any subset of them may be present. Labels are
    returned as a 1-D class vector ``(n,)`` for binary and multiclass data and as an
    indicator matrix ``(n, n_labels)`` for multilabel data (e.g. ChestMNIST). Images
    keep their dtype (uint8 in MedMNIST) and are not copied or rescaled.

    The 3-D data sets (``*MNIST3D``, e.g. NoduleMNIST3D) store volumes of shape
    ``(n, D, H, W)`` (``28`` or ``64`` voxels a side); they are returned as
    ``(n, D, H, W, 1)``, with a channel axis, so that estimators read them as volumes.

    Read more in the :ref:`User Guide <medmnist>`.

    Parameters
    ----------
    path : str or path-like
        The ``.npz`` file.
    split : {"train", "val", "test"} or list of them, default=None
        Splits to load. ``None`` loads every split present in the file. A requested
        split that is missing raises ``ValueError`` naming the splits that exist.
    multilabel : bool, default=None
        How to read the labels. ``None`` decides from the file: labels of shape
        ``(n, L)`` with ``L > 1`` and 0/1 values are multilabel, labels of shape
        ``(n,)`` or ``(n, 1)`` are single-label. ``True`` forces an indicator matrix
        (``(n, 1)`` for one binary label). ``False`` forces single-label and converts
        one-hot rows to class indices.
    return_X_y : bool, default=False
        Return ``(images, labels)`` of one split instead of a Bunch; requires
        ``split`` to be a single split name.
    mmap_mode : {"r"}, default=None
        ``"r"`` keeps the images on disk: each split's images are decompressed once into
        a ``.npy`` file in ``cache_dir`` (reused while the archive is unchanged) and
        returned as a :class:`LazyImageArray`, which cross-validation indexes without
        reading pixels and :class:`~skmedimg.CNNClassifier` reads batch by batch. For
        collections larger than memory.
    cache_dir : str or path-like, default=None
        Folder of the ``.npy`` files made for ``mmap_mode="r"``; by default a folder
        ``<archive name>_arrays`` beside the archive.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        X_train, X_val, X_test : ndarray of shape (n, H, W), (n, H, W, C) or (n, D, H, W, 1)
            Images or volumes of each loaded split (only the loaded splits are
            present); a :class:`LazyImageArray` of that shape with ``mmap_mode="r"``.
        y_train, y_val, y_test : ndarray of shape (n,) or (n, n_labels)
            Labels of each loaded split, int64.
        splits : tuple of str
            The loaded splits, in the order train, val, test.
        task : {"binary", "multiclass", "multilabel"}
            The kind of target, decided on all loaded splits together.
        classes : ndarray
            Sorted class labels seen in the loaded splits (single-label), or
            ``arange(n_labels)`` (multilabel).
        path : str
            The file that was read.

    (images, labels) : tuple of ndarray
        When ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When the file is empty, truncated, corrupt or not a .npz archive, holds
        pickled Python objects (never loaded), has no ``<split>_images`` arrays, a
        requested split is missing, images and labels disagree in length, the splits
        hold images of different shapes, or the labels are not class labels.

    See Also
    --------
    load_image_folder : Images stored as files, one folder per class.
    load_nifti_folder : Volumes stored as NIfTI files, one folder per class.
    make_lesion_images : Synthetic data with the same array layout.

    Notes
    -----
    An ``<split>_images`` array of 4 dimensions is read by its last axis: up to 4
    entries are the channels of 2-D images (``(n, H, W, 3)`` in the RGB sets such as
    DermaMNIST), more are the width of 3-D volumes ``(n, D, H, W)``. A 5-D array is
    taken as volumes with channels.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from skmedimg.datasets import load_medmnist
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.npz")
    >>> rng = np.random.default_rng(0)
    >>> np.savez(path, train_images=rng.integers(0, 255, (6, 28, 28), dtype=np.uint8),
    ...          train_labels=np.array([[0], [1], [1], [0], [1], [1]], dtype=np.uint8),
    ...          val_images=np.zeros((2, 28, 28), dtype=np.uint8),
    ...          val_labels=np.array([[0], [1]], dtype=np.uint8))
    >>> data = load_medmnist(path)
    >>> data.splits, data.task, data.X_train.shape, data.y_train
    (('train', 'val'), 'binary', (6, 28, 28), array([0, 1, 1, 0, 1, 1]))
    >>> X, y = load_medmnist(path, split="val", return_X_y=True)
    >>> X.shape, y.shape
    ((2, 28, 28), (2,))

    A 3-D data set gets a channel axis:

    >>> np.savez(path, train_images=np.zeros((4, 28, 28, 28), dtype=np.uint8),
    ...          train_labels=np.array([[0], [1], [0], [1]]))
    >>> load_medmnist(path, split="train", return_X_y=True)[0].shape
    (4, 28, 28, 28, 1)
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"MedMNIST file {str(path)!r} does not exist.")
    if multilabel not in (None, True, False):
        raise ValueError(f"multilabel must be None, True or False; got {multilabel!r}.")
    if mmap_mode not in (None, "r"):
        raise ValueError(
            f"mmap_mode must be None (images in memory) or 'r' (images read from disk on "
            f"demand); got {mmap_mode!r}."
        )

    archive = _open_npz(path)

    with archive:
        keys = set(archive.files)
        present = [s for s in _MEDMNIST_SPLITS if f"{s}_images" in keys]
        if not present:
            raise ValueError(
                f"{str(path)!r} is not in the MedMNIST layout: expected arrays named "
                f"'train_images', 'val_images' or 'test_images'; found {sorted(keys)}."
            )
        if split is None:
            wanted = present
        else:
            if isinstance(split, str):
                requested = [split]
            elif isinstance(split, (list, tuple, set, frozenset, np.ndarray)):
                requested = list(split)
            else:
                requested = []  # e.g. split=3: rejected just below with the valid names
            unknown = [s for s in requested if s not in _MEDMNIST_SPLITS]
            if unknown or not requested:
                raise ValueError(
                    f"split must be None or among {list(_MEDMNIST_SPLITS)}; got {split!r}."
                )
            missing = [s for s in requested if s not in present]
            if missing:
                raise ValueError(
                    f"Split(s) {missing} not found in {str(path)!r}; it has {present}."
                )
            wanted = [s for s in _MEDMNIST_SPLITS if s in requested]
        if return_X_y and not (isinstance(split, str)):
            raise ValueError(
                "return_X_y=True needs a single split, e.g. split='train'; "
                f"got split={split!r}."
            )

        result = Bunch(splits=tuple(wanted), path=str(path))
        raw_labels = {}
        for s in wanted:
            if f"{s}_labels" not in keys:
                raise ValueError(f"{str(path)!r} has '{s}_images' but no '{s}_labels'.")
            if mmap_mode is None:
                images = _read_array(archive, f"{s}_images", path)
            else:
                from ._lazy import LazyImageArray

                folder = (Path(cache_dir) if cache_dir is not None
                          else path.with_name(f"{path.stem}_arrays"))
                images = LazyImageArray(_extract_images(path, f"{s}_images", folder))
            if images.ndim == 4 and images.shape[-1] > 4:
                # MedMNIST3D: (n, D, H, W) volumes, which get a channel axis (a view) so
                # that every estimator reads them as volumes, never as D-channel images.
                images = images[..., None]
            images = check_images(images, name=f"{s}_images")
            labels = _read_array(archive, f"{s}_labels", path)
            if labels.ndim == 0:
                raise ValueError(
                    f"{s}_labels in {str(path)!r} is a single value, not one label per image."
                )
            if len(labels) != len(images):
                raise ValueError(
                    f"{s}_images has {len(images)} images but {s}_labels has "
                    f"{len(labels)} labels in {str(path)!r}."
                )
            result[f"X_{s}"] = images
            raw_labels[s] = labels

    shapes = {result[f"X_{s}"].shape[1:] for s in wanted}
    if len(shapes) > 1:
        detail = ", ".join(f"{s}_images {result[f'X_{s}'].shape[1:]}" for s in wanted)
        raise ValueError(
            f"The splits of {str(path)!r} hold images of different shapes ({detail}); a "
            "model trained on one split could not be applied to the other."
        )
    widths = {1 if lab.ndim == 1 else lab.shape[1] for lab in raw_labels.values()}
    if len(widths) > 1:
        raise ValueError(f"The splits of {str(path)!r} have labels of different widths {widths}.")
    if multilabel is None:
        multilabel = widths.pop() > 1
    for s, labels in raw_labels.items():
        result[f"y_{s}"] = _medmnist_labels(labels, f"{s}_labels", multilabel)

    if multilabel:
        result.task = "multilabel"
        result.classes = np.arange(result[f"y_{wanted[0]}"].shape[1])
    else:
        result.classes = np.unique(np.concatenate([result[f"y_{s}"] for s in wanted]))
        result.task = "binary" if len(result.classes) <= 2 else "multiclass"
        if "train" in wanted:
            for s in wanted[1:]:
                unseen = np.setdiff1d(result[f"y_{s}"], result.y_train)
                if unseen.size:
                    message = (
                        f"{s}_labels in {str(path)!r} has classes {unseen.tolist()} that "
                        "train_labels does not have; a model trained on the train split "
                        "can never predict them."
                    )
                    logger.warning(message)
                    warnings.warn(message, UserWarning, stacklevel=2)
    logger.info(
        "Loaded %s from %s: %s", result.task, path,
        ", ".join(f"{s}={len(result[f'y_{s}'])}" for s in wanted),
    )
    if return_X_y:
        return result[f"X_{split}"], result[f"y_{split}"]
    return result
