"""Augmentation of 3-D volumes ``(n, D, H, W[, C])``: one fused affine per volume.

Every new volume gets one forward matrix ``shift . rotate . zoom . flip`` about its
centre (voxel coordinates, z-y-x order), then a Gaussian blur, then the intensity steps
of the 2-D engine (``_augment._intensity``). OpenCV only warps 2-D planes, so the affine
is applied as what it is in the common case, a separable map:

- Rotations about the depth axis (in the axial (H, W) plane: the default), flips, shifts
  and an isotropic zoom move depth and the plane independently. The volume is first
  resampled along depth (a gather of whole slices, or one ``cv2.addWeighted`` of two
  slices per output slice when zoomed), then every slice is warped by ONE
  ``cv2.warpAffine`` call with the slices stacked as channels (``cv2.transpose`` of the
  (D, H*W) array gives an (H, W, D) image). Linear interpolation along depth of bilinear
  slices is exactly trilinear interpolation for such a map; it is one resampling, with
  the integer rounding of the depth step (for zoomed integer volumes) as the only extra.
- Rotations about the height or width axis mix depth with the plane: those volumes go
  through ``scipy.ndimage.affine_transform(order=1)`` (trilinear) with the same fused
  matrix, which is about 40x slower than the separable path at 28^3 and runs on the
  ``n_jobs`` threads.

Borders are mirrored (``BORDER_REFLECT_101``, scipy's ``mode="mirror"``) as for images, so
every resampled voxel is a convex combination of source voxels: integer volumes (uint8,
uint16, int16 Hounsfield units) keep their dtype and range without wrap-around. The blur
is a separable Gaussian of +-2 sigma: in-plane on the stacked slices (one
``cv2.GaussianBlur`` call), then along depth (one ``cv2.sepFilter2D`` on the (D, H*W)
array). Parameters are drawn from the generator before any voxel is touched and every
volume is processed on its own, so the output depends on the seed only, not on
``n_jobs``.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from ._augment import (
    _BORDER,
    _FLAGS,
    _OPENCV_DTYPES,
    AugmentationSpec,
    _by_channels,
    _cast,
    _intensity,
    _into,
    _ksize,
    _n_workers,
    _run_parts,
    active_steps,
    draw_intensity,
    value_range,
)

# scipy.ndimage's geometric transforms take these dtypes (float16 is not among them).
_SCIPY_DTYPES = frozenset(np.dtype(t) for t in (
    np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64,
    np.float32, np.float64))


def augment_volumes(
    X: np.ndarray,
    indices: np.ndarray,
    spec: AugmentationSpec,
    *,
    rng: np.random.Generator,
    out: np.ndarray,
    intensity_range: tuple[float, float] | None = None,
    n_jobs: int | None = None,
) -> np.ndarray:
    """Write random augmentations of the volumes ``X[indices]`` into ``out``.

    Parameters
    ----------
    X : ndarray of shape (n, D, H, W) or (n, D, H, W, C)
        Source volumes, any real dtype; never modified or copied as a whole.
    indices : ndarray of int, shape (m,)
        Source volume of each output row.
    spec : AugmentationSpec
        What to do; its ``flip`` is a tuple of axes (``for_dims(spec, 3)``).
    rng : numpy.random.Generator
        Randomness; the same generator state gives the same volumes.
    out : ndarray of shape (m, D, H, W) or (m, D, H, W, C), dtype of ``X``
        Destination (C-contiguous).
    intensity_range : (float, float), optional
        Range of the intensity steps; the data's min and max by default.
    n_jobs : int, default=None
        Threads, in scikit-learn's meaning; whole volumes per thread.

    Returns
    -------
    out : ndarray
    """
    m = len(indices)
    n, depth, height, width = X.shape[:4]
    channels = 1 if X.ndim == 4 else X.shape[4]
    Xv = X.reshape(n, depth, height, width, channels)
    outv = out.reshape(m, depth, height, width, channels)
    if not spec.operations:
        np.take(Xv, indices, axis=0, out=outv)
        return out
    if spec.uses_intensity and intensity_range is None:
        intensity_range = value_range(X)
    plan = _VolumePlan(draw_volumes(spec, m, (depth, height, width), rng), X.dtype,
                       (depth, height, width), intensity_range)
    n_workers = _n_workers(n_jobs)
    size = max(1, m // (8 * n_workers))  # small parts balance the threads' loads
    parts = [range(s, min(s + size, m)) for s in range(0, m, size)]

    def run(part):
        for row in part:
            _augment_volume(Xv[indices[row]], outv[row], row, plan)

    _run_parts(run, parts, min(n_workers, len(parts)))
    return out


def draw_volumes(spec: AugmentationSpec, m: int, shape: tuple[int, int, int], rng) -> dict:
    """Random parameters for ``m`` volumes of spatial ``shape`` (D, H, W); inactive steps
    get their identity value. Angles are in degrees about the axes (depth, height,
    width), shifts in whole voxels along them."""
    on = active_steps(spec, m, rng)
    p = {"angles": np.zeros((m, 3)), "scale": np.ones(m), "flips": np.ones((m, 3)),
         "shifts": np.zeros((m, 3)), "sigma": np.zeros(m), "brightness": np.zeros(m),
         "contrast": np.ones(m), "gamma": np.ones(m)}
    if "rotation" in on:
        axes = list(spec.rotation_axes)
        angles = rng.uniform(-spec.rotation, spec.rotation, (m, len(axes)))
        p["angles"][:, axes] = np.where(on["rotation"][:, None], angles, 0.0)
    if "flip" in on:
        # As for images: with every step on, each allowed axis flips with probability
        # 1/2; as one of a few steps, a chosen flip flips one allowed axis.
        axes = list(spec.flip)
        if spec.n_operations is None:
            flipped = rng.random((m, len(axes))) < 0.5
        else:
            flipped = np.zeros((m, len(axes)), dtype=bool)
            flipped[np.arange(m), rng.integers(len(axes), size=m)] = True
        p["flips"][:, axes] = np.where(on["flip"][:, None] & flipped, -1.0, 1.0)
    if "shift" in on:
        shifts = np.round(rng.uniform(-spec.shift, spec.shift, (m, 3)) * np.array(shape))
        p["shifts"] = np.where(on["shift"][:, None], shifts, 0.0)
    if "zoom" in on:
        p["scale"] = np.where(on["zoom"], 1 + rng.uniform(-spec.zoom, spec.zoom, m), 1.0)
    if "blur" in on:
        sigma = rng.uniform(*spec.blur_sigma, m)
        if spec.n_operations is None:
            on["blur"] = on["blur"] & (rng.random(m) < spec.blur)
        p["sigma"] = np.where(on["blur"], sigma, 0.0)
    draw_intensity(spec, on, m, rng, p)
    return p


def forward_matrices(p: dict) -> np.ndarray:
    """(m, 3, 3) linear parts in z-y-x order: rotate(depth) . rotate(height) .
    rotate(width) . zoom . flip. About the depth axis, a positive angle turns each
    axial slice as a positive angle turns an image (``cv2.getRotationMatrix2D``)."""
    m = len(p["scale"])
    theta = np.radians(p["angles"])
    cos, sin = np.cos(theta), np.sin(theta)
    rot = np.broadcast_to(np.eye(3), (m, 3, 3)).copy()
    for axis, (i, j) in enumerate(((1, 2), (0, 2), (0, 1))):  # the plane each turns
        r = np.broadcast_to(np.eye(3), (m, 3, 3)).copy()
        r[:, i, i], r[:, j, j] = cos[:, axis], cos[:, axis]
        r[:, i, j], r[:, j, i] = -sin[:, axis], sin[:, axis]
        rot = rot @ r
    return rot * (p["scale"][:, None] * p["flips"])[:, None, :]


def _reflect(i: np.ndarray, n: int) -> np.ndarray:
    """Indices ``i`` (any integers) mirrored into [0, n) as BORDER_REFLECT_101."""
    if n == 1:
        return np.zeros_like(i)
    period = 2 * (n - 1)
    i = np.abs(i) % period
    return np.where(i > n - 1, period - i, i)


class _VolumePlan:
    """Per-volume matrices and the path each volume takes, decided before any voxel."""

    def __init__(self, p, dtype, shape, intensity_range):
        self.p = p
        self.dtype = np.dtype(dtype)
        self.native = self.dtype in _OPENCV_DTYPES
        self.work_dtype = self.dtype if self.native else np.dtype(np.float64)
        self.scipy_dtype = self.dtype if self.dtype in _SCIPY_DTYPES else np.dtype(np.float64)
        self.intensity_range = intensity_range
        depth, height, width = shape
        centre = (np.array(shape, dtype=float) - 1) / 2
        L = forward_matrices(p)
        t = p["shifts"]
        self.identity = np.all(L == np.eye(3), axis=(1, 2)) & np.all(t == 0, axis=1)
        # Depth moves on its own when no rotation turns about the height or width axis.
        self.separable = (np.all(L[:, 0, 1:] == 0, axis=1)
                          & np.all(L[:, 1:, 0] == 0, axis=1))
        # Separable: source depth of each output slice, z_src = (z - c - t) / L00 + c.
        z = np.arange(depth)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.z_src = (z[None, :] - centre[0] - t[:, :1]) / L[:, :1, 0] + centre[0]
        # ... and the forward in-plane matrix, in OpenCV's (x, y) order.
        M = np.empty((len(L), 2, 3))
        M[:, 0, 0], M[:, 0, 1] = L[:, 2, 2], L[:, 2, 1]
        M[:, 1, 0], M[:, 1, 1] = L[:, 1, 2], L[:, 1, 1]
        cx, cy = centre[2], centre[1]
        M[:, 0, 2] = cx + t[:, 2] - (M[:, 0, 0] * cx + M[:, 0, 1] * cy)
        M[:, 1, 2] = cy + t[:, 1] - (M[:, 1, 0] * cx + M[:, 1, 1] * cy)
        self.plane_mats = M
        self.plane_identity = np.all(M == np.array([[1, 0, 0], [0, 1, 0]]), axis=(1, 2))
        # General: scipy's inverse map, source = inv(L) @ output + offset.
        self.inverse = np.zeros_like(L)
        self.offset = np.zeros((len(L), 3))
        general = np.flatnonzero(~self.separable)
        if len(general):
            inv = np.linalg.inv(L[general])
            self.inverse[general] = inv
            self.offset[general] = centre - np.einsum("mij,mj->mi", inv, centre + t[general])
        self.intensity = ((p["brightness"] != 0) | (p["contrast"] != 1)
                          | (p["gamma"] != 1))


def _to_planes(v: np.ndarray) -> np.ndarray:
    """(D, H, W, C) -> (H, W, C*D): the slices as channels of one OpenCV image."""
    depth, height, width, channels = v.shape
    return cv2.transpose(v.reshape(depth, -1)).reshape(height, width, channels * depth)


def _from_planes(planes: np.ndarray, o: np.ndarray) -> None:
    """The inverse of ``_to_planes``, written into ``o`` (D, H, W, C)."""
    depth = o.shape[0]
    flat = o.reshape(depth, -1)
    _into(cv2.transpose(planes.reshape(-1, depth), dst=flat), flat)


def _depth_step(a: np.ndarray, z_src: np.ndarray) -> np.ndarray:
    """``a`` resampled along depth at the positions ``z_src`` (linear, mirrored)."""
    depth = a.shape[0]
    low = np.floor(z_src)
    weight = z_src - low
    low = low.astype(np.intp)
    if not weight.any():
        index = _reflect(low, depth)
        return a if np.array_equal(index, np.arange(depth)) else a[index]
    i0, i1 = _reflect(low, depth), _reflect(low + 1, depth)
    out = np.empty_like(a)
    for z in range(depth):
        w = float(weight[z])
        if w == 0:
            out[z] = a[i0[z]]
        else:  # OpenCV rounds and saturates integers (a convex combination: no clipping)
            dst = out[z].reshape(a.shape[1], -1)
            _into(cv2.addWeighted(a[i0[z]].reshape(dst.shape), 1 - w,
                                  a[i1[z]].reshape(dst.shape), w, 0, dst=dst), dst)
    return out


def _blur_planes(planes: np.ndarray, sigma: float) -> np.ndarray:
    ksize = (_ksize(sigma),) * 2
    return _by_channels(lambda a, o: cv2.GaussianBlur(a, ksize, sigma, dst=o,
                                                      borderType=_BORDER), planes, None)


def _blur_depth(o: np.ndarray, sigma: float) -> None:
    """Blur ``o`` (D, H, W, C) in place along depth: a column filter of (D, H*W*C)."""
    flat = o.reshape(o.shape[0], -1)
    kernel = cv2.getGaussianKernel(_ksize(sigma), sigma)
    _into(cv2.sepFilter2D(flat, -1, np.ones((1, 1)), kernel, dst=flat, borderType=_BORDER),
          flat)


def _affine(a: np.ndarray, o: np.ndarray, plan: _VolumePlan, row: int) -> None:
    """The general (non-separable) affine: scipy's trilinear map, channel by channel."""
    src = a if a.dtype in _SCIPY_DTYPES else a.astype(np.float64)
    for c in range(a.shape[3]):
        o[..., c] = ndimage.affine_transform(
            src[..., c], plan.inverse[row], offset=plan.offset[row], order=1, mode="mirror",
            prefilter=False, output=o.dtype if o.dtype in _SCIPY_DTYPES else np.float64)


def _intensity_volume(o: np.ndarray, plan: _VolumePlan, row: int) -> None:
    """The intensity steps of ``_augment._intensity``, in place. Without gamma they are
    one linear map, ``c * v + (1 - c) * mean + b * (hi - lo)`` clipped to ``[lo, hi]``
    (every resampled voxel is within the data's range): one ``cv2.addWeighted`` (which
    rounds and saturates integers) instead of a dozen float passes over the volume."""
    lo, hi = plan.intensity_range
    p = plan.p
    span = hi - lo
    if p["gamma"][row] != 1 or not np.isfinite(span):  # the general path
        o[...] = _intensity(o[None], p, np.array([row]), plan.intensity_range)[0]
        return
    if not span > 0:  # constant data: no range to move within
        return
    flat = o.reshape(o.shape[0], -1)
    c = float(p["contrast"][row])
    beta = (1 - c) * cv2.mean(flat)[0] + float(p["brightness"][row]) * span
    _into(cv2.addWeighted(flat, c, flat, 0, beta, dst=flat), flat)
    np.clip(flat, o.dtype.type(lo), o.dtype.type(hi), out=flat)


def _augment_volume(a: np.ndarray, o_out: np.ndarray, row: int, plan: _VolumePlan) -> None:
    """Geometric step, blur and intensity of one volume ``a`` (D, H, W, C) into ``o_out``."""
    if not plan.native:  # OpenCV cannot take this dtype: work on a float64 copy
        a = a.astype(plan.work_dtype)
        o = np.empty(a.shape, plan.work_dtype)
    else:
        o = o_out
    sigma = float(plan.p["sigma"][row])
    planes = None
    if plan.identity[row]:
        if sigma:
            planes = _to_planes(a)
        else:
            o[...] = a
    elif plan.separable[row]:
        moved = _depth_step(a, plan.z_src[row])
        if plan.plane_identity[row]:
            if sigma:
                planes = _to_planes(moved)
            else:
                o[...] = moved
        else:
            size = (a.shape[2], a.shape[1])
            planes = _by_channels(
                lambda s, d: cv2.warpAffine(s, plan.plane_mats[row], size, dst=d,
                                            flags=_FLAGS, borderMode=_BORDER),
                _to_planes(moved), None)
    else:
        _affine(a, o, plan, row)
        if sigma:
            planes = _to_planes(o)
    if sigma:
        planes = _blur_planes(planes, sigma)
    if planes is not None:
        _from_planes(planes, o)
    if sigma:
        _blur_depth(o, sigma)
    if plan.intensity[row]:
        _intensity_volume(o, plan, row)
    if o is not o_out:
        o_out[...] = _cast(o, plan.dtype)
