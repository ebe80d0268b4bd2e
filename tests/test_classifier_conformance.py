"""CNNClassifier by the ecosystem's own rules (issue 15).

- Importing it changes no process-wide state: Keras' private seed module and TensorFlow's
  thread pools are touched only while a fit runs.
- Seeded fits are repeatable without patching Keras for the built-in ``small_cnn``; the
  one patch left (``skmedimg._keras_compat``) is installed only during a seeded fit and
  fails loudly here when Keras changes.
- scikeras' extension points (``target_encoder``, ``feature_encoder``, ``scorer``,
  ``initialized_``) say what the classifier really does.
- Parameters are validated by scikit-learn's machinery, routed parameters still work.
- Every fitted attribute is documented; predicting with several models in a row makes
  TensorFlow retrace nothing.
"""

import contextlib
import gc
import inspect
import json
import os
import random
import subprocess
import sys
import textwrap
import threading
import weakref

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import check_param_validation

import skmedimg._classifier as classifier_module
from skmedimg import CNNClassifier, _keras_compat
from skmedimg._targets import NetworkTargetEncoder
from skmedimg.datasets import make_lesion_images

TINY = dict(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None, random_state=0)
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(40, weights=(0.6, 0.4), image_size=8, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    return CNNClassifier(**TINY).fit(*data)


def _run(script: str, env=None) -> dict:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                         text=True, env=env or ENV, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _weights_equal(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


# ------------------------------------------------------ 1. no import-time state
_IMPORT_THEN_FIT = """
    import json, random
    import keras
    import tensorflow as tf
    from keras.src.random import seed_generator
    from tensorflow.python.eager import context

    def state():
        return {"python_random_is_random": seed_generator.python_random is random,
                "intra": tf.config.threading.get_intra_op_parallelism_threads(),
                "inter": tf.config.threading.get_inter_op_parallelism_threads(),
                "tf_started": context.context()._context_handle is not None}

    out = {"before": state()}
    import skmedimg._classifier
    from skmedimg.datasets import make_lesion_images
    out["after_import"] = state()
    X, y = make_lesion_images(20, weights=(0.5, 0.5), image_size=8, random_state=0)
    params = dict(epochs=1, validation_fraction=0.0, metrics=None, random_state=0)
    skmedimg._classifier.CNNClassifier(**params).fit(X, y)
    out["after_fit"] = state()
    print(json.dumps(out))
"""


def test_import_changes_no_process_state_and_fit_sizes_thread_pools():
    out = _run(_IMPORT_THEN_FIT)
    assert out["before"] == {"python_random_is_random": True, "intra": 0, "inter": 0,
                             "tf_started": False}
    # Before: the import patched Keras' private module and sized TensorFlow's pools.
    assert out["after_import"] == out["before"]
    # The fit sized the pools from OMP_NUM_THREADS=1 and took its Keras patch back out.
    assert out["after_fit"] == {"python_random_is_random": True, "intra": 1, "inter": 1,
                                "tf_started": True}


_FIT_AFTER_TF_STARTED = """
    import json
    import tensorflow as tf
    tf.constant(1.0) + 1.0  # TensorFlow starts its thread pools with its first op
    from skmedimg import CNNClassifier
    from skmedimg.datasets import make_lesion_images

    X, y = make_lesion_images(20, weights=(0.5, 0.5), image_size=8, random_state=0)
    clf = CNNClassifier(epochs=1, validation_fraction=0.0, metrics=None).fit(X, y)
    print(json.dumps({"intra": tf.config.threading.get_intra_op_parallelism_threads(),
                      "shape": list(clf.predict_proba(X).shape)}))
"""


def test_fit_keeps_thread_pools_tensorflow_already_started():
    # TensorFlow refuses to resize running pools (RuntimeError); the fit goes on.
    assert _run(_FIT_AFTER_TF_STARTED) == {"intra": 0, "shape": [20, 2]}


# ------------------------------------------------- 1. repeatability and the shim
def test_keras_private_seed_module_is_what_the_shim_patches():
    """Fails when Keras changes the private module that ``_keras_compat`` patches: check
    the new Keras and update ``SUPPORTED_KERAS`` (or drop the shim)."""
    from keras.src.random import seed_generator

    assert _keras_compat.keras_supported(), (
        f"Keras {keras.__version__} is outside _keras_compat.SUPPORTED_KERAS "
        f"{_keras_compat.SUPPORTED_KERAS}: check keras/src/random/seed_generator.py")
    assert seed_generator.python_random is random  # no fit is running
    # Keras draws default seeds from that module attribute, as randint(1, 10**9) ...
    with _keras_compat.keras_default_seeds_from(random.Random(7)):
        assert seed_generator.python_random is not random
        drawn = [seed_generator.make_default_seed() for _ in range(3)]
    assert seed_generator.python_random is random
    reference = random.Random(7)
    assert drawn == [reference.randint(1, int(1e9)) for _ in range(3)]
    # ... for the initializers and layers created without a seed.
    with _keras_compat.keras_default_seeds_from(random.Random(7)):
        initializer = keras.initializers.GlorotUniform()
    assert initializer.seed == random.Random(7).randint(1, int(1e9))


class _SeedModuleSpy(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        from keras.src.random import seed_generator

        self.python_random = seed_generator.python_random


@pytest.mark.parametrize("random_state", [0, None])
def test_keras_shim_installed_only_during_a_seeded_fit(data, random_state):
    from keras.src.random import seed_generator

    spy = _SeedModuleSpy()
    CNNClassifier(**{**TINY, "random_state": random_state, "callbacks": [spy]}).fit(*data)
    assert (spy.python_random is not random) == (random_state is not None)
    assert seed_generator.python_random is random


def test_small_cnn_is_repeatable_without_the_keras_shim(data, fitted, monkeypatch):
    """Every random layer of small_cnn gets its seed from random_state: Keras' own default
    seeds, however they are drawn, play no part."""
    from keras.src.random import seed_generator

    monkeypatch.setattr(classifier_module, "keras_default_seeds_from",
                        lambda rng: contextlib.nullcontext())
    monkeypatch.setattr(seed_generator, "python_random", random.Random(12345))
    unpatched = CNNClassifier(**TINY).fit(*data)
    assert _weights_equal(unpatched.model_.get_weights(), fitted.model_.get_weights())
    config = unpatched.model_.get_config()
    seeds = [layer["config"].get("seed") or layer["config"].get("kernel_initializer", {})
             .get("config", {}).get("seed") for layer in config["layers"]
             if layer["class_name"] in ("Conv2D", "Dropout", "Dense")]
    assert len(seeds) == 5 and all(isinstance(s, int) for s in seeds), seeds


def _noisy_neighbour_architecture(meta):
    """A custom architecture whose layers Keras seeds; another thread draws from Python's
    random while they are created (as a Dask worker's event loop may)."""
    other = threading.Thread(target=lambda: [random.random() for _ in range(100)])
    other.start()
    other.join()
    inputs = keras.Input(meta["input_shape_"])
    x = keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(inputs))
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(meta["n_outputs_"], activation=meta["output_activation_"])(x)
    return keras.Model(inputs, outputs)


def _quiet_architecture(meta):
    inputs = keras.Input(meta["input_shape_"])
    x = keras.layers.Dense(8, activation="relu")(keras.layers.Flatten()(inputs))
    x = keras.layers.Dropout(0.3)(x)
    outputs = keras.layers.Dense(meta["n_outputs_"], activation=meta["output_activation_"])(x)
    return keras.Model(inputs, outputs)


def test_layers_keras_seeds_ignore_other_threads_during_a_seeded_fit(data, monkeypatch):
    X, y = data
    quiet = CNNClassifier(_quiet_architecture, **TINY).initialize(X, y).model_.get_weights()
    noisy = CNNClassifier(_noisy_neighbour_architecture, **TINY).initialize(X, y)
    assert _weights_equal(noisy.model_.get_weights(), quiet)
    # Without the shim the other thread's draws move the seeds (the shim is needed here).
    monkeypatch.setattr(classifier_module, "keras_default_seeds_from",
                        lambda rng: contextlib.nullcontext())
    unshimmed = CNNClassifier(_noisy_neighbour_architecture, **TINY).initialize(X, y)
    assert not _weights_equal(unshimmed.model_.get_weights(), quiet)


# ------------------------------------------------ 2. scikeras' extension points
def test_target_encoder_is_the_encoder_fit_uses(data, fitted):
    X, y = data
    unfitted = CNNClassifier().target_encoder  # raised AttributeError ('classes_')
    assert type(unfitted) is NetworkTargetEncoder and not hasattr(unfitted, "classes_")
    assert type(fitted.target_encoder) is type(fitted.target_encoder_)
    assert fitted.target_encoder is not fitted.target_encoder_  # a new, unfitted one
    raw = fitted.model_.predict(X[..., None], verbose=0)
    proba = fitted.target_encoder_.inverse_transform(raw, return_proba=True)
    np.testing.assert_array_equal(proba, fitted.predict_proba(X))
    np.testing.assert_array_equal(fitted.target_encoder_.inverse_transform(raw),
                                  fitted.predict(X))
    np.testing.assert_array_equal(fitted.target_encoder_.transform(y), y[:, None])


def test_feature_encoder_is_the_identity_the_network_sees(data, fitted):
    X, _ = data
    encoder = CNNClassifier().feature_encoder
    assert isinstance(encoder, FunctionTransformer) and encoder.func is None
    # The images reach the network unchanged (with their channel axis).
    raw = fitted.model_.predict(encoder.fit_transform(X)[..., None], verbose=0)
    np.testing.assert_array_equal(fitted.predict_proba(X)[:, 1], raw[:, 0])


def test_score_uses_scorer(data, fitted):
    X, y = data
    assert fitted.score(X, y) == accuracy_score(y, fitted.predict(X))

    class ConstantScoreCNN(CNNClassifier):
        @staticmethod
        def scorer(y_true, y_pred, **kwargs):
            return -1.0

    same_network = ConstantScoreCNN(**TINY)
    vars(same_network).update(vars(fitted))
    assert same_network.score(X, y) == -1.0


def test_initialized_means_predict_can_be_called(data):
    X, y = data
    clf = CNNClassifier(**TINY)
    assert clf.initialized_ is False
    clf.initialize(X, y)
    assert clf.initialized_ is True and clf.fitted_ is False
    assert clf.predict_proba(X).shape == (len(X), 2)
    failed = CNNClassifier(**{**TINY, "loss": lambda t, p: keras.ops.mean(p) * np.nan})
    with pytest.raises(ValueError, match="Training diverged"):
        failed.fit(X, y)
    assert failed.initialized_ is False  # was True: model_ of the failed fit
    with pytest.raises(NotFittedError):
        failed.predict(X)


def test_no_validate_data_override_and_every_scikeras_caller_overridden():
    """scikeras' tabular ``_validate_data`` is inherited but never reached: every scikeras
    method that calls it is overridden (so the old image-aware override was dead)."""
    from scikeras import wrappers

    assert "_validate_data" not in vars(CNNClassifier)
    callers = set()
    for base in (wrappers.BaseWrapper, wrappers.KerasClassifier):
        for name, func in vars(base).items():
            func = getattr(func, "fget", func)
            if callable(func) and name != "_validate_data" and \
                    "_validate_data(" in inspect.getsource(func):
                callers.add(name)
    assert callers >= {"_initialize", "_fit", "_predict_raw", "score"}
    for name in callers:
        assert name in vars(CNNClassifier), f"{name} would run scikeras' _validate_data"


# -------------------------------------------------------- 3. parameter validation
def test_scikit_learn_param_validation():
    """scikit-learn's own check: a constraint for every parameter, and
    InvalidParameterError for a bad type or value of each, from fit and partial_fit."""
    check_param_validation("CNNClassifier", CNNClassifier(**TINY))


def test_partial_fit_revalidates_after_set_params(data):
    X, y = data
    clf = CNNClassifier(**TINY).partial_fit(X, y)
    clf.set_params(batch_size=0)  # scikit-learn validates partial_fit's first call only
    with pytest.raises(InvalidParameterError, match="'batch_size' parameter"):
        clf.partial_fit(X, y)


def test_routed_params_validate_clone_and_search(data):
    X, y = data
    clf = CNNClassifier(**TINY, model__filters=(4, 8), optimizer__beta_1=0.8)
    clf._validate_params()  # routed names have no constraint; they are not refused
    assert clone(clf).get_params()["model__filters"] == (4, 8)
    search = GridSearchCV(clf, {"model__dropout": [0.0, 0.5], "optimizer__beta_1": [0.7]},
                          cv=2).fit(X, y)
    assert [p["model__dropout"] for p in search.cv_results_["params"]] == [0.0, 0.5]
    assert search.best_estimator_.get_params()["optimizer__beta_1"] == 0.7
    assert search.best_estimator_.model_.optimizer.beta_1 == 0.7


# -------------------------------------------------------- 6. documented attributes
def test_every_fitted_attribute_is_documented(data):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    X, y = data
    documented = {a.name for a in docscrape.ClassDoc(CNNClassifier)["Attributes"]}
    _, Y = make_lesion_images(40, multilabel=True, image_size=8, random_state=0)
    for clf in (CNNClassifier(**TINY).fit(X, y),
                CNNClassifier(**{**TINY, "validation_fraction": 0.25}).fit(X, Y),
                CNNClassifier(**TINY).initialize(X, y)):
        set_by_fit = {a for a in vars(clf) if a.endswith("_") and not a.startswith("_")}
        assert {"model_", "target_encoder_", "X_dtype_", "fitted_"} <= set_by_fit
        assert set_by_fit <= documented, sorted(set_by_fit - documented)


# --------------------------------------------------------------- 7. no retracing
_RETRACING = """
    import json, logging
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logging.getLogger("tensorflow").addHandler(Collect(level=logging.WARNING))
    from skmedimg import CNNClassifier
    from skmedimg.datasets import make_lesion_images

    X, y = make_lesion_images(40, weights=(0.6, 0.4), image_size=8, random_state=0)
    models = [CNNClassifier(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None,
                            random_state=seed).fit(X, y) for seed in range(3)]
    for model in models:  # 40 = 16 + 16 + 8 and 7 images: full and partial batches
        model.predict_proba(X)
        model.predict_proba(X[:7])
    out = {"ours": [m for m in records if "retracing" in m]}
    for model in models:  # what predict_proba called before: Keras' predict
        model.model_.predict(X[..., None], batch_size=16, verbose=0)
        model.model_.predict(X[:7, ..., None], batch_size=16, verbose=0)
    out["keras"] = [m for m in records if "retracing" in m][len(out["ours"]):]
    print(json.dumps(out))
"""


def test_predicting_with_several_models_does_not_retrace():
    out = _run(_RETRACING)
    assert out["ours"] == []
    # The cause, in the same process: Keras' predict retraces one shared function per
    # model and per batch shape, and TensorFlow warns.
    assert out["keras"] and "triggered tf.function retracing" in out["keras"][0]


def test_predictions_are_those_of_keras_predict(data, fitted):
    X, _ = data
    for batch_size in (16, 7, 100):
        raw = fitted.model_.predict(X[..., None], batch_size=batch_size, verbose=0)
        np.testing.assert_array_equal(fitted.predict_proba(X, batch_size=batch_size)[:, 1],
                                      raw[:, 0])
    # Another input dtype has its own compiled function, cast as Keras casts it.
    X64 = X.astype(np.float64)
    with pytest.warns(UserWarning, match="fitted on uint8"):
        proba = fitted.predict_proba(X64)
    np.testing.assert_array_equal(proba[:, 1], fitted.model_.predict(X64[..., None],
                                                                     verbose=0)[:, 0])


def test_compiled_predict_function_does_not_keep_the_network_alive(data):
    X, y = data
    clf = CNNClassifier(**TINY).fit(X, y)
    clf.predict_proba(X)
    network = weakref.ref(clf.model_)
    assert network() in classifier_module._FORWARD
    del clf
    gc.collect()
    assert network() is None
