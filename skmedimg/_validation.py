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

IMAGES_HINT = "(n_samples, height, width) or (n_samples, height, width, channels)"
VOLUMES_HINT = (
    "(n_samples, depth, height, width) or (n_samples, depth, height, width, channels)"
)
IMAGE_SHAPE_HINT = f"{IMAGES_HINT} for images, {VOLUMES_HINT} for volumes"

# 4-D arrays whose last axis has at most this many entries read as (n, H, W, C) images
# under spatial_dims="auto" (grayscale, RGB, RGBA, a few MRI sequences).
_MAX_AUTO_CHANNELS = 4


def _shape_of(X_or_shape) -> tuple:
    if hasattr(X_or_shape, "shape"):
        return tuple(X_or_shape.shape)
    if isinstance(X_or_shape, tuple) and all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in X_or_shape
    ):
        return X_or_shape
    return tuple(np.shape(X_or_shape))


def resolve_spatial_dims(X_or_shape, spatial_dims="auto", *, name: str = "X") -> int:
    """How many spatial axes an array has: 2 (images) or 3 (volumes).

    Parameters
    ----------
    X_or_shape : array-like or tuple of int
        The array, or its shape.
    spatial_dims : {"auto", 2, 3}, default="auto"
        ``2``: images, ``(n, H, W)`` or ``(n, H, W, C)``. ``3``: volumes,
        ``(n, D, H, W)`` or ``(n, D, H, W, C)``. ``"auto"``: 3-D arrays are images, 5-D
        arrays volumes, 4-D arrays images when their last axis has 1 to 4 entries
        (channels); any other 4-D array is ambiguous and refused.
    name : str, default="X"
        Name used in error messages.

    Returns
    -------
    spatial_dims : int
        2 or 3.

    Raises
    ------
    ValueError
        When ``spatial_dims`` is not one of its values, the number of dimensions does not
        fit it, or a 4-D array is ambiguous under ``"auto"``.

    Examples
    --------
    >>> from skmedimg._validation import resolve_spatial_dims
    >>> resolve_spatial_dims((10, 28, 28, 3)), resolve_spatial_dims((10, 28, 28, 28, 1))
    (2, 3)
    >>> resolve_spatial_dims((10, 28, 28, 28), spatial_dims=3)
    3
    """
    if isinstance(spatial_dims, (bool, np.bool_)) or not (
        (isinstance(spatial_dims, str) and spatial_dims == "auto")
        or (isinstance(spatial_dims, numbers.Integral) and spatial_dims in (2, 3))
    ):
        raise ValueError(
            f"spatial_dims must be 'auto', 2 (images) or 3 (volumes); got {spatial_dims!r}."
        )
    shape = _shape_of(X_or_shape)
    ndim = len(shape)
    got = f"got an array with ndim={ndim} and shape {shape}."
    if spatial_dims == 2:
        if ndim in (3, 4):
            return 2
        raise ValueError(
            f"{name} must be an image array of shape {IMAGES_HINT} (spatial_dims=2); {got}"
            + (" 5-D arrays are volumes: pass spatial_dims=3 or 'auto'." if ndim == 5 else "")
            + (" Reshape your data to images first." if ndim < 3 else "")
        )
    if spatial_dims == 3:
        if ndim in (4, 5):
            return 3
        raise ValueError(
            f"{name} must be a volume array of shape {VOLUMES_HINT} (spatial_dims=3); {got}"
            + (" 3-D arrays are 2-D images: pass spatial_dims=2 or 'auto'." if ndim == 3
               else "")
            + (" Reshape your data to volumes first." if ndim < 3 else "")
        )
    if ndim == 3:
        return 2
    if ndim == 5:
        return 3
    if ndim == 4:
        if shape[3] <= _MAX_AUTO_CHANNELS:
            return 2
        raise ValueError(
            f"{name} of shape {shape} is ambiguous: images with {shape[3]} channels "
            f"(n_samples, height, width, channels) or volumes (n_samples, depth, height, "
            f"width) without a channel axis. Pass spatial_dims=2 for images or "
            f"spatial_dims=3 for volumes (or add a channel axis to volumes: X[..., None])."
        )
    raise ValueError(
        f"{name} must be an image array of shape {IMAGE_SHAPE_HINT}; {got}"
        + (" Reshape your data to images first." if ndim < 3 else "")
    )


def is_lazy_images(X) -> bool:
    """Whether ``X`` must be read lazily, batch by batch and never whole: a
    ``LazyImageArray``, a ``dask.array`` or a ``zarr.Array`` (checked without importing
    Dask or Zarr)."""
    module = type(X).__module__ or ""
    return bool(getattr(type(X), "_skmedimg_lazy", False)) or (
        module.startswith(("dask.array", "zarr")) and hasattr(X, "shape")
    )


def as_pixel_array(X, *, name: str = "X") -> np.ndarray:
    """``X`` as an ndarray of real numbers, before any check of its shape.

    Lists of arrays of different shapes, sparse matrices, complex numbers and values that
    are not numbers are refused; an object array of numbers becomes float64, as with
    scikit-learn's ``check_array``. The caller's ndarray is returned as it is.
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
    if is_lazy_images(X):
        # Collections larger than memory stay on disk: shape and dtype are metadata (a
        # LazyImageArray refuses non-real dtypes when it is made).
        from .datasets._lazy import as_lazy_images

        return as_lazy_images(X)
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
    return X


def check_images(
    X,
    *,
    name: str = "X",
    min_size: int | None = None,
    ensure_finite: bool = True,
    spatial_dims="auto",
) -> np.ndarray:
    """Validate a batch of images or volumes without copying or casting it.

    Parameters
    ----------
    X : array-like of shape (n_samples, height, width[, channels]) or \
            (n_samples, depth, height, width[, channels])
        Images or volumes. Integer (e.g. uint8, uint16, int16 such as CT Hounsfield
        units) or floating dtypes are accepted.
    name : str, default="X"
        Name used in error messages.
    min_size : int, optional
        Smallest height and width (and depth, for volumes) accepted.
    ensure_finite : bool, default=True
        Reject NaN and infinite pixels of floating images.
    spatial_dims : {"auto", 2, 3}, default="auto"
        How to read ``X``: see :func:`resolve_spatial_dims`. A 4-D array whose last axis
        has more than 4 entries needs ``spatial_dims=2`` (images with channels) or ``3``
        (volumes without a channel axis).

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
        Wrong or ambiguous number of dimensions, no images, an image smaller than
        ``min_size`` or non-finite pixels.

    Examples
    --------
    >>> import numpy as np
    >>> from skmedimg._validation import check_images
    >>> check_images(np.zeros((2, 8, 8), dtype=np.uint8)).shape
    (2, 8, 8)
    >>> check_images(np.zeros((2, 8, 8, 8), dtype=np.int16), spatial_dims=3).shape
    (2, 8, 8, 8)
    """
    X = as_pixel_array(X, name=name)
    dims = resolve_spatial_dims(X.shape, spatial_dims, name=name)
    kind = "images" if dims == 2 else "volumes"
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: got 0 {kind} (shape {X.shape}).")
    if 0 in X.shape[1:]:
        raise ValueError(f"{name} has {kind} with a zero-length axis (shape {X.shape}).")
    spatial = X.shape[1:1 + dims]
    if min_size is not None and min(spatial) < min_size:
        unit = "pixels" if dims == 2 else "voxels"
        raise ValueError(
            f"{name} has {kind} of {'x'.join(map(str, spatial))} {unit}, smaller than the "
            f"{'x'.join([str(min_size)] * dims)} this model accepts; resize or choose "
            "another architecture."
        )
    if ensure_finite and X.dtype.kind == "f" and is_lazy_images(X):
        n_bad = X.count_nonfinite()  # in chunks of ~64 MiB; remembered by the views
        if n_bad:
            raise ValueError(
                f"{name} contains NaN or infinite pixel values ({n_bad} of {X.size} "
                "pixels); clean or impute them first."
            )
    elif ensure_finite and X.dtype.kind == "f":
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


def image_shape(X: np.ndarray, spatial_dims=None) -> tuple[int, ...]:
    """(height, width, channels) of an image batch or (depth, height, width, channels) of
    a volume batch; 1 channel when ``X`` has no channel axis.

    ``spatial_dims`` (2 or 3) says which ``X`` holds; ``None`` reads it as
    ``spatial_dims="auto"`` does (see :func:`resolve_spatial_dims`).
    """
    dims = resolve_spatial_dims(X, "auto" if spatial_dims is None else spatial_dims)
    shape = tuple(int(d) for d in X.shape[1:])
    return shape + (1,) if len(shape) == dims else shape


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
