"""The stacked (small-image) path's fast moves are exact: issue 15.

Whole-pixel moves (copies, flips, shifts) gather pixel rows in each image's own order and
move the columns of many images in one OpenCV call, in chunks written through reused
buffers. These tests pin that the result is the plain reflection / mirror of the source,
whatever the chunking, the channel count or the memory layout of ``X``.
"""

import numpy as np
import pytest

from skmedimg.samplers import _augment


def _expected(X, idx, p):
    """Per image: flip (fy, fx), then the whole-pixel shift, as BORDER_REFLECT_101."""
    out = []
    for i, j in enumerate(idx):
        image = X[j]
        if p["fy"][i] == -1:
            image = image[::-1]
        if p["fx"][i] == -1:
            image = image[:, ::-1]
        rows = _augment._reflect_index(X.shape[1], int(p["ty"][i]))
        cols = _augment._reflect_index(X.shape[2], int(p["tx"][i]))
        out.append(image[rows][:, cols])
    return np.stack(out)


@pytest.mark.parametrize("channels", [None, 3, 6])
@pytest.mark.parametrize("shift", [0.3, 0.9])  # 0.9: shifts that reflect more than once
@pytest.mark.parametrize("flip", ["both", "vertical"])
def test_moves_are_exact_reflections_and_mirrors(channels, shift, flip):
    rng = np.random.default_rng(0)
    shape = (9, 11) if channels is None else (9, 11, channels)
    X = rng.integers(0, 256, (20,) + shape, dtype=np.uint8)
    idx = rng.integers(0, 20, 60)
    spec = _augment.make_spec(shift=shift, flip=flip, n_operations=1)
    out = _augment.augment_images(X, idx, spec, rng=np.random.default_rng(3),
                                  out=np.empty((60,) + shape, np.uint8))
    p = _augment._draw(spec, 60, 9, 11, np.random.default_rng(3))
    moved = (p["tx"] != 0) | (p["ty"] != 0) | (p["fx"] == -1) | (p["fy"] == -1)
    assert moved.sum() >= 40 and (p["fy"] == -1).any() and (p["ty"] != 0).any()
    np.testing.assert_array_equal(out, _expected(X, idx, p))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int32])
def test_strided_source_gives_the_same_images_as_its_copy(dtype):
    """A strided X (not C-contiguous) cannot be read as rows of pixels in place: its
    images are gathered first, with the same result."""
    rng = np.random.default_rng(1)
    big = (rng.random((12, 20, 24, 3)) * 200).astype(dtype)
    view = big[:, ::2, 1::2]  # (12, 10, 12, 3), strided
    assert not view.flags.c_contiguous
    idx = rng.integers(0, 12, 50)
    spec = _augment.make_spec(shift=0.4, flip="both", rotation=15, blur=0.5,
                              blur_sigma=(0.5, 1.0), n_operations=1)

    def run(X):
        return _augment.augment_images(X, idx, spec, rng=np.random.default_rng(4),
                                       out=np.empty((50,) + view.shape[1:], dtype))

    np.testing.assert_array_equal(run(view), run(np.ascontiguousarray(view)))


@pytest.mark.parametrize("channels", [None, 3])
def test_chunking_does_not_change_moves_or_blurs(monkeypatch, channels):
    """Buffers of one image (every chunk a single image, warps padded to 2 channels)
    give the images the default chunks give."""
    rng = np.random.default_rng(2)
    shape = (12, 10) if channels is None else (12, 10, channels)
    X = rng.integers(0, 256, (15,) + shape, dtype=np.uint8)
    idx = rng.integers(0, 15, 80)
    spec = _augment.make_spec(shift=0.3, flip="both", blur=0.6, blur_sigma=(0.5, 1.2),
                              brightness=0.1)

    def run():
        return _augment.augment_images(X, idx, spec, rng=np.random.default_rng(5),
                                       out=np.empty((80,) + shape, np.uint8))

    default = run()
    monkeypatch.setattr(_augment, "_STACK_BYTES", 1)
    np.testing.assert_array_equal(run(), default)


def test_reflect_index_of_many_shifts_is_one_row_per_shift():
    shifts = np.arange(-25, 26)
    table = _augment._reflect_index(7, shifts)
    assert table.shape == (51, 7) and table.dtype == np.intp
    for t, row in zip(shifts, table):
        np.testing.assert_array_equal(row, _augment._reflect_index(7, int(t)))
    assert _augment._reflect_index(7, 0).tolist() == list(range(7))
    assert _augment._reflect_index(7, 2).tolist() == [2, 1, 0, 1, 2, 3, 4]
    assert _augment._reflect_index(1, shifts).shape == (51, 1)


@pytest.mark.parametrize("channels", [None, 3])
@pytest.mark.parametrize("values", ["any", "extremes"])
def test_uint8_warps_through_float32_match_opencvs_uint8_warp(channels, values):
    """Small uint8 images sharing a warp with many others are warped stacked in float32
    (+0.5, then truncated): bit-identical to OpenCV's own uint8 warp of the same stacked
    (2+ channel) kind, also on values whose interpolation lands exactly halfway between two
    integers. Those sharing it with few others are OpenCV's own warp of the lone image."""
    import cv2

    rng = np.random.default_rng(4)
    shape = (20, 18) if channels is None else (20, 18, channels)
    if values == "any":
        X = rng.integers(0, 256, (10,) + shape, dtype=np.uint8)
    else:  # halfway results are frequent between 0/255 and neighbours 1 apart
        X = rng.choice(np.array([0, 1, 127, 128, 254, 255], np.uint8), (10,) + shape)
    idx = rng.integers(0, 10, 120)
    # A few grid steps of each: groups of both sizes.
    spec = _augment.make_spec(rotation=6, zoom=0.04, flip="horizontal")
    out = _augment.augment_images(X, idx, spec, rng=np.random.default_rng(6),
                                  out=np.empty((120,) + shape, np.uint8))
    p = _augment._draw(spec, 120, 20, 18, np.random.default_rng(6))
    plan = _augment._Plan(p, np.uint8, 20, 18, 1, None)
    assert plan.warp_float32
    mats = _augment._affine_matrices(p, 20, 18)
    _, inverse, counts = np.unique(plan.warp_keys, return_inverse=True, return_counts=True)
    stacked = plan.warped & (counts[inverse] >= _augment._MIN_STACKED_WARP)
    lone = plan.warped & ~stacked
    assert stacked.sum() > 30 and lone.sum() > 10
    for i in np.flatnonzero(plan.warped):
        image = X[idx[i]].reshape(20, 18, -1)
        if stacked[i]:  # OpenCV's stacked uint8 path: a pair of the image
            pair = np.concatenate([image, image], axis=2)
            expected = cv2.warpAffine(pair, mats[i], (18, 20), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REFLECT_101)[:, :, : image.shape[2]]
        else:
            expected = cv2.warpAffine(X[idx[i]], mats[i], (18, 20), flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REFLECT_101).reshape(image.shape)
        np.testing.assert_array_equal(out[i].reshape(image.shape), expected)
