"""Synthetic MRI-like slices with or without lesions: the embedded default data set."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state

from .._validation import available_memory

# Lesion kinds for the multilabel variant: (polarity, elongation). Bright round lesions
# look like enhancing tumours, dark ones like cysts/necrosis, elongated bright ones like
# oedema tracks, so the labels are distinguishable yet co-occur freely.
_LESION_KINDS = (("bright", 1.0), ("dark", 1.0), ("bright", 3.0))
LESION_NAMES = ("bright_lesion", "dark_lesion", "elongated_lesion")


def _interpolation_matrix(n_out: int, n_in: int) -> np.ndarray:
    """Linear interpolation from ``n_in`` control points to ``n_out`` pixels."""
    pos = np.linspace(0, n_in - 1, n_out)
    lo = np.clip(np.floor(pos).astype(int), 0, n_in - 2)
    frac = pos - lo
    M = np.zeros((n_out, n_in))
    M[np.arange(n_out), lo] = 1 - frac
    M[np.arange(n_out), lo + 1] = frac
    return M


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _check_size(image_size) -> tuple[int, int]:
    if _is_int(image_size):
        image_size = (image_size, image_size)
    try:
        h, w = image_size
        if not (_is_int(h) and _is_int(w)):
            raise TypeError
    except (TypeError, ValueError):
        raise ValueError(
            f"image_size must be an int or (height, width) pair of ints; got {image_size!r}."
        ) from None
    h, w = int(h), int(w)
    if h < 8 or w < 8:
        raise ValueError(f"image_size must be at least 8x8 pixels; got {h}x{w}.")
    return h, w


def _check_fractions(weights, name: str) -> np.ndarray:
    """``weights`` as a float array of finite values in [0, 1]."""
    try:
        values = np.asarray(weights)
    except ValueError:  # ragged nested sequences
        values = np.asarray(weights, dtype=object)
    if values.dtype.kind not in "iuf":  # strings, None, bools, ragged lists
        raise TypeError(f"{name} must hold numbers; got {weights!r}.")
    values = values.astype(float)
    if not np.all(np.isfinite(values)) or np.any(values < 0) or np.any(values > 1):
        raise ValueError(f"{name} must lie in [0, 1]; got {values.tolist()}.")
    return values


# float64 working arrays of shape (n, H, W) alive at once while the images are drawn
# (head, texture, image and the temporaries of one expression), plus per channel.
_WORKING_ARRAYS = 6


def _check_memory(n_samples: int, h: int, w: int, n_channels: int | None) -> None:
    """Fail before allocating when the images cannot be drawn in the memory available."""
    arrays = _WORKING_ARRAYS + 2 * (n_channels or 0)
    need = n_samples * h * w * 8 * arrays
    avail = available_memory()
    if avail is not None and need > avail:
        raise ValueError(
            f"n_samples={n_samples:,} images of image_size {h}x{w}"
            + (f" with {n_channels} channels" if n_channels else "")
            + f" need about {need / 2**30:,.1f} GiB of working memory, more than the "
            f"{avail / 2**30:,.1f} GiB available; lower n_samples or image_size."
        )


def _gaussian_blobs(rng, n, h, w, yy, xx, scale, elongation):
    """One Gaussian blob per image, at a random spot inside the central region."""
    cy = rng.uniform(0.3, 0.7, n)[:, None, None] * h
    cx = rng.uniform(0.3, 0.7, n)[:, None, None] * w
    sigma = rng.uniform(0.05, 0.11, n)[:, None, None] * min(h, w) * scale
    angle = rng.uniform(0, np.pi, n)[:, None, None]
    dy, dx = yy - cy, xx - cx
    u = dy * np.cos(angle) + dx * np.sin(angle)
    v = -dy * np.sin(angle) + dx * np.cos(angle)
    return np.exp(-(u**2 / (2 * (sigma * elongation) ** 2) + v**2 / (2 * sigma**2)))


def make_lesion_images(
    n_samples: int = 1000,
    *,
    weights=None,
    image_size=32,
    n_channels: int | None = None,
    multilabel: bool = False,
    lesion_contrast: float = 1.0,
    random_state=None,
):
    """Make synthetic MRI-like slices, some of which carry lesions.

    Each image shows an elliptical "head" with smooth tissue texture on a dark
    background, plus scanner noise. Positive images carry a lesion: a bright or dark
    blob of random size, orientation and position. Classes are imbalanced at the
    requested prevalence, the exact count per class being ``round(n_samples * weight)``.

    Read more in the :ref:`User Guide <synthetic_data>`.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of images.
    weights : sequence of float, optional
        Binary: the class proportions ``(p_negative, p_positive)``, default
        ``(0.9, 0.1)``, each in [0, 1] and rescaled to sum to 1; a single float is the
        positive proportion.
        Multilabel: the prevalence of each lesion kind, each in [0, 1], default
        ``(0.2, 0.1, 0.05)``; its length sets the number of labels (at most 3).
    image_size : int or (int, int), default=32
        Height and width in pixels (at least 8).
    n_channels : int, optional
        ``None`` returns ``(n, H, W)``; an int returns ``(n, H, W, n_channels)`` with
        slightly different gains per channel.
    multilabel : bool, default=False
        Return a multilabel indicator matrix ``y`` of shape ``(n, n_labels)``; label
        ``k`` marks lesion kind ``LESION_NAMES[k]`` (bright, dark, elongated).
    lesion_contrast : float, default=1.0
        Lesion amplitude relative to the default (positive and finite); lower values
        make the task harder.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible images.

    Returns
    -------
    X : ndarray of uint8, shape (n, H, W) or (n, H, W, C)
        Images.
    y : ndarray of int, shape (n,) or (n, n_labels)
        Binary labels (1 = lesion) or the multilabel indicator matrix.

    Raises
    ------
    ValueError
        When a parameter is out of range, or when the images would need more
        memory than is available (checked before anything is allocated).
    TypeError
        When ``weights`` or ``lesion_contrast`` is not numeric or ``multilabel`` is
        not a bool.

    Examples
    --------
    >>> from skmedimg.datasets import make_lesion_images
    >>> X, y = make_lesion_images(100, weights=(0.8, 0.2), image_size=16, random_state=0)
    >>> X.shape, X.dtype, int(y.sum())
    ((100, 16, 16), dtype('uint8'), 20)
    """
    if not _is_int(n_samples) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
    if n_channels is not None and (not _is_int(n_channels) or n_channels < 1):
        raise ValueError(f"n_channels must be None or a positive int; got {n_channels!r}.")
    if not isinstance(multilabel, (bool, np.bool_)):
        raise TypeError(f"multilabel must be True or False; got {multilabel!r}.")
    if not isinstance(lesion_contrast, numbers.Real) or isinstance(lesion_contrast, bool):
        raise TypeError(f"lesion_contrast must be a number; got {lesion_contrast!r}.")
    if not (np.isfinite(lesion_contrast) and lesion_contrast > 0):
        raise ValueError(
            f"lesion_contrast must be a positive finite number; got {lesion_contrast!r}."
        )
    h, w = _check_size(image_size)
    n_samples = int(n_samples)
    _check_memory(n_samples, h, w, n_channels)
    rng = check_random_state(random_state)
    # Labels come from a child generator: drawing them with the caller's seed directly
    # would repeat the permutation of train_test_split(random_state=<same seed>) and put
    # every positive on the same side of the split.
    label_rng = np.random.RandomState(rng.randint(np.iinfo(np.int32).max))

    if multilabel:
        prevalence = _check_fractions(
            (0.2, 0.1, 0.05) if weights is None else weights, "weights (label prevalences)"
        )
        if prevalence.ndim != 1 or not 1 <= prevalence.size <= len(_LESION_KINDS):
            raise ValueError(
                f"weights for multilabel data must list 1 to {len(_LESION_KINDS)} "
                f"prevalences; got {weights!r}."
            )
        counts = np.round(prevalence * n_samples).astype(int)
        has_lesion = np.zeros((n_samples, prevalence.size), dtype=int)
        for k, count in enumerate(counts):
            has_lesion[label_rng.permutation(n_samples)[:count], k] = 1
    else:
        if weights is None:
            weights = (0.9, 0.1)
        elif isinstance(weights, numbers.Real) and not isinstance(weights, bool):
            p_positive = float(_check_fractions(weights, "weights"))
            weights = (1 - p_positive, p_positive)
        weights = _check_fractions(weights, "weights")
        if weights.shape != (2,):
            raise ValueError(
                f"weights for binary data must be (p_negative, p_positive) or a float; "
                f"got {weights.tolist()}."
            )
        if weights.sum() == 0:
            raise ValueError("weights must not both be 0; got [0.0, 0.0].")
        n_pos = int(round(n_samples * weights[1] / weights.sum()))
        y_bin = np.zeros(n_samples, dtype=int)
        y_bin[label_rng.permutation(n_samples)[:n_pos]] = 1
        has_lesion = y_bin[:, None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    yy, xx = yy[None], xx[None]

    # Head: a jittered ellipse with a soft edge.
    cy = h / 2 + rng.normal(0, 0.04 * h, n_samples)[:, None, None]
    cx = w / 2 + rng.normal(0, 0.04 * w, n_samples)[:, None, None]
    ay = rng.uniform(0.36, 0.46, n_samples)[:, None, None] * h
    ax = rng.uniform(0.30, 0.42, n_samples)[:, None, None] * w
    r = np.sqrt(((yy - cy) / ay) ** 2 + ((xx - cx) / ax) ** 2)
    head = np.clip((1.08 - r) / 0.16, 0, 1)

    # Tissue texture: coarse random field interpolated to full size (one matmul, no loop).
    grid = 6
    coarse = rng.normal(0, 1, (n_samples, grid, grid))
    texture = _interpolation_matrix(h, grid) @ coarse @ _interpolation_matrix(w, grid).T
    image = head * (105 + 18 * texture + rng.normal(0, 6, (n_samples, 1, 1)))
    image = image + 12

    for k in range(has_lesion.shape[1]):
        idx = np.flatnonzero(has_lesion[:, k])
        if idx.size == 0:
            continue
        if multilabel:
            polarity, elongation = _LESION_KINDS[k]
            sign = np.full(idx.size, 1.0 if polarity == "bright" else -1.0)
            elong = np.full(idx.size, elongation)
        else:
            sign = rng.choice([1.0, -1.0], size=idx.size, p=[0.7, 0.3])
            elong = rng.uniform(1.0, 1.8, idx.size)
        blob = _gaussian_blobs(
            rng, idx.size, h, w, yy, xx, scale=1.0, elongation=elong[:, None, None]
        )
        amplitude = sign * rng.uniform(55, 85, idx.size) * lesion_contrast
        image[idx] += amplitude[:, None, None] * blob * (head[idx] > 0.3)

    image += rng.normal(0, 7, image.shape)
    if n_channels is not None:
        gains = rng.uniform(0.85, 1.15, (n_samples, 1, 1, n_channels))
        image = image[..., None] * gains
    X = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    y = has_lesion if multilabel else has_lesion[:, 0]
    return X, y


# --------------------------------------------------------------------------- volumes


def _check_volume_size(volume_size) -> tuple[int, int, int]:
    if _is_int(volume_size):
        volume_size = (volume_size,) * 3
    try:
        d, h, w = volume_size
        if not all(_is_int(s) for s in (d, h, w)):
            raise TypeError
    except (TypeError, ValueError):
        raise ValueError(
            f"volume_size must be an int or a (depth, height, width) triple of ints; "
            f"got {volume_size!r}."
        ) from None
    d, h, w = int(d), int(h), int(w)
    if min(d, h, w) < 8:
        raise ValueError(f"volume_size must be at least 8x8x8 voxels; got {d}x{h}x{w}.")
    return d, h, w


# float32 working arrays of shape (n, D, H, W) alive at once (head, texture, volume and
# the temporaries of one expression).
_VOLUME_WORKING_ARRAYS = 6


def _random_rotations(rng, n: int) -> np.ndarray:
    """``n`` random 3-D rotation matrices (QR of Gaussian matrices, signs fixed)."""
    q, r = np.linalg.qr(rng.normal(size=(n, 3, 3)))
    q = q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
    q[np.linalg.det(q) < 0, :, 0] *= -1  # a reflection is not a rotation
    return q


def make_lesion_volumes(
    n_samples: int = 1000,
    *,
    volume_size=16,
    prevalence: float = 0.1,
    lesion_contrast: float = 1.0,
    random_state=None,
):
    """Make synthetic MRI-like volumes, some of which carry a 3-D lesion.

    The 3-D counterpart of :func:`make_lesion_images`. Each volume shows an
    ellipsoidal "head" with smooth tissue texture on a dark background, plus scanner
    noise. Positive volumes carry a lesion: a bright (70 %) or dark (30 %) ellipsoidal
    blob of random size, elongation, orientation and position inside the head. Exactly
    ``round(n_samples * prevalence)`` volumes are positive.

    Volumes are returned with a channel axis, ``(n, D, H, W, 1)``, so that every
    skmedimg estimator reads them as volumes without ``spatial_dims``.

    Read more in the :ref:`User Guide <volumes>`.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of volumes.
    volume_size : int or (int, int, int), default=16
        Depth, height and width in voxels (each at least 8); an int gives a cube.
    prevalence : float, default=0.1
        Fraction of volumes with a lesion, in [0, 1].
    lesion_contrast : float, default=1.0
        Lesion amplitude relative to the default (positive and finite); lower values
        make the task harder.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible volumes.

    Returns
    -------
    X : ndarray of uint8 of shape (n, D, H, W, 1)
        Volumes.
    y : ndarray of int of shape (n,)
        Binary labels (1 = lesion).

    Raises
    ------
    ValueError
        When a parameter is out of range, or when the volumes would need more memory
        than is available (checked before anything is allocated).
    TypeError
        When ``prevalence`` or ``lesion_contrast`` is not a number.

    See Also
    --------
    make_lesion_images : The same data as 2-D slices.
    load_nifti_folder : Real volumes stored as NIfTI files, one folder per class.

    Examples
    --------
    >>> from skmedimg.datasets import make_lesion_volumes
    >>> X, y = make_lesion_volumes(50, volume_size=(8, 12, 12), prevalence=0.2,
    ...                            random_state=0)
    >>> X.shape, X.dtype, int(y.sum())
    ((50, 8, 12, 12, 1), dtype('uint8'), 10)
    """
    if not _is_int(n_samples) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
    if not isinstance(prevalence, numbers.Real) or isinstance(prevalence, (bool, np.bool_)):
        raise TypeError(f"prevalence must be a number in [0, 1]; got {prevalence!r}.")
    if not 0 <= prevalence <= 1:  # also False for NaN
        raise ValueError(f"prevalence must lie in [0, 1]; got {prevalence!r}.")
    if not isinstance(lesion_contrast, numbers.Real) or isinstance(lesion_contrast, bool):
        raise TypeError(f"lesion_contrast must be a number; got {lesion_contrast!r}.")
    if not (np.isfinite(lesion_contrast) and lesion_contrast > 0):
        raise ValueError(
            f"lesion_contrast must be a positive finite number; got {lesion_contrast!r}."
        )
    d, h, w = _check_volume_size(volume_size)
    n_samples = int(n_samples)
    need = n_samples * d * h * w * 4 * _VOLUME_WORKING_ARRAYS
    avail = available_memory()
    if avail is not None and need > avail:
        raise ValueError(
            f"n_samples={n_samples:,} volumes of volume_size {d}x{h}x{w} need about "
            f"{need / 2**30:,.1f} GiB of working memory, more than the "
            f"{avail / 2**30:,.1f} GiB available; lower n_samples or volume_size."
        )
    rng = check_random_state(random_state)
    # Labels from a child generator, as in make_lesion_images: the caller's seed reused by
    # train_test_split must not put every positive on the same side of the split.
    label_rng = np.random.RandomState(rng.randint(np.iinfo(np.int32).max))
    y = np.zeros(n_samples, dtype=int)
    y[label_rng.permutation(n_samples)[: int(round(n_samples * float(prevalence)))]] = 1

    f32 = np.float32
    zz, yy, xx = (a[None] for a in np.mgrid[0:d, 0:h, 0:w].astype(f32))

    def per_volume(values):
        return values.astype(f32)[:, None, None, None]

    # Head: a jittered ellipsoid with a soft edge.
    size = np.array([d, h, w], dtype=f32)
    centre = size / 2 + rng.normal(0, 0.04, (n_samples, 3)) * size
    radii = rng.uniform((0.34, 0.36, 0.30), (0.44, 0.46, 0.42), (n_samples, 3)) * size
    r = np.sqrt(sum(((grid - per_volume(centre[:, k])) / per_volume(radii[:, k])) ** 2
                    for k, grid in enumerate((zz, yy, xx))))
    head = np.clip((1.08 - r) / 0.16, 0, 1)
    del r

    # Tissue texture: a coarse random field interpolated to full size, one axis at a time.
    grid = 5
    texture = rng.normal(0, 1, (n_samples, grid, grid, grid)).astype(f32)
    texture = np.einsum("zk,nklm->nzlm", _interpolation_matrix(d, grid).astype(f32), texture)
    texture = np.einsum("yl,nzlm->nzym", _interpolation_matrix(h, grid).astype(f32), texture)
    texture = np.einsum("xm,nzym->nzyx", _interpolation_matrix(w, grid).astype(f32), texture)
    volume = head * (105 + 18 * texture + per_volume(rng.normal(0, 6, n_samples))) + 12
    del texture

    idx = np.flatnonzero(y)
    if idx.size:
        # An ellipsoidal Gaussian blob, randomly rotated, inside the central region.
        centre = rng.uniform(0.3, 0.7, (idx.size, 3)) * size
        sigma = rng.uniform(0.09, 0.15, idx.size) * min(d, h, w)
        axes = sigma[:, None] * np.stack(
            [rng.uniform(1.0, 1.8, idx.size), np.ones(idx.size), np.ones(idx.size)], axis=1)
        rotation = _random_rotations(rng, idx.size)
        offsets = [grid - per_volume(centre[:, k]) for k, grid in enumerate((zz, yy, xx))]
        quad = 0
        for j in range(3):  # coordinate along the lesion's j-th principal axis
            u = sum(per_volume(rotation[:, k, j]) * offsets[k] for k in range(3))
            quad = quad + (u / per_volume(axes[:, j])) ** 2
        blob = np.exp(-quad / 2)
        sign = rng.choice([1.0, -1.0], size=idx.size, p=[0.7, 0.3])
        amplitude = sign * rng.uniform(55, 85, idx.size) * lesion_contrast
        volume[idx] += per_volume(amplitude) * blob * (head[idx] > 0.3)

    volume += rng.normal(0, 7, volume.shape).astype(f32)
    X = np.clip(np.rint(volume), 0, 255).astype(np.uint8)[..., None]
    return X, y
