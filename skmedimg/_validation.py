"""Input checks shared by every estimator that takes image arrays.

scikit-learn's ``check_array`` thinks in 2-D feature matrices; images need their own
messages (which axis is wrong, how many pixels are NaN) and must not be copied or cast,
because a float32 copy of a uint8 image set costs four times its memory.
"""

from __future__ import annotations

import numbers
import os

import numpy as np
from scipy.sparse import issparse

IMAGE_SHAPE_HINT = "(n_samples, height, width) or (n_samples, height, width, channels)"


def check_images(
    X,
    *,
    name: str = "X",
    min_size: int | None = None,
    ensure_finite: bool = True,
) -> np.ndarray:
    """Validate a batch of images without copying or casting it.

    Parameters
    ----------
    X : array-like of shape (n_samples, height, width) or (n_samples, height, width, channels)
        Images. Integer (e.g. uint8, uint16) or floating dtypes are accepted.
    name : str, default="X"
        Name used in error messages.
    min_size : int, optional
        Smallest height and width accepted.
    ensure_finite : bool, default=True
        Reject NaN and infinite pixels of floating images.

    Returns
    -------
    X : ndarray
        ``np.asarray(X)``; the caller's array itself when it already is one. An object
        array whose values are numbers is converted to float64, as scikit-learn's
        ``check_array`` does.

    Raises
    ------
    TypeError
        When ``X`` is a sparse matrix, or its dtype is not a real number type (bool,
        string, or objects that are not numbers).
    ValueError
        Wrong number of dimensions, no images, an image smaller than ``min_size`` or
        non-finite pixels.

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg._validation import check_images
    >>> check_images(np.zeros((2, 8, 8), dtype=np.uint8)).shape
    (2, 8, 8)
    """
    if isinstance(X, (list, tuple)) and len(X) and all(hasattr(x, "shape") for x in X):
        shapes = {tuple(x.shape) for x in X}
        if len(shapes) > 1:
            raise ValueError(
                f"{name} is a list of images with different shapes {sorted(shapes)[:4]}; "
                "resize them to one size first (e.g. skmedimg.datasets.load_image_folder("
                "image_size=...))."
            )
    if issparse(X):
        raise TypeError(
            f"{name} is a sparse matrix ({type(X).__name__}); sparse matrices are not "
            f"supported for images. Pass a dense array of shape {IMAGE_SHAPE_HINT}."
        )
    X = np.asarray(X)
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has dtype {X.dtype}.")
    if X.dtype == object:
        # scikit-learn's check_array converts numeric object arrays to float64.
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must hold real-valued pixels (unsigned/signed integers or floats); "
                f"got dtype object with values that are not real numbers ({exc})."
            ) from None
    if X.dtype.kind not in "uif":
        raise TypeError(
            f"{name} must hold real-valued pixels (unsigned/signed integers or floats); "
            f"got dtype {X.dtype}."
        )
    if X.ndim not in (3, 4):
        raise ValueError(
            f"{name} must be an image array of shape {IMAGE_SHAPE_HINT}; got an array with "
            f"ndim={X.ndim} and shape {X.shape}."
            + (" Reshape your data to images first." if X.ndim < 3 else "")
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: got 0 images (shape {X.shape}).")
    if X.shape[1] == 0 or X.shape[2] == 0 or (X.ndim == 4 and X.shape[3] == 0):
        raise ValueError(f"{name} has images with a zero-length axis (shape {X.shape}).")
    if min_size is not None and min(X.shape[1], X.shape[2]) < min_size:
        raise ValueError(
            f"{name} has images of {X.shape[1]}x{X.shape[2]} pixels, smaller than the "
            f"{min_size}x{min_size} this model accepts; resize or choose another architecture."
        )
    if ensure_finite and X.dtype.kind == "f":
        # One sum (no boolean copy of X) is finite when every pixel is; finite pixels near
        # the float64 limit (e.g. 1e306) can overflow it too, so count before refusing.
        with np.errstate(over="ignore", invalid="ignore"):
            total = X.sum(dtype=np.float64)
        if not np.isfinite(total):
            n_bad = int(X.size - np.count_nonzero(np.isfinite(X)))
            if n_bad:
                raise ValueError(
                    f"{name} contains NaN or infinite pixel values ({n_bad} of {X.size} "
                    "pixels); clean or impute them first."
                )
    return X


def image_shape(X: np.ndarray) -> tuple[int, int, int]:
    """(height, width, channels) of a validated image batch; 1 channel for 3-D arrays."""
    return (X.shape[1], X.shape[2], 1 if X.ndim == 3 else X.shape[3])


def check_random_seed(random_state) -> int | None:
    """An int seed from ``random_state`` (None stays None) for libraries that need ints."""
    if random_state is None:
        return None
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(f"random_state must be None, an int or a RandomState; got {random_state!r}.")


# (limit, usage) files of the memory cgroup this process runs in, v2 then v1; inside a
# container its own cgroup is mounted at these paths.
_CGROUP_MEMORY_FILES = (
    ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
    ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
)


def _cgroup_memory_left() -> int | None:
    """Bytes left under a container's memory limit (``None`` when there is no limit)."""
    for limit_file, usage_file in _CGROUP_MEMORY_FILES:
        try:
            with open(limit_file) as f:
                limit = f.read().strip()
            with open(usage_file) as f:
                usage = int(f.read().strip())
        except (OSError, ValueError):
            continue
        if limit == "max" or not limit.isdigit() or int(limit) >= 2**60:  # no limit
            return None
        return max(0, int(limit) - usage)
    return None


def _host_memory_available() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - psutil is optional; fall back to the OS
        pass
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def available_memory() -> int | None:
    """Bytes of memory this process can get now (``None`` when it cannot be told): the
    machine's available memory, or what is left under the container's (cgroup) memory
    limit when that is less -- a container sees the whole host's memory as available."""
    known = [m for m in (_host_memory_available(), _cgroup_memory_left()) if m is not None]
    return min(known) if known else None


_UNCHECKED_BYTES = 64 * 2**20


def check_resampled_size(n_rows: int, row_bytes: int, *, owner: str, param: str) -> None:
    """Fail fast, before any allocation, when resampling asks for more than memory holds.

    ``n_rows`` images of ``row_bytes`` bytes each (image plus index bookkeeping) are
    compared with :func:`available_memory`; a ``sampling_strategy`` asking for 10**9
    images must raise here, not start drawing indices until the machine runs out.
    Requests up to 64 MiB are not checked: reading the system's memory figures costs
    about a millisecond, as much as resampling a small set.
    """
    need = int(n_rows) * int(row_bytes)
    if need <= _UNCHECKED_BYTES:
        return
    avail = available_memory()
    if avail is not None and need > avail:
        raise ValueError(
            f"{owner}: {param} asks for {int(n_rows):,} images in total "
            f"({need / 2**30:,.1f} GiB), more than the {avail / 2**30:,.1f} GiB of memory "
            f"available; check {param}"
            + (" (a dict gives the number of images wanted per class, as in "
               "imbalanced-learn)." if param == "sampling_strategy" else ".")
        )
