"""The OpenCV augmentation engine shared by the samplers and the balanced batches.

Every synthetic image gets random parameters drawn here; the geometric steps (rotation,
flip, shift, zoom) are fused into one affine matrix and applied with **one**
``cv2.warpAffine`` call, then Gaussian blur, then the intensity steps (gamma, contrast,
brightness): for uint8 images without gamma, one 256-value table per image
(``cv2.LUT``), else vectorised NumPy.

Why this is hand-written rather than taken from a library: albumentations or
``keras.layers.RandomRotation`` & co. work one image (or one float batch) at a time and
cast to float, while the samplers must keep uint8/uint16/float images in their stored dtype
and range and be fast on many small images. Each OpenCV call costs a few microseconds of
fixed overhead, about what a 28-pixel warp itself costs, so for small images the images
that share a warp (or a blur) are stacked along the channel axis and transformed by one
call (up to 128 channels, OpenCV 5's limit; images with more channels go through in
chunks of channels). For that to happen often, parameters are
drawn on a grid: angles and zoom in half-pixel steps at the image corner (rounding moves
no pixel by more than a quarter pixel), shifts in whole pixels (exact slice copies, no
interpolation), blur sigmas in 0.05-pixel steps. The grid does not depend on the image
count, so results do not depend on how images are grouped. Whole-pixel moves of small
images (flips, shifts) are gathers of pixel rows (each image in its own row order: the
vertical part), then OpenCV calls on chunks of images stacked as one tall image (the
horizontal part). Small images go through buffers allocated once per call: fresh
temporaries of a few hundred KB are mapped anew and page-faulted on every call, which
cost as much as the pixel work at 28 px. A warp that fewer than ``_MIN_STACKED_WARP``
images share (most of them when every image gets every step) is done image by image,
straight into the output: below that, a stacked call's fixed cost is the larger. Note
that OpenCV 5 warps uint8, uint16 and float32 images of 1, 3 or 4 channels with exact
coordinates, and those of 2 or more than 4 channels (so stacked ones) and float64 ones
with coordinates on a 1/32-pixel grid (up to ~2% of the range off at sharp edges): an
image warped alone and the same image warped stacked can differ by a few levels. Large
images get one fused
warp each, straight from the source into the output (a 3-channel warp through OpenCV's
faster, bit-identical 4-channel path). The work is split into units (whole large
images; the stacked calls and chunks of moves of small ones) that ``n_jobs`` threads
take one after the other (``_run_units``). OpenCV's
own thread setting (``cv2.setNumThreads``) is process-wide, so it is never changed here:
OpenCV runs a call serially while another call's parallel region is active (one region
at a time per process), and a warp of up to 256x256 pixels is one stripe of work anyway.

Over 500 lines: it is one engine (parameter draws, grouping, fused warps, chunked
parallel copies) whose parts share the same plan object and limits; about 600 lines are
code, the rest docstrings and the comments that justify each speed trick.
"""

from __future__ import annotations

import itertools
import numbers
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import partial

import cv2
import numpy as np
from joblib import effective_n_jobs

# Which dtypes OpenCV's warpAffine and GaussianBlur handle natively; others are processed
# in float64 (exact for every integer up to 2**53) and rounded back.
_OPENCV_DTYPES = frozenset(np.dtype(t) for t in (np.uint8, np.uint16, np.int16, np.float32,
                                                 np.float64))
# cv2.cvtColor's dtypes, for the 3 -> 4 channel round trip of 3-channel warps.
_CVTCOLOR_DTYPES = frozenset(np.dtype(t) for t in (np.uint8, np.uint16, np.float32))
_MAX_STACK_CHANNELS = 128  # OpenCV 5 refuses more channels in one Mat
# Up to this many pixels per image, images sharing a transform are stacked into one call
# (an OpenCV call's fixed cost is about a small image's own work); above it, one fused call
# per image, every step of an image while it is in cache, is faster.
_STACK_MAX_PIXELS = 96 * 96
_CHUNK_BYTES = 16 * 2**20  # images are processed in chunks of about this many bytes
_STACK_BYTES = 128 * 2**10  # bytes of images stacked into one OpenCV call, at most
# Fewer images than this that share a warp are warped one by one: a stacked call's fixed
# cost (gather, transposes, scatter, ~20 us) is more than a lone warp's below it
# (measured at 28, 64 and 96 px).
_MIN_STACKED_WARP = 6
# uint8 images of fewer pixels than this take the float32 intensity steps: a table per
# image (one OpenCV call each) costs more below it (measured: 16x16 2x more, 28x28 1.5x
# less).
_LUT_MIN_PIXELS = 512
# Small images of fewer bytes than this in all are augmented on one thread: a round of
# threads costs ~0.3 ms to start (a batch of 32 28x28 images takes ~0.1 ms).
_THREADED_STACK_BYTES = 2**20
_FLAGS = cv2.INTER_LINEAR
_BORDER = cv2.BORDER_REFLECT_101  # no black corners; keeps every pixel in the source range

OPERATIONS = ("rotation", "flip", "shift", "zoom", "blur", "brightness", "contrast", "gamma")


@dataclass(frozen=True)
class AugmentationSpec:
    """Validated augmentation parameters (see ``AugmentingOverSampler`` for meanings)."""

    rotation: float = 0.0
    # None, "horizontal", "vertical", "both", or a tuple of axes of one sample (images:
    # 0 = height, 1 = width; volumes: 0 = depth, 1 = height, 2 = width).
    flip: str | tuple[int, ...] | None = None
    shift: float = 0.0
    zoom: float = 0.0
    blur: float = 0.0  # probability of blurring an image
    blur_sigma: tuple[float, float] = (0.5, 1.5)
    brightness: float = 0.0
    contrast: float = 0.0
    gamma: float = 0.0
    n_operations: int | None = None
    rotation_axes: tuple[int, ...] = (0,)  # volume axes rotations turn about

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
    rotation_axes=(0,),
) -> AugmentationSpec:
    """Turn user-facing parameters (already type-checked) into an ``AugmentationSpec``."""
    if flip is True:
        flip = "horizontal"
    elif flip is False:
        flip = None
    elif not isinstance(flip, str):
        flip = _axes(flip, "flip", "flip=False for no flip")
    rotation_axes = _axes(rotation_axes, "rotation_axes", "rotation=0 for no rotation")
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
    if not 0 < lo <= hi < np.inf:
        raise ValueError(
            f"blur_sigma must satisfy 0 < low <= high (finite); got {blur_sigma!r}."
        )
    return AugmentationSpec(
        rotation=float(rotation), flip=flip, shift=float(shift), zoom=float(zoom), blur=blur,
        blur_sigma=(lo, hi), brightness=float(brightness), contrast=float(contrast),
        gamma=float(gamma), n_operations=None if n_operations is None else int(n_operations),
        rotation_axes=rotation_axes,
    )


def _axes(value, name: str, instead: str) -> tuple[int, ...]:
    """A non-empty tuple of distinct axes of one volume (0, 1 or 2), or a clear error."""
    try:
        axes = tuple(value)
    except TypeError:
        axes = None
    if not axes or any(isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Integral)
                       or not 0 <= a <= 2 for a in axes) or len(set(axes)) < len(axes):
        raise ValueError(
            f"{name} must be a non-empty tuple of distinct axes of one image or volume "
            f"(volumes: 0 = depth, 1 = height, 2 = width; images: 0 = height, 1 = width); "
            f"got {value!r}. Use {instead}."
        )
    return tuple(sorted(int(a) for a in axes))


# The named flips as axes counted from the last spatial axis (-1: width, -2: height).
_NAMED_FLIPS = {"horizontal": (-1,), "vertical": (-2,), "both": (-2, -1)}


def for_dims(spec: AugmentationSpec | None, spatial_dims: int):
    """``spec`` with its flip in the form each engine reads: a name for images (as the
    2-D engine draws them), a tuple of axes (0, 1, 2) for volumes."""
    if spec is None or spec.flip is None:
        return spec
    if spatial_dims == 3:
        if isinstance(spec.flip, str):
            return replace(spec, flip=tuple(3 + a for a in _NAMED_FLIPS[spec.flip]))
        return spec
    if isinstance(spec.flip, str):
        return spec
    if 2 in spec.flip:
        raise ValueError(
            f"flip={spec.flip!r} names axis 2, which images do not have: images flip about "
            "axis 0 (height: vertical flip) or 1 (width: horizontal flip)."
        )
    names = {(0,): "vertical", (1,): "horizontal", (0, 1): "both"}
    return replace(spec, flip=names[spec.flip])


def check_augmentation(spec: AugmentationSpec | None, spatial_shape) -> None:
    """Refuse, before any pixel is touched, what cannot be done to samples of this
    spatial shape ((H, W) or (D, H, W)): a blur wider than them, a flip of an axis they
    do not have."""
    if spec is None:
        return
    for_dims(spec, len(spatial_shape))
    check_blur_size(spec, *spatial_shape)


def check_blur_size(spec: AugmentationSpec | None, *sizes: int) -> None:
    """Refuse blur sigmas wider than the images (or volumes), before any pixel is touched.

    A Gaussian whose +-2 sigma span covers the whole image averages it into a flat one,
    and its kernel (so its cost) grows with sigma: ``blur_sigma=(1e5, 1e5)`` would run
    for minutes to produce flat images. The kernel is not silently cut either (that
    would be another blur than the one asked for).
    """
    if spec is None or not spec.blur:
        return
    limit = min(sizes) / 4
    if spec.blur_sigma[1] > limit:
        kind, axes, unit = (("images", "height, width", "pixels") if len(sizes) == 2
                            else ("volumes", "depth, height, width", "voxels"))
        raise ValueError(
            f"blur_sigma={spec.blur_sigma!r} is too wide for {'x'.join(map(str, sizes))} "
            f"{kind}: a Gaussian blur with sigma above min({axes}) / 4 = {limit:g} {unit} "
            f"averages the whole {kind[:-1]} into a flat one. Use sigmas of a few {unit}, "
            "e.g. blur_sigma=(0.5, 1.5)."
        )


def value_range(X: np.ndarray) -> tuple[float, float]:
    """The intensity range the intensity steps work in and clip to: the data's own.

    When every pixel has the same value the range is empty and intensity steps leave
    the images unchanged (there is no range to move within).
    """
    return float(X.min()), float(X.max())


def active_steps(spec: AugmentationSpec, m: int, rng) -> dict:
    """Which enabled step applies to each of ``m`` samples: all of them, or
    ``n_operations`` of them chosen at random per sample."""
    ops = spec.operations
    if spec.n_operations is None:
        active = np.ones((m, len(ops)), dtype=bool)
    else:
        k = min(spec.n_operations, len(ops))
        if k == 1:  # which step each sample gets: one comparison per step
            choice = rng.integers(len(ops), size=m)
            return {op: choice == i for i, op in enumerate(ops)}
        active = np.zeros((m, len(ops)), dtype=bool)
        order = np.argsort(rng.random((m, len(ops))), axis=1)
        np.put_along_axis(active, order[:, :k], True, axis=1)
    return {op: active[:, i] for i, op in enumerate(ops)}


def draw_intensity(spec: AugmentationSpec, on: dict, m: int, rng, p: dict) -> None:
    """Brightness, contrast and gamma of ``m`` samples into ``p`` (identity when off)."""
    if "brightness" in on:
        value = rng.uniform(-spec.brightness, spec.brightness, m)
        p["brightness"] = np.where(on["brightness"], value, 0.0)
    if "contrast" in on:
        value = rng.uniform(1 - spec.contrast, 1 + spec.contrast, m)
        p["contrast"] = np.where(on["contrast"], value, 1.0)
    if "gamma" in on:
        log_g = np.log1p(spec.gamma)
        p["gamma"] = np.where(on["gamma"], np.exp(rng.uniform(-log_g, log_g, m)), 1.0)


def _draw(spec: AugmentationSpec, m: int, height: int, width: int, rng) -> dict:
    """Random parameters for ``m`` images; inactive steps get their identity value."""
    on = active_steps(spec, m, rng)
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
        zoom_bin = np.round(rng.uniform(-spec.zoom, spec.zoom, m) / zoom_step)
        # Rounding a zoom near 1 to the grid could reach a scale <= 0: a point, or a
        # silently mirrored image. Keep at least one grid step of scale.
        zoom_bin = np.maximum(zoom_bin, 1 - np.ceil(1 / zoom_step))
        p["zoom_bin"] = np.where(on["zoom"], zoom_bin, 0.0)
        p["scale"] = 1 + p["zoom_bin"] * zoom_step
    if "blur" in on:
        # A 0.05-pixel sigma grid: finer differences are invisible, coarser groups are faster.
        sigma = np.round(rng.uniform(*spec.blur_sigma, m) * 20) / 20
        if spec.n_operations is None:
            on["blur"] = on["blur"] & (rng.random(m) < spec.blur)
        p["sigma"] = np.where(on["blur"], sigma, 0.0)
    draw_intensity(spec, on, m, rng, p)
    return p


def _affine_matrices(p: dict, height: int, width: int) -> np.ndarray:
    """(m, 2, 3) forward matrices: shift(centre + t) . rotate . scale . flip . shift(-centre)."""
    theta = np.radians(p["angle"])
    cos, sin = np.cos(theta) * p["scale"], np.sin(theta) * p["scale"]
    # Rotation in image coordinates (y down) with a positive angle counter-clockwise on
    # screen, as cv2.getRotationMatrix2D; the flip acts first. Written out: a stacked
    # (m, 2, 2) @ (2,) matmul costs 10x more.
    a, b = cos * p["fx"], sin * p["fy"]
    c, d = -sin * p["fx"], cos * p["fy"]
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    mats = np.empty((len(theta), 2, 3))
    mats[:, 0, 0], mats[:, 0, 1], mats[:, 1, 0], mats[:, 1, 1] = a, b, c, d
    mats[:, 0, 2] = (cx + p["tx"]) - (a * cx + b * cy)
    mats[:, 1, 2] = (cy + p["ty"]) - (c * cx + d * cy)
    return mats


def _combine(*columns: np.ndarray) -> np.ndarray:
    """One int64 key per row from columns of small integers (mixed radix)."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        column = np.asarray(column, dtype=np.int64)
        low = column.min()
        key = key * (int(column.max() - low) + 1) + (column - low)
    return key


def _grouped(keys: np.ndarray, rows: np.ndarray, max_size: int | None = None):
    """Groups of ``rows`` with equal (1-D, integer) ``keys``, at most ``max_size`` rows
    each."""
    if len(rows) < 2:
        return [rows] if len(rows) else []
    keys = keys[rows]
    low, high = keys.min(), keys.max()
    if high - low < 2**16:
        # The same stable order, from NumPy's radix sort of 16-bit keys (its stable sort of
        # int64 is a timsort, ~2-5x slower on the benchmark's few thousand rows).
        keys = (keys - low).astype(np.uint16)
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    groups = np.split(rows[order], bounds)
    if max_size is None:
        return groups
    return [g[i : i + max_size] for g in groups for i in range(0, len(g), max_size)]


class _Scratch:
    """Buffers of about ``_STACK_BYTES`` each, reused by every stacked call and copy of
    one part. A fresh temporary of a few hundred KB to a few MB is mapped anew by the
    allocator at every call and costs a page fault per 4 KB page on first touch: at
    28 px that is as much time as the pixel work itself."""

    def __init__(self, plan: _Plan):
        width, height = plan.size
        shape = (plan.scratch_rows, height, width, plan.channels)
        self.a, self.b, self.c = (np.empty(shape, plan.work_dtype) for _ in range(3))
        # The images _opencv_chunk transposes to and from the channel axis, one after the
        # other, each followed by ``pad`` spare pixel rows (see _pad_rows).
        self.pad = _pad_rows(height, width * plan.channels * plan.work_dtype.itemsize)
        self.t = np.empty((plan.per_call + 3, height + self.pad, width, plan.channels),
                          plan.work_dtype)
        if plan.warp_float32:  # the float32 copies of a stacked warp's input and result
            shape = (plan.per_call + 3, *shape[1:])
            self.f, self.g = (np.empty(shape, np.float32) for _ in range(2))


def _pad_rows(height: int, row_bytes: int) -> int:
    """Spare pixel rows after each image of a buffer that ``cv2.transpose`` reads or writes
    image by image.

    ``cv2.transpose`` of k images (k, H*W) <-> (H*W, k) walks the k images side by side.
    When an image's size is a multiple of 1 KB (64x64 uint8: 4 KB), the k images start at
    addresses that share the CPU's L1 cache sets, which hold 8 lines each: the transposes
    evict their own lines and run ~4x slower (measured at 64x64: 0.7 us against 0.17 us
    per image). One spare row (64x64: 4 160 bytes apart) spreads them over the sets.
    """
    if (height * row_bytes) % 1024:
        return 0
    for extra in (1, 2, 3):
        if ((height + extra) * row_bytes) % 1024:
            return extra
    return 0


def _chunk_bounds(n: int, per_call: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of ``n`` rows in chunks of at most ``per_call``, of even sizes."""
    if n == 0:
        return []
    n_chunks = -(-n // per_call)
    base, extra = divmod(n, n_chunks)
    bounds = np.cumsum([0] + [base + (i < extra) for i in range(n_chunks)])
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _stacked_units(func, src, src_rows, dst, rows, plan: _Plan, *, pad: bool = False,
                   float32: bool = False) -> list:
    """``dst[rows[i]] = func(src[src_rows[i]])`` for one OpenCV function shared by all
    rows, as units of work (see ``_run_units``): one ``_opencv_chunk`` call each, of at
    most ``plan.per_call`` images."""
    return [partial(_opencv_chunk, func, src, src_rows[start:stop], dst, rows[start:stop],
                    pad=pad, float32=float32)
            for start, stop in _chunk_bounds(len(rows), plan.per_call)]


def _opencv_chunk(func, src, src_part, dst, dst_rows, scratch: _Scratch, *,
                  pad: bool = False, float32: bool = False) -> None:
    """``dst[dst_rows[i]] = func(src[src_part[i]])`` for one OpenCV function, in one call.

    ``func(image, out)`` takes an (H, W) or (H, W, C) image. The images are stacked on the
    channel axis. With
    ``pad`` (warps), no call gets 1, 3 or 4 channels: OpenCV 5 warps uint8, uint16 and
    float32 images of 1, 3 or 4 channels on another path (exact coordinates) than those
    of 2 or more than 4 channels (coordinates on a 1/32-pixel grid), so a chunk of 3 or 4
    gray images is stacked with copies of one of them, and every stacked image is warped
    on the same path whatever else shares its call. Every step writes into ``scratch``:
    no temporary is allocated per call.

    With ``float32`` (uint8 warps), ``func`` works on the image in float32 and the result
    is rounded back to uint8 half up. OpenCV's stacked float32 warp is about 2.5x faster
    than its uint8 one, and bit-identical to it: both interpolate between 1/32-pixel
    positions, whose bilinear weights are multiples of 1/1024 that sum to 1, so every
    product and sum is exact in float32 (18 significant bits at most), and the uint8
    path's fixed-point rounding is round-half-up, ``floor(v + 0.5)``.
    """
    _, height, width, channels = dst.shape
    pixels = height * width * channels
    spare = scratch.pad
    # Each padded image of scratch.t as one row of its first ``pixels`` values.
    padded = scratch.t.reshape(len(scratch.t), -1)[:, :pixels]
    k = kk = len(dst_rows)
    while pad and channels * kk in (1, 3, 4):
        kk += 1
    if kk > k:
        src_part = np.concatenate([src_part, np.repeat(src_part[:1], kk - k)])
    size = kk * pixels
    if spare:  # whole images (a faster gather than pixel rows), then padded
        np.take(src, src_part, axis=0, out=scratch.a[:kk], mode="clip")
        scratch.t[:kk, :height] = scratch.a[:kk]
        gathered = padded[:kk]
    else:
        gathered = np.take(src, src_part, axis=0, out=scratch.t[:kk], mode="clip")
        gathered = gathered.reshape(kk, pixels)
    # (k, H*W*C) -> (H*W*C, k) is one fast cv2.transpose (numpy's is ~10x slower
    # for uint8); the channel order (c*k + i) does not matter to a per-channel op.
    stacked = scratch.b.reshape(-1)[:size].reshape(pixels, kk)
    _into(cv2.transpose(gathered, dst=stacked), stacked)
    result = scratch.c.reshape(-1)[:size].reshape(height, width, channels * kk)
    if float32:
        a = scratch.f.reshape(-1)[:size].reshape(result.shape)
        o = scratch.g.reshape(-1)[:size].reshape(result.shape)
        np.copyto(a, stacked.reshape(result.shape))  # exact: every uint8 is a float32
        _into(func(a, o), o)
        # floor(o + 0.5), the uint8 warp's rounding: o is a multiple of 1/1024 in
        # [0, 255] (see above), so o + 2**-11 is exact in float32 and never a tie, and
        # convertScaleAbs's round-to-nearest of it is floor(o + 0.5).
        flat = result.reshape(height, -1)
        _into(cv2.convertScaleAbs(o.reshape(height, -1), dst=flat, alpha=1.0,
                                  beta=2.0**-11), flat)
    else:
        _into(func(stacked.reshape(height, width, channels * kk), result), result)
    back = padded[:kk]
    _into(cv2.transpose(result.reshape(pixels, kk), dst=back), back)
    dst[dst_rows] = scratch.t[:k, :height]


def _into(result: np.ndarray, o: np.ndarray) -> None:
    """Copy an OpenCV result into ``o`` unless OpenCV wrote there already."""
    if result is not o and not np.shares_memory(result, o):  # OpenCV reallocated
        o[...] = result.reshape(o.shape)


def _channel_chunks(channels: int) -> list[slice]:
    """Even channel ranges of at most ``_MAX_STACK_CHANNELS`` channels each.

    Even, so that every chunk has more than 4 channels: OpenCV interpolates uint8, uint16
    and float32 images of 1, 3 or 4 channels on another (coarser) path than wider ones,
    and every channel must get the same path as in a stacked call.
    """
    n = -(-channels // _MAX_STACK_CHANNELS)
    bounds = np.linspace(0, channels, n + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]


def _by_channels(func, a: np.ndarray, o: np.ndarray | None) -> np.ndarray:
    """``func(a, o)`` for an OpenCV function on an image with any number of channels.

    OpenCV refuses images of more than 128 channels (its assertion fails deep inside,
    e.g. in ``warpAffine``); wider images are transformed in chunks of channels, each
    channel being transformed on its own either way.
    """
    if a.ndim < 3 or a.shape[2] <= _MAX_STACK_CHANNELS:
        return func(a, o)
    for part in _channel_chunks(a.shape[2]):
        result = func(np.ascontiguousarray(a[:, :, part]), None)
        if o is None:
            o = np.empty(result.shape[:2] + (a.shape[2],), result.dtype)
        o[:, :, part] = result.reshape(result.shape[:2] + (-1,))
    return o


def _ksize(sigma: float) -> int:
    """Gaussian kernel size covering +-2 sigma (OpenCV's own default for uint8 is +-3 sigma,
    about twice the work for a difference an augmentation does not need)."""
    return 2 * max(1, round(2 * sigma)) + 1


def _reflect_index(n: int, t) -> np.ndarray:
    """Source index of each output position after a shift by ``t`` (BORDER_REFLECT_101);
    for an array of shifts, one row of indices per shift."""
    t = np.asarray(t)[..., None]
    if n == 1:
        return np.zeros(t.shape[:-1] + (1,), dtype=np.intp)
    period = 2 * (n - 1)
    i = np.abs(np.arange(n) - t) % period
    return np.where(i > n - 1, period - i, i).astype(np.intp, copy=False)


def _shift_slices(n: int, t: int) -> tuple[tuple[slice, slice], ...] | None:
    """``(output, source)`` slice pairs shifting an axis of length ``n`` by ``t`` whole
    pixels with BORDER_REFLECT_101; ``None`` when the shift reflects more than once.

    Slices copy whole runs of pixels, where a gather (``np.take``) copies pixel by pixel
    and costs as much as a warp; the gather is only the fallback for huge shifts.
    """
    if t == 0:
        return ((slice(None), slice(None)),)
    if abs(t) > n - 2:
        return None
    if t > 0:
        return (slice(t, n), slice(0, n - t)), (slice(0, t), slice(t, 0, -1))
    s = -t
    return (slice(0, n - s), slice(s, n)), (slice(n - s, n), slice(n - 2, n - 2 - s, -1))


def _flip_stack(a: np.ndarray, code: int) -> np.ndarray:
    """Flip (k, H, W, C) images as ``cv2.flip(image, code)`` does each."""
    return _flip_into(a, np.empty_like(a), code)


def _flip_into(a: np.ndarray, o: np.ndarray, code: int) -> np.ndarray:
    """(k, H, W, C) images flipped as ``cv2.flip(image, code)`` does each: written into
    ``o`` (same shape), or a view of ``a`` or ``o``.

    A horizontal flip reverses every pixel row, so the k images are flipped as one tall
    (k*H, W) image; a vertical flip reverses whole rows, a view.
    """
    k, height, width, channels = a.shape
    if code != 0:  # horizontal part
        if channels <= 4:
            tall = a.reshape(k * height, width, channels)
            o_tall = o.reshape(k * height, width, channels)
            if channels == 1:
                tall, o_tall = tall[:, :, 0], o_tall[:, :, 0]
            _into(cv2.flip(tall, 1, dst=o_tall), o_tall)
        else:  # more channels than one OpenCV pixel holds
            o[...] = a[:, :, ::-1]
        a = o
    return a[:, ::-1] if code != 1 else a


def _shift_x_into(a: np.ndarray, o: np.ndarray, tx: int) -> np.ndarray:
    """(k, H, W, C) images shifted by ``tx`` whole pixels along W, reflecting at the
    border, into ``o``."""
    k, height, width, channels = a.shape
    if 2 * abs(tx) >= width:  # reflects more than once: a gather
        return np.take(a, _reflect_index(width, tx), axis=2, out=o, mode="clip")
    # Every pixel row moves on its own, so the k images shift as one tall image: the part
    # that stays in view, with OpenCV's border copy around it (while the border is
    # narrower than that part, reflecting inside it is reflecting in the whole row).
    left, right = max(tx, 0), max(-tx, 0)
    view = a.reshape(k * height, width, channels)[:, right : width - left]
    tall = o.reshape(k * height, width, channels)
    if channels == 1:
        view, tall = view[:, :, 0], tall[:, :, 0]
    _into(_by_channels(lambda v, d: cv2.copyMakeBorder(
        v, 0, 0, left, right, _BORDER | cv2.BORDER_ISOLATED, dst=d), view, tall), tall)
    return o


def _move_units(src, src_of, dst, rows, plan: _Plan, start: int) -> list:
    """Whole-pixel moves (plain copies, flips, shifts) as units of work: exact copies of
    source pixels.

    The vertical part (a shift along H or a vertical flip) is a choice of pixel rows, so
    it is folded into the gather: one ``np.take`` of whole pixel rows per chunk, each
    image with its own row order. The horizontal part (a flip or a shift along W) moves
    every pixel row on its own, so the images sharing it go through one OpenCV call as
    one tall image. Writes ``dst[rows]``; ``rows`` index ``src_of``, ``dst`` and (plus
    ``start``) the plan.
    """
    if not len(rows):
        return []
    height = dst.shape[1]
    # The source row of each row: one row of this table per vertical shift, and the
    # last one for vertical flips (which are never shifted too).
    ty = plan.ty[start + rows]
    low, high = min(int(ty.min(initial=0)), 0), max(int(ty.max(initial=0)), 0)
    orders = np.vstack([_reflect_index(height, np.arange(low, high + 1)),
                        np.arange(height)[::-1]])
    which = np.full(len(src_of), -low)  # row -low: no vertical move
    which[rows] = np.where(plan.p["fy"][start + rows] == -1, len(orders) - 1, ty - low)
    upright = which == -low
    # Grouped by the horizontal part only (one OpenCV call per group, ~15 us each): a
    # group of upright images only is gathered as whole images, a faster copy.
    groups = _grouped(plan.x_keys[start : start + len(src_of)], rows, plan.scratch_rows)
    return [partial(_move_group, src, src_of, dst, group, plan, start,
                    None if upright[group].all() else orders[which[group]])
            for group in groups]


def _move_group(src, src_of, dst, group, plan: _Plan, start: int, order,
                scratch: _Scratch) -> None:
    """One chunk of ``_move_units``: images sharing their horizontal move; ``order`` is
    each image's source pixel rows (k, H), or ``None`` for whole images."""
    _, height, width, channels = dst.shape
    k = len(group)
    at = start + group
    if order is None:
        np.take(src, src_of[group], axis=0, out=scratch.a[:k], mode="clip")
    else:
        row_len = width * channels
        if src.flags.c_contiguous:
            order = order + (src_of[group] * height)[:, None]
            source = src.reshape(-1, row_len)
        else:  # a strided view: whole images first, then their rows
            order = order + (np.arange(k) * height)[:, None]
            source = np.take(src, src_of[group], axis=0, out=scratch.c[:k], mode="clip")
            source = source.reshape(-1, row_len)
        tall_a = scratch.a.reshape(-1, row_len)
        np.take(source, order.reshape(-1), axis=0, out=tall_a[: k * height], mode="clip")
    moved = scratch.a[:k]
    if plan.p["fx"][at[0]] == -1:
        moved = _flip_into(moved, scratch.b[:k], 1)
    elif plan.tx[at[0]]:
        moved = _shift_x_into(moved, scratch.b[:k], int(plan.tx[at[0]]))
    dst[group] = moved


def _shift_into(a: np.ndarray, o: np.ndarray, tx: int, ty: int) -> None:
    """``o`` = image ``a`` (H, W[, C]) shifted by whole pixels, reflecting at the border."""
    height, width = a.shape[:2]
    if 2 * abs(ty) < height and 2 * abs(tx) < width:
        # The part that stays in view, with OpenCV's border copy around it: while the
        # border is narrower than that part, reflecting inside it is reflecting in the
        # whole image, and OpenCV copies rows faster than NumPy's slices (~1.7x here).
        top, bottom, left, right = max(ty, 0), max(-ty, 0), max(tx, 0), max(-tx, 0)
        view = a[bottom : height - top, right : width - left]
        _into(_by_channels(lambda v, d: cv2.copyMakeBorder(v, top, bottom, left, right,
                                                           _BORDER, dst=d), view, o), o)
        return
    rows, cols = _shift_slices(height, ty), _shift_slices(width, tx)
    if rows is None or cols is None:
        o[...] = a[_reflect_index(a.shape[0], ty)][:, _reflect_index(a.shape[1], tx)]
        return
    for to_y, from_y in rows:
        for to_x, from_x in cols:
            o[to_y, to_x] = a[from_y, from_x]


def augment_images(
    X: np.ndarray,
    indices: np.ndarray,
    spec: AugmentationSpec,
    *,
    rng: np.random.Generator,
    out: np.ndarray,
    intensity_range: tuple[float, float] | None = None,
    n_jobs: int | None = None,
    spatial_dims: int | None = None,
    alongside=(),
) -> np.ndarray:
    """Write random augmentations of ``X[indices]`` into ``out`` (same dtype as ``X``).

    The work is split into units run on ``n_jobs`` threads: whole large images; chunks of
    small images of dtypes OpenCV cannot take (float64 working copies of a fixed size);
    the stacked OpenCV calls and the copies of small images of OpenCV's dtypes. All
    randomness is drawn before the split and no unit depends on ``n_jobs``, so neither
    does the result.

    Parameters
    ----------
    X : ndarray of shape (n, H, W) or (n, H, W, C)
        Source images, any real dtype; never modified or copied as a whole.
    indices : ndarray of int, shape (m,)
        Source image of each output row.
    spec : AugmentationSpec or None
        What to do; ``None``: plain copies.
    rng : numpy.random.Generator
        Randomness; the same generator state gives the same images.
    out : ndarray of shape (m, H, W) or (m, H, W, C), dtype of ``X``
        Destination (C-contiguous).
    intensity_range : (float, float), optional
        Range for brightness/gamma and for clipping their result; the data's min and max
        by default (``value_range(X)``).
    n_jobs : int, default=None
        Threads, in scikit-learn's meaning (``None``: 1 unless in a
        :func:`joblib.parallel_config` context; ``-1``: all processors).
    spatial_dims : {2, 3}, default=None
        2: ``X`` holds images; 3: volumes ``(n, D, H, W[, C])``, augmented by
        :func:`skmedimg.samplers._volumes.augment_volumes`. ``None``: volumes when ``X``
        is 5-D, images otherwise.
    alongside : list of callables, default=()
        Independent units of work (``unit(None)``, e.g. ``copy_unit`` of the originals
        into the same output): run first, or on a thread of their own concurrently with
        the augmentation when ``n_jobs`` allows.

    Returns
    -------
    out : ndarray
    """
    indices = np.asarray(indices, dtype=np.intp)
    n_workers = _n_workers(n_jobs)
    with _in_background(list(alongside), n_workers):
        _augment(X, indices, spec, rng, out, intensity_range, n_jobs, n_workers,
                 spatial_dims)
    return out


@contextmanager
def _in_background(units: list, workers: int):
    """Run ``units`` on a thread of their own while the block runs (``workers`` > 1), or
    before it; either way, they are done when the block ends.

    The copy of the originals (``copy_unit``) goes there: it needs no GIL, so it
    overlaps with the draws and the grouping (Python) as well as with the pixel work.
    """
    if workers <= 1 or not units:
        _run_units(units, 1)
        yield
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_run_units, units, 1)
        try:
            yield
        finally:
            error = future.exception()  # waits: the units write the caller's output
        if error is not None:
            raise error


def _augment(X, indices, spec, rng, out, intensity_range, n_jobs, n_workers,
             spatial_dims) -> None:
    """``augment_images`` without its ``alongside`` units."""
    m = len(indices)
    if m == 0:
        return
    if spec is None or not spec.operations:  # plain copies
        np.take(X, indices, axis=0, out=out)
        return
    if spatial_dims is None:
        spatial_dims = 3 if X.ndim == 5 else 2
    check_augmentation(spec, X.shape[1 : 1 + spatial_dims])
    spec = for_dims(spec, spatial_dims)
    if spatial_dims == 3:
        from ._volumes import augment_volumes  # imports this module

        augment_volumes(X, indices, spec, rng=rng, out=out,
                        intensity_range=intensity_range, n_jobs=n_jobs)
        return
    n, height, width = X.shape[:3]
    channels = 1 if X.ndim == 3 else X.shape[3]
    Xv = X.reshape(n, height, width, channels)
    outv = out.reshape(m, height, width, channels)
    if spec.uses_intensity and intensity_range is None:
        intensity_range = value_range(X)
    plan = _Plan(_draw(spec, m, height, width, rng), X.dtype, height, width, channels,
                 intensity_range)
    stack = height * width <= _STACK_MAX_PIXELS
    parts = plan.parts(m, stack, n_workers)
    if stack and plan.native:  # one part: its stacked calls are the units
        # A few hundred small images take less time than starting threads for them.
        workers = n_workers if outv.nbytes >= _THREADED_STACK_BYTES else 1
        _augment_stacked(Xv, indices, outv, parts[0], plan, workers)
        return
    run = partial(_augment_stacked if stack else _augment_each, Xv, indices, outv,
                  plan=plan)
    _run_parts(run, parts, n_workers)


def copy_unit(src: np.ndarray, dst: np.ndarray):
    """``dst[...] = src`` as a unit of work (see ``_run_units``), for
    ``augment_images(alongside=...)``: one copy, which glibc makes with non-temporal
    stores when it is large (no cache line read before it is written)."""
    return partial(_copy, src, dst)


def _copy(src, dst, scratch=None) -> None:
    np.copyto(dst, src)


def _n_workers(n_jobs) -> int:
    """Threads for ``n_jobs`` in scikit-learn's meaning: ``None`` is 1 unless a
    :func:`joblib.parallel_config` context says otherwise, ``-1`` all processors."""
    return max(1, int(effective_n_jobs(n_jobs)))


def _run_parts(func, parts: list, workers: int) -> None:
    """``func(part)`` for every part, on ``workers`` threads (see ``_run_units``)."""
    _run_units([partial(_call_with, func, part) for part in parts], workers)


def _call_with(func, part, scratch=None):
    func(part)


def _run_units(units: list, workers: int, state=None) -> None:
    """``unit(s)`` for every unit, on up to ``workers`` threads, each taking the next unit
    as it finishes one; ``s`` is the thread's own ``state()`` context (e.g. its scratch
    buffers), or ``None``.

    The units write into the caller's arrays, so the threads share memory; NumPy and
    OpenCV release the GIL while they work on pixels. Plain threads rather than
    ``joblib.Parallel``: joblib's result loop polls every 10 ms, which costs ~11 ms per
    call (measured with two empty tasks), a quarter of balancing 7 000 64x64 images; its
    ``parallel_config`` still sets the count (``_n_workers``). OpenCV's own thread
    setting is left alone: it is process-wide, and concurrent callers (other samplers,
    Keras ``PyDataset`` workers) would see each other's changes. The first error raised
    by a unit stops the others from starting new units and reaches the caller.
    """
    workers = min(workers, len(units))
    state = state or nullcontext
    if workers <= 1:
        with state() as s:
            for unit in units:
                unit(s)
        return
    counter = itertools.count()  # next() on it is atomic: no two threads get one unit
    failed = []

    def work():
        try:
            with state() as s:
                for i in iter(counter.__next__, None):
                    if i >= len(units) or failed:
                        return
                    units[i](s)
        except BaseException as error:
            failed.append(error)
            raise

    with ThreadPoolExecutor(max_workers=workers - 1) as pool:
        futures = [pool.submit(work) for _ in range(workers - 1)]
        try:
            work()  # the calling thread is one of the workers
        finally:
            for future in futures:
                future.exception()  # wait for every thread before the arrays are used
    if failed:
        raise failed[0]


class _Plan:
    """Everything decided before the pixels are touched: per-row parameters and keys.

    Integer keys: equal keys mean the same transform, as the parameters live on a grid.
    """

    def __init__(self, p, dtype, height, width, channels, intensity_range):
        self.p = p
        self.dtype = np.dtype(dtype)
        self.native = self.dtype in _OPENCV_DTYPES
        self.work_dtype = self.dtype if self.native else np.dtype(np.float64)
        self.size = (width, height)
        self.channels = channels
        self.intensity_range = intensity_range
        image_bytes = height * width * channels * self.work_dtype.itemsize
        self.gather = max(1, _CHUNK_BYTES // image_bytes)  # rows gathered at once by NumPy
        # Images per stacked call: up to OpenCV's channel limit, and about _STACK_BYTES per
        # stack, so that a call's four buffers (gathered, stacked, result, unstacked) stay
        # in the CPU's cache (measured at 64 px: 32 images per call beat 128 by ~15%).
        self.per_call = max(1, min(_MAX_STACK_CHANNELS // channels,
                                   _STACK_BYTES // (height * width * channels
                                                    * self.work_dtype.itemsize)))
        # Images per chunk of whole-pixel moves (flips, shifts, copies): ~_STACK_BYTES.
        self.copy_rows = max(1, _STACK_BYTES // image_bytes)
        # Images a _Scratch buffer holds: pad (in _opencv_chunk) adds up to 3 copies to a
        # chunk of per_call images.
        self.scratch_rows = max(self.per_call + 3, self.copy_rows)
        # 3-channel warps are about 1.6x faster through OpenCV's 4-channel path, and
        # bit-identical (each channel is interpolated on its own either way).
        self.warp_via_4 = channels == 3 and self.dtype in _CVTCOLOR_DTYPES
        # Stacked uint8 warps go through float32, faster and bit-identical (_opencv_chunk).
        self.warp_float32 = self.dtype == np.uint8 and height * width <= _STACK_MAX_PIXELS

        plain = (p["angle"] == 0) & (p["scale"] == 1)
        flipped = (p["fx"] == -1) | (p["fy"] == -1)
        shifted = (p["tx"] != 0) | (p["ty"] != 0)
        self.untouched = plain & ~flipped & ~shifted
        self.only_flip = plain & flipped & ~shifted
        self.only_shift = plain & shifted & ~flipped  # whole pixels: exact copies
        self.warped = ~plain | (flipped & shifted)
        # Matrices and keys only for the rows that are warped (the others are never read).
        self.mats = np.zeros((len(plain), 2, 3))
        warped_rows = np.flatnonzero(self.warped)
        warped_p = {k: p[k][warped_rows] for k in ("angle", "scale", "fx", "fy", "tx", "ty")}
        self.mats[warped_rows] = _affine_matrices(warped_p, height, width)
        self.flip_code = np.where(p["fx"] == -1, np.where(p["fy"] == -1, -1, 1), 0)
        # Keys of the warped rows only: the mixed radix of their own ranges orders them as
        # the whole columns' would (lexicographically), so the groups are the same.
        self.warp_keys = np.zeros(len(plain), dtype=np.int64)
        if len(warped_rows):
            self.warp_keys[warped_rows] = _combine(
                *(p[k][warped_rows] for k in ("angle_bin", "zoom_bin", "tx", "ty", "fx", "fy")))
        self.tx, self.ty = p["tx"].astype(np.int64), p["ty"].astype(np.int64)
        # What a whole-pixel move does along W: nothing (0), a flip or a shift by tx.
        self.x_keys = np.where(p["fx"] == -1, width + 1, self.tx)
        self.sigma_keys = np.round(p["sigma"] * 20).astype(np.int64)
        self.intensity = (p["brightness"] != 0) | (p["contrast"] != 1) | (p["gamma"] != 1)

    def parts(self, m: int, stack: bool, n_threads: int) -> list[slice]:
        """Row ranges processed independently (by one thread each at a time)."""
        if not stack:  # many small parts balance the threads' loads
            size = max(1, m // (8 * n_threads))
        elif not self.native:  # float64 working copies: keep each part's copy small
            size = self.gather
        else:  # one part keeps the groups of shared transforms large
            size = m
        # Parts of stacked images do not depend on n_threads: which images share an OpenCV
        # call changes float results in their last bits (SIMD remainders), and the result
        # must not depend on n_jobs.
        return [slice(s, min(s + size, m)) for s in range(0, m, size)]

    def warp(self, a, o, row):
        return _by_channels(
            lambda a, o: cv2.warpAffine(a, self.mats[row], self.size, dst=o, flags=_FLAGS,
                                        borderMode=_BORDER), a, o)

    def blur(self, a, o, row):
        s = float(self.p["sigma"][row])
        return _by_channels(
            lambda a, o: cv2.GaussianBlur(a, (_ksize(s),) * 2, s, dst=o, borderType=_BORDER),
            a, o)


def _augment_each(Xv, indices, outv, part: slice, plan: _Plan) -> None:
    """Large images: every step of one image after the other, straight from the source
    into its place in the output (the image stays in cache between steps)."""
    channels, native = plan.channels, plan.native
    if plan.warp_via_4:
        four = np.empty(Xv.shape[1:3] + (4,), plan.dtype)
        four_out = np.empty_like(four)
    for row in range(part.start, part.stop):
        a = Xv[indices[row]]
        o = outv[row] if native else np.empty(a.shape, plan.work_dtype)
        if not native:
            a = a.astype(plan.work_dtype)
        if channels == 1:  # OpenCV wants (H, W) for one channel
            a, o = a[:, :, 0], o[:, :, 0]
        if plan.warped[row]:
            if plan.warp_via_4:
                cv2.cvtColor(a, cv2.COLOR_BGR2BGRA, dst=four)
                plan.warp(four, four_out, row)
                _into(cv2.cvtColor(four_out, cv2.COLOR_BGRA2BGR, dst=o), o)
            else:
                _into(plan.warp(a, o, row), o)
        elif plan.only_flip[row]:
            code = int(plan.flip_code[row])
            _into(_by_channels(lambda a, o, c=code: cv2.flip(a, c, dst=o), a, o), o)
        elif plan.only_shift[row]:
            _shift_into(a, o, int(plan.tx[row]), int(plan.ty[row]))
        if plan.sigma_keys[row]:  # in place after a geometric step, else from the source
            _into(plan.blur(a if plan.untouched[row] else o, o, row), o)
        elif plan.untouched[row]:
            o[...] = a
        o = o.reshape(a.shape[:2] + (channels,))
        if not native:
            if plan.intensity[row]:
                o[...] = _intensity(o[None], plan.p, np.array([row]),
                                    plan.intensity_range)[0]
            outv[row] = _cast(o, plan.dtype)
    if native:  # the intensity steps of the part's images, after its geometric steps
        _intensity_in_chunks(outv, np.arange(part.start, part.stop), plan, 0)


def _augment_stacked(Xv, indices, outv, part: slice, plan: _Plan, workers: int = 1) -> None:
    """Small images: those sharing a transform go through one OpenCV call, stacked.

    The stacked calls, the lone warps and the chunks of whole-pixel moves are the units
    of work, in three rounds (geometric steps and blurs from the source; blurs after a
    geometric step; intensity steps), each round's units on ``workers`` threads. Which
    images share a call is decided before, so it does not depend on ``workers``.
    """
    start, stop = part.start, part.stop
    local = np.arange(stop - start)
    if plan.native:
        src, src_of, dst = Xv, indices[start:stop], outv[start:stop]
    else:  # OpenCV cannot take this dtype: work on a float64 copy of the part
        src, src_of = Xv[indices[start:stop]].astype(plan.work_dtype), local
        dst = np.empty_like(src)

    def sel(mask):
        return local[mask[start:stop]]

    blurred = plan.p["sigma"] > 0
    # Blurred ones are blurred from the source below.
    moves = sel((plan.untouched & ~blurred) | plan.only_flip | plan.only_shift)
    first = _move_units(src, src_of, dst, moves, plan, start)
    for group in _grouped(plan.warp_keys[start:stop], sel(plan.warped)):
        if len(group) < _MIN_STACKED_WARP:
            first.append(partial(_warp_each, src, src_of[group], dst, group, plan, start))
        else:
            first += _stacked_units(partial(plan.warp, row=start + group[0]), src,
                                    src_of[group], dst, group, plan, pad=True,
                                    float32=plan.warp_float32)
    rounds = [first, []]
    for moved in (False, True):  # after a geometric step in place, else from the source
        rows = sel(blurred & (plan.untouched != moved))
        for group in _grouped(plan.sigma_keys[start:stop], rows):
            rounds[moved] += _stacked_units(partial(plan.blur, row=start + group[0]),
                                            dst if moved else src,
                                            group if moved else src_of[group], dst, group,
                                            plan)
    rounds.append(_intensity_units(dst, local, plan, start))
    pool = _ScratchPool(plan)
    for units in rounds:
        _run_units(units, workers, pool.get)
    if not plan.native:
        outv[start:stop] = _cast(dst, plan.dtype)


class _ScratchPool:
    """Scratch buffers for the threads of one call, each set reused round after round."""

    def __init__(self, plan: _Plan):
        self.plan = plan
        self.free = []

    @contextmanager
    def get(self):
        scratch = self.free.pop() if self.free else _Scratch(self.plan)  # atomic pop
        try:
            yield scratch
        finally:
            self.free.append(scratch)


def _warp_each(src, src_rows, dst, rows, plan: _Plan, start: int, scratch=None) -> None:
    """``dst[rows[i]]`` = warp of ``src[src_rows[i]]``, one OpenCV call per image, straight
    into the output (1, 3 and 4 channels: OpenCV's exact path)."""
    for s, r in zip(src_rows, rows):
        a, o = src[s], dst[r]
        if plan.channels == 1:  # OpenCV wants (H, W) for one channel
            a, o = a[:, :, 0], o[:, :, 0]
        _into(plan.warp(a, o, start + r), o)


def _intensity_in_chunks(images: np.ndarray, local: np.ndarray, plan: _Plan,
                         start: int) -> None:
    """The intensity steps of the rows ``local`` of ``images`` (plan rows ``start +
    local``) that have any, in chunks of about ``_CHUNK_BYTES`` of float32."""
    for unit in _intensity_units(images, local, plan, start):
        unit()


def _intensity_units(images: np.ndarray, local: np.ndarray, plan: _Plan,
                     start: int) -> list:
    """``_intensity_in_chunks`` as units of work (see ``_run_units``), one per chunk."""
    rows = local[plan.intensity[start + local]]
    step = plan.gather // 4 + 1  # float32: 4x a uint8 row
    return [partial(_intensity_chunk, images, rows[i : i + step], plan, start)
            for i in range(0, len(rows), step)]


def _intensity_chunk(images, chunk, plan: _Plan, start: int, scratch=None) -> None:
    _intensity_into(images, chunk, plan.p, start + chunk, plan.intensity_range)


def _intensity_into(images: np.ndarray, at: np.ndarray, p: dict, rows: np.ndarray,
                    bounds) -> None:
    """``images[at] = _intensity(images[at], p, rows, bounds)``, in place.

    uint8 images (of at least ``_LUT_MIN_PIXELS``) without gamma go through one 256-value
    table per image (``cv2.LUT``, in place): the steps are a function of the pixel value
    once the image's mean is known, and the float32 passes of ``_intensity`` cost up to
    ~4x more (64 px: ~37 against ~8 us per image). Within the data's range the mean of
    ``t`` is ``t`` of the mean, from an exact integer sum.
    """
    lo, hi = bounds
    if not hi > lo:  # constant data: no range to move within
        return
    if (images.dtype != np.uint8 or images[0].size < _LUT_MIN_PIXELS
            or np.any(p["gamma"][rows] != 1)):
        images[at] = _intensity(images[at], p, rows, bounds)
        return
    chunk = images[at]
    if (lo > 0 and chunk.min() < lo) or (hi < 255 and chunk.max() > hi):
        images[at] = _intensity(chunk, p, rows, bounds)  # t is clipped: another mean
        return
    work = np.float32
    half_span = work(hi / 2 - lo / 2)
    # _intensity's steps, on the 256 values instead of the pixels.
    t = np.arange(256, dtype=work)
    t /= 2
    t -= work(lo / 2)
    t /= half_span
    np.clip(t, 0, 1, out=t)
    t = np.broadcast_to(t, (len(rows), 256))
    contrast = p["contrast"][rows][:, None]
    if np.any(contrast != 1):
        sums = chunk.reshape(len(rows), -1).sum(axis=1, dtype=np.uint64)
        mean_v = sums / chunk[0].size
        mean = ((mean_v / 2 - lo / 2) / (hi / 2 - lo / 2)).astype(work)[:, None]
        t = np.where(contrast != 1, mean + contrast.astype(work) * (t - mean), t)
    t = t + p["brightness"][rows][:, None].astype(work)
    np.clip(t, 0, 1, out=t)
    t *= half_span
    t += work(lo / 2)
    t *= 2
    tables = _cast(np.clip(t, lo, hi, out=t), np.uint8)
    for i, table in zip(at, tables):
        target = images[i]
        image = target if target.flags.c_contiguous else np.ascontiguousarray(target)
        flat = image.reshape(image.shape[0], -1)  # cv2.LUT takes up to 4 channels
        _into(cv2.LUT(flat, table, dst=flat), flat)
        if image is not target:  # a strided image (OpenCV takes contiguous rows only)
            target[...] = image


def _intensity(images: np.ndarray, p: dict, rows: np.ndarray, bounds) -> np.ndarray:
    """Gamma, then contrast around each image's mean, then brightness; clipped to bounds.

    The steps work on ``t = (v - lo) / (hi - lo)`` in [0, 1], computed from halves
    (``v / 2 - lo / 2``): finite pixels near the float limits (e.g. +-1e306 or float32's
    3e38) would overflow ``hi - lo``, and means of them, into inf and NaN.
    """
    lo, hi = bounds
    if not hi > lo:  # constant data: no range to move within
        return images
    work = np.float64 if images.dtype == np.float64 else np.float32
    half_span = work(hi / 2 - lo / 2)
    shape = (len(rows),) + (1,) * (images.ndim - 1)
    t = images.astype(work)
    t /= 2
    t -= work(lo / 2)
    t /= half_span
    np.clip(t, 0, 1, out=t)
    gamma = p["gamma"][rows].reshape(shape)
    if np.any(gamma != 1):
        t **= gamma.astype(work)
    contrast = p["contrast"][rows].reshape(shape)
    if np.any(contrast != 1):
        mean = t.mean(axis=tuple(range(1, t.ndim)), keepdims=True)
        # Only where asked: mean + 1 * (t - mean) is not always t in floating point, and
        # an image's result must not depend on which others share its chunk.
        t = np.where(contrast != 1, mean + contrast.astype(work) * (t - mean), t)
    t += p["brightness"][rows].reshape(shape).astype(work)
    np.clip(t, 0, 1, out=t)
    # Back to the data's range, again through halves; lo + t * span <= hi.
    t *= half_span
    t += work(lo / 2)
    t *= 2
    return _cast(np.clip(t, lo, hi, out=t), images.dtype)


def _cast(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Cast floats to ``dtype``, rounding and clipping to its range for integers."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        # float(2**63 - 1) rounds up to 2**63, which wraps to -2**63 in int64: clip to
        # the largest float that the integer type holds.
        top = float(info.max)
        if int(top) > info.max:
            top = float(np.nextafter(top, 0))
        values = np.clip(np.rint(values), float(info.min), top)
    return values.astype(dtype)
