"""CNNClassifier(ema_momentum=...): the network deployed by fit is the weights' average."""

import pickle
import warnings

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from skmedimg import CNNClassifier
from skmedimg._weight_average import refresh_batch_norm_statistics
from skmedimg.datasets import LazyImageArray, make_lesion_images

# 64 images at batch_size 16: 4 steps per epoch.
FAST = {"validation_fraction": 0.0, "batch_size": 16, "metrics": None,
        "augmentation": None}


@pytest.fixture(scope="module")
def images():
    return make_lesion_images(64, weights=(0.6, 0.4), image_size=12, random_state=0)


@pytest.mark.parametrize(
    ("epochs", "expected"),
    [
        (2, None),  # 8 steps: a window under one step averages nothing
        (10, 1 - 1 / 4),  # 40 steps: about the last tenth (4 steps)
        (300, 0.99),  # 1 200 steps: capped at a window of 100 steps
    ],
)
def test_auto_momentum_follows_the_training_length(images, epochs, expected):
    X, y = images
    clf = CNNClassifier(epochs=epochs, random_state=0, **FAST)
    # Only the resolution is tested here; 300 epochs are not trained.
    assert clf._resolve_ema_momentum(len(X), epochs, stream=False) == expected


def test_fit_deploys_the_optimizers_average(images):
    X, y = images
    clf = CNNClassifier(epochs=10, random_state=0, **FAST).fit(X, y)
    assert clf.ema_momentum_ == pytest.approx(0.75)
    optimizer = clf.model_.optimizer
    assert optimizer.use_ema and optimizer.ema_momentum == pytest.approx(0.75)
    averages = [np.asarray(a) for a in optimizer._model_variables_moving_average]
    weights = [np.asarray(w) for w in clf.model_.trainable_weights]
    assert len(averages) == len(weights) > 0
    for average, weight in zip(averages, weights):
        np.testing.assert_array_equal(weight, average)
    # ...which is not the last step's weights: the same fit without averaging differs.
    last = CNNClassifier(epochs=10, ema_momentum=None, random_state=0, **FAST).fit(X, y)
    assert last.ema_momentum_ is None and not last.model_.optimizer.use_ema
    assert not np.allclose(last.predict_proba(X), clf.predict_proba(X))


def test_explicit_momentum_is_used_as_given(images):
    X, y = images
    clf = CNNClassifier(epochs=2, ema_momentum=0.5, random_state=0, **FAST).fit(X, y)
    assert clf.ema_momentum_ == 0.5
    assert clf.model_.optimizer.ema_momentum == pytest.approx(0.5)


def test_early_stopping_and_partial_fit_keep_their_own_weights(images):
    X, y = images
    stopped = CNNClassifier(epochs=3, random_state=0,
                            **{**FAST, "validation_fraction": 0.25}).fit(X, y)
    assert stopped.ema_momentum_ is None and not stopped.model_.optimizer.use_ema
    with pytest.warns(UserWarning, match=r"ema_momentum=0.9 is not used: with "
                                         r"validation_fraction=0.25 early stopping"):
        CNNClassifier(epochs=2, ema_momentum=0.9, random_state=0,
                      **{**FAST, "validation_fraction": 0.25}).fit(X, y)
    streamed = CNNClassifier(random_state=0, **FAST).partial_fit(X, y)
    assert streamed.ema_momentum_ is None and not streamed.model_.optimizer.use_ema


def test_routed_optimizer_settings_take_precedence(images):
    X, y = images
    clf = CNNClassifier(epochs=2, optimizer__use_ema=True, optimizer__ema_momentum=0.7,
                        random_state=0, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf.fit(X, y)
    assert clf.ema_momentum_ is None  # skmedimg added nothing
    assert clf.model_.optimizer.use_ema and clf.model_.optimizer.ema_momentum == 0.7


@pytest.mark.parametrize("bad", [1.0, -0.1, "yes", True])
def test_bad_momentum_is_refused_before_training(images, bad):
    X, y = images
    with pytest.raises(InvalidParameterError, match="'ema_momentum' parameter"):
        CNNClassifier(ema_momentum=bad, **FAST).fit(X, y)


def test_clone_pickle_and_grid_search(images):
    X, y = images
    clf = CNNClassifier(epochs=10, ema_momentum=0.8, random_state=0, **FAST)
    assert clone(clf).get_params()["ema_momentum"] == 0.8
    fitted = clone(clf).fit(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    search = GridSearchCV(clone(clf).set_params(epochs=2),
                          {"ema_momentum": [None, 0.5]}, cv=2, scoring="roc_auc").fit(X, y)
    assert [p["ema_momentum"] for p in search.cv_results_["params"]] == [None, 0.5]
    assert search.best_estimator_.ema_momentum_ == search.best_params_["ema_momentum"]


def _first_batch_norm(model):
    return next(layer for layer in model.layers
                if isinstance(layer, keras.layers.BatchNormalization))


def test_batch_norm_statistics_are_those_of_the_averaged_network(images):
    X, y = images
    clf = CNNClassifier(epochs=10, random_state=0, **FAST).fit(X, y)
    bn = _first_batch_norm(clf.model_)
    # What the first batch-norm layer sees from the deployed (averaged) weights; no
    # augmentation in FAST, so this is deterministic.
    before_bn = keras.Model(clf.model_.input, bn.input)
    features = np.asarray(before_bn(X, training=True), dtype=np.float64)
    mean, var = features.mean(axis=(0, 1, 2)), features.var(axis=(0, 1, 2))
    # One batch of every image: the statistics become exactly that batch's.
    assert refresh_batch_norm_statistics(clf.model_, X, batch_size=len(X), seed=0) == 1
    np.testing.assert_allclose(np.asarray(bn.moving_mean), mean, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(bn.moving_variance), var, rtol=1e-3, atol=1e-5)
    assert bn.momentum == 0.9  # the layer's own momentum is put back
    # Four batches: their plain average (equal batches), not a momentum-weighted one.
    order = np.random.default_rng(3).permutation(len(X))
    batch_means = [features[np.sort(order[k * 16:(k + 1) * 16])].mean(axis=(0, 1, 2))
                   for k in range(4)]
    assert refresh_batch_norm_statistics(clf.model_, X, batch_size=16, seed=3) == 4
    np.testing.assert_allclose(np.asarray(bn.moving_mean), np.mean(batch_means, axis=0),
                               rtol=1e-4, atol=1e-5)
    # ...and what fit deployed was refreshed the same way: predictions use these stats.
    np.testing.assert_allclose(clf.predict_proba(X), clf.predict_proba(X))


def test_frozen_batch_norm_layers_keep_their_statistics(images):
    X, y = images
    clf = CNNClassifier(epochs=2, random_state=0, **FAST).fit(X, y)
    bn = _first_batch_norm(clf.model_)
    bn.trainable = False
    frozen = [np.asarray(v).copy() for v in (bn.moving_mean, bn.moving_variance)]
    refresh_batch_norm_statistics(clf.model_, X, batch_size=16, seed=0)
    for kept, now in zip(frozen, (bn.moving_mean, bn.moving_variance)):
        np.testing.assert_array_equal(np.asarray(now), kept)


def test_lazy_images_refresh_like_arrays(images, tmp_path):
    X, y = images
    clf = CNNClassifier(epochs=2, random_state=0, **FAST).fit(X, y)
    bn = _first_batch_norm(clf.model_)
    refresh_batch_norm_statistics(clf.model_, X, batch_size=16, seed=1)
    in_memory = np.asarray(bn.moving_mean).copy()
    np.save(tmp_path / "X.npy", X)
    lazy = LazyImageArray(np.load(tmp_path / "X.npy", mmap_mode="r"))
    refresh_batch_norm_statistics(clf.model_, lazy, batch_size=16, seed=1)
    np.testing.assert_allclose(np.asarray(bn.moving_mean), in_memory, rtol=1e-6)
