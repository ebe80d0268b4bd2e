"""3-D volumes (issue 12) in the samplers: tiny volumes (8^3-12^3), a few dozen each."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from scipy import ndimage
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from skmedimg.samplers import (
    AugmentingOverSampler,
    ImageSamplerAdapter,
    MultilabelRandomOverSampler,
    RandomImageUnderSampler,
    _augment,
    _volumes,
)

PLAIN = {"rotation": 0, "shift": 0, "zoom": 0, "brightness": 0, "contrast": 0}


def _volumes_of(dtype, n=24, shape=(8, 10, 12), channels=True, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.int16:  # CT-like Hounsfield units: air, soft tissue, bone
        X = rng.integers(-1024, 1500, (n,) + shape)
    elif np.dtype(dtype).kind == "f":
        X = rng.normal(0, 1, (n,) + shape)
    else:
        X = rng.integers(0, np.iinfo(dtype).max, (n,) + shape)
    X = ndimage.uniform_filter(X.astype(float), (0, 3, 3, 3)).astype(dtype)
    y = np.array([0] * (n - n // 4) + [1] * (n // 4))
    return (X[..., None] if channels else X), y


def _blob(shape=(12, 12, 12), centre=(6, 4, 8), sigma=1.2):
    grid = np.indices(shape).astype(float)
    d2 = sum((g - c) ** 2 for g, c in zip(grid, centre))
    return np.exp(-d2 / (2 * sigma**2)).astype(np.float32)


def _com(v):
    return np.array(ndimage.center_of_mass(v))


# --------------------------------------------------------------- counts, originals, dtypes
@pytest.mark.parametrize("strategy", ["auto", 0.6, {1: 15}])
def test_counts_and_sources_match_random_over_sampler(strategy):
    X, y = _volumes_of(np.uint8)
    sampler = AugmentingOverSampler(sampling_strategy=strategy, random_state=3)
    X_res, y_res = sampler.fit_resample(X, y)
    ros = RandomOverSampler(sampling_strategy=strategy, random_state=3)
    _, y_ref = ros.fit_resample(X.reshape(len(X), -1), y)
    np.testing.assert_array_equal(y_res, y_ref)
    np.testing.assert_array_equal(sampler.sample_indices_, ros.sample_indices_)
    assert X_res.shape == (len(y_ref),) + X.shape[1:]
    assert sampler.spatial_dims_ == 3 and sampler.n_features_in_ == 8 * 10 * 12


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int16, np.float32])
@pytest.mark.parametrize("channels", [True, False])
def test_originals_first_bit_exact_shapes_dtypes_and_range_kept(dtype, channels):
    X, y = _volumes_of(dtype, channels=channels)
    sampler = AugmentingOverSampler(random_state=0, blur=True, brightness=0.5, contrast=0.5,
                                    gamma=0.5, spatial_dims=3)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.dtype == X.dtype and X_res.shape[1:] == X.shape[1:]
    np.testing.assert_array_equal(X_res[: len(X)], X)
    new = X_res[len(X):]
    assert not np.array_equal(new, X[sampler.sample_indices_[len(X):]])  # augmented
    # Every value stays in the data's range: no wrap-around of int16 HU, uint8 or uint16.
    assert new.min() >= X.min() and new.max() <= X.max()
    if dtype == np.int16:
        assert new.min() < -500  # negative Hounsfield units survive


def test_int16_extremes_do_not_wrap():
    X = np.full((6, 8, 8, 8, 1), -32768, dtype=np.int16)
    X[:, 2:6, 2:6, 2:6] = 32767
    y = np.array([0, 0, 0, 0, 1, 1])
    X_res, _ = AugmentingOverSampler(random_state=0, blur=True, zoom=0.2, rotation=30,
                                     brightness=0.5).fit_resample(X, y)
    assert X_res.min() == -32768 and X_res.max() == 32767
    # Bright voxels stay where the cube was: a wrap-around would put -32768 there.
    assert (X_res[6:, 3:5, 3:5, 3:5] > 0).all()


# ------------------------------------------------------------------ seeds and processes
def test_seed_repeatable_independent_of_n_jobs_and_process():
    X, y = _volumes_of(np.int16)
    kw = {"blur": True, "flip": (0, 1, 2), "rotation_axes": (0, 2), "random_state": 11}
    a, _ = AugmentingOverSampler(**kw).fit_resample(X, y)
    b, _ = AugmentingOverSampler(**kw, n_jobs=2).fit_resample(X, y)
    c, _ = AugmentingOverSampler(**{**kw, "random_state": 12}).fit_resample(X, y)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    code = (
        "import sys, numpy as np\n"
        "from scipy import ndimage\n"
        "from skmedimg.samplers import AugmentingOverSampler\n"
        "X = np.load(sys.argv[1])\n"
        "y = np.array([0] * 18 + [1] * 6)\n"
        f"out, _ = AugmentingOverSampler(**{kw!r}).fit_resample(X, y)\n"
        "sys.stdout.buffer.write(out.tobytes())\n"
    )
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".npy") as f:
        np.save(f.name, X)
        other = subprocess.run([sys.executable, "-c", code, f.name], capture_output=True,
                               check=True).stdout
    np.testing.assert_array_equal(np.frombuffer(other, np.int16).reshape(a.shape), a)


# ------------------------------------------------------------------------ geometry
def test_flips_off_by_default_never_mirror_an_asymmetric_volume():
    blob = _blob(centre=(3, 3, 3))  # near one corner: a mirror moves it to the far side
    X = np.stack([blob] * 4)[..., None]
    y = np.array([0, 0, 0, 1])
    X_res, _ = AugmentingOverSampler(random_state=0, sampling_strategy={1: 60}
                                     ).fit_resample(X, y)
    coms = np.array([_com(v[..., 0]) for v in X_res[4:]])
    assert (coms < 5.5).all()  # never past the middle (5.5) on any axis
    flipped, _ = AugmentingOverSampler(random_state=0, sampling_strategy={1: 60},
                                       flip=(0, 1, 2), **PLAIN).fit_resample(X, y)
    coms = np.array([_com(v[..., 0]) for v in flipped[4:]])
    assert ((coms > 5.5).sum(axis=0) > 10).all()  # each axis flipped in some of them


def test_pure_shift_moves_the_centre_of_mass_by_whole_voxels():
    # A narrow blob in the middle: its mirror images at the borders weigh nothing.
    X = np.stack([_blob(centre=(5.5, 5.5, 5.5), sigma=0.7)] * 3)
    y = np.array([0, 0, 1])
    sampler = AugmentingOverSampler(random_state=1, sampling_strategy={1: 30},
                                    spatial_dims=3, **{**PLAIN, "shift": 0.2})
    X_res, _ = sampler.fit_resample(X, y)
    moves = np.array([_com(v) for v in X_res[3:]]) - _com(X[0])
    np.testing.assert_allclose(moves, np.round(moves), atol=1e-3)  # whole voxels, exact
    assert np.abs(moves).max() <= 2 and (np.abs(moves) > 0.5).any(axis=0).all()
    # A whole-voxel shift copies voxels: the blob's peak value is unchanged.
    np.testing.assert_allclose(X_res[3:].max(axis=(1, 2, 3)), X[0].max())


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_rotation_turns_the_centre_of_mass_about_the_chosen_axis(axis):
    shape, centre = (12, 12, 12), np.array([5.5, 5.5, 5.5])
    offset = np.array([1.5, 1.5, 1.5])
    offset[axis] = 0.0  # the blob lies in the plane the rotation turns
    X = _blob(shape, centre + offset, sigma=0.8)[None]
    spec = _augment.for_dims(_augment.make_spec(rotation=40, rotation_axes=(axis,)), 3)
    out = np.empty((8,) + shape, np.float32)
    _augment.augment_images(X, np.zeros(8, int), spec, rng=np.random.default_rng(5), out=out,
                            spatial_dims=3)
    p = _volumes.draw_volumes(spec, 8, shape, np.random.default_rng(5))
    # Inside the inscribed sphere every voxel comes from inside the volume: the mirrored
    # borders that fill the corners of a turned volume (and hold copies of the blob) are
    # left out.
    inside = np.sum((np.indices(shape) - centre[:, None, None, None]) ** 2, axis=0) < 25
    for v, R in zip(out, _volumes.forward_matrices(p)):
        np.testing.assert_allclose(_com(v * inside), centre + R @ offset, atol=0.05)
        assert abs(_com(v * inside)[axis] - centre[axis]) < 0.01  # the axis does not move
    assert np.abs(p["angles"][:, axis]).max() > 20  # real turns were tested


@pytest.mark.parametrize("rotation_axes", [(0,), (0, 1, 2)])
def test_fused_affine_is_trilinear_interpolation(rotation_axes):
    """Both paths (separable OpenCV, general scipy) equal scipy's trilinear map."""
    X = ndimage.gaussian_filter(np.random.default_rng(0).random((3, 8, 10, 12)), 1.5)
    X = X.astype(np.float32)
    spec = _augment.for_dims(_augment.make_spec(
        rotation=30, zoom=0.2, shift=0.1, flip=(0, 1, 2), rotation_axes=rotation_axes), 3)
    out = np.empty((12, 8, 10, 12), np.float32)
    rows = np.arange(12) % 3
    _augment.augment_images(X, rows, spec, rng=np.random.default_rng(3), out=out,
                            spatial_dims=3)
    p = _volumes.draw_volumes(spec, 12, (8, 10, 12), np.random.default_rng(3))
    centre = (np.array([8, 10, 12]) - 1) / 2
    for r, L in enumerate(_volumes.forward_matrices(p)):
        inv = np.linalg.inv(L)
        ref = ndimage.affine_transform(X[rows[r]], inv, order=1, mode="mirror",
                                       offset=centre - inv @ (centre + p["shifts"][r]))
        # OpenCV interpolates at 1/32 voxel: far below the data's spread (~0.03).
        np.testing.assert_allclose(out[r], ref, atol=2e-3)


# ------------------------------------------------------------------- other samplers
def test_under_sampler_and_adapter_take_volumes_without_spatial_dims():
    X, y = _volumes_of(np.int16, channels=False)  # (n, 8, 10, 12): no channel axis
    X_res, y_res = RandomImageUnderSampler(random_state=0).fit_resample(X, y)
    rus = RandomUnderSampler(random_state=0)
    rus.fit_resample(X.reshape(len(X), -1), y)
    np.testing.assert_array_equal(X_res, X[rus.sample_indices_])
    X_sm, y_sm = ImageSamplerAdapter(SMOTE(k_neighbors=2, random_state=0)).fit_resample(X, y)
    assert X_sm.shape == (2 * (y == 0).sum(),) + X.shape[1:] and X_sm.dtype == np.int16
    np.testing.assert_array_equal(X_sm[: len(X)], X)


def test_multilabel_sampler_augments_volumes_and_checks_spatial_dims():
    X, _ = _volumes_of(np.uint8, n=30, channels=False)
    Y = np.zeros((30, 3), int)
    Y[:, 0] = 1
    Y[:8, 1] = 1
    Y[:3, 2] = 1
    sampler = MultilabelRandomOverSampler(random_state=0, spatial_dims=3)
    X_res, Y_res = sampler.fit_resample(X, Y)
    assert X_res.shape[1:] == X.shape[1:] and len(X_res) > 30 and sampler.spatial_dims_ == 3
    np.testing.assert_array_equal(X_res[:30], X)
    assert not np.array_equal(X_res[30:], X[sampler.sample_indices_[30:]])
    # spatial_dims may come from the augmentation; a contradiction is refused.
    aug = AugmentingOverSampler(spatial_dims=3)
    MultilabelRandomOverSampler(augmentation=aug, random_state=0).fit_resample(X, Y)
    with pytest.raises(ValueError, match="spatial_dims=2.*disagree"):
        MultilabelRandomOverSampler(augmentation=aug, spatial_dims=2).fit_resample(X, Y)


def test_balanced_batches_of_volumes():
    from skmedimg.samplers import BalancedBatchDataset

    X, y = _volumes_of(np.int16)
    data = BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(blur=True),
                                batch_size=8, random_state=0)
    batches = [data[i][0] for i in range(len(data))]
    assert all(b.shape[1:] == X.shape[1:] and b.dtype == np.int16 for b in batches)
    assert sum(len(b) for b in batches) == 2 * (y == 0).sum()
    np.testing.assert_array_equal(data[0][0], batches[0])  # a batch is rebuilt the same
    with pytest.raises(ValueError, match="ambiguous.*spatial_dims=3"):
        BalancedBatchDataset(X[..., 0], y, sampler=AugmentingOverSampler())
    BalancedBatchDataset(X[..., 0], y, sampler=RandomUnderSampler())  # only indexes


# ------------------------------------------------------------ pipeline, clone, pickle
class _ShapeRecorder(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.fit_shape_ = X.shape
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        self.predict_shape_ = X.shape
        return np.zeros(len(X), int)


def test_pipeline_resamples_in_fit_only():
    X, y = _volumes_of(np.uint8)
    pipe = Pipeline([("sampler", AugmentingOverSampler(random_state=0)),
                     ("clf", _ShapeRecorder())]).fit(X, y)
    assert pipe[-1].fit_shape_ == (2 * (y == 0).sum(),) + X.shape[1:]
    assert len(pipe.predict(X)) == len(X) and pipe[-1].predict_shape_ == X.shape


def test_clone_and_pickle():
    X, y = _volumes_of(np.float32)
    sampler = AugmentingOverSampler(spatial_dims=3, rotation_axes=(0, 1), flip=(0,),
                                    random_state=4)
    copy = clone(sampler)
    assert copy.get_params() == sampler.get_params()
    out, _ = sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    assert restored.spatial_dims_ == 3
    np.testing.assert_array_equal(restored.fit_resample(X, y)[0], out)
    np.testing.assert_array_equal(copy.fit_resample(X, y)[0], out)


# ------------------------------------------------------------------------ bad input
def test_bad_input_gets_clear_errors():
    X, y = _volumes_of(np.float32)
    sampler = AugmentingOverSampler(random_state=0)
    with pytest.raises(ValueError, match="ndim=2"):
        sampler.fit_resample(X.reshape(len(X), -1), y)
    with pytest.raises(ValueError, match=r"ndim=6"):
        sampler.fit_resample(X[..., None], y)
    with pytest.raises(ValueError, match=r"ndim=6"):
        RandomImageUnderSampler().fit_resample(X[..., None], y)
    X_nan = X.copy()
    X_nan[3, 1, 2, 3] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite pixel values"):
        sampler.fit_resample(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sampler.fit_resample(X, y[:-1])
    with pytest.raises(ValueError, match=r"ambiguous.*spatial_dims=2.*spatial_dims=3"):
        sampler.fit_resample(X[..., 0], y)
    with pytest.raises(ValueError, match="volume array .*spatial_dims=3.* 3-D arrays"):
        AugmentingOverSampler(spatial_dims=3).fit_resample(X[:, 0, :, :, 0], y)
    with pytest.raises(ValueError, match="'spatial_dims' parameter"):
        AugmentingOverSampler(spatial_dims=4).fit_resample(X, y)
    with pytest.raises(ValueError, match="flip must be a non-empty tuple of distinct axes"):
        AugmentingOverSampler(flip=(3,)).fit_resample(X, y)
    with pytest.raises(ValueError, match="rotation_axes must be a non-empty tuple"):
        AugmentingOverSampler(rotation_axes=()).fit_resample(X, y)
    with pytest.raises(ValueError, match="names axis 2, which images do not have"):
        AugmentingOverSampler(flip=(2,)).fit_resample(X[:, 0], y)
    with pytest.raises(ValueError, match=r"too wide for 8x10x12 volumes.*min\(depth, height"):
        AugmentingOverSampler(blur=True, blur_sigma=(1, 3)).fit_resample(X, y)
