"""CNNClassifier on 3-D volumes (issue 12): CT and MRI classification end to end.

Volumes are (n, D, H, W) or (n, D, H, W, C); ``spatial_dims`` says how a 4-D array is
read, a small 3-D CNN learns a 3-D lesion, int16 CT volumes train with an intensity
window, and the estimator contract (clone, pickle, grid search, seeds) holds.
"""

import pickle

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV

from skmedimg import CNNClassifier
from skmedimg._architectures import IntensityRescaling
from skmedimg._validation import check_images, image_shape, resolve_spatial_dims

try:
    from skmedimg.datasets import make_lesion_volumes
except ImportError:  # pragma: no cover - written at the same time as this file
    make_lesion_volumes = None

BASE = dict(epochs=1, batch_size=8, validation_fraction=0.0, metrics=None, random_state=0)
# Two small conv blocks: the default small_cnn is trained in the lesion test.
TINY = dict(BASE, model__filters=(4, 8))
AMBIGUOUS = r"is ambiguous: .* Pass spatial_dims=2 for images or spatial_dims=3 for volumes"


def _blob_volumes(n, size=8, seed=0):
    """uint8 (n, size, size, size, 1) noise volumes; odd-indexed ones carry a bright 3-D
    Gaussian blob at a random position."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(60, 12, (n, size, size, size))
    zz, yy, xx = np.mgrid[:size, :size, :size]
    for i in np.flatnonzero(y):
        c = rng.uniform(2, size - 2, 3)
        r2 = (zz - c[0]) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2
        X[i] += 90 * np.exp(-r2 / (2 * 1.5**2))
    return np.clip(X, 0, 255).astype(np.uint8)[..., None], y


@pytest.fixture(scope="module")
def volumes():
    return _blob_volumes(24, size=8)


@pytest.fixture(scope="module")
def fitted(volumes):
    X, y = volumes
    return CNNClassifier(**TINY).fit(X, y)


# ------------------------------------------------------------ learning in 3-D
def test_small_3d_cnn_finds_3d_lesions_on_held_out_volumes():
    if make_lesion_volumes is not None:
        X, y = make_lesion_volumes(60, volume_size=10, prevalence=0.5, lesion_contrast=3.0,
                                   random_state=0)
    else:  # pragma: no cover
        X, y = _blob_volumes(60, size=10)
    assert X.shape == (60, 10, 10, 10, 1)
    clf = CNNClassifier(epochs=6, batch_size=8, validation_fraction=0.0, metrics=None,
                        random_state=0).fit(X[:40], y[:40])
    assert clf.spatial_dims_ == 3
    assert clf.image_shape_ == (10, 10, 10, 1)
    assert clf.n_features_in_ == 10**3
    assert any(isinstance(layer, keras.layers.Conv3D) for layer in clf.model_.layers)
    assert not any(isinstance(layer, keras.layers.Conv2D) for layer in clf.model_.layers)
    proba = clf.predict_proba(X[40:])
    assert proba.shape == (20, 2)
    assert roc_auc_score(y[40:], proba[:, 1]) > 0.8


def test_fitted_volume_model_and_image_model_attributes(volumes, fitted):
    X, _ = volumes
    assert fitted.spatial_dims_ == 3 and fitted.image_shape_ == (8, 8, 8, 1)
    assert fitted.model_.input_shape == (None, 8, 8, 8, 1)
    # The same volumes without their channel axis: read as volumes by the fitted kind.
    np.testing.assert_array_equal(fitted.predict_proba(X[..., 0]), fitted.predict_proba(X))


# ------------------------------------------------------------ reading 4-D arrays
def test_4d_array_without_channels_is_ambiguous_under_auto(volumes):
    X, y = volumes
    X4 = X[..., 0]  # (n, 8, 8, 8)
    with pytest.raises(ValueError, match=r"X of shape \(24, 8, 8, 8\) " + AMBIGUOUS):
        CNNClassifier(**TINY).fit(X4, y)
    with pytest.raises(ValueError, match=AMBIGUOUS + r" \(or add a channel axis"):
        check_images(X4)
    clf = CNNClassifier(**TINY, spatial_dims=3).initialize(X4, y)
    assert (clf.spatial_dims_, clf.image_shape_) == (3, (8, 8, 8, 1))
    as_images = CNNClassifier(**TINY, spatial_dims=2).initialize(X4, y)
    assert (as_images.spatial_dims_, as_images.image_shape_) == (2, (8, 8, 8))


def test_4d_array_with_few_channels_reads_as_images(volumes):
    _, y = volumes
    rgb = np.zeros((len(y), 8, 8, 3), np.uint8)
    clf = CNNClassifier(**TINY).initialize(rgb, y)
    assert (clf.spatial_dims_, clf.image_shape_) == (2, (8, 8, 3))
    assert resolve_spatial_dims(rgb) == 2
    assert resolve_spatial_dims((5, 8, 8, 8), 3) == 3
    assert resolve_spatial_dims((5, 8, 8, 8, 2)) == 3
    assert image_shape(rgb) == (8, 8, 3)
    assert image_shape(np.zeros((2, 6, 7, 8)), spatial_dims=3) == (6, 7, 8, 1)
    assert image_shape(np.zeros((2, 6, 7, 8, 2))) == (6, 7, 8, 2)


@pytest.mark.parametrize("spatial_dims", [1, 4, True, "3d", None])
def test_bad_spatial_dims_refused(volumes, spatial_dims):
    X, y = volumes
    with pytest.raises(ValueError, match="'spatial_dims' parameter of CNNClassifier must be"):
        CNNClassifier(**TINY, spatial_dims=spatial_dims).fit(X, y)
    with pytest.raises(ValueError, match=r"spatial_dims must be 'auto', 2 \(images\) or 3"):
        check_images(X, spatial_dims=spatial_dims)


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "shape,spatial_dims,match",
    [
        ((24, 512), "auto", r"must be an image array of shape .* ndim=2 and shape \(24, 512\)"),
        ((24, 8, 8, 8, 1, 1), "auto", r"ndim=6 and shape \(24, 8, 8, 8, 1, 1\)"),
        ((24, 8, 8), 3, r"must be a volume array .* \(spatial_dims=3\); got an array with "
                        r"ndim=3 .* 3-D arrays are 2-D images"),
        ((24, 8, 8, 8, 1), 2, r"must be an image array .* \(spatial_dims=2\); got an array "
                              r"with ndim=5 .* 5-D arrays are volumes"),
        ((24, 4, 8, 8, 1), "auto", r"has volumes of 4x8x8 voxels, smaller than the 8x8x8"),
        ((24, 8, 0, 8, 1), "auto", "has volumes with a zero-length axis"),
        ((0, 8, 8, 8, 1), "auto", r"is empty: got 0 volumes"),
    ],
)
def test_bad_volume_shapes_refused(shape, spatial_dims, match):
    y = np.arange(shape[0]) % 2
    with pytest.raises(ValueError, match=match):
        CNNClassifier(**TINY, spatial_dims=spatial_dims).fit(np.zeros(shape, np.uint8), y)


def test_nan_voxels_and_mismatched_lengths_refused(volumes):
    X, y = volumes
    X_nan = X.astype(np.float32)
    X_nan[3, 1, 2, 3, 0] = X_nan[5, 0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite pixel values \(2 of 12288 pixels\)"):
        CNNClassifier(**TINY).fit(X_nan, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        CNNClassifier(**TINY).fit(X, y[:-2])


def test_predict_refuses_the_other_kind(volumes, fitted):
    X, _ = volumes
    with pytest.raises(ValueError, match=r"X of shape \(24, 8, 8\) holds images, but this "
                                         r"CNNClassifier was fitted on volumes of shape "
                                         r"\(8, 8, 8, 1\) \(depth, height, width, channels\)"):
        fitted.predict(X[:, 0, :, :, 0])
    with pytest.raises(ValueError, match=r"X has volumes of shape \(8, 8, 3, 1\) .* fitted on "
                                         r"\(8, 8, 8, 1\)"):
        fitted.predict(np.zeros((2, 8, 8, 3), np.uint8))  # RGB images read as volumes
    with pytest.raises(ValueError, match=r"fitted on \(8, 8, 8, 1\)"):
        fitted.predict(np.zeros((2, 8, 8, 12, 1), np.uint8))
    image_model = CNNClassifier(**TINY).initialize(X[:, 0], np.arange(24) % 2)  # (8, 8, 1)
    with pytest.raises(ValueError, match=r"holds volumes, but this CNNClassifier was fitted "
                                         r"on images of shape \(8, 8, 1\)"):
        image_model.predict(X)


def test_backbones_refuse_volumes(volumes):
    X, y = volumes
    with pytest.raises(ValueError, match=r"architecture='resnet50' is a 2-D "
                                         r"keras.applications backbone and cannot take 3-D "
                                         r"volumes; use architecture='small_cnn'"):
        CNNClassifier("resnet50", **TINY).fit(X, y)


def test_custom_architecture_gets_volume_meta(volumes):
    X, y = volumes
    seen = {}

    def build(meta):
        seen.update(shape=meta["input_shape_"], dims=meta["spatial_dims_"])
        inputs = keras.Input(meta["input_shape_"])
        x = keras.layers.Conv3D(2, 3)(inputs)
        x = keras.layers.GlobalAveragePooling3D()(x)
        return keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"],
                                                      activation="sigmoid")(x))

    clf = CNNClassifier(build, **BASE).initialize(X, y)
    assert seen == {"shape": (8, 8, 8, 1), "dims": 3}
    assert clf.predict_proba(X[:3]).shape == (3, 2)


# ------------------------------------------------------------ CT: int16 and windows
def test_int16_hounsfield_volumes_train_with_a_window(volumes):
    X, y = volumes
    hu = (X.astype(np.int16) * 10 - 1024)[..., 0]  # (n, 8, 8, 8), Hounsfield-like
    with pytest.raises(ValueError, match=r"int16 pixel values in \[-\d+, \d+\], which are "
                                         r"neither 8-bit .* rescale=\(-1000, 400\)"):
        CNNClassifier(**TINY, spatial_dims=3).fit(hu, y)
    clf = CNNClassifier(**TINY, spatial_dims=3, rescale=(-1000, 400)).fit(hu, y)
    assert clf.X_dtype_ == np.int16  # stored dtype kept
    assert clf.model_.get_layer("rescale").window == (-1000.0, 400.0)
    proba = clf.predict_proba(hu)
    assert proba.shape == (24, 2) and np.isfinite(proba).all()
    # int32 HU values read like the int16 ones (they fit the fitted dtype).
    np.testing.assert_array_equal(clf.predict_proba(hu.astype(np.int32)), proba)
    # Outside the window: clipped, so the same prediction as at its edge.
    np.testing.assert_array_equal(clf.predict_proba(np.full((1, 8, 8, 8), 3000, np.int16)),
                                  clf.predict_proba(np.full((1, 8, 8, 8), 400, np.int16)))


@pytest.mark.parametrize("window", [(400, -1000), (5, 5), (0, np.inf), (np.nan, 1), (1, 2, 3),
                                    (True, 2), ("a", "b"), ()])
def test_bad_windows_refused(volumes, window):
    X, y = volumes
    with pytest.raises(ValueError, match=r"rescale must be one of .* or an intensity window "
                                         r"\(low, high\) of two finite numbers with low < high"):
        CNNClassifier(**TINY, rescale=window).fit(X, y)


def test_window_list_is_accepted_and_rescaling_reduces_over_every_axis():
    x = np.array([[-2000.0, -1000.0, -300.0, 400.0, 900.0]] * 2).reshape(1, 2, 5, 1, 1)
    window = IntensityRescaling("window", window=[-1000, 400])(x)
    np.testing.assert_allclose(np.asarray(window).ravel()[:5], [0, 0, 0.5, 1, 1], atol=1e-6)
    rng = np.random.default_rng(0)
    vol = rng.normal(size=(3, 4, 5, 6, 2)).astype(np.float32)
    mm = np.asarray(IntensityRescaling("minmax")(vol))
    lo = vol.min(axis=(1, 2, 3, 4), keepdims=True)
    hi = vol.max(axis=(1, 2, 3, 4), keepdims=True)
    np.testing.assert_allclose(mm, (vol - lo) / (hi - lo), atol=1e-6)
    z = np.asarray(IntensityRescaling("zscore")(vol))
    np.testing.assert_allclose(z.reshape(3, -1).mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(z.reshape(3, -1).std(axis=1), 1, atol=1e-4)
    layer = IntensityRescaling("window", window=(-1000, 400))
    assert IntensityRescaling.from_config(layer.get_config()).window == (-1000.0, 400.0)


# ------------------------------------------------------------ estimator contract
def test_clone_and_pickle_round_trip(volumes, fitted):
    X, _ = volumes
    twin = clone(CNNClassifier(**TINY, spatial_dims=3, rescale=(-1000, 400)))
    assert twin.get_params()["spatial_dims"] == 3
    assert twin.get_params()["rescale"] == (-1000, 400)
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.spatial_dims_ == 3 and restored.image_shape_ == (8, 8, 8, 1)
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))


def test_same_seed_gives_identical_probabilities(volumes, fitted):
    X, y = volumes
    again = CNNClassifier(**TINY).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))


def test_grid_search_over_a_volume_model(volumes):
    X, y = volumes
    # refit=False: the refit is an ordinary fit, tested above; each fit costs seconds.
    search = GridSearchCV(CNNClassifier(**TINY), {"model__filters": [(4,), (8,)]}, cv=2,
                          scoring="roc_auc", refit=False, error_score="raise").fit(X, y)
    assert search.cv_results_["params"] == [{"model__filters": (4,)}, {"model__filters": (8,)}]
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all() and ((scores >= 0) & (scores <= 1)).all()
