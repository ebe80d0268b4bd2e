"""CNNClassifier never gives a silently wrong answer (issues 14 and 15).

Integer images of any dtype are scaled by their bit depth, odd parameters are refused
before training, a diverging, failing or interrupted fit leaves no half-trained network
behind, and a seeded fit leaves TensorFlow's global seed as it found it.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skmedimg import CNNClassifier
from skmedimg._architectures import resolve_rescale
from skmedimg.datasets import make_lesion_images

TINY = dict(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(30, weights=(0.6, 0.4), image_size=8, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return CNNClassifier(**TINY).fit(X, y)


class _Record(keras.callbacks.Callback):
    """Tells whether training started."""

    def __init__(self):
        super().__init__()
        self.started = False

    def on_train_begin(self, logs=None):
        self.started = True


class _Interrupt(keras.callbacks.Callback):
    """Ctrl-C after the first training batch: the weights have moved by then."""

    def on_train_batch_end(self, batch, logs=None):
        raise KeyboardInterrupt


# ------------------------------------------------------ 1. integer dtypes
def test_int32_and_nested_list_of_8bit_values_train_like_uint8(data, fitted):
    X, y = data
    reference = fitted.predict_proba(X)
    as_int32 = CNNClassifier(**TINY).fit(X.astype(np.int32), y)
    # Before: divided by 2**31 - 1, the network saw inputs <= 1.2e-7.
    assert as_int32.X_dtype_ == np.uint8
    assert as_int32.model_.get_layer("rescale").scale == 255.0
    np.testing.assert_array_equal(as_int32.predict_proba(X.astype(np.int32)), reference)
    as_list = CNNClassifier(**TINY).fit(X.tolist(), y)  # int64, divided by 2**63 - 1 before
    np.testing.assert_array_equal(as_list.predict_proba(X.tolist()), reference)
    # A uint8-fitted model reads int64 lists of the same values the same way.
    np.testing.assert_array_equal(fitted.predict_proba(X.tolist()), reference)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint32])
def test_16bit_values_in_wider_integers_read_like_uint16(data, dtype):
    X, y = data
    X16 = X.astype(np.uint16) * 16  # 12-bit intensities, up to 4080
    ref = CNNClassifier(**TINY).initialize(X16, y)
    clf = CNNClassifier(**TINY).initialize(X16.astype(dtype), y)
    assert clf.X_dtype_ == np.uint16
    assert clf.model_.get_layer("rescale").scale == 65535.0
    np.testing.assert_array_equal(clf.predict_proba(X16.astype(dtype)), ref.predict_proba(X16))


@pytest.mark.parametrize("rescale", ["auto", "dtype"])
def test_signed_integer_images_refused_with_advice(data, rescale):
    X, y = data
    ct = X.astype(np.int16) * 8 - 1024  # Hounsfield-like, from -1024
    with pytest.raises(ValueError, match=r"int16 pixel values in \[-1024, \d+\], which are "
                                         r"neither 8-bit .*pass floats in \[0, 1\] with "
                                         r"rescale='none'"):
        CNNClassifier(**TINY, rescale=rescale).initialize(ct, y)
    with pytest.raises(ValueError, match="uint32 pixel values in"):
        CNNClassifier(**TINY).initialize(X.astype(np.uint32) * 1000, y)
    # Per-image scaling does not depend on the range: accepted, dtype kept.
    assert CNNClassifier(**TINY, rescale="zscore").initialize(ct, y).X_dtype_ == np.int16


def test_predict_refuses_integers_outside_the_fitted_range(data, fitted):
    X, _ = data
    too_bright = X.astype(np.int32) + 300  # not 8-bit: would wrap around in the uint8 input
    with pytest.raises(ValueError, match=r"int32 pixel values in \[\d+, \d+\], outside the "
                                         r"range \[0, 255\] of the uint8 images"):
        fitted.predict_proba(too_bright)


def test_resolve_rescale_refuses_dtype_maximum_beyond_16_bit():
    assert resolve_rescale("dtype", np.dtype(np.uint16)) == ("dtype", 65535.0)
    with pytest.raises(ValueError, match="got int32 images"):
        resolve_rescale("dtype", np.dtype(np.int32))


# --------------------------- 2 and 4. bad parameters refused before training
def _invalid(param, must, got):
    """scikit-learn's InvalidParameterError message, as a regex (``must`` is one too)."""
    return rf"The '{param}' parameter of CNNClassifier must be {must}\. Got {got} instead\."


_POSITIVE_INT = r"an int in the range \[1, inf\)"
_FRACTION = r"a float in the range \[0\.0, 1\.0\)"


class _SGDInstance:
    """Stands for keras.optimizers.SGD(0.1), made in the test: an optimizer instance
    creates TensorFlow variables, which at collection time would start TensorFlow's
    thread pools before any fit could size them."""


BAD_PARAMS = [
    ({"learning_rate": np.inf}, {}, _invalid("learning_rate", r"a float in the range "
                                             r"\(0\.0, inf\)", "inf")),
    ({"learning_rate": True}, {}, _invalid("learning_rate", r"a float in the range "
                                           r"\(0\.0, inf\)", "True")),
    ({"class_weight": {0: -1.0}}, {}, r"class_weight must map classes to finite weights >= "
                                      r"0; got 0: -1\.0"),
    ({"class_weight": {0: np.nan}}, {}, "finite weights >= 0; got 0: nan"),
    ({"class_weight": {0: 1.0, 5: 2.0}}, {}, r"names classes \[5\] that are not in y"),
    ({"class_weight": {0: 0.0, 1: 0}}, {}, "every class weight 0"),
    ({"class_weight": [{0: 1.0}]}, {}, "lists of dicts are for multilabel targets"),
    ({"class_weight": "bal"}, {}, _invalid("class_weight", r"a str among \{'balanced'\}, an "
                                           r"instance of 'dict', .* or None", "'bal'")),
    ({"random_state": -1}, {}, _invalid("random_state", r"an int in the range "
                                        r"\[0, 4294967295\], an instance of "
                                        r"'numpy.random.mtrand.RandomState' or None", "-1")),
    ({"random_state": 2**40}, {}, _invalid("random_state", r"an int in the range "
                                           r"\[0, 4294967295\].*", "1099511627776")),
    ({"loss": 42}, {}, _invalid("loss", r"a str among \{.*'focal'.*\} or a callable", "42")),
    ({"optimizer": "bogus"}, {}, "Unknown optimizer 'bogus'"),
    ({"optimizer": _SGDInstance}, {}, r"not an instance \(SGD\(\.\.\.\)\): an "
                                      r"instance would silently ignore"),
    ({"optimizer__bogus": 1}, {}, "optimizer__bogus does not fit optimizer='adam'"),
    ({"loss__bogus": 1}, {}, "loss__bogus does not fit loss='auto'"),
    ({"model__bogus": 1}, {}, r"model__bogus is not a parameter of the 'small_cnn' "
                              r"architecture; it accepts \['model__filters', 'model__dropout'\]"),
    ({"fit__bogus": 1}, {}, r"fit__bogus is not an argument of keras.Model.fit; it accepts"),
    ({"fit__epochs": 5}, {}, "fit__epochs is set by CNNClassifier itself .*use the epochs "
                             "parameter"),
    ({"fit__validation_split": 0.2}, {}, "use validation_fraction instead"),
    ({"predict__bogus": 1}, {}, "predict__bogus is not an argument of keras.Model.predict"),
    ({}, {"bogus": 1}, r"fit\(\.\.\., bogus=\.\.\.\) is not an argument of keras.Model.fit"),
    ({}, {"epochs": 0}, "epochs must be a positive int; got 0"),
    ({"epochs": -1}, {}, _invalid("epochs", r"a str among \{'auto'\} or " + _POSITIVE_INT,
                                  "-1")),
    ({"epochs": True}, {}, _invalid("epochs", r"a str among \{'auto'\} or " + _POSITIVE_INT,
                                    "True")),
    ({"batch_size": 0}, {}, _invalid("batch_size", _POSITIVE_INT, "0")),
    ({"batch_size": True}, {}, _invalid("batch_size", _POSITIVE_INT, "True")),
    ({"validation_fraction": 1.0}, {}, _invalid("validation_fraction", _FRACTION, r"1\.0")),
    ({"validation_fraction": -0.1}, {}, _invalid("validation_fraction", _FRACTION, r"-0\.1")),
    ({"validation_fraction": np.nan}, {}, _invalid("validation_fraction", _FRACTION, "nan")),
    ({"validation_fraction": True}, {}, _invalid("validation_fraction", _FRACTION, "True")),
    ({"patience": True}, {}, _invalid("patience", r"an int in the range \[0, inf\) or None",
                                      "True")),
    ({"warm_start": "no"}, {}, _invalid("warm_start", "an instance of 'bool' or an instance "
                                        "of 'numpy.bool'", "'no'")),
    ({"metrics": "bogus"}, {}, _invalid("metrics", r"a str among \{'auto'\}, an instance of "
                                        r"'list', an instance of 'tuple' or None", "'bogus'")),
    ({"sampler": "smote"}, {}, _invalid("sampler", "an object implementing 'fit_resample' "
                                        "or None", "'smote'")),
    ({"callbacks": 3}, {}, _invalid("callbacks", r"an instance of 'list', .* or None", "3")),
]


@pytest.mark.parametrize("params,fit_kwargs,match", BAD_PARAMS,
                         ids=[m[:40] for _, _, m in BAD_PARAMS])
def test_bad_parameter_refused_before_training(data, params, fit_kwargs, match):
    X, y = data
    record = _Record()
    params = {k: keras.optimizers.SGD(0.1) if v is _SGDInstance else v
              for k, v in params.items()}
    clf = CNNClassifier(**{**TINY, "callbacks": [record], **params})
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, **fit_kwargs)
    assert not record.started
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)


def test_missing_weights_file_refused_before_building(tmp_path):
    X, y = make_lesion_images(20, weights=(0.5, 0.5), image_size=32, random_state=0)
    missing = str(tmp_path / "nonexistent.h5")
    clf = CNNClassifier("resnet50", weights=missing, **TINY)
    with pytest.raises(ValueError, match=r"weights='.*nonexistent\.h5' is not an existing file; "
                                         r"pass the path of a local weights file for the "
                                         r"'resnet50' backbone"):
        clf.fit(X, y)
    assert not hasattr(clf, "model_")


@pytest.mark.parametrize("column", [0, 1])
def test_multilabel_label_with_a_single_value_refused(data, column):
    X, y = data
    Y = np.column_stack([y, 1 - y, np.full_like(y, column)])  # label 2 is all 0 or all 1
    with pytest.raises(ValueError, match=r"Labels \[2\] of the multilabel y have a single "
                                         r"value \(all 0 or all 1\)"):
        CNNClassifier(**TINY).fit(X, Y)


def test_multilabel_class_weight_keys_checked(data):
    X, y = data
    Y = np.column_stack([y, 1 - y])
    with pytest.raises(ValueError, match=r"class_weight\[1\] must be a dict with keys 0 and/or 1"):
        CNNClassifier(**TINY, class_weight=[{0: 1.0, 1: 2.0}, {2: 3.0}]).fit(X, Y)
    with pytest.raises(ValueError, match="a list of 2 dicts"):
        CNNClassifier(**TINY, class_weight={0: 1.0, 1: 2.0}).fit(X, Y)


def test_all_zero_sample_weight_refused(data):
    X, y = data
    with pytest.raises(ValueError, match="Sample weights must contain at least one non-zero"):
        CNNClassifier(**TINY).fit(X, y, sample_weight=np.zeros(len(y)))  # scikit-learn's check
    only_positives = (y == 1).astype(float)  # zero once class 1 gets weight 0
    with pytest.raises(ValueError, match="0 for every image once class_weight is applied"):
        CNNClassifier(**TINY, class_weight={1: 0.0}).fit(X, y, sample_weight=only_positives)


def _nan_loss(y_true, y_pred):
    return keras.ops.mean(y_pred) * np.nan


def test_nan_training_loss_raises_and_leaves_no_model(data):
    X, y = data
    clf = CNNClassifier(**TINY, loss=_nan_loss)
    with pytest.raises(ValueError, match=r"Training diverged: the training loss became nan in "
                                         r"epoch 1, batch 1, so the network would predict NaN"):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)


def test_too_small_validation_fraction_warns(data):
    X, y = data
    with pytest.warns(UserWarning, match=r"validation_fraction=0\.05 of 30 images holds fewer "
                                         r"than 2 images; training without a validation set"):
        clf = CNNClassifier(**{**TINY, "validation_fraction": 0.05}).fit(X, y)
    assert "val_loss" not in clf.history_


# -------------------------------------------- 3. failed and interrupted fits
def test_interrupted_first_fit_leaves_the_classifier_unfitted(data):
    X, y = data
    clf = CNNClassifier(**TINY, callbacks=[_Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    # Before: predict_proba served the network after one training step.
    assert not hasattr(clf, "model_")
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)


def test_interrupted_or_failed_refit_keeps_the_previous_model(data):
    X, y = data
    clf = CNNClassifier(**TINY).fit(X, y)
    model, proba = clf.model_, clf.predict_proba(X)
    clf.set_params(callbacks=[_Interrupt()], random_state=1)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    check_is_fitted(clf)
    assert clf.model_ is model and clf.random_state == 1
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    clf.set_params(callbacks=None, loss=_nan_loss)
    with pytest.raises(ValueError, match="Training diverged"):
        clf.fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_interrupted_in_place_refit_leaves_the_classifier_unfitted(data, how):
    X, y = data
    clf = CNNClassifier(**TINY, warm_start=how == "warm_start").fit(X, y)
    clf.set_params(callbacks=[_Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y) if how == "warm_start" else clf.partial_fit(X, y)
    assert not hasattr(clf, "model_") and not hasattr(clf, "classes_")
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)


def test_warm_start_refit_with_a_bad_parameter_keeps_the_model(data):
    X, y = data
    clf = CNNClassifier(**TINY, warm_start=True).fit(X, y)
    proba = clf.predict_proba(X)
    clf.set_params(learning_rate=-1.0)  # refused before training: nothing moved
    with pytest.raises(ValueError, match=_invalid("learning_rate", ".*", r"-1\.0")):
        clf.fit(X, y)
    check_is_fitted(clf)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


# -------------------------------------------- 5. TensorFlow's global seed
_SEED_SCRIPT = textwrap.dedent("""
    import json
    import keras
    import tensorflow as tf
    from tensorflow.python.eager import context
    from skmedimg import CNNClassifier
    from skmedimg.datasets import make_lesion_images

    X, y = make_lesion_images(20, weights=(0.5, 0.5), image_size=8, random_state=0)
    params = dict(epochs=1, validation_fraction=0.0, metrics=None, random_state=0)
    CNNClassifier(**params).fit(X, y)  # the process never set a seed
    out = {"seed_after_fit": context.global_seed(),
           "keras_seed_after_fit": keras.src.utils.rng_utils.get_random_seed()}
    tf.random.set_seed(123)
    out["without_fit"] = [float(tf.random.uniform(())) for _ in range(2)]
    tf.random.set_seed(123)
    out["with_fit"] = [float(tf.random.uniform(()))]
    CNNClassifier(**params).fit(X, y)
    out["with_fit"].append(float(tf.random.uniform(())))
    # What the second draw was before the fix: the fit left seed 0 set.
    tf.random.set_seed(123)
    tf.random.uniform(())
    keras.utils.set_random_seed(0)
    out["leaked"] = float(tf.random.uniform(()))
    print(json.dumps(out))
""")


def test_seeded_fit_restores_tensorflow_global_seed():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}
    run = subprocess.run([sys.executable, "-c", _SEED_SCRIPT], capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["seed_after_fit"] is None and out["keras_seed_after_fit"] is None
    # The fit neither reset nor advanced the caller's sequence of TensorFlow draws ...
    assert out["with_fit"] == out["without_fit"]
    # ... and a fit that left its seed behind would have changed the second draw.
    assert out["leaked"] != out["without_fit"][1]
