"""The stacked (small-image) engine's speed paths give the same images as the plain ones.

Each speed path of ``skmedimg.samplers._augment`` is checked against the slower way of
computing the same thing: padded transposes against unpadded ones, the float32 warp of
uint8 images against OpenCV's uint8 warp, the radix grouping against a stable int64 sort,
the one-step draw against the boolean-matrix draw it replaces, the uint8 intensity tables
against the float32 intensity steps.
"""

import cv2
import numpy as np
import pytest

from skmedimg.samplers import _augment

SPEC = dict(rotation=25, flip=True, shift=0.2, blur=True, blur_sigma=(0.8, 0.8),
            n_operations=1)


def _augmented(X, spec_kwargs, m=60, seed=3):
    idx = np.random.default_rng(seed).integers(0, len(X), m)
    out = np.empty((m,) + X.shape[1:], X.dtype)
    spec = _augment.make_spec(**spec_kwargs)
    return _augment.augment_images(X, idx, spec, rng=np.random.default_rng(seed), out=out)


def test_pad_rows_spreads_images_whose_size_is_a_multiple_of_1kb():
    assert _augment._pad_rows(64, 64) == 1  # 64x64 uint8: 4 KB images, 4 160 bytes apart
    assert _augment._pad_rows(16, 64) == 1  # 16x16 float32 (64-byte rows)
    assert _augment._pad_rows(28, 28) == 0  # 784 bytes: already spread
    assert _augment._pad_rows(4, 1024) == 0  # no spare row can help: left as it is


@pytest.mark.parametrize("shape, dtype", [((16, 16), np.float32), ((16, 16, 4), np.uint8),
                                          ((32, 32), np.uint8), ((16, 16), np.int32)])
@pytest.mark.parametrize("strided", [False, True])
@pytest.mark.parametrize("spec", [SPEC, dict(rotation=15, zoom=0.1, blur=0.5, shift=0.1)])
def test_padded_transposes_give_the_unpadded_images(monkeypatch, shape, dtype, strided, spec):
    rng = np.random.default_rng(0)
    X = (rng.random((2 * 12,) + shape) * 250).astype(dtype)
    if strided:  # every other image: a view that cannot be read as pixel rows in place
        X = X[::2]
    else:
        X = X[:12]
    padded = _augmented(X, spec)
    monkeypatch.setattr(_augment, "_pad_rows", lambda height, row_bytes: 0)
    plain = _augmented(X, spec)
    np.testing.assert_array_equal(padded, plain)
    assert padded.dtype == X.dtype and padded.shape == (60,) + shape


def test_padded_scratch_holds_spare_rows():
    p = _augment._draw(_augment.for_dims(_augment.make_spec(**SPEC), 2), 10, 32, 32,
                       np.random.default_rng(0))
    plan = _augment._Plan(p, np.uint8, 32, 32, 1, None)
    scratch = _augment._Scratch(plan)
    assert scratch.pad == 1 and scratch.t.shape[1:] == (33, 32, 1)


@pytest.mark.parametrize("channels", [1, 2, 3])
def test_float32_warp_of_uint8_gives_opencvs_uint8_warp(channels):
    """The float32 route (cast, warp, round half up) against OpenCV's own uint8 warp of
    the same stacked images, for lone images (padded with copies) and for groups."""
    rng = np.random.default_rng(1)
    X = rng.integers(0, 256, (30, 16, 16, channels), dtype=np.uint8)
    spec = _augment.for_dims(_augment.make_spec(rotation=40, zoom=0.2), 2)
    m = 50
    p = _augment._draw(spec, m, 16, 16, rng)
    plan = _augment._Plan(p, np.uint8, 16, 16, channels, None)
    assert plan.warp_float32
    src_of = rng.integers(0, 30, m)
    results = []
    for float32 in (True, False):
        dst = np.zeros((m, 16, 16, channels), np.uint8)
        scratch = _augment._Scratch(plan)
        for group in _augment._grouped(plan.warp_keys, np.flatnonzero(plan.warped)):
            for unit in _augment._stacked_units(
                    lambda a, o, r=group[0]: plan.warp(a, o, r), X, src_of[group], dst,
                    group, plan, pad=True, float32=float32):
                unit(scratch)
        results.append(dst)
    assert plan.warped.sum() > 30 and results[1].any()
    np.testing.assert_array_equal(results[0], results[1])


def test_convert_scale_abs_rounds_every_warp_value_half_up():
    """Bilinear weights are multiples of 1/1024, so a warp of uint8 values in float32 is a
    multiple of 1/1024 in [0, 255]: for every such value, convertScaleAbs(v + 2**-11)
    (round to nearest) is floor(v + 0.5), the uint8 warp's rounding."""
    grid = np.arange(255 * 1024 + 1)
    v = (grid / 1024).astype(np.float32)
    assert np.array_equal(v.astype(np.float64) * 1024, grid)  # the values are exact
    expected = np.floor(v.astype(np.float64) + 0.5).astype(np.uint8)
    for n in (len(v), len(v) - 7):  # with and without a tail after the SIMD loop
        got = cv2.convertScaleAbs(v[:n].reshape(1, -1), alpha=1.0, beta=2.0**-11)
        np.testing.assert_array_equal(got.ravel(), expected[:n])


def _grouped_reference(keys, rows, max_size=None):
    order = np.argsort(keys[rows], kind="stable")
    groups = np.split(rows[order], np.flatnonzero(np.diff(keys[rows][order])) + 1)
    if max_size is None:
        return groups
    return [g[i : i + max_size] for g in groups for i in range(0, len(g), max_size)]


@pytest.mark.parametrize("span", [1, 40, 2**16 - 1, 2**16, 2**40])
@pytest.mark.parametrize("max_size", [None, 7])
def test_grouped_gives_the_stable_sort_groups(span, max_size):
    rng = np.random.default_rng(span)
    keys = rng.integers(-5, span - 5, 500).astype(np.int64) if span > 1 else np.zeros(500, int)
    keys[:2] = -5, span - 6  # the whole span (uint16 radix sort up to 2**16 - 1)
    rows = rng.permutation(500)[:300]
    got = _augment._grouped(keys, rows, max_size)
    expected = _grouped_reference(keys, rows, max_size)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


@pytest.mark.parametrize("flip", [False, True])
def test_one_step_draw_is_the_boolean_matrix_draw(flip):
    spec = _augment.make_spec(rotation=10, flip=flip, blur=True, gamma=0.2, n_operations=1)
    ops = spec.operations
    rng, ref_rng = np.random.default_rng(5), np.random.default_rng(5)
    on = _augment.active_steps(spec, 200, rng)
    active = np.zeros((200, len(ops)), dtype=bool)
    active[np.arange(200), ref_rng.integers(len(ops), size=200)] = True
    assert list(on) == list(ops)
    for i, op in enumerate(ops):
        np.testing.assert_array_equal(on[op], active[:, i])
    assert rng.random() == ref_rng.random()  # the same draws were taken


def test_warp_keys_of_warped_rows_group_as_keys_of_all_rows():
    spec = _augment.for_dims(_augment.make_spec(rotation=20, zoom=0.1, shift=0.2, flip="both"),
                             2)
    p = _augment._draw(spec, 400, 16, 16, np.random.default_rng(2))
    plan = _augment._Plan(p, np.uint8, 16, 16, 1, None)
    whole = _augment._combine(p["angle_bin"], p["zoom_bin"], p["tx"], p["ty"], p["fx"],
                              p["fy"])
    warped = np.flatnonzero(plan.warped)
    assert 100 < len(warped) < 400
    got = _augment._grouped(plan.warp_keys, warped)
    expected = _grouped_reference(whole, warped)
    assert len(got) == len(expected) > 10
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g, e)


def _intensity_params(k, rng, gamma=False):
    return {"gamma": np.exp(rng.uniform(-0.2, 0.2, k)) if gamma else np.ones(k),
            "contrast": rng.uniform(0.8, 1.2, k), "brightness": rng.uniform(-0.2, 0.2, k)}


@pytest.mark.parametrize("shape, bounds", [((40, 28, 28, 1), (0, 255)),
                                           ((12, 64, 64, 3), (3, 250)),
                                           ((30, 13, 11, 6), (10.0, 200.0))])
def test_uint8_intensity_tables_give_the_float32_steps(monkeypatch, shape, bounds):
    """One 256-value table per image (cv2.LUT, in place) against _intensity's float32
    passes over the pixels: the same images, bit for bit, for any channel count; only the
    rows asked for change."""
    lut, calls = cv2.LUT, []
    monkeypatch.setattr(_augment.cv2, "LUT", lambda *a, **k: calls.append(1) or lut(*a, **k))
    rng = np.random.default_rng(0)
    X = rng.integers(int(bounds[0]), int(bounds[1]) + 1, shape).astype(np.uint8)
    p = _intensity_params(2 * shape[0], rng)
    at = rng.choice(shape[0], shape[0] // 2, replace=False)
    rows = rng.choice(2 * shape[0], len(at), replace=False)
    expected = X.copy()
    expected[at] = _augment._intensity(X[at], p, rows, bounds)
    got = X.copy()
    _augment._intensity_into(got, at, p, rows, bounds)
    assert len(calls) == len(at)  # one table per image
    assert not np.array_equal(got, X)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("case", ["gamma", "outside the range", "float32", "small images"])
def test_intensity_falls_back_to_the_float_steps(monkeypatch, case):
    """Gamma, pixels outside the intensity range (whose t is clipped before the mean),
    other dtypes and small images take _intensity's float steps; the result is the same
    either way."""
    rng = np.random.default_rng(1)
    size = 16 if case == "small images" else 24
    assert (size * size < _augment._LUT_MIN_PIXELS) == (case == "small images")
    X = rng.integers(0, 256, (10, size, size, 1)).astype(np.float32 if case == "float32"
                                                          else np.uint8)
    bounds = (20, 230) if case == "outside the range" else (0, 255)
    p = _intensity_params(10, rng, gamma=case == "gamma")
    rows = np.arange(10)
    expected = _augment._intensity(X.copy(), p, rows, bounds)
    tables = []
    monkeypatch.setattr(_augment.cv2, "LUT", lambda *a, **k: tables.append(1))
    got = X.copy()
    _augment._intensity_into(got, rows, p, rows, bounds)
    assert tables == []  # no table was used
    np.testing.assert_array_equal(got, expected)


def test_constant_data_has_no_range_to_move_in():
    X = np.full((3, 8, 8, 1), 7, np.uint8)
    p = _intensity_params(3, np.random.default_rng(2))
    _augment._intensity_into(X, np.arange(3), p, np.arange(3), (7.0, 7.0))
    assert (X == 7).all()


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_intensity_of_an_image_does_not_depend_on_its_chunk(dtype):
    """Rows without a contrast step (contrast exactly 1, as n_operations leaves them) keep
    t as it is, whatever the other rows of their chunk do: chunks follow n_jobs for large
    images, and results must not."""
    rng = np.random.default_rng(3)
    X = (rng.random((12, 24, 24, 1)) * 255).astype(dtype)
    p = _intensity_params(12, rng)
    p["contrast"][::2] = 1.0
    rows = np.arange(12)
    together = X.copy()
    _augment._intensity_into(together, rows, p, rows, (0.0, 255.0))
    alone = X.copy()
    for r in rows:
        _augment._intensity_into(alone, rows[r : r + 1], p, rows[r : r + 1], (0.0, 255.0))
    np.testing.assert_array_equal(together, alone)
    assert not np.array_equal(together, X)


def test_intensity_tables_on_strided_images():
    """Images that are views with gaps between their pixels (OpenCV refuses them as an
    output) get the same tables through a contiguous copy."""
    rng = np.random.default_rng(4)
    whole = rng.integers(0, 256, (6, 30, 40, 1), dtype=np.uint8)
    p = _intensity_params(6, rng)
    rows = np.arange(6)
    expected = _augment._intensity(whole[:, :, ::2].copy(), p, rows, (0, 255))
    got = whole.copy()
    _augment._intensity_into(got[:, :, ::2], rows, p, rows, (0, 255))
    np.testing.assert_array_equal(got[:, :, ::2], expected)
    np.testing.assert_array_equal(got[:, :, 1::2], whole[:, :, 1::2])  # the gaps untouched
