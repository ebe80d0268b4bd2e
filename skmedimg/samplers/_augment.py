"""The OpenCV augmentation engine shared by the samplers and the balanced batches.

Every synthetic image gets random parameters drawn here; the geometric steps (rotation,
flip, shift, zoom) are fused into one affine matrix and applied with **one**
``cv2.warpAffine`` call, then Gaussian blur, then the intensity steps (gamma, contrast,
brightness) in vectorised NumPy.

Why this is hand-written rather than taken from a library: albumentations or
``keras.layers.RandomRotation`` & co. work one image (or one float batch) at a time and
cast to float, while the samplers must keep uint8/uint16/float images in their stored dtype
and range and be fast on many small images. Each OpenCV call costs a few microseconds of
fixed overhead, about what a 28-pixel warp itself costs, so for small images the images
that share a warp (or a blur) are stacked along the channel axis and transformed by one
call (up to 128 channels, OpenCV 5's limit). For that to happen often, parameters are
drawn on a grid: angles and zoom in half-pixel steps at the image corner (rounding moves
no pixel by more than a quarter pixel), shifts in whole pixels (exact slice copies, no
interpolation), blur sigmas in 0.05-pixel steps. The grid does not depend on the image
count, so results do not depend on how images are grouped. Large images get one fused
warp each, straight from the source into the output.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

import cv2
import numpy as np

# Which dtypes OpenCV's warpAffine and GaussianBlur handle natively; others are processed
# in float64 (exact for every integer up to 2**53) and rounded back.
_OPENCV_DTYPES = frozenset(np.dtype(t) for t in (np.uint8, np.uint16, np.int16, np.float32,
                                                 np.float64))
_MAX_STACK_CHANNELS = 128  # OpenCV 5 refuses more channels in one Mat
# Up to this many pixels per image, images sharing a transform are stacked into one call
# and OpenCV runs single-threaded (thread start-up costs more than such an image's work);
# above it, one fused call per image with OpenCV's own threads is faster.
_STACK_MAX_PIXELS = 96 * 96
_CHUNK_BYTES = 16 * 2**20  # images are processed in chunks of about this many bytes
_FLAGS = cv2.INTER_LINEAR
_BORDER = cv2.BORDER_REFLECT_101  # no black corners; keeps every pixel in the source range

OPERATIONS = ("rotation", "flip", "shift", "zoom", "blur", "brightness", "contrast", "gamma")


@dataclass(frozen=True)
class AugmentationSpec:
    """Validated augmentation parameters (see ``AugmentingOverSampler`` for meanings)."""

    rotation: float = 0.0
    flip: str | None = None  # None, "horizontal", "vertical" or "both"
    shift: float = 0.0
    zoom: float = 0.0
    blur: float = 0.0  # probability of blurring an image
    blur_sigma: tuple[float, float] = (0.5, 1.5)
    brightness: float = 0.0
    contrast: float = 0.0
    gamma: float = 0.0
    n_operations: int | None = None

    @property
    def operations(self) -> tuple[str, ...]:
        """The enabled operations, in the order they are applied."""
        values = {"flip": self.flip is not None}
        return tuple(op for op in OPERATIONS if values.get(op, getattr(self, op)))

    @property
    def uses_intensity(self) -> bool:
        return bool(self.brightness or self.contrast or self.gamma)


def make_spec(
    *,
    rotation=0.0,
    flip=False,
    shift=0.0,
    zoom=0.0,
    blur=False,
    blur_sigma=(0.5, 1.5),
    brightness=0.0,
    contrast=0.0,
    gamma=0.0,
    n_operations=None,
) -> AugmentationSpec:
    """Turn user-facing parameters (already type-checked) into an ``AugmentationSpec``."""
    if flip is True:
        flip = "horizontal"
    elif flip is False:
        flip = None
    if blur is True:
        blur = 0.5
    blur = float(blur)
    try:
        lo, hi = (float(s) for s in blur_sigma)
    except (TypeError, ValueError):
        raise ValueError(
            f"blur_sigma must be a (low, high) pair of Gaussian sigmas in pixels; "
            f"got {blur_sigma!r}."
        ) from None
    if not 0 < lo <= hi:
        raise ValueError(f"blur_sigma must satisfy 0 < low <= high; got {blur_sigma!r}.")
    return AugmentationSpec(
        rotation=float(rotation), flip=flip, shift=float(shift), zoom=float(zoom), blur=blur,
        blur_sigma=(lo, hi), brightness=float(brightness), contrast=float(contrast),
        gamma=float(gamma), n_operations=None if n_operations is None else int(n_operations),
    )


def value_range(X: np.ndarray) -> tuple[float, float]:
    """The intensity range the intensity steps work in and clip to: the data's own."""
    lo, hi = float(X.min()), float(X.max())
    return (lo, hi if hi > lo else lo + 1.0)


_threads_lock = threading.Lock()
_threads_users = 0
_threads_saved = None


@contextlib.contextmanager
def _opencv_threads(n: int | None):
    """Run OpenCV with ``n`` threads, restoring the caller's setting afterwards.

    The setting is process-wide, so concurrent users (PyDataset worker threads) share it:
    the first one in saves the caller's value and the last one out restores it.
    """
    global _threads_users, _threads_saved
    if n is None:
        yield
        return
    with _threads_lock:
        if _threads_users == 0:
            _threads_saved = cv2.getNumThreads()
            cv2.setNumThreads(n)
        _threads_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _threads_users -= 1
            if _threads_users == 0:
                cv2.setNumThreads(_threads_saved)


def _draw(spec: AugmentationSpec, m: int, height: int, width: int, rng) -> dict:
    """Random parameters for ``m`` images; inactive steps get their identity value."""
    ops = spec.operations
    if spec.n_operations is None:
        active = np.ones((m, len(ops)), dtype=bool)
    else:
        k = min(spec.n_operations, len(ops))
        active = np.zeros((m, len(ops)), dtype=bool)
        if k == 1:
            active[np.arange(m), rng.integers(len(ops), size=m)] = True
        else:
            order = np.argsort(rng.random((m, len(ops))), axis=1)
            np.put_along_axis(active, order[:, :k], True, axis=1)
    on = {op: active[:, i] for i, op in enumerate(ops)}
    zeros = np.zeros(m)
    radius = 0.5 * np.hypot(height, width)
    # Grid steps: half a pixel of displacement at the image corner, so rounding a drawn
    # value to the grid moves no pixel by more than a quarter pixel.
    angle_step = np.degrees(0.5 / radius)
    zoom_step = 0.5 / radius

    p = {"angle": zeros, "angle_bin": zeros, "zoom_bin": zeros, "tx": zeros, "ty": zeros,
         "scale": np.ones(m), "fx": np.ones(m), "fy": np.ones(m), "sigma": zeros,
         "brightness": zeros, "contrast": np.ones(m), "gamma": np.ones(m)}
    if "rotation" in on:
        angle = rng.uniform(-spec.rotation, spec.rotation, m)
        p["angle_bin"] = np.where(on["rotation"], np.round(angle / angle_step), 0.0)
        p["angle"] = p["angle_bin"] * angle_step
    if "flip" in on:
        # All operations at once: each allowed axis flips with probability 1/2. One of a
        # few operations: a chosen flip always flips (one allowed axis, picked at random).
        if spec.flip == "both":
            if spec.n_operations is None:
                h, v = rng.random(m) < 0.5, rng.random(m) < 0.5
            else:
                h = rng.random(m) < 0.5
                v = ~h
        else:
            coin = rng.random(m) < 0.5 if spec.n_operations is None else np.ones(m, bool)
            h = coin if spec.flip == "horizontal" else np.zeros(m, bool)
            v = coin if spec.flip == "vertical" else np.zeros(m, bool)
        p["fx"] = np.where(on["flip"] & h, -1.0, 1.0)
        p["fy"] = np.where(on["flip"] & v, -1.0, 1.0)
    if "shift" in on:
        tx = np.round(rng.uniform(-spec.shift, spec.shift, m) * width)
        ty = np.round(rng.uniform(-spec.shift, spec.shift, m) * height)
        p["tx"], p["ty"] = np.where(on["shift"], tx, 0.0), np.where(on["shift"], ty, 0.0)
    if "zoom" in on:
        p["zoom_bin"] = np.where(on["zoom"], np.round(rng.uniform(-spec.zoom, spec.zoom, m)
                                                      / zoom_step), 0.0)
        p["scale"] = 1 + p["zoom_bin"] * zoom_step
    if "blur" in on:
        # A 0.05-pixel sigma grid: finer differences are invisible, coarser groups are faster.
        sigma = np.round(rng.uniform(*spec.blur_sigma, m) * 20) / 20
        if spec.n_operations is None:
            on["blur"] = on["blur"] & (rng.random(m) < spec.blur)
        p["sigma"] = np.where(on["blur"], sigma, 0.0)
    if "brightness" in on:
        value = rng.uniform(-spec.brightness, spec.brightness, m)
        p["brightness"] = np.where(on["brightness"], value, 0.0)
    if "contrast" in on:
        value = rng.uniform(1 - spec.contrast, 1 + spec.contrast, m)
        p["contrast"] = np.where(on["contrast"], value, 1.0)
    if "gamma" in on:
        log_g = np.log1p(spec.gamma)
        p["gamma"] = np.where(on["gamma"], np.exp(rng.uniform(-log_g, log_g, m)), 1.0)
    return p


def _affine_matrices(p: dict, height: int, width: int) -> np.ndarray:
    """(m, 2, 3) forward matrices: shift(centre + t) . rotate . scale . flip . shift(-centre)."""
    theta = np.radians(p["angle"])
    cos, sin = np.cos(theta) * p["scale"], np.sin(theta) * p["scale"]
    # Rotation in image coordinates (y down) with a positive angle counter-clockwise on
    # screen, as cv2.getRotationMatrix2D; the flip acts first.
    lin = np.empty((len(theta), 2, 2))
    lin[:, 0, 0], lin[:, 0, 1] = cos * p["fx"], sin * p["fy"]
    lin[:, 1, 0], lin[:, 1, 1] = -sin * p["fx"], cos * p["fy"]
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0])
    mats = np.empty((len(theta), 2, 3))
    mats[:, :, :2] = lin
    mats[:, :, 2] = centre + np.stack([p["tx"], p["ty"]], axis=1) - lin @ centre
    return mats


def _combine(*columns: np.ndarray) -> np.ndarray:
    """One int64 key per row from columns of small integers (mixed radix)."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        column = np.asarray(column, dtype=np.int64)
        low = column.min()
        key = key * (int(column.max() - low) + 1) + (column - low)
    return key


def _grouped(keys: np.ndarray, rows: np.ndarray, stack: bool, max_size: int | None = None):
    """Groups of ``rows`` with equal (1-D, integer) ``keys``, at most ``max_size`` rows
    each; singletons unless ``stack``."""
    if not stack or len(rows) < 2:
        return [rows[i : i + 1] for i in range(len(rows))]
    order = np.argsort(keys[rows], kind="stable")
    bounds = np.flatnonzero(np.diff(keys[rows][order])) + 1
    groups = np.split(rows[order], bounds)
    if max_size is None:
        return groups
    return [g[i : i + max_size] for g in groups for i in range(0, len(g), max_size)]


def _opencv_each(func, src, src_rows, dst, rows, *, stack: bool, per_call: int) -> None:
    """``dst[rows[i]] = func(src[src_rows[i]])`` for one OpenCV function shared by all rows.

    ``func(image, out)`` takes an (H, W) or (H, W, C) image. With ``stack`` the images are
    stacked on the channel axis and transformed ``per_call`` at a time; otherwise each is
    transformed straight from ``src`` into its place in ``dst`` (no intermediate copy).
    """
    _, height, width, channels = dst.shape
    if stack and len(rows) > 1:
        pixels = height * width * channels
        for start in range(0, len(rows), per_call):
            part = slice(start, start + per_call)
            k = len(rows[part])
            # (k, H*W*C) -> (H*W*C, k) is one fast cv2.transpose (numpy's is ~10x slower
            # for uint8); the channel order (c*k + i) does not matter to a per-channel op.
            stacked = cv2.transpose(src[src_rows[part]].reshape(k, pixels))
            result = func(stacked.reshape(height, width, channels * k), None)
            dst[rows[part]] = cv2.transpose(result.reshape(pixels, k)).reshape(
                k, height, width, channels
            )
        return
    for i, j in zip(src_rows, rows):
        a, o = src[i], dst[j]
        if channels == 1:
            a, o = a[:, :, 0], o[:, :, 0]
        result = func(a, o)
        if result is not o and not np.shares_memory(result, o):  # OpenCV reallocated
            o[...] = result.reshape(o.shape)


def _ksize(sigma: float) -> int:
    """Gaussian kernel size covering +-2 sigma (OpenCV's own default for uint8 is +-3 sigma,
    about twice the work for a difference an augmentation does not need)."""
    return 2 * max(1, round(2 * sigma)) + 1


def _reflect_index(n: int, t: int) -> np.ndarray:
    """Source index of each output position after a shift by ``t`` (BORDER_REFLECT_101)."""
    if n == 1:
        return np.zeros(1, dtype=np.intp)
    period = 2 * (n - 1)
    i = np.abs(np.arange(n) - t) % period
    return np.where(i > n - 1, period - i, i)


def _shift_x(a: np.ndarray, t: int, out: np.ndarray | None = None) -> np.ndarray:
    """Shift (k, H, W, C) images by ``t`` whole pixels along W, reflecting at the border.

    Slices copy whole runs of pixels, where a gather along W (``np.take``) copies pixel
    by pixel and costs as much as a warp; the gather is only the fallback for huge shifts.
    """
    width = a.shape[2]
    if out is None:
        out = np.empty_like(a)
    if abs(t) > width - 2:
        np.take(a, _reflect_index(width, t), axis=2, out=out)
    elif t >= 0:
        out[:, :, t:] = a[:, :, : width - t]
        out[:, :, :t] = a[:, :, t:0:-1]
    else:
        s = -t
        out[:, :, : width - s] = a[:, :, s:]
        out[:, :, width - s :] = a[:, :, width - 2 : width - 2 - s : -1]
    return out


def augment_images(
    X: np.ndarray,
    indices: np.ndarray,
    spec: AugmentationSpec,
    *,
    rng: np.random.Generator,
    out: np.ndarray,
    intensity_range: tuple[float, float] | None = None,
) -> np.ndarray:
    """Write random augmentations of ``X[indices]`` into ``out`` (same dtype as ``X``).

    Parameters
    ----------
    X : ndarray of shape (n, H, W) or (n, H, W, C)
        Source images, any real dtype; never modified or copied as a whole.
    indices : ndarray of int, shape (m,)
        Source image of each output row.
    spec : AugmentationSpec
        What to do.
    rng : numpy.random.Generator
        Randomness; the same generator state gives the same images.
    out : ndarray of shape (m, H, W) or (m, H, W, C), dtype of ``X``
        Destination (C-contiguous).
    intensity_range : (float, float), optional
        Range for brightness/gamma and for clipping their result; the data's min and max
        by default (``value_range(X)``).

    Returns
    -------
    out : ndarray
    """
    indices = np.asarray(indices, dtype=np.intp)
    m = len(indices)
    if m == 0:
        return out
    n, height, width = X.shape[:3]
    channels = 1 if X.ndim == 3 else X.shape[3]
    Xv = X.reshape(n, height, width, channels)
    outv = out.reshape(m, height, width, channels)
    if not spec.operations:
        np.take(Xv, indices, axis=0, out=outv)
        return out
    if spec.uses_intensity and intensity_range is None:
        intensity_range = value_range(X)
    p = _draw(spec, m, height, width, rng)

    native = X.dtype in _OPENCV_DTYPES
    work_dtype = X.dtype if native else np.dtype(np.float64)
    stack = height * width <= _STACK_MAX_PIXELS
    per_call = max(1, _MAX_STACK_CHANNELS // channels)
    # Native dtypes are read from X and written to out directly: no chunking needed except
    # for the float copies of the intensity step; other dtypes are converted chunk-wise.
    image_bytes = height * width * channels * work_dtype.itemsize
    gather = max(1, _CHUNK_BYTES // image_bytes)  # rows gathered at once by NumPy steps
    chunk = m if native else gather
    each = {"stack": stack, "per_call": per_call}

    # Which rows need what. Integer keys: equal keys mean the same transform, as the
    # parameters live on a grid.
    mats = _affine_matrices(p, height, width)
    plain = (p["angle"] == 0) & (p["scale"] == 1)
    flipped = (p["fx"] == -1) | (p["fy"] == -1)
    shifted = (p["tx"] != 0) | (p["ty"] != 0)
    only_flip = plain & flipped & ~shifted
    only_shift = plain & shifted & ~flipped  # whole pixels: exact slice copies
    warped = ~plain | (flipped & shifted)
    untouched = plain & ~flipped & ~shifted
    flip_code = np.where(p["fx"] == -1, np.where(p["fy"] == -1, -1, 1), 0)
    warp_keys = _combine(p["angle_bin"], p["zoom_bin"], p["tx"], p["ty"], p["fx"], p["fy"])
    tx_keys, ty_keys = p["tx"].astype(np.int64), p["ty"].astype(np.int64)
    sigma_keys = np.round(p["sigma"] * 20).astype(np.int64)
    intensity = (p["brightness"] != 0) | (p["contrast"] != 1) | (p["gamma"] != 1)
    size = (width, height)

    with _opencv_threads(1 if stack else None):
        for start in range(0, m, chunk):
            stop = min(start + chunk, m)
            local = np.arange(stop - start)
            if native:
                src, src_of, dst = Xv, indices[start:stop], outv[start:stop]
            else:  # OpenCV cannot take this dtype: work on a float64 copy of the chunk
                src, src_of = Xv[indices[start:stop]].astype(work_dtype), local
                dst = np.empty_like(src)

            def sel(mask, _start=start, _stop=stop, _local=local):
                return _local[mask[_start:_stop]]

            rows = sel(untouched)
            dst[rows] = src[src_of[rows]]
            for group in _grouped(flip_code[start:stop], sel(only_flip), stack):
                code = int(flip_code[start + group[0]])
                _opencv_each(lambda a, o, c=code: cv2.flip(a, c, dst=o),
                             src, src_of[group], dst, group, **each)
            rows = sel(only_shift)
            if stack:  # x pass then y pass, each vectorised over images sharing an offset
                for group in _grouped(tx_keys[start:stop], rows, True, gather):
                    dst[group] = _shift_x(src[src_of[group]], int(tx_keys[start + group[0]]))
                for group in _grouped(ty_keys[start:stop], rows[ty_keys[start + rows] != 0],
                                      True, gather):
                    index = _reflect_index(height, int(ty_keys[start + group[0]]))
                    dst[group] = dst[group][:, index]  # whole rows: a fast gather
            for j in rows if not stack else ():  # large images: straight into place
                a = src[src_of[j] : src_of[j] + 1]
                if ty_keys[start + j]:
                    a = a[:, _reflect_index(height, int(ty_keys[start + j]))]
                _shift_x(a, int(tx_keys[start + j]), out=dst[j : j + 1])
            for group in _grouped(warp_keys[start:stop], sel(warped), stack):
                M = mats[start + group[0]]
                _opencv_each(
                    lambda a, o, M=M: cv2.warpAffine(a, M, size, dst=o, flags=_FLAGS,
                                                     borderMode=_BORDER),
                    src, src_of[group], dst, group, **each,
                )
            for group in _grouped(sigma_keys[start:stop], sel(p["sigma"] > 0), stack):
                s = float(p["sigma"][start + group[0]])
                _opencv_each(
                    lambda a, o, s=s: cv2.GaussianBlur(a, (_ksize(s),) * 2, s, dst=o,
                                                       borderType=_BORDER),
                    dst, group, dst, group, **each,
                )
            rows, step = sel(intensity), gather // 4 + 1  # float32 copies: 4x a uint8 row
            for part in (rows[i : i + step] for i in range(0, len(rows), step)):
                dst[part] = _intensity(dst[part], p, start + part, intensity_range)
            if not native:
                outv[start:stop] = _cast(dst, X.dtype)
    return out


def _intensity(images: np.ndarray, p: dict, rows: np.ndarray, bounds) -> np.ndarray:
    """Gamma, then contrast around each image's mean, then brightness; clipped to bounds."""
    lo, hi = bounds
    span = hi - lo
    shape = (len(rows),) + (1,) * (images.ndim - 1)
    v = images.astype(np.float64 if images.dtype == np.float64 else np.float32)
    gamma = p["gamma"][rows].reshape(shape)
    if np.any(gamma != 1):
        v = lo + span * np.clip((v - lo) / span, 0, 1) ** gamma
    contrast = p["contrast"][rows].reshape(shape)
    if np.any(contrast != 1):
        mean = v.mean(axis=tuple(range(1, v.ndim)), keepdims=True)
        v = mean + contrast * (v - mean)
    v += (p["brightness"][rows] * span).reshape(shape).astype(v.dtype)
    return _cast(np.clip(v, lo, hi, out=v), images.dtype)


def _cast(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Cast floats to ``dtype``, rounding and clipping to its range for integers."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        values = np.clip(np.rint(values), info.min, info.max)
    return values.astype(dtype)
