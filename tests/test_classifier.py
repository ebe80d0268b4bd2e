"""CNNClassifier: scikit-learn compatibility, targets, class weights and input checks."""

import importlib.util
import json
import os
import pickle
import subprocess
import sys
import textwrap
import time

import joblib
import keras
import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.metrics import fbeta_score, make_scorer, recall_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    check_cv,
    cross_validate,
)

from skmedimg import CNNClassifier
from skmedimg.datasets import make_lesion_images

FAST = dict(epochs=2, batch_size=32, validation_fraction=0.0, random_state=0)


@pytest.fixture(scope="module")
def fitted(lesion_data):
    X, y = lesion_data
    return CNNClassifier(**FAST).fit(X, y)


# --------------------------------------------------------------------- tags
def test_is_classifier_and_tags():
    clf = CNNClassifier()
    assert is_classifier(clf)
    tags = clf.__sklearn_tags__()
    assert tags.estimator_type == "classifier"
    assert tags.classifier_tags.multi_label is True
    assert tags.target_tags.required is True
    assert tags.non_deterministic is True
    assert tags.input_tags.three_d_array is True
    assert tags.input_tags.two_d_array is False


def test_grid_search_cv_int_is_stratified(lesion_data):
    # With scikeras alone is_classifier is False and cv=3 silently becomes KFold.
    _, y = lesion_data
    assert isinstance(check_cv(3, y, classifier=is_classifier(CNNClassifier())), StratifiedKFold)


# ------------------------------------------------- ecosystem round-trips
def test_clone_pickle_joblib_identical_predictions(fitted, lesion_data, tmp_path):
    X, _ = lesion_data
    ref = fitted.predict_proba(X)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), ref)
    joblib.dump(fitted, tmp_path / "clf.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "clf.joblib").predict_proba(X), ref)
    unfitted = clone(fitted)
    assert unfitted.get_params()["epochs"] == FAST["epochs"]
    assert not hasattr(unfitted, "model_")


def test_clone_keeps_routed_params():
    clf = CNNClassifier(model__filters=(8, 16), loss__gamma=3.0, optimizer__beta_1=0.8)
    params = clone(clf).get_params()
    assert params["model__filters"] == (8, 16)
    assert params["loss__gamma"] == 3.0
    assert params["optimizer__beta_1"] == 0.8


def test_grid_search_picks_by_fbeta_scorer(lesion_data):
    X, y = lesion_data
    f2 = make_scorer(fbeta_score, beta=2)
    search = GridSearchCV(
        CNNClassifier(**FAST),
        {"class_weight": [None, "balanced"], "loss": ["bce", "focal"], "learning_rate": [3e-3]},
        scoring=f2,
        cv=2,
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    assert search.best_index_ == int(np.argmax(scores))
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert search.best_estimator_.predict(X).shape == y.shape


def test_cross_validate_and_tuned_threshold(lesion_data):
    X, y = lesion_data
    res = cross_validate(CNNClassifier(**FAST), X, y, cv=2, scoring=["roc_auc", "recall"])
    assert res["test_roc_auc"].shape == (2,)
    tuned = TunedThresholdClassifierCV(CNNClassifier(**FAST), cv=2, scoring="balanced_accuracy")
    tuned.fit(X, y)
    assert 0.0 <= tuned.best_threshold_ <= 1.0
    assert tuned.predict(X).shape == y.shape


# ------------------------------------------------------------ targets
def test_binary_string_labels(lesion_data):
    X, y = lesion_data
    labels = np.where(y == 1, "lesion", "normal")
    clf = CNNClassifier(**FAST).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["lesion", "normal"])
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert set(clf.predict(X)) <= {"lesion", "normal"}


def test_multiclass(lesion_data):
    X, y = lesion_data
    y3 = np.where(y == 1, 2, np.arange(len(y)) % 2)  # three classes
    clf = CNNClassifier(**FAST).fit(X, y3)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert clf.target_type_ == "multiclass"


def test_multilabel_with_per_label_class_weight():
    X, Y = make_lesion_images(160, multilabel=True, weights=(0.3, 0.2), image_size=16,
                              random_state=0)
    clf = CNNClassifier(**FAST, class_weight="balanced").fit(X, Y)
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    assert clf.predict_proba(X).shape == (160, 2)
    assert clf.predict(X).shape == (160, 2)
    loss = clf.model_.loss
    assert type(loss).__name__ == "WeightedBinaryCrossentropy"
    # scikit-learn's balanced formula per label: n / (2 * n_positive)
    np.testing.assert_allclose(loss.pos_weight, 160 / (2 * Y.sum(axis=0)))
    np.testing.assert_allclose(loss.neg_weight, 160 / (2 * (160 - Y.sum(axis=0))))
    custom = CNNClassifier(**FAST, class_weight=[{1: 5.0}, {0: 1.0, 1: 2.0}]).fit(X, Y)
    assert custom.model_.loss.pos_weight == [5.0, 2.0]


def test_class_weight_balanced_raises_minority_recall():
    data = dict(weights=(0.9, 0.1), image_size=16, lesion_contrast=0.6)
    X, y = make_lesion_images(600, **data, random_state=1)
    Xt, yt = make_lesion_images(600, **data, random_state=2)
    params = dict(epochs=6, validation_fraction=0.0, random_state=0, learning_rate=3e-3)
    plain = CNNClassifier(**params).fit(X, y)
    balanced = CNNClassifier(**params, class_weight="balanced").fit(X, y)
    r_plain = recall_score(yt, plain.predict(Xt))
    r_bal = recall_score(yt, balanced.predict(Xt))
    assert r_bal > r_plain + 0.2, (r_plain, r_bal)


# ------------------------------------------------- scikeras regressions
def test_n_features_in_is_pixels_per_image(fitted):
    assert fitted.n_features_in_ == 16 * 16 * 1
    assert fitted.image_shape_ == (16, 16, 1)


def test_class_weight_does_not_modify_sample_weight(lesion_data):
    X, y = lesion_data
    sw = np.ones(len(y))
    CNNClassifier(**{**FAST, "epochs": 1}, class_weight="balanced").fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(sw, np.ones(len(y)))


def test_predict_proba_single_image_is_2d(fitted, lesion_data):
    X, _ = lesion_data
    assert fitted.predict_proba(X[:1]).shape == (1, 2)
    assert fitted.predict(X[:1]).shape == (1,)


def test_seeded_then_unseeded_fit_in_one_process(lesion_data):
    from tensorflow.python.framework import config as tf_config

    X, y = lesion_data
    CNNClassifier(**{**FAST, "epochs": 1}).fit(X, y)
    assert not tf_config.is_op_determinism_enabled()
    # scikeras leaves determinism on, and this unseeded fit then raised RuntimeError.
    clf = CNNClassifier(**{**FAST, "epochs": 1, "random_state": None}).fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 2)


def test_same_seed_identical_predictions(lesion_data):
    X, y = lesion_data
    a = CNNClassifier(**FAST).fit(X, y).predict_proba(X)
    b = CNNClassifier(**FAST).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = CNNClassifier(**{**FAST, "random_state": 1}).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, c)


def test_seeded_fit_unaffected_by_other_threads_drawing_from_random(lesion_data):
    """A thread drawing from Python's global ``random`` during the fit (a Dask worker's
    event loop does) must not change the initial weights (it did: a different ROC AUC for
    the same seeded fit). small_cnn's layers take their seeds from random_state; layers
    Keras seeds itself are covered in test_classifier_conformance.py."""
    import random
    import threading

    X, y = lesion_data
    clf = CNNClassifier(**{**FAST, "epochs": 1})
    reference = clf.fit(X, y).model_.get_weights()
    stop = threading.Event()
    draws = []

    def draw_from_random():
        while not stop.is_set():
            draws.append(random.random())
            time.sleep(0)  # hand the interpreter over as often as possible

    disturber = threading.Thread(target=draw_from_random)
    disturber.start()
    try:
        disturbed = clone(clf).fit(X, y).model_.get_weights()
    finally:
        stop.set()
        disturber.join()
    assert len(draws) > 100  # the other thread did draw during the fit
    for a, b in zip(disturbed, reference):
        np.testing.assert_array_equal(a, b)


def test_failed_fit_is_not_fitted(lesion_data):
    from sklearn.exceptions import NotFittedError

    X, y = lesion_data
    clf = CNNClassifier(**FAST)
    with pytest.raises(ValueError):
        clf.fit(X, np.zeros_like(y))
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)


# ------------------------------------------------------------ training
def test_early_stopping_on_stratified_validation(lesion_data):
    X, y = lesion_data
    clf = CNNClassifier(epochs=40, validation_fraction=0.25, patience=1, random_state=0,
                        learning_rate=0.05).fit(X, y)
    assert "val_loss" in clf.history_ and "val_auc" in clf.history_
    assert clf.n_epochs_ < 40
    for key in ("recall", "precision", "auc", "f2"):
        assert key in clf.history_


@pytest.mark.parametrize("loss", ["bce", "weighted_bce", "focal", "recall_specificity", "fbeta",
                                  keras.losses.BinaryCrossentropy()])
def test_losses_train(lesion_data, loss):
    X, y = lesion_data
    clf = CNNClassifier(**{**FAST, "epochs": 3}, loss=loss, learning_rate=3e-3).fit(X, y)
    assert np.isfinite(clf.history_["loss"]).all()
    assert clf.history_["loss"][-1] < clf.history_["loss"][0]


@pytest.mark.parametrize("dtype,rescale", [(np.uint16, "auto"), (np.float32, "auto"),
                                           (np.float64, "zscore"), (np.uint8, "none")])
def test_dtypes_and_rescale(lesion_data, dtype, rescale):
    X, y = lesion_data
    if dtype == np.uint16:
        X = X.astype(np.uint16) * 200  # 16-bit intensities up to ~51000
    elif dtype != np.uint8:
        X = X.astype(dtype) * 13.7 - 1000.0  # CT-like range
    clf = CNNClassifier(**{**FAST, "epochs": 1}, rescale=rescale).fit(X, y)
    assert clf.model_.inputs[0].dtype == np.dtype(dtype).name
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()


def test_rgb_and_channel_axis(lesion_data):
    X, y = make_lesion_images(80, weights=(0.5, 0.5), image_size=16, n_channels=3,
                              random_state=0)
    clf = CNNClassifier(**{**FAST, "epochs": 1}).fit(X, y)
    assert clf.image_shape_ == (16, 16, 3)


_NO_COPY_SCRIPT = textwrap.dedent("""
    import json, os, sys, threading, time
    import numpy as np
    from skmedimg import CNNClassifier
    from skmedimg.datasets import make_lesion_images

    try:
        import psutil
        rss = psutil.Process().memory_info
        rss_bytes = lambda: rss().rss
    except ImportError:
        page = os.sysconf("SC_PAGE_SIZE")
        def rss_bytes():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * page

    parts = [make_lesion_images(1000, weights=(0.9, 0.1), image_size=32, random_state=i)
             for i in range(16)]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    params = dict(epochs=1, validation_fraction=0.1, random_state=0, batch_size=64)
    CNNClassifier(**params).fit(X[:640], y[:640])  # TF's one-off start-up costs
    if sys.argv[1] == "float32 copy":  # the regression this test is for
        check_X = CNNClassifier._check_X
        CNNClassifier._check_X = lambda self, X, reset: check_X(
            self, X, reset=reset).astype(np.float32)

    def extra_peak(X, y):
        global peak
        baseline = peak = rss_bytes()
        done = threading.Event()

        def sample():
            global peak
            while not done.is_set():
                peak = max(peak, rss_bytes())
                time.sleep(0.002)

        sampler = threading.Thread(target=sample)
        sampler.start()
        CNNClassifier(**params).fit(X, y)
        done.set()
        sampler.join()
        return max(peak, rss_bytes()) - baseline

    # What a fit costs whatever the data (a new network traced, one batch's activations):
    # on some machines TensorFlow hands it back after every fit, so the warm-up does not
    # hold it; it is measured on a small fit and taken off.
    fixed = extra_peak(X[:640], y[:640])
    print(json.dumps({"extra": extra_peak(X, y), "fixed": fixed, "nbytes": X.nbytes}))
""")


def _extra_peak_rss(variant):
    if not (os.path.exists("/proc/self/statm") or importlib.util.find_spec("psutil")):
        pytest.skip("needs psutil or /proc/self/statm to read the resident set size")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-c", _NO_COPY_SCRIPT, variant],
                         capture_output=True, text=True, env=env, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    return out["extra"] - out["fixed"], out["nbytes"]


def test_fit_makes_no_float_copy_of_the_training_set():
    """The peak resident set size of a fit on 16 000 uint8 images of 32x32 (16 MB), in a
    fresh process, over what it held when the fit started, less that of a fit on 640
    of the images (what a fit costs whatever the data).

    tracemalloc cannot see TensorFlow's allocations; the resident set size does. What
    grows with the data is measured here at ~5x the data (77 MB: the train/validation
    split, the tensors Keras feeds from, TensorFlow's buffers); one float32 copy of the
    set is 4x the data more and brings TensorFlow's float tensors with it (checked
    below).
    """
    extra, nbytes = _extra_peak_rss("as shipped")
    assert extra < 48 * 2**20 + 4 * nbytes, (extra / 2**20, nbytes / 2**20)


def test_no_copy_check_sees_a_float32_copy():
    """The measurement above would notice the regression it guards against."""
    extra, nbytes = _extra_peak_rss("float32 copy")
    assert extra > 48 * 2**20 + 4 * nbytes, (extra / 2**20, nbytes / 2**20)


# -------------------------------------------------------- architectures
@pytest.mark.parametrize("name", ["resnet50", "mobilenet_v2", "vgg19", "efficientnet_b0"])
def test_backbones_build(name):
    X, y = make_lesion_images(8, weights=(0.5, 0.5), image_size=32, random_state=0)
    clf = CNNClassifier(name).initialize(X, y)
    assert clf.model_.output_shape == (None, 1)
    assert clf.predict_proba(X).shape == (8, 2)


def test_backbone_local_weights_file(tmp_path):
    X, y = make_lesion_images(8, weights=(0.5, 0.5), image_size=32, random_state=0)
    backbone = keras.applications.MobileNetV2(include_top=False, weights=None,
                                              input_shape=(32, 32, 3), pooling="avg")
    path = tmp_path / "mobilenet_notop.weights.h5"
    backbone.save_weights(path)
    clf = CNNClassifier("mobilenet_v2", weights=str(path)).initialize(X, y)
    inner = next(layer for layer in clf.model_.layers if isinstance(layer, keras.Model))
    for w_loaded, w_file in zip(inner.get_weights(), backbone.get_weights()):
        np.testing.assert_array_equal(w_loaded, w_file)


def test_imagenet_download_refused():
    X, y = make_lesion_images(8, weights=(0.5, 0.5), image_size=32, random_state=0)
    with pytest.raises(ValueError, match="download"):
        CNNClassifier("mobilenet_v2", weights="imagenet").initialize(X, y)


def test_callable_and_model_architectures(lesion_data):
    X, y = lesion_data

    def build(meta, units=8):
        inputs = keras.Input(meta["input_shape_"])
        x = keras.layers.Flatten()(inputs)
        x = keras.layers.Dense(units, activation="relu")(x)
        out = keras.layers.Dense(meta["n_outputs_"], activation=meta["output_activation_"])(x)
        return keras.Model(inputs, out)

    clf = CNNClassifier(build, model__units=4, **FAST).fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 2)
    template = build({"input_shape_": (16, 16, 1), "n_outputs_": 1,
                      "output_activation_": "sigmoid"})
    clf2 = CNNClassifier(template, **FAST).fit(X, y)
    assert clf2.predict_proba(X).shape == (len(X), 2)
    assert template.get_weights()[0] is not clf2.model_.get_weights()[0]


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "X_bad,match",
    [
        (np.zeros(10), "ndim=1"),
        (np.zeros((10, 8, 8, 8, 1, 1)), "ndim=6"),  # 5-D arrays are volumes
        (np.zeros((10, 256)), "ndim=2"),
        (np.zeros((0, 16, 16)), "empty"),
        (np.full((10, 16, 16), np.nan), "NaN"),
        (np.full((10, 16, 16), np.inf), "NaN or infinite"),
        (np.zeros((10, 4, 4)), "smaller than"),
    ],
)
def test_bad_X(X_bad, match):
    y = np.arange(len(X_bad)) % 2
    with pytest.raises(ValueError, match=match):
        CNNClassifier(**FAST).fit(X_bad, y)


@pytest.mark.parametrize("dtype,error", [(object, TypeError), (bool, TypeError),
                                         (complex, ValueError)])
def test_bad_dtype(dtype, error):
    # Objects that are not numbers (an object array of numbers is read as float64).
    X = np.full((4, 16, 16), "a", dtype=object) if dtype is object else np.zeros(
        (4, 16, 16), dtype=dtype)
    with pytest.raises(error, match="real-valued|Complex data"):
        CNNClassifier(**FAST).fit(X, [0, 1, 0, 1])


def test_bad_y_and_params(lesion_data):
    X, y = lesion_data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        CNNClassifier(**FAST).fit(X, y[:-3])
    with pytest.raises(ValueError, match=r"y contains only one class \(1\); a classifier needs "
                                         "samples of at least two classes"):
        CNNClassifier(**FAST).fit(X, np.ones_like(y))
    invalid = r"The '{}' parameter of CNNClassifier must be .* Got {} instead\."
    with pytest.raises(ValueError, match=invalid.format("architecture", "'alexnet'")):
        CNNClassifier("alexnet", **FAST).fit(X, y)
    with pytest.raises(ValueError, match=invalid.format("loss", "'hinge-ish'")):
        CNNClassifier(loss="hinge-ish", **FAST).fit(X, y)
    with pytest.raises(ValueError, match=invalid.format("epochs", "0")):
        CNNClassifier(epochs=0).fit(X, y)
    with pytest.raises(ValueError, match=invalid.format("validation_fraction", r"1\.5")):
        CNNClassifier(validation_fraction=1.5).fit(X, y)
    with pytest.raises(ValueError, match=invalid.format("rescale", "'unit'")):
        CNNClassifier(rescale="unit", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="smaller than"):
        CNNClassifier("resnet50", **FAST).fit(X, y)  # 16 px < 32 px minimum
    with pytest.raises(ValueError, match="not in y"):
        CNNClassifier(class_weight={0: 1, 7: 3}, **FAST).fit(X, y)


def test_predict_checks_image_shape(fitted):
    with pytest.raises(ValueError, match="fitted on"):
        fitted.predict(np.zeros((2, 20, 20), dtype=np.uint8))
