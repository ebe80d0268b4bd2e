"""Loaders for real image collections: MedMNIST ``.npz`` files, class folders, image+mask pairs.

Every loader either returns everything it found or says what it could not read: a
failure is collected per file and reported as one :class:`ImageLoadError` listing the
files (``on_error="raise"``), or dropped with one :class:`UserWarning` listing them
(``on_error="skip"``). A partial load is never silent.
"""

from __future__ import annotations

import logging
import numbers
import os
import re
import stat
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from .._validation import available_memory, check_images

__all__ = [
    "IMAGE_EXTENSIONS",
    "ImageLoadError",
    "load_image_folder",
    "load_image_mask_pairs",
    "load_medmnist",
]

logger = logging.getLogger(__name__)

#: File extensions (lower case) that the folder loaders read by default.
IMAGE_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".pgm", ".ppm", ".pnm", ".webp", ".jp2"}
)
# Files that operating systems drop into folders; never data, never reported.
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
_MEDMNIST_SPLITS = ("train", "val", "test")
_MAX_LISTED = 20


class ImageLoadError(ValueError):
    """Raised when image files cannot be read or do not fit the expected layout.

    A :class:`ValueError`, so that ``except ValueError`` catches it too.

    Parameters
    ----------
    message : str
        The error message, listing the files (see ``failures``).
    failures : sequence of (str, str), default=()
        ``(path, reason)`` for every problem found.

    Attributes
    ----------
    failures : list of (str, str)
        ``(path, reason)`` for every problem found, not only the first.
    """

    def __init__(self, message: str, failures: Sequence[tuple[str, str]] = ()):
        super().__init__(message)
        self.failures = list(failures)


# --------------------------------------------------------------------------- helpers


def _format_failures(failures: Sequence[tuple[str, str]]) -> str:
    lines = [f"  {path}: {reason}" for path, reason in failures[:_MAX_LISTED]]
    if len(failures) > _MAX_LISTED:
        lines.append(f"  ... and {len(failures) - _MAX_LISTED} more")
    return "\n".join(lines)


def _handle_failures(failures: list[tuple[str, str]], on_error: str, what: str) -> None:
    """Raise or warn about ``failures``; does nothing when there are none."""
    if not failures:
        return
    if on_error == "raise":
        raise ImageLoadError(
            f"{len(failures)} {what} could not be loaded:\n{_format_failures(failures)}\n"
            "Fix or remove them, or pass on_error='skip' to load the rest with a warning.",
            failures,
        )
    message = f"Skipped {len(failures)} {what}:\n{_format_failures(failures)}"
    logger.warning(message)
    warnings.warn(message, UserWarning, stacklevel=3)


def _check_on_error(on_error) -> str:
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip'; got {on_error!r}.")
    return on_error


def _check_color(color) -> int:
    if color == "grayscale":
        return cv2.IMREAD_GRAYSCALE | cv2.IMREAD_ANYDEPTH
    if color == "rgb":
        return cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH
    raise ValueError(f"color must be 'grayscale' or 'rgb'; got {color!r}.")


def _check_image_size(image_size) -> tuple[int, int] | None:
    if image_size is None:
        return None
    if isinstance(image_size, numbers.Integral) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    try:
        h, w = image_size
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in (h, w)):
            raise TypeError
    except (TypeError, ValueError):
        raise ValueError(
            f"image_size must be None, an int or a (height, width) pair of ints; "
            f"got {image_size!r}."
        ) from None
    if h < 1 or w < 1:
        raise ValueError(f"image_size must be positive; got {image_size!r}.")
    return int(h), int(w)


def _check_resized_memory(n_images: int, size, channels: int, image_size) -> None:
    """Fail before reading when the resized images cannot fit in memory (one byte per
    value at least); OpenCV would otherwise fail on the first huge resize."""
    need = n_images * size[0] * size[1] * channels
    avail = available_memory()
    if avail is not None and need > avail:
        raise ValueError(
            f"image_size={image_size!r} would need at least {need / 2**30:,.1f} GiB for "
            f"{n_images:,} images, more than the {avail / 2**30:,.1f} GiB of memory "
            "available; choose a smaller image_size."
        )


def _check_extensions(extensions) -> frozenset[str]:
    if extensions is None:
        return IMAGE_EXTENSIONS
    if isinstance(extensions, str):
        extensions = [extensions]
    extensions = list(extensions)
    if not all(isinstance(e, str) and e.strip(".") for e in extensions):
        raise ValueError(
            f"extensions must be file extensions such as '.png'; got {extensions!r}."
        )
    exts = frozenset(e.lower() if e.startswith(".") else "." + e.lower() for e in extensions)
    if not exts:
        raise ValueError("extensions must not be empty.")
    return exts


def _check_root(root) -> Path:
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"Image folder {str(root)!r} does not exist.")
    if not root.is_dir():
        raise NotADirectoryError(f"{str(root)!r} is not a folder.")
    return root


def _natural_key(path: Path) -> list:
    """Sort key that puts ``slice_2`` before ``slice_10``."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(path))]


def _is_ignored(path: Path) -> bool:
    return path.name.startswith(".") or path.name.lower() in _IGNORED_NAMES


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _real(path) -> Path:
    return Path(os.path.realpath(path))


def _is_regular_file(path: Path) -> bool:
    """False for FIFOs, sockets and devices, which would block or never end when read.

    A path that cannot be stat'ed (e.g. a broken link) counts as a file, so that reading
    it reports the problem.
    """
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def _already_read(folder: Path, trees: Sequence[Path], seen: set[Path]) -> bool:
    """Whether ``folder`` (a sub-folder met while walking) must not be read.

    A symlinked folder is not followed when it leads back into the folders being read:
    to one of ``trees`` (real paths of the folders being read), a parent of one, or a
    folder inside one (whose files are read at their own place). Any folder already
    reached another way (its real path is in ``seen``) is not read twice. Following
    either would read the same images twice, under two classes, or never end.
    """
    target = _real(folder)
    if folder.is_symlink() and (target in seen or any(
        _is_within(target, tree) or _is_within(tree, target) for tree in trees
    )):
        logger.warning(
            "Not following %s: it links to %s, which is already part of the folders "
            "being read.", folder, target,
        )
        return True
    if target in seen:
        logger.warning("Not reading %s again: it was already read as %s (a symbolic link "
                       "leads to it).", folder, target)
        return True
    seen.add(target)
    return False


def _walk_files(
    folder: Path, root_real: Path, seen: set[Path], failures: list[tuple[str, str]]
) -> list[Path]:
    """All non-hidden regular files below ``folder``, naturally sorted.

    Hidden sub-folders are skipped; symlinked sub-folders are followed unless they
    lead back into ``root_real`` or ``folder`` or to a folder in ``seen`` (the real
    paths already reached, updated here). Non-regular files (FIFOs, sockets, devices)
    are skipped with a warning in the log: reading a FIFO named ``*.png`` would block
    forever. Folders that cannot be listed are added to ``failures`` (``os.walk``
    alone would skip them silently).
    """

    def unlistable(exc: OSError) -> None:
        failures.append((str(exc.filename or folder),
                         f"cannot list folder ({exc.strerror or exc})"))

    trees = (root_real, _real(folder))
    files = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlistable, followlinks=True):
        here = Path(dirpath)
        dirnames[:] = [
            d for d in sorted(dirnames)
            if not d.startswith(".") and not _already_read(here / d, trees, seen)
        ]
        for name in filenames:
            path = here / name
            if _is_ignored(path):
                continue
            if not _is_regular_file(path):
                logger.warning("Skipping %s: not a regular file (a FIFO, socket or device).",
                               path)
                continue
            files.append(path)
    return sorted(files, key=_natural_key)


def _read_one(path: Path, flags: int, size: tuple[int, int] | None, interpolation: int | None):
    """Read and resize one image; return ``(image, None)`` or ``(None, reason)``."""
    try:
        # np.fromfile + imdecode instead of cv2.imread: works with non-ASCII paths and
        # lets us tell an empty file from an undecodable one.
        buffer = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        return None, f"cannot read file ({exc.strerror or exc})"
    if buffer.size == 0:
        return None, "empty file (0 bytes)"
    try:
        image = cv2.imdecode(buffer, flags)
    except cv2.error as exc:  # pragma: no cover - OpenCV raises only on odd buffers
        return None, f"OpenCV could not decode it ({str(exc).strip().splitlines()[-1]})"
    if image is None:
        return None, "not a readable image (corrupt, truncated or unsupported format)"
    if image.dtype not in (np.uint8, np.uint16, np.float32):
        return None, f"unsupported pixel type {image.dtype}"
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    if size is not None and image.shape[:2] != size:
        h, w = size
        if interpolation is None:
            shrinking = h * w < image.shape[0] * image.shape[1]
            interp = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
        else:
            interp = interpolation
        image = cv2.resize(image, (w, h), interpolation=interp)
    return image, None


def _read_many(paths, flags, size, n_jobs, interpolation=None) -> list:
    """Read ``paths`` in joblib threads (OpenCV releases the GIL while decoding)."""
    if len(paths) == 0:
        return []
    return Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_read_one)(p, flags, size, interpolation) for p in paths
    )


def _stack(images: list[np.ndarray], paths: list[Path], what: str) -> np.ndarray:
    """Stack images into one array; explain mixed sizes or bit depths instead of failing."""
    if len({(im.shape, im.dtype.str) for im in images}) > 1:
        shapes = Counter(im.shape for im in images)
        dtypes = Counter(str(im.dtype) for im in images)
        examples = {}
        for im, p in zip(images, paths):
            examples.setdefault((im.shape, str(im.dtype)), str(p))
        detail = "\n".join(
            f"  {n} file(s) of shape {shape} and dtype {dtype}, e.g. {examples[(shape, dtype)]}"
            for (shape, dtype), n in Counter((im.shape, str(im.dtype)) for im in images).items()
        )
        differs, hint = [], []
        if len(shapes) > 1:
            differs.append("size")
            hint.append("pass image_size=(height, width) to resize them all")
        if len(dtypes) > 1:
            differs.append("bit depth")
            hint.append(
                "convert the files to one bit depth (mixing 8-bit and 16-bit images would "
                "put them on different intensity scales)"
            )
        raise ImageLoadError(
            f"The {what} differ in {' and '.join(differs)}:\n{detail}\n"
            f"To load them, {' and '.join(hint)}."
        )
    return np.stack(images)


# --------------------------------------------------------------------------- MedMNIST


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


def load_medmnist(
    path,
    *,
    split: str | Sequence[str] | None = None,
    multilabel: bool | None = None,
    return_X_y: bool = False,
):
    """Load a MedMNIST ``.npz`` file (2-D data sets) with labels in scikit-learn's shapes.

    The MedMNIST layout stores ``<split>_images`` and ``<split>_labels`` for the splits
    ``train``, ``val`` and ``test``; any subset of them may be present. Labels are
    returned as a 1-D class vector ``(n,)`` for binary and multiclass data and as an
    indicator matrix ``(n, n_labels)`` for multilabel data (e.g. ChestMNIST). Images
    keep their dtype (uint8 in MedMNIST) and are not copied or rescaled.

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

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        X_train, X_val, X_test : ndarray of shape (n, H, W) or (n, H, W, C)
            Images of each loaded split (only the loaded splits are present).
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
        hold images of different shapes or 3-D volumes, or the labels are not class
        labels.

    See Also
    --------
    load_image_folder : Images stored as files, one folder per class.
    make_lesion_images : Synthetic data with the same array layout.

    Notes
    -----
    Only 2-D MedMNIST data sets are supported: the 3-D ones (``*MNIST3D``) store
    volumes of shape ``(n, D, H, W)``, which would be taken as ``D``-channel images.

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
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"MedMNIST file {str(path)!r} does not exist.")
    if multilabel not in (None, True, False):
        raise ValueError(f"multilabel must be None, True or False; got {multilabel!r}.")

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
            images = check_images(_read_array(archive, f"{s}_images", path),
                                  name=f"{s}_images")
            if images.ndim == 4 and images.shape[1] == images.shape[2] == images.shape[3] > 4:
                raise ValueError(
                    f"{s}_images in {str(path)!r} has shape {images.shape}: 3-D volumes "
                    "(a MedMNIST3D file), which load_medmnist does not read as 2-D images "
                    "with one channel per slice."
                )
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


# --------------------------------------------------------------------------- class folders


def load_image_folder(
    root,
    *,
    image_size: int | tuple[int, int] | None = None,
    color: str = "grayscale",
    classes: Sequence[str] | None = None,
    extensions: Iterable[str] | None = None,
    on_error: str = "raise",
    n_jobs: int | None = None,
    return_X_y: bool = False,
):
    """Load images stored one sub-folder per class, read and resized with OpenCV.

    ``root/<class name>/**/<image file>``: every sub-folder of ``root`` is a class and
    every image below it (at any depth) a sample of that class. This is the layout of
    most Kaggle medical-image sets (e.g. ``chest_xray/train/NORMAL``,
    ``chest_xray/train/PNEUMONIA``) and of torchvision's ``ImageFolder``.

    Bit depth is kept: 8-bit files give uint8, 16-bit PNG/TIFF files (typical of CT,
    MRI and digital X-ray exports) give uint16 and 32-bit float TIFFs give float32.
    Files are decoded in parallel threads.

    Read more in the :ref:`User Guide <image_folder>`.

    Parameters
    ----------
    root : str or path-like
        Folder holding one sub-folder per class. Hidden files and folders (names
        starting with ".") are ignored.
    image_size : int or (int, int), default=None
        ``(height, width)`` to resize every image to (``INTER_AREA`` when shrinking,
        ``INTER_LINEAR`` when enlarging; aspect ratio is not kept). ``None`` keeps the
        files' size, which must then be the same for all of them.
    color : {"grayscale", "rgb"}, default="grayscale"
        ``"grayscale"`` returns ``(n, H, W)``; ``"rgb"`` returns ``(n, H, W, 3)`` in
        RGB order (grayscale files are replicated, alpha channels dropped).
    classes : list of str, default=None
        Class folders to load, in the order that defines the integer labels.
        ``None`` loads every sub-folder in sorted order. Pass e.g.
        ``["NORMAL", "PNEUMONIA"]`` to make sure the positive class is 1.
    extensions : list of str, default=None
        File extensions to read (case-insensitive); ``None`` means
        :data:`IMAGE_EXTENSIONS` (PNG, JPEG, TIFF, BMP, PNM, WebP, JPEG 2000). Other
        files inside class folders count as errors (see ``on_error``).
    on_error : {"raise", "skip"}, default="raise"
        What to do with files that cannot be read (corrupt, empty, unsupported),
        files of another type inside a class folder, image files lying directly in
        ``root`` and empty class folders. ``"raise"`` raises one
        :class:`ImageLoadError` listing all of them; ``"skip"`` loads the rest and
        emits one warning listing what was skipped.
    n_jobs : int, default=None
        Number of threads reading files. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        images : ndarray of shape (n, H, W) or (n, H, W, 3)
            The images, uint8, uint16 or float32 as stored in the files.
        target : ndarray of shape (n,)
            Integer class labels, indices into ``target_names``.
        target_names : list of str
            Class folder names; ``target_names[k]`` is class ``k``.
        filenames : ndarray of str of shape (n,)
            Path of each image, in the order of ``images``.
        skipped : list of (str, str)
            ``(path, reason)`` of everything skipped (empty unless ``on_error="skip"``).

    (images, target) : tuple of ndarray
        When ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        When ``root`` or a folder named in ``classes`` does not exist.
    ImageLoadError
        When files cannot be read (``on_error="raise"``), no image is left, or the
        images differ in size or bit depth and ``image_size`` is ``None``.

    See Also
    --------
    load_image_mask_pairs : Slices with segmentation masks, labelled by the masks.
    load_medmnist : Images already packed in a MedMNIST ``.npz`` file.

    Notes
    -----
    DICOM files are not read; convert them first (e.g. with ``pydicom``) to 16-bit PNG
    or TIFF, which keeps their full dynamic range.

    Symbolic links to files and folders are followed, except links to folders that
    lead back into ``root`` (to ``root`` itself, a parent of it or a folder inside it)
    or to a folder already reached through another link: following those would read
    the same images twice, under another class, or never end. Such links, and
    entries that are not regular files (FIFOs, sockets, devices, which could block
    reading), are skipped with a warning in the ``skmedimg.datasets`` log. A folder
    named in ``classes`` is read even when it links to another folder inside ``root``,
    but not when it links to ``root`` or a parent of it.

    Examples
    --------
    >>> import numpy as np, cv2, tempfile, pathlib
    >>> from skmedimg.datasets import load_image_folder
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name, n in [("normal", 3), ("tumour", 1)]:
    ...     (root / name).mkdir()
    ...     for i in range(n):
    ...         _ = cv2.imwrite(str(root / name / f"{i}.png"), np.full((20, 30), 60 * i, np.uint8))
    >>> data = load_image_folder(root, image_size=16)
    >>> data.images.shape, data.images.dtype, data.target, data.target_names
    ((4, 16, 16), dtype('uint8'), array([0, 0, 0, 1]), ['normal', 'tumour'])
    """
    root = _check_root(root)
    flags = _check_color(color)
    size = _check_image_size(image_size)
    exts = _check_extensions(extensions)
    on_error = _check_on_error(on_error)

    failures: list[tuple[str, str]] = []
    root_real = _real(root)
    seen: set[Path] = set()
    if classes is None:
        class_dirs = sorted(
            (
                p for p in root.iterdir()
                if p.is_dir() and not p.name.startswith(".")
                and not (p.is_symlink() and _already_read(p, (root_real,), seen))
            ),
            key=lambda p: p.name,
        )
        if not class_dirs:
            raise ImageLoadError(
                f"{str(root)!r} has no sub-folders; load_image_folder expects one "
                "sub-folder per class (root/<class>/<image>)."
            )
        for p in sorted(root.iterdir()):
            if p.is_file() and not _is_ignored(p) and p.suffix.lower() in exts:
                failures.append((str(p), "image outside any class folder"))
    else:
        if isinstance(classes, str):
            raise ValueError(f"classes must be a list of folder names; got {classes!r}.")
        classes = list(classes)
        if len(set(classes)) != len(classes) or not classes:
            raise ValueError(
                f"classes must be a non-empty list of distinct names; got {classes!r}."
            )
        bad = [c for c in classes if str(c) in ("", ".", "..") or Path(str(c)).name != str(c)]
        if bad:
            raise ValueError(
                f"classes must name folders directly inside root, without '/' or '..'; "
                f"got {bad}."
            )
        class_dirs = [root / str(c) for c in classes]
        absent = [str(c) for c, p in zip(classes, class_dirs) if not p.is_dir()]
        if absent:
            available = sorted(p.name for p in root.iterdir() if p.is_dir())
            raise FileNotFoundError(
                f"Class folder(s) {absent} not found in {str(root)!r}; it has {available}."
            )
        real_dirs = [_real(p) for p in class_dirs]
        for c, real in zip(classes, real_dirs):
            if _is_within(root_real, real):
                raise ValueError(
                    f"Class folder {str(c)!r} links back to {str(real)!r}, which contains "
                    "root; its images would be read again under another class."
                )
        same = [c for c, real in zip(classes, real_dirs) if real_dirs.count(real) > 1]
        if same:
            raise ValueError(f"Class folders {same} are the same folder (symbolic links).")

    seen.update(_real(p) for p in class_dirs)
    paths: list[Path] = []
    labels: list[int] = []
    for k, folder in enumerate(class_dirs):
        files = _walk_files(folder, root_real, seen, failures)
        images = [f for f in files if f.suffix.lower() in exts]
        failures.extend(
            (str(f), f"not an image file (extension {f.suffix or 'none'!r})")
            for f in files
            if f.suffix.lower() not in exts
        )
        if not images:
            failures.append((str(folder), "class folder without images"))
        paths.extend(images)
        labels.extend([k] * len(images))

    if size is not None:
        _check_resized_memory(len(paths), size, 1 if color == "grayscale" else 3, image_size)
    results = _read_many(paths, flags, size, n_jobs)
    failures.extend((str(p), reason) for p, (_, reason) in zip(paths, results) if reason)
    _handle_failures(failures, on_error, "files or folders")

    keep = [i for i, (image, _) in enumerate(results) if image is not None]
    if not keep:
        raise ImageLoadError(f"No readable image found under {str(root)!r}.", failures)
    kept_paths = [paths[i] for i in keep]
    images = _stack([results[i][0] for i in keep], kept_paths, "images")
    target = np.asarray([labels[i] for i in keep], dtype=np.int64)

    names = [p.name for p in class_dirs]
    present = np.unique(target)
    if len(present) < len(names):  # some class lost all its files (only with "skip")
        names = [names[k] for k in present]
        target = np.searchsorted(present, target)
    logger.info("Loaded %d images of %d classes from %s", len(target), len(names), root)
    if return_X_y:
        return images, target
    return Bunch(
        images=images,
        target=target,
        target_names=names,
        filenames=np.asarray([str(p) for p in kept_paths]),
        skipped=failures,
    )


# --------------------------------------------------------------------------- image + mask


def load_image_mask_pairs(
    root,
    *,
    mask_suffix: str = "_mask",
    image_size: int | tuple[int, int] | None = None,
    color: str = "grayscale",
    min_mask_pixels: int = 1,
    return_masks: bool = True,
    extensions: Iterable[str] | None = None,
    on_error: str = "raise",
    n_jobs: int | None = None,
    return_X_y: bool = False,
):
    """Load image slices with their segmentation masks; label a slice 1 when its mask is not empty.

    The layout is that of the LGG brain-MRI segmentation set (Buda et al., Kaggle
    ``kaggle_3m``): each slice ``<name>.tif`` has its mask ``<name>_mask.tif`` in the
    same folder, and slices are grouped in one sub-folder per patient::

        root/TCGA_CS_4941_19960909/TCGA_CS_4941_19960909_1.tif
        root/TCGA_CS_4941_19960909/TCGA_CS_4941_19960909_1_mask.tif
        ...

    The folder holding each slice is returned as ``groups`` so that slices of one
    patient never land on both sides of a split
    (:class:`~sklearn.model_selection.StratifiedGroupKFold`).

    Read more in the :ref:`User Guide <image_mask_pairs>`.

    Parameters
    ----------
    root : str or path-like
        Folder searched recursively for images and masks. Hidden files and folders
        are ignored; symbolic links and non-regular files are treated as in
        :func:`load_image_folder`.
    mask_suffix : str, default="_mask"
        A file whose name without extension ends with ``mask_suffix`` is the mask of
        the image with the same name without the suffix (any image extension).
    image_size : int or (int, int), default=None
        ``(height, width)`` to resize images (area/linear interpolation) and masks
        (nearest neighbour) to. ``None`` keeps the files' size, which must then be
        the same for all of them.
    color : {"grayscale", "rgb"}, default="grayscale"
        Colour mode of the images; masks are always read as one channel. The three
        channels of LGG slices are three MRI sequences (pre-contrast, FLAIR,
        post-contrast): use ``"rgb"`` to keep them.
    min_mask_pixels : int, default=1
        A slice is positive when its mask (at the file's resolution) has at least this
        many non-zero pixels.
    return_masks : bool, default=True
        Also return the (resized) masks; ``False`` saves memory when only the labels
        are needed.
    extensions : list of str, default=None
        File extensions to read; ``None`` means :data:`IMAGE_EXTENSIONS`. Other files
        are ignored.
    on_error : {"raise", "skip"}, default="raise"
        What to do with images without a mask, masks without an image, unreadable
        files and image/mask pairs of different sizes: ``"raise"`` raises one
        :class:`ImageLoadError` listing all of them; ``"skip"`` drops those slices
        with one warning listing them.
    n_jobs : int, default=None
        Number of threads reading files. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        images : ndarray of shape (n, H, W) or (n, H, W, 3)
            The slices, with the files' bit depth.
        masks : ndarray of uint8 of shape (n, H, W)
            Binary masks (0/1); only when ``return_masks=True``.
        target : ndarray of shape (n,)
            1 when the mask has at least ``min_mask_pixels`` non-zero pixels, else 0.
        groups : ndarray of str of shape (n,)
            The folder of each slice relative to ``root`` (the patient in LGG).
        filenames, mask_filenames : ndarray of str of shape (n,)
            Paths of the slices and of their masks.
        target_names : list of str
            ``["no_finding", "finding"]``.
        skipped : list of (str, str)
            ``(path, reason)`` of everything skipped (empty unless ``on_error="skip"``).

    (images, target) : tuple of ndarray
        When ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        When ``root`` does not exist.
    ImageLoadError
        When pairs are incomplete or unreadable (``on_error="raise"``), nothing is
        found, or the images differ in size or bit depth and ``image_size`` is None.

    See Also
    --------
    load_image_folder : Images stored one folder per class.

    Examples
    --------
    >>> import numpy as np, cv2, tempfile, pathlib
    >>> from skmedimg.datasets import load_image_mask_pairs
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "patient_1").mkdir()
    >>> for i, lesion in enumerate([False, True, False]):
    ...     mask = np.zeros((16, 16), np.uint8)
    ...     mask[4:8, 4:8] = 255 * lesion
    ...     stem = str(root / "patient_1" / f"p1_{i}")
    ...     _ = cv2.imwrite(stem + ".tif", np.full((16, 16), 90, np.uint8))
    ...     _ = cv2.imwrite(stem + "_mask.tif", mask)
    >>> data = load_image_mask_pairs(root)
    >>> data.images.shape, data.target, data.groups, int(data.masks[1].sum())
    ((3, 16, 16), array([0, 1, 0]), array(['patient_1', 'patient_1', 'patient_1'], dtype='<U9'), 16)
    """
    root = _check_root(root)
    flags = _check_color(color)
    size = _check_image_size(image_size)
    exts = _check_extensions(extensions)
    on_error = _check_on_error(on_error)
    if not isinstance(mask_suffix, str) or not mask_suffix:
        raise ValueError(f"mask_suffix must be a non-empty string; got {mask_suffix!r}.")
    if not isinstance(min_mask_pixels, numbers.Integral) or min_mask_pixels < 1:
        raise ValueError(f"min_mask_pixels must be a positive int; got {min_mask_pixels!r}.")

    images_by_key: dict[Path, Path] = {}
    masks_by_key: dict[Path, Path] = {}
    failures: list[tuple[str, str]] = []
    for f in _walk_files(root, _real(root), set(), failures):
        if f.suffix.lower() not in exts:
            continue
        stem = f.stem
        if stem.endswith(mask_suffix) and len(stem) > len(mask_suffix):
            table, key = masks_by_key, f.parent / stem[: -len(mask_suffix)]
        else:
            table, key = images_by_key, f.parent / stem
        if key in table:
            failures.append((str(f), f"two files for one slice (also {table[key].name})"))
        else:
            table[key] = f
    failures.extend(
        (str(images_by_key[k]), f"no mask '{k.name}{mask_suffix}.*' beside it")
        for k in sorted(images_by_key.keys() - masks_by_key.keys(), key=_natural_key)
    )
    failures.extend(
        (str(masks_by_key[k]), "mask without an image")
        for k in sorted(masks_by_key.keys() - images_by_key.keys(), key=_natural_key)
    )
    keys = sorted(images_by_key.keys() & masks_by_key.keys(), key=_natural_key)
    if not keys and not failures:
        raise ImageLoadError(
            f"No image/mask pair found under {str(root)!r} (masks are recognised by the "
            f"suffix {mask_suffix!r}, e.g. slice_1.tif + slice_1{mask_suffix}.tif)."
        )

    image_paths = [images_by_key[k] for k in keys]
    mask_paths = [masks_by_key[k] for k in keys]
    if size is not None:
        channels = (1 if color == "grayscale" else 3) + (1 if return_masks else 0)
        _check_resized_memory(len(keys), size, channels, image_size)
    read_images = _read_many(image_paths, flags, None, n_jobs)
    read_masks = _read_many(mask_paths, cv2.IMREAD_GRAYSCALE | cv2.IMREAD_ANYDEPTH, None, n_jobs)

    images, masks, target, keep = [], [], [], []
    for i, ((image, err), (mask, mask_err)) in enumerate(zip(read_images, read_masks)):
        if err:
            failures.append((str(image_paths[i]), err))
        if mask_err:
            failures.append((str(mask_paths[i]), mask_err))
        if err or mask_err:
            continue
        if image.shape[:2] != mask.shape[:2]:
            failures.append(
                (str(mask_paths[i]), f"mask is {mask.shape[:2]}, image is {image.shape[:2]}")
            )
            continue
        target.append(int(np.count_nonzero(mask) >= min_mask_pixels))
        if size is not None:
            h, w = size
            shrinking = h * w < image.shape[0] * image.shape[1]
            interp = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
            if image.shape[:2] != size:
                image = cv2.resize(image, (w, h), interpolation=interp)
            if return_masks and mask.shape != size:
                mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)
        images.append(image)
        if return_masks:
            masks.append((mask > 0).astype(np.uint8))
        keep.append(i)
    _handle_failures(failures, on_error, "slices or masks")
    if not keep:
        raise ImageLoadError(f"No readable image/mask pair under {str(root)!r}.", failures)

    kept_images = [image_paths[i] for i in keep]
    result = Bunch(
        images=_stack(images, kept_images, "images"),
        target=np.asarray(target, dtype=np.int64),
        groups=np.asarray([p.parent.relative_to(root).as_posix() for p in kept_images]),
        filenames=np.asarray([str(p) for p in kept_images]),
        mask_filenames=np.asarray([str(mask_paths[i]) for i in keep]),
        target_names=["no_finding", "finding"],
        skipped=failures,
    )
    if return_masks:
        result.masks = _stack(masks, kept_images, "masks")
    logger.info(
        "Loaded %d slices (%d positive) from %s", len(keep), int(result.target.sum()), root
    )
    if return_X_y:
        return result.images, result.target
    return result
