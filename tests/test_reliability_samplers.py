"""Issue 14 (samplers): odd parameters and inputs give a clear error or a right answer,
never a silently wrong one. Tiny images (8-16 px) throughout."""

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from imblearn.under_sampling import RandomUnderSampler  # noqa: E402

from skmedimg._validation import check_images  # noqa: E402
from skmedimg.datasets import make_lesion_images  # noqa: E402
from skmedimg.samplers import (  # noqa: E402
    AugmentingOverSampler,
    ImageSamplerAdapter,
    MultilabelRandomOverSampler,
    RandomImageUnderSampler,
    _augment,
)

GEOMETRY = dict(rotation=30, zoom=0.2, shift=0.2, flip="both", blur=True, brightness=0,
                contrast=0)
NO_AUGMENTATION = dict(rotation=0, shift=0, zoom=0, brightness=0, contrast=0)


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(30, weights=(0.7, 0.3), image_size=8, random_state=0)


@pytest.fixture(scope="module")
def multilabel():
    Y = np.zeros((20, 3), dtype=int)
    Y[:10, 0] = 1
    Y[10:14, 1] = 1
    Y[:3, 1] = 1
    Y[14:16, 2] = 1
    X = np.random.default_rng(0).integers(0, 256, (20, 8, 8), dtype=np.uint8)
    return X, Y  # label counts [10, 7, 2]


def _new_vs_sources(sampler, X, X_res):
    n = len(X)
    return X_res[n:], X[sampler.sample_indices_[n:]]


# ----------------------------------------------------- 1. bounded augmentation parameters
@pytest.mark.parametrize(
    "params, match",
    [
        (dict(gamma=1e300), r"The 'gamma' parameter of AugmentingOverSampler must be a float "
                            r"in the range \[0.0, 3.0\]. Got 1e\+300 instead."),
        (dict(brightness=0.6), r"'brightness' parameter .* range \[0.0, 0.5\]"),
        (dict(contrast=1.0), r"'contrast' parameter .* range \[0.0, 1.0\)"),
        (dict(rotation=181), r"'rotation' parameter .* range \[0.0, 180.0\]"),
        (dict(shift=1.0), r"'shift' parameter .* range \[0.0, 1.0\)"),
        (dict(zoom=1.0), r"'zoom' parameter .* range \[0.0, 1.0\)"),
        (dict(blur=1.5), r"'blur' parameter"),
        (dict(rotation=True), r"'rotation' parameter .* Got True instead"),
        (dict(n_operations=True), r"'n_operations' parameter .* Got True instead"),
        (dict(rotation=float("nan")), r"'rotation' parameter .* Got nan instead"),
    ],
)
def test_augmentation_parameters_out_of_range_rejected(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        AugmentingOverSampler(**params).fit_resample(X, y)


def test_augmentation_parameters_at_their_bounds_work(data):
    X, y = data
    sampler = AugmentingOverSampler(rotation=180, shift=0.99, zoom=0.99, brightness=0.5,
                                    contrast=0.99, gamma=3, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    assert X_res.min() >= X.min() and X_res.max() <= X.max()


# ------------------------------------------------------------------- 2. blur sigma size
def test_blur_wider_than_the_image_refused_before_any_work(data):
    X, y = data
    sampler = AugmentingOverSampler(blur=True, blur_sigma=(1e5, 1e5))
    with pytest.raises(ValueError, match=r"blur_sigma=\(100000.0, 100000.0\) is too wide for "
                                         r"8x8 images: .* min\(height, width\) / 4 = 2 "):
        sampler.fit_resample(X, y)
    with pytest.raises(ValueError, match=r"blur_sigma=.* too wide for 8x8 images"):
        MultilabelRandomOverSampler(augmentation=sampler).fit_resample(
            *make_lesion_images(20, multilabel=True, image_size=8, random_state=0))


def test_blur_at_the_size_limit_works(data):
    X, y = data
    sampler = AugmentingOverSampler(**NO_AUGMENTATION, blur=1.0, blur_sigma=(2.0, 2.0),
                                    random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    new, sources = _new_vs_sources(sampler, X, X_res)
    # A blur smooths: neighbouring pixels differ less than in the source.
    assert np.abs(np.diff(new.astype(float), axis=2)).mean() < \
        0.7 * np.abs(np.diff(sources.astype(float), axis=2)).mean()


@pytest.mark.parametrize("sigma", [(1.0, np.inf), (np.nan, 1.0)])
def test_non_finite_blur_sigma_rejected(data, sigma):
    X, y = data
    with pytest.raises(ValueError, match=r"blur_sigma must satisfy 0 < low <= high"):
        AugmentingOverSampler(blur=True, blur_sigma=sigma).fit_resample(X, y)


# ------------------------------------------------------------- 3. more than 128 channels
@pytest.mark.parametrize("channels", [129, 200, 257, 1000])
def test_channel_chunks_fit_opencv_and_share_one_path(channels):
    chunks = _augment._channel_chunks(channels)
    sizes = [c.stop - c.start for c in chunks]
    assert sum(sizes) == channels and chunks[0].start == 0 and chunks[-1].stop == channels
    assert max(sizes) <= 128 and min(sizes) > 4  # >4: OpenCV's multi-channel path


def test_200_channels_equal_each_channel_augmented_alone():
    """float64: each channel of the 200-channel result is the channel augmented alone."""
    rng = np.random.default_rng(0)
    X = rng.random((20, 8, 8, 200)) * 250
    y = np.repeat([0, 1], [15, 5])
    # 200 entries on the last axis: images with channels only when told (spatial_dims=2).
    full, _ = AugmentingOverSampler(**GEOMETRY, random_state=0, spatial_dims=2
                                    ).fit_resample(X, y)
    assert full.shape == (30, 8, 8, 200)
    for c in (0, 77, 128, 199):
        alone, _ = AugmentingOverSampler(**GEOMETRY, random_state=0).fit_resample(X[..., c], y)
        np.testing.assert_array_equal(full[..., c], alone)


@pytest.mark.parametrize("shape", [(20, 8, 8, 200), (4, 100, 100, 130)],
                         ids=["stacked", "per-image"])
def test_many_uint8_channels_equal_narrower_stacks(shape):
    """uint8 goes through OpenCV's multi-channel path; chunks of 10 channels take the same
    path, so the wide result equals them channel for channel."""
    X = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    y = np.repeat([0, 1], [shape[0] - shape[0] // 4, shape[0] // 4])
    full, _ = AugmentingOverSampler(**GEOMETRY, random_state=0, spatial_dims=2
                                    ).fit_resample(X, y)
    for start in (0, 120):
        part, _ = AugmentingOverSampler(**GEOMETRY, random_state=0, spatial_dims=2
                                        ).fit_resample(X[..., start : start + 10], y)
        np.testing.assert_array_equal(full[..., start : start + 10], part)
    np.testing.assert_array_equal(full[: len(X)], X)


# ------------------------------------------------------------------ 4. huge finite pixels
def test_huge_finite_pixels_are_not_reported_as_nan():
    X = np.full((20, 8, 8), 1e306)
    X[:, :4] = -1e306
    assert check_images(X) is X
    negated = -X
    out = check_images(negated)  # the other sign of the same extreme values passes too
    assert out is negated and out.shape == (20, 8, 8) and out.dtype == np.float64
    assert out[0, 0, 0] == 1e306 and out[0, 7, 7] == -1e306
    y = np.repeat([0, 1], [15, 5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        sampler = AugmentingOverSampler(gamma=0.5, brightness=0.2, contrast=0.2, random_state=0)
        X_res, _ = sampler.fit_resample(X, y)
    assert np.isfinite(X_res).all()
    assert X_res.min() >= -1e306 and X_res.max() <= 1e306


def test_nan_count_in_the_message_is_right():
    X = np.full((20, 8, 8), 1e306)
    X[:, :4] = -1e306
    X[1, 2, 3] = X[4, 0, 0] = X[7, 7, 7] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite pixel values \(3 of 1280 pixels\)"):
        check_images(X)
    X[1, 2, 3] = np.inf
    with pytest.raises(ValueError, match=r"\(3 of 1280 pixels\)"):
        AugmentingOverSampler().fit_resample(X, np.repeat([0, 1], [15, 5]))


def test_float32_near_its_limit_stays_finite():
    X = np.full((20, 8, 8), 3e38, dtype=np.float32)
    X[:, :4] = -3e38
    y = np.repeat([0, 1], [15, 5])
    X_res, _ = AugmentingOverSampler(brightness=0.1, contrast=0.3, gamma=1,
                                     random_state=0).fit_resample(X, y)
    assert np.isfinite(X_res).all() and X_res.dtype == np.float32


# ---------------------------------------------------------------- 5. multilabel sampler
@pytest.mark.parametrize("factor, offset, values", [(2, 0, r"\[0, 2\]"), (2, -1, r"\[-1, 1\]")])
def test_ml_ros_refuses_non_indicator_values(multilabel, factor, offset, values):
    X, Y = multilabel
    with pytest.raises(ValueError, match=rf"with 0/1 entries .* got the values {values}"):
        MultilabelRandomOverSampler().fit_resample(X, Y * factor + offset)


def test_ml_ros_refuses_a_target_without_positives(multilabel):
    X, Y = multilabel
    with pytest.raises(ValueError, match="no positive label"):
        MultilabelRandomOverSampler().fit_resample(X, Y * 0)


def test_ml_ros_float_and_bool_indicators_give_the_same_clones(multilabel):
    X, Y = multilabel
    reference = MultilabelRandomOverSampler(random_state=0)
    reference.fit_resample(X, Y)
    for Y_other in (Y.astype(float), Y.astype(bool)):
        sampler = MultilabelRandomOverSampler(random_state=0)
        _, Y_res = sampler.fit_resample(X, Y_other)
        np.testing.assert_array_equal(sampler.sample_indices_, reference.sample_indices_)
        assert Y_res.dtype == Y_other.dtype


@pytest.mark.parametrize(
    "params, match",
    [(dict(zoom=3.0), r"augmentation=.*'zoom' parameter of AugmentingOverSampler"),
     (dict(rotation=1e9), r"'rotation' parameter"),
     (dict(shift=50), r"'shift' parameter")],
)
def test_ml_ros_validates_its_augmentation(multilabel, params, match):
    X, Y = multilabel
    sampler = MultilabelRandomOverSampler(augmentation=AugmentingOverSampler(**params))
    with pytest.raises(ValueError, match=match):
        sampler.fit_resample(X, Y)


def test_ml_ros_augmentation_must_be_an_augmenting_sampler(multilabel):
    X, Y = multilabel
    with pytest.raises(ValueError, match="'augmentation' parameter of MultilabelRandomOver"):
        MultilabelRandomOverSampler(augmentation="bogus").fit_resample(X, Y)


def test_ml_ros_sampling_ratio_is_deprecated_for_max_new_fraction(multilabel):
    X, Y = multilabel
    with pytest.warns(FutureWarning, match="sampling_ratio is deprecated .* max_new_fraction"):
        old = MultilabelRandomOverSampler(sampling_ratio=0.5, random_state=0)
        old.fit_resample(X, Y)
    new = MultilabelRandomOverSampler(max_new_fraction=0.5, random_state=0)
    new.fit_resample(X, Y)
    np.testing.assert_array_equal(old.sample_indices_, new.sample_indices_)
    assert MultilabelRandomOverSampler().get_params()["sampling_ratio"] == "deprecated"


def test_ml_ros_float_sampling_strategy_is_a_per_label_ratio(multilabel):
    X, Y = multilabel
    sampler = MultilabelRandomOverSampler(sampling_strategy=0.8, max_new_fraction=1.0,
                                          random_state=0)
    _, Y_res = sampler.fit_resample(X, Y)
    counts = Y_res.sum(axis=0)
    assert (counts >= 0.8 * counts.max()).all()  # imbalanced-learn's minority/majority
    assert set(sampler.sampling_strategy_) == {1, 2}  # the labels below 0.8 * 10
    assert sum(sampler.sampling_strategy_.values()) == len(Y_res) - len(Y)


def test_ml_ros_dict_sampling_strategy_counts_images_per_label(multilabel):
    X, Y = multilabel
    sampler = MultilabelRandomOverSampler(sampling_strategy={2: 6}, random_state=0)
    _, Y_res = sampler.fit_resample(X, Y)
    assert Y_res.sum(axis=0)[2] == 6 and len(Y_res) == 24
    assert sampler.sampling_strategy_ == {2: 4}


@pytest.mark.parametrize(
    "strategy, match",
    [({2: 1}, "label 2 is carried by 2 images and sampling_strategy asks for 1"),
     ({5: 10}, r"label indices \(columns of y\) in \[0, 2\]; got 5"),
     ({2: 6.0}, "as ints; got 6.0"),
     ({True: 6}, "got True")],
)
def test_ml_ros_bad_sampling_strategy_dict(multilabel, strategy, match):
    X, Y = multilabel
    with pytest.raises(ValueError, match=match):
        MultilabelRandomOverSampler(sampling_strategy=strategy).fit_resample(X, Y)


def test_ml_ros_warns_when_the_budget_ends_before_the_target(multilabel):
    X, Y = multilabel
    sampler = MultilabelRandomOverSampler(sampling_strategy={2: 16}, random_state=0)
    with pytest.warns(UserWarning, match=r"budget of 5 new images \(max_new_fraction=0.25\) "
                                         r"ran out before label\(s\) \[2\]"):
        _, Y_res = sampler.fit_resample(X, Y)
    assert Y_res.sum(axis=0)[2] == 7


@pytest.mark.parametrize("channels", [None, 3])
def test_n_features_in_is_pixels_per_image_for_every_sampler(multilabel, channels):
    X, Y = make_lesion_images(20, multilabel=True, image_size=8, n_channels=channels,
                              random_state=0)
    y = Y[:, 0]
    pixels = int(np.prod(X.shape[1:]))  # CNNClassifier's n_features_in_
    for sampler, target in [(AugmentingOverSampler(), y), (RandomImageUnderSampler(), y),
                            (ImageSamplerAdapter(RandomUnderSampler()), y),
                            (MultilabelRandomOverSampler(), Y)]:
        sampler.fit_resample(X, target)
        assert sampler.n_features_in_ == pixels, type(sampler).__name__


# ----------------------------------------------------------------- 6. balanced batches
def test_batches_refuse_continuous_y(data):
    from skmedimg.samplers import BalancedBatchDataset

    X, _ = data
    with pytest.raises(ValueError, match=r"got 'continuous' targets \(continuous values are "
                                         r"not classes"):
        BalancedBatchDataset(X, np.linspace(0, 1, len(X)))


@pytest.mark.parametrize("batch_size, match", [(True, "a bool is not a batch size"),
                                               (2.5, "positive int; got 2.5")])
def test_batches_refuse_non_int_batch_size(data, batch_size, match):
    from skmedimg.samplers import BalancedBatchDataset

    X, y = data
    with pytest.raises(ValueError, match=match):
        BalancedBatchDataset(X, y, batch_size=batch_size)


@pytest.mark.parametrize("sampler, match",
                         [("bogus", r"sampler must be None or an imbalanced-learn sampler "
                                    r"instance .* got 'bogus' of type str"),
                          (AugmentingOverSampler, r"a class: call it to make an instance")])
def test_batches_name_a_bad_sampler(data, sampler, match):
    from skmedimg.samplers import BalancedBatchDataset

    X, y = data
    with pytest.raises(TypeError, match=match):
        BalancedBatchDataset(X, y, sampler=sampler)


def test_batches_refuse_a_blur_wider_than_the_images(data):
    from skmedimg.samplers import BalancedBatchDataset

    X, y = data
    with pytest.raises(ValueError, match="too wide for 8x8 images"):
        BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(blur=True,
                                                                 blur_sigma=(1e5, 1e5)))


def test_batches_validate_augmentation_of_ml_ros():
    from skmedimg.samplers import BalancedBatchDataset

    X, Y = make_lesion_images(20, multilabel=True, image_size=8, random_state=0)
    sampler = MultilabelRandomOverSampler(augmentation=AugmentingOverSampler(zoom=3.0))
    with pytest.raises(ValueError, match="'zoom' parameter"):
        BalancedBatchDataset(X, Y, sampler=sampler)


# ---------------------------------------------------------- 7. mild default augmentation
def test_default_augmentation_is_mild_and_anatomy_safe(data):
    X, y = data
    params = AugmentingOverSampler().get_params()
    assert (params["rotation"], params["shift"], params["zoom"], params["brightness"],
            params["contrast"]) == (10.0, 0.05, 0.05, 0.05, 0.05)
    assert params["flip"] is False and params["blur"] is False and params["gamma"] == 0
    sampler = AugmentingOverSampler(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[: len(X)], X)  # originals first, bit-exact
    new, sources = _new_vs_sources(sampler, X, X_res)
    assert np.mean([not np.array_equal(a, b) for a, b in zip(new, sources)]) > 0.9
    np.testing.assert_array_equal(
        X_res, AugmentingOverSampler(random_state=0).fit_resample(X, y)[0])


def test_exact_copies_only_when_asked(data):
    X, y = data
    sampler = AugmentingOverSampler(**NO_AUGMENTATION, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    new, sources = _new_vs_sources(sampler, X, X_res)
    np.testing.assert_array_equal(new, sources)


def test_ml_ros_augments_clones_by_default(multilabel):
    X, Y = multilabel
    default = MultilabelRandomOverSampler(random_state=0)
    X_res, _ = default.fit_resample(X, Y)
    new, sources = _new_vs_sources(default, X, X_res)
    assert len(new) and not np.array_equal(new, sources)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    exact = MultilabelRandomOverSampler(augmentation=None, random_state=0)
    X_exact, _ = exact.fit_resample(X, Y)
    np.testing.assert_array_equal(exact.sample_indices_, default.sample_indices_)
    np.testing.assert_array_equal(X_exact[len(X):], sources)


# ------------------------------------------------ more of the same kind: counts, ranges
@pytest.mark.parametrize(
    "make, owner",
    [(lambda s: AugmentingOverSampler(sampling_strategy=s), "AugmentingOverSampler"),
     (lambda s: RandomImageUnderSampler(sampling_strategy=s), "RandomImageUnderSampler"),
     (lambda s: ImageSamplerAdapter(RandomUnderSampler(sampling_strategy=s)),
      "RandomUnderSampler")],
    ids=["over", "under", "adapter"],
)
@pytest.mark.parametrize("counts", [{1: 7.5}, {1: 8.0}, {1: True}, lambda y: {1: 7.5}],
                         ids=["float", "whole-float", "bool", "callable-float"])
def test_sampling_strategy_counts_must_be_ints(data, make, owner, counts):
    X, y = data
    with pytest.raises(ValueError, match=rf"{owner}: sampling_strategy must give the number "
                                         r"of images wanted per class as an int >= 0"):
        make(counts).fit_resample(X, y)


def test_sampling_strategy_negative_count_and_unknown_class_rejected(data):
    X, y = data
    with pytest.raises(ValueError, match=r"int >= 0 .* got \{1: -3\}"):
        AugmentingOverSampler(sampling_strategy={1: -3}).fit_resample(X, y)
    with pytest.raises(ValueError, match="target class is/are not present"):
        AugmentingOverSampler(sampling_strategy={5: 30}).fit_resample(X, y)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_intensity_changes_saturate_integers_instead_of_wrapping(dtype):
    top = np.iinfo(dtype).max
    X = np.zeros((20, 8, 8), dtype=dtype)
    X[:, :, 4:] = top  # half black, half white
    y = np.repeat([0, 1], [15, 5])
    sampler = AugmentingOverSampler(**{**NO_AUGMENTATION, "brightness": 0.5}, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    new = X_res[20:].astype(np.int64)
    # White stays the brighter half in every new image (a wrap-around would flip it).
    assert (new[:, :, 4:].min(axis=(1, 2)) > new[:, :, :4].max(axis=(1, 2))).all()
    assert (new[:, :, 4:] >= top // 2).all() and (new[:, :, :4] <= top // 2 + 1).all()


def test_int64_near_its_limit_does_not_wrap():
    X = np.zeros((20, 8, 8), dtype=np.int64)
    X[:, :, 4:] = np.iinfo(np.int64).max
    y = np.repeat([0, 1], [15, 5])
    X_res, _ = AugmentingOverSampler(rotation=30, random_state=0).fit_resample(X, y)
    assert X_res.min() >= 0  # float(2**63 - 1) == 2**63 would wrap to -2**63


@pytest.mark.parametrize("value, dtype", [(7.0, np.float32), (200, np.uint8)])
def test_constant_images_keep_their_value(value, dtype):
    X = np.full((20, 8, 8), value, dtype=dtype)
    y = np.repeat([0, 1], [15, 5])
    sampler = AugmentingOverSampler(brightness=0.5, contrast=0.5, gamma=1, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert (X_res == value).all()  # no range to move within: nothing invented
    assert sampler.intensity_range_ == (float(value), float(value))


@pytest.mark.parametrize("size", range(8, 17))
def test_zoom_near_one_never_reaches_a_zero_or_mirrored_scale(size):
    spec = _augment.make_spec(zoom=0.99)
    scale = _augment._draw(spec, 5000, size, size, np.random.default_rng(0))["scale"]
    assert scale.min() > 0  # at 12 px the grid once rounded 0.99 to a scale of -0.002
    assert scale.max() > 1.9


@pytest.mark.parametrize("weights, match", [(-1.0, r"negative weights \(min -1.0\)"),
                                            (np.nan, "1 NaN or infinite weights")])
def test_batches_refuse_negative_or_nan_sample_weight(data, weights, match):
    from skmedimg.samplers import BalancedBatchDataset

    X, y = data
    sw = np.ones(len(X))
    sw[3] = weights
    with pytest.raises(ValueError, match=rf"sample_weight must be a 1-D array of finite "
                                         rf"weights >= 0.*{match}"):
        BalancedBatchDataset(X, y, sample_weight=sw)


def test_ml_ros_memory_check_names_the_budget_parameter():
    _, Y = make_lesion_images(40, multilabel=True, image_size=8, random_state=0)
    X = np.zeros((40, 32, 32))  # 8 KiB per image: 4e10 of them cannot fit
    with pytest.raises(ValueError, match=r"max_new_fraction asks for 40,000,000,040 images "
                                         r".* check max_new_fraction"):
        MultilabelRandomOverSampler(max_new_fraction=1e9).fit_resample(X, Y)
