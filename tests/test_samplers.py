"""Image samplers: imbalanced-learn semantics on image arrays, augmentation, adapter, ML-ROS."""

import contextlib
import os
import subprocess
import sys
from collections import Counter
from functools import partial

import numpy as np
import pytest
from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler
from imblearn.under_sampling import NearMiss, RandomUnderSampler, TomekLinks
from sklearn.base import clone
from sklearn.decomposition import PCA

from skmedimg.datasets import make_lesion_images
from skmedimg.samplers import (
    AugmentingOverSampler,
    ImageSamplerAdapter,
    MultilabelRandomOverSampler,
    RandomImageUnderSampler,
    _augment,
)

RND_SEED = 0
FULL_AUGMENTATION = dict(
    rotation=25, flip="both", shift=0.1, zoom=0.1, blur=True, brightness=0.1, contrast=0.2,
    gamma=0.3,
)
# Every step off: the defaults are a mild augmentation, not exact copies.
NO_AUGMENTATION = dict(rotation=0, shift=0, zoom=0, brightness=0, contrast=0)


@pytest.fixture(scope="module")
def binary_images():
    return make_lesion_images(80, weights=(0.8, 0.2), image_size=16, random_state=RND_SEED)


@pytest.fixture(scope="module")
def multiclass_images():
    X, _ = make_lesion_images(90, image_size=12, n_channels=3, random_state=RND_SEED)
    y = np.repeat([0, 1, 2], [55, 25, 10])
    return X, y


def _flat(X):
    return X.reshape(len(X), -1)


# --------------------------------------------------------------------------- strategies
def _majority_half(y):
    counts = Counter(y.tolist())
    return {k: max(counts.values()) // 2 + v for k, v in counts.items() if v < 30}


@pytest.mark.parametrize(
    "strategy",
    ["auto", "minority", "not majority", "not minority", "all", {1: 40, 2: 50},
     _majority_half],
)
def test_counts_match_random_over_sampler_multiclass(multiclass_images, strategy):
    X, y = multiclass_images
    ros = RandomOverSampler(sampling_strategy=strategy, random_state=RND_SEED)
    _, y_ros = ros.fit_resample(_flat(X), y)
    aug = AugmentingOverSampler(sampling_strategy=strategy, rotation=10, random_state=RND_SEED)
    X_res, y_res = aug.fit_resample(X, y)
    assert Counter(y_res.tolist()) == Counter(y_ros.tolist())
    assert aug.sampling_strategy_ == ros.sampling_strategy_
    # Same seed, same source images as imbalanced-learn.
    np.testing.assert_array_equal(aug.sample_indices_, ros.sample_indices_)
    assert X_res.shape == (len(y_ros),) + X.shape[1:]


@pytest.mark.parametrize("strategy", [0.5, 1.0, "auto", {1: 30}])
def test_counts_match_random_over_sampler_binary(binary_images, strategy):
    X, y = binary_images
    _, y_ros = RandomOverSampler(sampling_strategy=strategy, random_state=1).fit_resample(
        _flat(X), y
    )
    _, y_res = AugmentingOverSampler(sampling_strategy=strategy, flip=True,
                                     random_state=1).fit_resample(X, y)
    assert Counter(y_res.tolist()) == Counter(y_ros.tolist())


@pytest.mark.parametrize("strategy", ["auto", "majority", "not minority", 0.5, {0: 20}])
def test_under_sampler_matches_imblearn(binary_images, strategy):
    X, y = binary_images
    rus = RandomUnderSampler(sampling_strategy=strategy, random_state=RND_SEED)
    _, y_rus = rus.fit_resample(_flat(X), y)
    sampler = RandomImageUnderSampler(sampling_strategy=strategy, random_state=RND_SEED)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(y_res, y_rus)
    np.testing.assert_array_equal(sampler.sample_indices_, rus.sample_indices_)
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    assert X_res.dtype == X.dtype


# --------------------------------------------------------------------------- originals
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32, np.float64, np.int32])
@pytest.mark.parametrize("channels", [None, 1, 3])
def test_originals_first_bit_exact_and_dtype_kept(dtype, channels):
    X8, y = make_lesion_images(40, weights=(0.75, 0.25), image_size=10, n_channels=channels,
                               random_state=RND_SEED)
    # 16-bit and float data keep their own range: no rescaling to [0, 255] or [0, 1].
    scale = {np.uint8: 1, np.uint16: 250, np.float32: 7.5, np.float64: -3.0, np.int32: -9}
    X = (X8.astype(np.float64) * scale[dtype]).astype(dtype)
    sampler = AugmentingOverSampler(**FULL_AUGMENTATION, random_state=RND_SEED)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtype == X.dtype and X_res.shape[1:] == X.shape[1:]
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    np.testing.assert_array_equal(sampler.sample_indices_[: len(X)], np.arange(len(X)))
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])
    new = X_res[len(X):]
    assert new.min() >= X.min() and new.max() <= X.max()
    assert sampler.intensity_range_ == (float(X.min()), float(X.max()))
    # New images differ from their sources.
    sources = X[sampler.sample_indices_[len(X):]]
    assert np.mean([not np.array_equal(a, b) for a, b in zip(new, sources)]) > 0.9


def test_uint16_values_above_255_survive():
    X, y = make_lesion_images(30, weights=(0.7, 0.3), image_size=12, random_state=RND_SEED)
    X16 = X.astype(np.uint16) * 16  # 12-bit range, as MRI/CT often stores
    X_res, _ = AugmentingOverSampler(rotation=15, random_state=0).fit_resample(X16, y)
    assert X_res.dtype == np.uint16 and X_res.max() > 255 and X_res.max() <= X16.max()


def test_random_state_repeatable_and_seed_dependent(binary_images):
    X, y = binary_images
    first = AugmentingOverSampler(**FULL_AUGMENTATION, random_state=3).fit_resample(X, y)[0]
    again = AugmentingOverSampler(**FULL_AUGMENTATION, random_state=3).fit_resample(X, y)[0]
    other = AugmentingOverSampler(**FULL_AUGMENTATION, random_state=4).fit_resample(X, y)[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[len(X):], other[len(X):])


def test_input_not_copied_or_modified(binary_images):
    X, y = binary_images
    before = X.copy()
    sampler = AugmentingOverSampler(**FULL_AUGMENTATION, random_state=0)
    checked, _, _ = sampler._check_X_y(X, y)
    assert checked is X
    sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X, before)
    assert sampler.n_features_in_ == X.shape[1] * X.shape[2]  # pixels, as CNNClassifier


# --------------------------------------------------------------------------- augmentation
def test_identity_configuration_reproduces_sources(binary_images):
    X, y = binary_images
    sampler = AugmentingOverSampler(**NO_AUGMENTATION, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[len(X):], X[sampler.sample_indices_[len(X):]])


@pytest.mark.parametrize("flip, axis", [("horizontal", 2), ("vertical", 1)])
def test_flip_only_reproduces_np_flip(binary_images, flip, axis):
    X, y = binary_images
    sampler = AugmentingOverSampler(**NO_AUGMENTATION, flip=flip, n_operations=1,
                                    random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    sources = X[sampler.sample_indices_[len(X):]]
    np.testing.assert_array_equal(X_res[len(X):], np.flip(sources, axis=axis))


def test_flip_with_probability_is_source_or_mirror(binary_images):
    X, y = binary_images
    sampler = AugmentingOverSampler(**NO_AUGMENTATION, flip=True, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    sources = X[sampler.sample_indices_[len(X):]]
    mirrored = [np.array_equal(a, np.fliplr(b)) for a, b in zip(X_res[len(X):], sources)]
    same = [np.array_equal(a, b) for a, b in zip(X_res[len(X):], sources)]
    assert all(m or s for m, s in zip(mirrored, same)) and 0 < sum(mirrored) < len(same)


@pytest.mark.parametrize("fraction", [0.4, 1.0])  # 1.0: shifts beyond the border too
@pytest.mark.parametrize("shape", [(9, 11, 3), (100, 104), (101, 98, 3)],
                         ids=["grouped", "per-image", "per-image-rgb"])
def test_whole_pixel_shift_is_exact_reflection(shape, fraction):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (30,) + shape, dtype=np.uint8)
    spec = _augment.make_spec(shift=fraction)
    out = np.empty_like(X)
    _augment.augment_images(X, np.arange(30), spec, rng=np.random.default_rng(1), out=out)
    p = _augment._draw(spec, 30, shape[0], shape[1], np.random.default_rng(1))
    for i in range(30):
        rows = _augment._reflect_index(shape[0], int(p["ty"][i]))
        cols = _augment._reflect_index(shape[1], int(p["tx"][i]))
        np.testing.assert_array_equal(out[i], X[i][rows][:, cols])


@pytest.mark.parametrize("shape", [(12, 12), (12, 12, 3), (10, 14, 4)])
def test_stacked_calls_match_one_call_per_image(monkeypatch, shape):
    """Grouping images into one OpenCV call: flips, shifts and blurs are bit-identical;
    warps differ only by OpenCV's uint8 fixed-point rounding, which stacking avoids."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (30,) + shape, dtype=np.uint8)
    idx = rng.integers(0, 30, 400)

    def run(XX, **kw):
        spec = _augment.make_spec(n_operations=1, **kw)
        out = np.empty((400,) + shape, XX.dtype)
        return _augment.augment_images(XX, idx, spec, rng=np.random.default_rng(5), out=out)

    stacked = {k: run(X, **{k: v}) for k, v in
               dict(flip="both", shift=0.2, blur=True, rotation=20).items()}
    exact = run(X.astype(np.float64), rotation=20)
    monkeypatch.setattr(_augment, "_STACK_MAX_PIXELS", 0)
    for key, value in dict(flip="both", shift=0.2, blur=True).items():
        np.testing.assert_array_equal(stacked[key], run(X, **{key: value}))
    single = run(X, rotation=20).astype(float)
    assert np.abs(stacked["rotation"] - exact).max() <= 0.5  # rounding only
    assert np.abs(single - exact).max() <= 8  # 1/32-pixel coordinates in OpenCV's uint8 path


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_lone_warp_is_exact_bilinear_rotation(dtype):
    """An image that shares its warp with few others is warped alone, on OpenCV's exact
    path (1 channel): it matches a bilinear rotation computed in float64 with exact
    coordinates (scipy), up to the rounding of its dtype; OpenCV's stacked (2 or more than
    4 channels) and float64 warps put coordinates on a 1/32-pixel grid and miss by more."""
    import cv2
    from scipy import ndimage

    rng = np.random.default_rng(0)
    X = (rng.random((1, 16, 16)) * 255).astype(dtype)
    spec = _augment.make_spec(rotation=30)
    out = _augment.augment_images(X, np.zeros(1, int), spec, rng=np.random.default_rng(2),
                                  out=np.empty_like(X))
    angle = _augment._draw(spec, 1, 16, 16, np.random.default_rng(2))["angle"][0]
    assert angle != 0
    inverse = cv2.invertAffineTransform(cv2.getRotationMatrix2D((7.5, 7.5), angle, 1.0))
    matrix = inverse[::-1, 1::-1]  # (x, y) -> (row, column) order
    exact = ndimage.affine_transform(X[0].astype(np.float64), matrix, offset=inverse[::-1, 2],
                                     order=1, mode="mirror")
    tolerance = 1e-3 if dtype == np.float32 else 0.5  # uint8: rounded to the nearest level
    np.testing.assert_allclose(out[0], exact, atol=tolerance)
    grid = cv2.warpAffine(X[0].astype(np.float64), cv2.invertAffineTransform(inverse), (16, 16),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    assert np.abs(grid - exact).max() > 4 * tolerance  # the 1/32 grid is visibly coarser


def test_n_operations_limits_steps_per_image():
    spec = _augment.make_spec(rotation=20, flip=True, shift=0.2, blur=True, n_operations=1)
    p = _augment._draw(spec, 2000, 28, 28, np.random.default_rng(0))
    steps = ((p["angle"] != 0).astype(int) + (p["fx"] == -1) + (p["tx"] != 0) + (p["ty"] != 0)
             - ((p["tx"] != 0) & (p["ty"] != 0)) + (p["sigma"] > 0))
    assert steps.max() == 1 and np.mean(steps == 1) > 0.9


# --------------------------------------------------------------------------- large images
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32, np.float64, np.int32])
@pytest.mark.parametrize("channels", [None, 3])
def test_large_images_same_result_for_any_n_jobs(dtype, channels):
    """Images above the stacking size go one by one, split among n_jobs threads: the result
    must not depend on n_jobs, and OpenCV's process-wide thread setting is left alone."""
    import cv2

    X8, y = make_lesion_images(12, weights=(0.5, 0.5), image_size=100, n_channels=channels,
                               random_state=RND_SEED)
    X = (X8.astype(np.float64) * {np.int32: -9}.get(dtype, 1)).astype(dtype)
    assert X.shape[1] * X.shape[2] > _augment._STACK_MAX_PIXELS
    before = cv2.getNumThreads()
    results = []
    for n_jobs in (1, 2, 3):
        sampler = AugmentingOverSampler(sampling_strategy={0: 6, 1: 30}, **FULL_AUGMENTATION,
                                        random_state=RND_SEED, n_jobs=n_jobs)
        results.append(sampler.fit_resample(X, y)[0])
        assert cv2.getNumThreads() == before
    for other in results[1:]:
        np.testing.assert_array_equal(other, results[0])
    X_res = results[0]
    assert X_res.dtype == X.dtype and X_res.shape == (36,) + X.shape[1:]
    np.testing.assert_array_equal(X_res[:12], X)
    new = X_res[12:]
    assert new.min() >= X.min() and new.max() <= X.max()
    sources = X[sampler.sample_indices_[12:]]
    assert np.mean([not np.array_equal(a, b) for a, b in zip(new, sources)]) > 0.9


@pytest.mark.parametrize("channels", [None, 3])
def test_large_non_contiguous_images_work_like_a_contiguous_copy(channels):
    X, y = make_lesion_images(10, weights=(0.5, 0.5), image_size=200, n_channels=channels,
                              random_state=RND_SEED)
    view = X[:, ::2, 1::2]  # 100x100, strided: the per-image path
    assert not view.flags.c_contiguous
    sampler = AugmentingOverSampler(sampling_strategy={0: 5, 1: 25}, **FULL_AUGMENTATION,
                                    random_state=RND_SEED)
    from_view = sampler.fit_resample(view, y)[0]
    np.testing.assert_array_equal(from_view, sampler.fit_resample(view.copy(), y)[0])


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_three_channel_warps_through_four_channels_are_bit_identical(dtype):
    import cv2

    rng = np.random.default_rng(0)
    X = (rng.random((5, 100, 98, 3)) * 1000).astype(dtype)
    idx = rng.integers(0, 5, 20)
    spec = _augment.make_spec(rotation=30, zoom=0.2, flip="both", shift=0.1)
    out = _augment.augment_images(X, idx, spec, rng=np.random.default_rng(3),
                                  out=np.empty((20,) + X.shape[1:], dtype))
    p = _augment._draw(spec, 20, 100, 98, np.random.default_rng(3))
    mats = _augment._affine_matrices(p, 100, 98)
    warped = (p["angle"] != 0) | (p["scale"] != 1)
    assert warped.sum() >= 15
    for i in np.flatnonzero(warped):
        expected = cv2.warpAffine(X[idx[i]], mats[i], (98, 100), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REFLECT_101)
        np.testing.assert_array_equal(out[i], expected)


@pytest.mark.parametrize("channels", [1, 3, 6])
@pytest.mark.parametrize("code, axes", [(1, (2,)), (0, (1,)), (-1, (1, 2))])
def test_flip_stack_matches_np_flip(channels, code, axes):
    a = np.random.default_rng(0).integers(0, 256, (7, 5, 9, channels), dtype=np.uint8)
    np.testing.assert_array_equal(_augment._flip_stack(a, code), np.flip(a, axes))


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("size", [16, 128])  # stacked OpenCV calls, one image at a time
def test_originals_are_copied_alongside_the_augmentation(monkeypatch, n_jobs, size):
    """resample_images copies the originals as units of augment_images: on a thread of
    their own with n_jobs=2 (concurrently with the draws and the pixel work), before
    the augmentation on the calling thread with n_jobs=1; the output is the same."""
    import threading

    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (40, size, size), dtype=np.uint8)
    y = np.array([0] * 30 + [1] * 10)
    threads, real = [], _augment._copy

    def record(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(_augment, "_copy", record)
    sampler = AugmentingOverSampler(rotation=20, flip=True, random_state=0, n_jobs=n_jobs)
    X_res, y_res = sampler.fit_resample(X, y)
    assert len(threads) == 1
    assert set(threads) == ({threading.get_ident()} if n_jobs == 1 else
                            set(threads) - {threading.get_ident()})
    np.testing.assert_array_equal(X_res[:40], X)
    reference = AugmentingOverSampler(rotation=20, flip=True, random_state=0,
                                      n_jobs=1).fit_resample(X, y)[0]
    np.testing.assert_array_equal(X_res, reference)


def test_run_units_runs_each_unit_once_on_up_to_workers_threads():
    import threading
    import time

    seen = []

    def unit(i, scratch):
        time.sleep(0.002)  # long enough for the second thread to take units too
        seen.append((i, threading.get_ident(), scratch))

    states = iter(range(100))

    @contextlib.contextmanager
    def state():
        yield next(states)

    _augment._run_units([partial(unit, i) for i in range(20)], 2, state)
    assert sorted(i for i, _, _ in seen) == list(range(20))
    threads = {t for _, t, _ in seen}
    assert len(threads) == 2 and threading.get_ident() in threads
    # One state per thread, kept for all its units.
    assert len({s for _, _, s in seen}) == 2
    assert all(len({s for _, t2, s in seen if t2 == t}) == 1 for t in threads)


def test_run_units_stops_at_the_first_error():
    done = []

    def unit(i, scratch):
        if i == 3:
            raise ValueError("unit 3 failed")
        done.append(i)

    with pytest.raises(ValueError, match="unit 3 failed"):
        _augment._run_units([partial(unit, i) for i in range(1000)], 2)
    assert len(done) < 999  # the others stopped taking units


def test_error_in_a_worker_thread_reaches_the_caller(monkeypatch):
    def broken(self, a, o, row):
        raise RuntimeError(f"warp failed on row {row}")

    monkeypatch.setattr(_augment._Plan, "warp", broken)
    X = np.zeros((2, 100, 100), np.uint8)
    with pytest.raises(RuntimeError, match="warp failed on row"):
        _augment.augment_images(X, np.zeros(40, int), _augment.make_spec(rotation=20),
                                rng=np.random.default_rng(0),
                                out=np.empty((40, 100, 100), np.uint8), n_jobs=2)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_augments_on_threads_of_its_own():
    """After a fork the parent's threads do not exist in the child; augmenting there on
    threads must work instead of waiting forever on the parent's."""
    script = """
import multiprocessing as mp
import numpy as np
from skmedimg.samplers import _augment

def run():
    X = np.random.default_rng(0).integers(0, 256, (4, 128, 128, 3), dtype=np.uint8)
    out = np.empty((64,) + X.shape[1:], np.uint8)
    _augment.augment_images(X, np.arange(64) % 4, _augment.make_spec(rotation=20, blur=True),
                            rng=np.random.default_rng(0), out=out, n_jobs=2)
    return out

parent = run()
ctx = mp.get_context("fork")
queue = ctx.Queue()
child = ctx.Process(target=lambda: queue.put(int(run().astype(np.int64).sum())))
child.start()
total = queue.get(timeout=60)
child.join(60)
assert child.exitcode == 0 and total == int(parent.astype(np.int64).sum())
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


# --------------------------------------------------------------------------- targets
def test_one_hot_round_trip_like_imblearn(multiclass_images):
    X, y = multiclass_images
    Y = np.eye(3, dtype=int)[y]
    _, Y_res = AugmentingOverSampler(random_state=0).fit_resample(X, Y)
    _, Y_ros = RandomOverSampler(random_state=0).fit_resample(_flat(X), Y)
    assert Y_res.shape == Y_ros.shape == (165, 3)
    np.testing.assert_array_equal(Y_res, Y_ros)


def test_multilabel_target_gets_pointer_to_ml_ros():
    X, Y = make_lesion_images(40, multilabel=True, image_size=12, random_state=0)
    with pytest.raises(ValueError, match="MultilabelRandomOverSampler"):
        AugmentingOverSampler().fit_resample(X, Y)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "sampler",
    [AugmentingOverSampler(), MultilabelRandomOverSampler()],
    ids=["augment", "ml-ros"],
)
def test_2d_input_rejected_by_augmenting_samplers_with_image_message(binary_images, sampler):
    X, y = binary_images
    y = np.stack([y, 1 - y], axis=1) if isinstance(sampler, MultilabelRandomOverSampler) else y
    with pytest.raises(ValueError, match=r"image array of shape .*ndim=2.*rows of features"):
        sampler.fit_resample(_flat(X), y)


def test_nan_pixels_rejected(binary_images):
    X, y = binary_images
    Xf = X.astype(np.float32)
    Xf[3, 2, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite pixel values"):
        AugmentingOverSampler().fit_resample(Xf, y)


def test_unknown_strategy_key_rejected(binary_images):
    X, y = binary_images
    with pytest.raises(ValueError, match="target class is/are not present"):
        AugmentingOverSampler(sampling_strategy={7: 100}).fit_resample(X, y)
    with pytest.raises(ValueError, match="'sampling_strategy' parameter"):
        AugmentingOverSampler(sampling_strategy="most").fit_resample(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(rotation=-5), "'rotation' parameter"),
        (dict(shift=-0.1), "'shift' parameter"),
        (dict(zoom=-0.2), "'zoom' parameter"),
        (dict(brightness=-1), "'brightness' parameter"),
        (dict(gamma=-0.5), "'gamma' parameter"),
        (dict(flip="diagonal"), "'flip' parameter"),
        (dict(n_operations=0), "'n_operations' parameter"),
        (dict(blur_sigma=(2.0, 1.0)), r"blur_sigma must satisfy 0 < low <= high"),
        (dict(blur_sigma=(-1.0, 1.0)), r"blur_sigma must satisfy 0 < low <= high"),
        (dict(blur_sigma=(1.0, np.inf)), r"blur_sigma must satisfy 0 < low <= high \(finite\)"),
    ],
)
def test_bad_ranges_rejected(binary_images, params, match):
    X, y = binary_images
    with pytest.raises(ValueError, match=match):
        AugmentingOverSampler(**params).fit_resample(X, y)


def test_init_only_stores_parameters():
    sampler = AugmentingOverSampler(rotation=-5, blur_sigma="nonsense")
    assert sampler.get_params()["rotation"] == -5
    assert clone(sampler).get_params() == sampler.get_params()


# --------------------------------------------------------------------------- adapter
def test_adapter_smote_equals_imblearn_on_flattened(multiclass_images):
    X, y = multiclass_images
    X_ref, y_ref = SMOTE(random_state=RND_SEED).fit_resample(_flat(X), y)
    X_res, y_res = ImageSamplerAdapter(SMOTE(random_state=RND_SEED)).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref.reshape((-1,) + X.shape[1:]))
    np.testing.assert_array_equal(y_res, y_ref)
    assert X_res.dtype == X.dtype
    np.testing.assert_array_equal(X_res[: len(X)], X)


def test_adapter_adasyn_runs_on_float_images(binary_images):
    X, y = binary_images
    Xf = X.astype(np.float32) / 255
    X_res, y_res = ImageSamplerAdapter(ADASYN(random_state=0)).fit_resample(Xf, y)
    assert X_res.dtype == np.float32 and X_res.shape[1:] == X.shape[1:]
    assert np.bincount(y_res)[1] > np.bincount(y)[1]


@pytest.mark.parametrize("sampler", [NearMiss(), TomekLinks(), RandomUnderSampler(random_state=0)])
@pytest.mark.parametrize("transformer", [None, PCA(n_components=5, random_state=0)])
def test_adapter_selecting_samplers_return_original_images(binary_images, sampler, transformer):
    X, y = binary_images
    adapter = ImageSamplerAdapter(sampler, transformer=transformer)
    X_res, y_res = adapter.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X[adapter.sample_indices_])
    np.testing.assert_array_equal(y_res, y[adapter.sample_indices_])
    # The same selection as the sampler on the (transformed) flattened pixels.
    reference = clone(sampler)
    features = _flat(X) if transformer is None else clone(transformer).fit_transform(_flat(X))
    reference.fit_resample(features, y)
    np.testing.assert_array_equal(adapter.sample_indices_, reference.sample_indices_)


def test_adapter_smote_too_few_minority_images(binary_images):
    X, y = binary_images
    y_small = y.copy()
    y_small[np.flatnonzero(y == 1)[3:]] = 0  # 3 minority images left
    with pytest.raises(ValueError, match=r"k_neighbors=5\) needs at least 6 images.*\{1: 3\}"):
        ImageSamplerAdapter(SMOTE(k_neighbors=5)).fit_resample(X, y_small)


def test_adapter_generating_sampler_with_transformer_rejected(binary_images):
    X, y = binary_images
    with pytest.raises(ValueError, match="not images"):
        ImageSamplerAdapter(SMOTE(), transformer=PCA(n_components=4)).fit_resample(X, y)


# --------------------------------------------------------------------------- ML-ROS
@pytest.fixture(scope="module")
def multilabel_images():
    return make_lesion_images(200, multilabel=True, weights=(0.3, 0.1, 0.04), image_size=12,
                              random_state=RND_SEED)


def test_ml_ros_raises_rarest_label_frequency(multilabel_images):
    X, Y = multilabel_images
    sampler = MultilabelRandomOverSampler(max_new_fraction=0.3, random_state=0)
    X_res, Y_res = sampler.fit_resample(X, Y)
    np.testing.assert_allclose(sampler.imbalance_ratio_per_label_, [1.0, 3.0, 7.5])
    mean_ir = (1 + 3 + 7.5) / 3
    assert sampler.mean_imbalance_ratio_ == pytest.approx(mean_ir)
    # Label 2 was the only minority label (IRLbl > mean IR); cloning stops once it is not.
    counts = Y_res.sum(axis=0)
    assert counts.max() / counts[2] <= mean_ir < counts.max() / (counts[2] - 1)
    assert Y_res.mean(axis=0)[2] > 1.8 * Y.mean(axis=0)[2]
    assert Y[sampler.sample_indices_[200:], 2].all()
    np.testing.assert_array_equal(X_res[:200], X)
    np.testing.assert_array_equal(Y_res, Y[sampler.sample_indices_])


def test_ml_ros_budget_and_augmentation(multilabel_images):
    X, Y = multilabel_images
    sampler = MultilabelRandomOverSampler(
        max_new_fraction=0.02, augmentation=AugmentingOverSampler(rotation=20, flip=True),
        random_state=0,
    )
    X_res, _ = sampler.fit_resample(X, Y)
    assert len(X_res) == 204  # the budget (4 clones) ends before label 2 is balanced
    sources = X[sampler.sample_indices_[200:]]
    assert not np.array_equal(X_res[200:], sources)
    assert X_res.dtype == X.dtype


def test_ml_ros_rejects_single_label_targets(binary_images):
    X, y = binary_images
    with pytest.raises(ValueError, match="multilabel indicator matrix"):
        MultilabelRandomOverSampler().fit_resample(X, y)


def test_tags():
    from imblearn.utils._tags import get_tags

    tags = get_tags(AugmentingOverSampler())
    assert tags.sampler_tags.sample_indices and tags.input_tags.three_d_array
    assert not tags.input_tags.two_d_array and not tags.input_tags.sparse
    assert get_tags(MultilabelRandomOverSampler()).target_tags.multi_output
    under = get_tags(RandomImageUnderSampler())
    assert under.input_tags.two_d_array and under.input_tags.sparse
    assert get_tags(ImageSamplerAdapter(TomekLinks())).sampler_tags.sample_indices
    assert not get_tags(ImageSamplerAdapter(SMOTE())).sampler_tags.sample_indices


@pytest.mark.parametrize(
    "sampler",
    [AugmentingOverSampler(rotation=5), RandomImageUnderSampler(),
     ImageSamplerAdapter(NearMiss(), transformer=PCA(3)),
     MultilabelRandomOverSampler(augmentation=AugmentingOverSampler(flip=True))],
    ids=lambda s: type(s).__name__,
)
@pytest.mark.parametrize(
    "check",
    ["check_no_attributes_set_in_init", "check_parameters_default_constructible",
     "check_get_params_invariance", "check_set_params", "check_estimator_repr",
     "check_estimators_overwrite_params"],
)
def test_scikit_learn_api_checks_that_need_no_2d_data(sampler, check):
    """scikit-learn's check_estimator skips everything for estimators without 2-D input;
    these API checks do not need data (the last one is run on images below)."""
    from sklearn.utils import estimator_checks

    if check == "check_estimators_overwrite_params":
        X, Y = make_lesion_images(40, multilabel=True, image_size=10, random_state=0)
        y = Y if isinstance(sampler, MultilabelRandomOverSampler) else Y[:, 0]
        params = clone(sampler).get_params()
        fitted = clone(sampler)
        fitted.fit_resample(X, y)
        assert {k: repr(v) for k, v in fitted.get_params().items()} == {
            k: repr(v) for k, v in params.items()}
        return
    getattr(estimator_checks, check)(type(sampler).__name__, sampler)
