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
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from joblib import Parallel, delayed

from .._validation import available_memory

# The loaders themselves live in _medmnist (load_medmnist) and _folders
# (load_image_folder, load_image_mask_pairs); this module holds what they share.
__all__ = [
    "IMAGE_EXTENSIONS",
    "ImageLoadError",
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


def _find_class_folders(root: Path, classes, failures: list, *, loader: str, noun: str,
                        layout: str, is_item) -> tuple[list[Path], set[Path]]:
    """The class folders of ``root`` and the real folders read so far (symlink guard).

    ``classes=None`` takes every visible sub-folder and reports the files directly in
    ``root`` for which ``is_item(path)`` holds as ``"<noun> outside any class folder"``;
    a list names the folders, refused when absent, outside ``root``, linking back to it
    or naming one folder twice. Shared by the image and NIfTI folder loaders.
    """
    root_real = _real(root)
    seen: set[Path] = set()
    if classes is None:
        class_dirs = sorted(
            (p for p in root.iterdir()
             if p.is_dir() and not p.name.startswith(".")
             and not (p.is_symlink() and _already_read(p, (root_real,), seen))),
            key=lambda p: p.name,
        )
        if not class_dirs:
            raise ImageLoadError(
                f"{str(root)!r} has no sub-folders; {loader} expects one sub-folder per "
                f"class ({layout})."
            )
        failures.extend((str(p), f"{noun} outside any class folder")
                        for p in sorted(root.iterdir())
                        if p.is_file() and not _is_ignored(p) and is_item(p))
        return class_dirs, seen
    if isinstance(classes, str):
        raise ValueError(f"classes must be a list of folder names; got {classes!r}.")
    classes = list(classes)
    if len(set(classes)) != len(classes) or not classes:
        raise ValueError(f"classes must be a non-empty list of distinct names; got {classes!r}.")
    bad = [c for c in classes if str(c) in ("", ".", "..") or Path(str(c)).name != str(c)]
    if bad:
        raise ValueError(
            f"classes must name folders directly inside root, without '/' or '..'; got {bad}."
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
                f"root; its {noun}s would be read again under another class."
            )
    same = [c for c, real in zip(classes, real_dirs) if real_dirs.count(real) > 1]
    if same:
        raise ValueError(f"Class folders {same} are the same folder (symbolic links).")
    return class_dirs, seen


def _class_names_and_target(class_dirs: list[Path], target: np.ndarray):
    """Class names of the folders, without classes whose every file was skipped (only
    with ``on_error="skip"``), and the target renumbered to match them."""
    names = [p.name for p in class_dirs]
    present = np.unique(target)
    if len(present) < len(names):
        names = [names[k] for k in present]
        target = np.searchsorted(present, target)
    return names, target
