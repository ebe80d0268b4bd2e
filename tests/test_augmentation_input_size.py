"""CNNClassifier's in-network training augmentation and input resizing."""

import pickle

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skmedimg import CNNClassifier
from skmedimg._augment_layer import RandomAffine
from skmedimg.datasets import make_lesion_images, make_lesion_volumes

FAST = {"epochs": 1, "validation_fraction": 0.0, "batch_size": 16, "metrics": None}


@pytest.fixture(scope="module")
def images():
    return make_lesion_images(48, weights=(0.6, 0.4), image_size=16, random_state=0)


def _layer_names(clf):
    return [layer.name for layer in clf.model_.layers]


def test_auto_augmentation_is_mild_geometric_and_acts_only_while_training(images):
    X, y = images
    clf = CNNClassifier(random_state=0, **FAST).fit(X, y)
    assert clf.augmentation_ == {"rotation": 10.0, "shift": 0.05, "zoom": 0.05, "flip": False}
    names = _layer_names(clf)
    assert names[:3] == ["image", "rescale", "augment"]
    augment = keras.Model(clf.model_.input, clf.model_.get_layer("augment").output)
    x = X[:8, :, :, None].astype("float32")
    rescaled = x / 255.0
    np.testing.assert_allclose(np.asarray(augment(x, training=False)), rescaled, atol=1e-6)
    first = np.asarray(augment(x, training=True))
    second = np.asarray(augment(x, training=True))
    assert first.shape == rescaled.shape
    assert not np.allclose(first, rescaled, atol=1e-3)  # training batches are changed
    assert not np.allclose(first, second, atol=1e-3)  # ...freshly at every call
    # Mild: most of each image stays where it was (edges replicated, not zero-filled).
    assert np.mean(np.abs(first - rescaled)) < 0.1
    assert first.min() >= rescaled.min() - 1e-6 and first.max() <= rescaled.max() + 1e-6


def test_augmentation_leaves_predictions_repeatable(images):
    X, y = images
    clf = CNNClassifier(random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    again = CNNClassifier(random_state=0, **FAST).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), again.predict_proba(X))
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_augmentation_none_and_dicts(images):
    X, y = images
    plain = CNNClassifier(augmentation=None, random_state=0, **FAST).fit(X, y)
    assert plain.augmentation_ == {}
    assert "augment" not in _layer_names(plain)
    flip = CNNClassifier(augmentation={"flip": "horizontal", "rotation": 5}, random_state=0,
                         **FAST).fit(X, y)
    assert flip.augmentation_ == {"rotation": 5, "shift": 0.0, "zoom": 0.0,
                                  "flip": "horizontal"}
    layer = flip.model_.get_layer("augment")
    assert (layer.rotation, layer.shift, layer.zoom, layer.flip) == (5, 0, 0, "horizontal")


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"augmentation": {"rot": 10}}, r"Unknown augmentation key\(s\) \['rot'\]"),
        ({"augmentation": {"rotation": -1}},
         r"augmentation\['rotation'\] must be a number in \[0, 180\]"),
        ({"augmentation": {"shift": 1.5}},
         r"augmentation\['shift'\] must be a number in \[0, 1\]"),
        ({"augmentation": {"zoom": float("nan")}}, r"augmentation\['zoom'\]"),
        ({"augmentation": {"rotation": True}}, r"augmentation\['rotation'\]"),
        ({"augmentation": {"flip": "diagonal"}},
         r"augmentation\['flip'\] must be a bool or one of"),
        ({"augmentation": {"flip": ["horizontal"]}},
         r"augmentation\['flip'\] must be a bool or one of"),
        ({"augmentation": {1: 2, "rot": 3}}, r"Unknown augmentation key\(s\) \[1, 'rot'\]"),
        ({"augmentation": "strong"}, "augmentation"),
        ({"input_size": 4}, r"smaller than the 8 pixels per side"),
        ({"input_size": (3,)}, r"input_size must be 'auto', None, an int or \(height, width\)"),
        ({"input_size": (0, 16)}, r"input_size sides must be positive integers"),
        ({"input_size": "large"}, r"input_size"),
    ],
)
def test_bad_augmentation_or_input_size_is_refused_before_training(images, params, match):
    X, y = images
    with pytest.raises(ValueError, match=match):
        CNNClassifier(**params, **FAST).fit(X, y)


def test_an_augmentation_with_every_change_off_is_none(images):
    X, y = images
    clf = CNNClassifier(augmentation={"rotation": 0, "flip": False}, random_state=0, **FAST)
    assert clf.fit(X, y).augmentation_ == {}
    assert "augment" not in _layer_names(clf)


@pytest.mark.parametrize(("flip", "expected"), [(True, "horizontal_and_vertical"),
                                               (np.bool_(False), False), (None, False)])
def test_flip_true_allows_both_axes_as_in_the_samplers(flip, expected):
    from skmedimg._architectures import check_augmentation

    assert check_augmentation({"flip": flip}).get("flip", False) == expected


def test_volumes_get_no_augmentation_by_default_and_refuse_2d_layers():
    X, y = make_lesion_volumes(12, volume_size=8, prevalence=0.5, random_state=0)
    clf = CNNClassifier(random_state=0, **FAST).fit(X, y)
    assert clf.augmentation_ == {}
    with pytest.raises(ValueError, match="2-D images only"):
        CNNClassifier(augmentation={"rotation": 10}, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="resizes 2-D images"):
        CNNClassifier(input_size=16, augmentation=None, **FAST).fit(X, y)


def test_auto_input_size_shrinks_large_images_for_small_cnn_only():
    X, y = make_lesion_images(24, image_size=16, random_state=0)
    large = np.repeat(np.repeat(X, 6, axis=1), 6, axis=2)  # 96 x 96
    clf = CNNClassifier(random_state=0, **FAST).fit(large, y)
    assert clf.image_shape_ == (96, 96, 1)
    assert clf.network_input_shape_ == (64, 64, 1)
    assert clf.model_.get_layer("resize").output.shape[1:] == (64, 64, 1)
    assert clf.predict_proba(large).shape == (24, 2)
    small = CNNClassifier(random_state=0, **FAST).fit(X, y)
    assert small.network_input_shape_ == (16, 16, 1)
    assert "resize" not in _layer_names(small)
    kept = CNNClassifier(input_size=None, random_state=0, **FAST).fit(large, y)
    assert kept.network_input_shape_ == (96, 96, 1)


def test_explicit_input_size_keeps_aspect_ratio_or_sets_both_sides():
    X, y = make_lesion_images(24, image_size=16, random_state=0)
    wide = np.repeat(X, 2, axis=2)  # 16 x 32
    clf = CNNClassifier(input_size=24, random_state=0, **FAST).fit(wide, y)
    assert clf.network_input_shape_ == (12, 24, 1)
    both = CNNClassifier(input_size=(20, 10), random_state=0, **FAST).fit(wide, y)
    assert both.network_input_shape_ == (20, 10, 1)
    # Upsizing is allowed: a backbone's minimum applies to what the network sees.
    up = CNNClassifier(input_size=[32, 32], augmentation=None, random_state=0, **FAST)
    assert up.fit(X, y).network_input_shape_ == (32, 32, 1)


def test_resizing_is_anti_aliased():
    # A one-pixel checkerboard: skipping pixels would give all-black or all-white images,
    # averaging gives mid grey.
    board = (np.indices((96, 96)).sum(axis=0) % 2 * 255).astype(np.uint8)
    X = np.stack([board] * 4)
    y = np.array([0, 1, 0, 1])
    clf = CNNClassifier(augmentation=None, random_state=0, **FAST).fit(X, y)
    resize = keras.Model(clf.model_.input, clf.model_.get_layer("resize").output)
    out = np.asarray(resize(X[:1, :, :, None]))
    assert out.shape == (1, 64, 64, 1)
    assert abs(out[0, 8:-8, 8:-8].mean() - 0.5) < 0.02
    assert out[0, 8:-8, 8:-8].std() < 0.2


def test_new_parameters_clone_and_grid_search(images):
    X, y = images
    clf = CNNClassifier(input_size=16, augmentation={"rotation": 5}, random_state=0, **FAST)
    copy = clone(clf)
    assert copy.get_params()["augmentation"] == {"rotation": 5}
    assert copy.get_params()["input_size"] == 16
    search = GridSearchCV(copy, {"augmentation": [None, "auto"]}, cv=2, scoring="roc_auc")
    search.fit(X, y)
    assert len(search.cv_results_["mean_test_score"]) == 2
    assert search.best_estimator_.augmentation_ in ({}, {"rotation": 10.0, "shift": 0.05,
                                                         "zoom": 0.05, "flip": False})


# ----------------------------------------------------------------- the RandomAffine layer
def _batch(n=6, size=12, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, size, size, channels)).astype("float32")


def test_random_affine_is_the_identity_outside_training_and_without_ranges():
    x = _batch()
    layer = RandomAffine(rotation=10, shift=0.1, zoom=0.1, flip="horizontal", seed=0)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    still = RandomAffine(seed=0)
    np.testing.assert_array_equal(np.asarray(still(x, training=True)), x)


def test_random_affine_reads_source_pixels_only_and_keeps_the_shape():
    x = _batch(n=16, channels=3)
    out = np.asarray(RandomAffine(rotation=10, shift=0.05, zoom=0.05, seed=1)(x, training=True))
    assert out.shape == x.shape
    for src, dst in zip(x, out):
        # Nearest-neighbour reads with edge replication: every output pixel (all channels
        # together) is a pixel of its own source image, so no value is smoothed or invented.
        assert set(map(tuple, dst.reshape(-1, 3))) <= set(map(tuple, src.reshape(-1, 3)))
    assert not np.array_equal(out, x)


def test_random_affine_flips_about_half_the_images():
    x = _batch(n=200, size=8)
    out = np.asarray(RandomAffine(flip="horizontal", seed=3)(x, training=True))
    flipped = np.array([np.array_equal(o, s[:, ::-1]) for o, s in zip(out, x)])
    kept = np.array([np.array_equal(o, s) for o, s in zip(out, x)])
    assert np.all(flipped | kept)
    assert 70 <= flipped.sum() <= 130
    vertical = np.asarray(RandomAffine(flip="vertical", seed=3)(x, training=True))
    assert all(np.array_equal(o, s) or np.array_equal(o, s[::-1]) for o, s in zip(vertical, x))


def test_random_affine_rotates_within_its_range():
    # A horizontal bar through the centre; rotated by at most 10 degrees its ends move
    # by at most tan(10 deg) * half-length rows.
    x = np.zeros((50, 41, 41, 1), "float32")
    x[:, 20, :, 0] = 1.0
    out = np.asarray(RandomAffine(rotation=10, seed=0)(x, training=True))[..., 0]
    left_rows = [np.flatnonzero(o[:, 0]) for o in out]
    offsets = np.array([abs(rows.mean() - 20) for rows in left_rows if rows.size])
    assert offsets.max() <= np.tan(np.radians(10)) * 20 + 1
    assert offsets.max() >= 1  # some images did rotate


def test_random_affine_survives_saving(tmp_path):
    layer = RandomAffine(rotation=7, shift=0.02, zoom=0.03, flip="vertical", seed=5)
    model = keras.Sequential([keras.Input((8, 8, 1)), layer])
    path = tmp_path / "m.keras"
    model.save(path)
    restored = keras.saving.load_model(path).layers[0]
    assert isinstance(restored, RandomAffine)
    assert (restored.rotation, restored.shift, restored.zoom, restored.flip, restored.seed) == (
        7, 0.02, 0.03, "vertical", 5)
    with pytest.raises(ValueError, match="flip must be False or one of"):
        RandomAffine(flip="diagonal")


# ----------------------------------------------------------------------- epochs="auto"
@pytest.mark.parametrize(
    ("n_samples", "batch_size", "validation_fraction", "expected"),
    [
        (546, 32, 0.0, 60),  # BreastMNIST: 18 steps per epoch -> clipped to 60
        (1500, 32, 0.0, 43),  # ceil(2000 / 47)
        (1500, 32, 0.1, 47),  # 1350 training images: ceil(2000 / 43)
        (3139, 32, 0.0, 21),
        (5708, 32, 0.0, 20),  # large sets: the floor
        (1500, 8, 0.0, 20),
    ],
)
def test_auto_epochs_aim_at_two_thousand_steps(n_samples, batch_size, validation_fraction,
                                               expected):
    clf = CNNClassifier(batch_size=batch_size, validation_fraction=validation_fraction)
    assert clf._auto_epochs(n_samples) == expected
    # Without augmentation the budget stops at 30 epochs.
    assert clf._auto_epochs(n_samples, augmented=False) == min(expected, 30)


def test_auto_epochs_are_resolved_in_fit_and_recorded(images):
    X, y = images
    clf = CNNClassifier(batch_size=48, metrics=None, random_state=0).fit(X[:24], y[:24])
    assert clf.epochs == "auto"
    assert clf.epochs_ == 60 and clf.n_epochs_ == 60  # 1 step per epoch
    plain = CNNClassifier(batch_size=48, augmentation=None, metrics=None, random_state=0)
    assert plain.fit(X[:24], y[:24]).epochs_ == 30
    fixed = CNNClassifier(epochs=2, metrics=None, random_state=0).fit(X, y)
    assert fixed.epochs_ == 2 and len(fixed.history_["loss"]) == 2


def test_epochs_budget_follows_the_last_fit(images):
    X, y = images
    clf = CNNClassifier(epochs=2, metrics=None, random_state=0, warm_start=True).fit(X, y)
    assert clf.epochs_ == 2
    clf.set_params(epochs=3).fit(X, y)  # warm start: 3 more epochs on the same network
    assert clf.epochs_ == 3 and clf.n_epochs_ == 3
    clf.partial_fit(X, y)
    assert clf.epochs_ == 1 and clf.n_epochs_ == 4
