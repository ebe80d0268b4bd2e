"""The samplers by the ecosystem's own rules (issue 15).

- imbalanced-learn's estimator checks and scikit-learn's, on every sampler. Samplers
  that take 2-D rows run them as they are; ``AugmentingOverSampler`` and
  ``MultilabelRandomOverSampler`` refuse rows when they augment, so a test-only subclass
  views each row as an ``(n_features, 1)`` image and hands the images back as rows. Each
  expected failure names the exception and message it must fail with (a check that
  starts passing fails here, so the list stays exact).
- No process-wide state: OpenCV's thread setting is never touched, ``n_jobs`` decides.
- Lists, object arrays, sparse matrices, 2-D rows.
- numpydoc validation of every public sampler's docstrings.
- Private names of other packages are imported by the compat modules only (checked over
  every module of skmedimg, not only the samplers).
"""

import re
import threading

import cv2
import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler, TomekLinks
from imblearn.utils.estimator_checks import check_param_validation, estimator_checks_generator
from scipy import sparse
from sklearn.base import clone
from sklearn_compat.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from skmedimg.datasets import make_lesion_images
from skmedimg.samplers import (
    AugmentingOverSampler,
    ImageSamplerAdapter,
    MultilabelRandomOverSampler,
    RandomImageUnderSampler,
    _augment,
)

NO_AUGMENTATION = dict(rotation=0, shift=0, zoom=0, brightness=0, contrast=0)


class RowsAsImages:
    """Test-only: 2-D rows become ``(n, n_features, 1)`` images and come back as rows."""

    def _check_X_y(self, X, y, accept_sparse=None):
        if not sparse.issparse(X) and np.ndim(X) == 2:  # sparse matrices stay refused
            X = np.asarray(X)
            X = X.reshape(X.shape + (1,))
        return super()._check_X_y(X, y, accept_sparse)

    def _fit_resample(self, X, y):
        X_res, y_res = super()._fit_resample(X, y)
        return X_res.reshape(len(X_res), -1), y_res

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


class RowsAsImagesAugmentingOverSampler(RowsAsImages, AugmentingOverSampler):
    pass


class IndicatorTargetsMLROS(MultilabelRandomOverSampler):
    """Test-only: class labels become a 0/1 indicator matrix (one column per class), so
    that scikit-learn's checks, which pass class labels, reach ML-ROS's input handling."""

    def _check_X_y(self, X, y, accept_sparse=None):
        if y is not None and np.ndim(y) in (1, 2):
            y = np.asarray(y)
            if y.ndim == 1 or y.shape[1] == 1:
                y = (y.reshape(-1, 1) == np.unique(y)).astype(int)
        return super()._check_X_y(X, y, accept_sparse)


class RowsAsImagesMLROS(RowsAsImages, IndicatorTargetsMLROS):
    pass


def _name(estimator):
    return re.sub(r"\s+", "", repr(estimator))


SAMPLERS = [
    RandomImageUnderSampler(random_state=0),
    ImageSamplerAdapter(RandomOverSampler(random_state=0)),
    ImageSamplerAdapter(SMOTE(random_state=0)),
    ImageSamplerAdapter(RandomUnderSampler(random_state=0)),
    AugmentingOverSampler(random_state=0, **NO_AUGMENTATION),
    RowsAsImagesAugmentingOverSampler(random_state=0),
]
# imbalanced-learn's checks pass class labels, which ML-ROS refuses (see EXPECTED_FAILED);
# scikit-learn's checks run on the test-only subclass that turns them into indicators.
IMBLEARN_ESTIMATORS = SAMPLERS + [
    MultilabelRandomOverSampler(augmentation=None, random_state=0),
]
SKLEARN_ESTIMATORS = SAMPLERS + [
    IndicatorTargetsMLROS(augmentation=None, random_state=0),
    RowsAsImagesMLROS(random_state=0),  # with augmentation: images only
]

# Every check that is expected to fail: (reason, exception, message it fails with).
_EMPTY_AS_IMAGES = (
    "test view only: a (12, 0) matrix becomes (12, 0, 1) images, and the image message "
    "names the zero-length axis instead of scikit-learn's '0 feature(s)' wording",
    AssertionError, r"Got X has images with a zero-length axis \(shape \(12, 0, 1\)\)",
)
_ONE_SAMPLE_ONE_COLUMN = (
    "test view only: one class label becomes a one-column indicator, which scikit-learn's "
    "type_of_target calls 'binary'; ML-ROS names the target type, not the single sample",
    AssertionError, r"Got MultilabelRandomOverSampler needs a multilabel indicator matrix "
    r"y .* got 'binary' targets of shape \(1, 1\)",
)
_CLASS_LABELS = (
    "ML-ROS balances the labels of a multilabel indicator matrix; imbalanced-learn's "
    "checks pass binary or multiclass labels, which it refuses with a pointer to "
    "AugmentingOverSampler",
    ValueError, r"needs a multilabel indicator matrix y .* got '(binary|multiclass)' targets",
)
# Needs pandas (in the test extra): generated and run whenever the test extra is installed.
_DATAFRAME_AS_IMAGES = (
    "test view only: a DataFrame becomes an image array, so no column names are kept and "
    "get_feature_names_out does not refuse other names",
    AssertionError, "Did not raise",
)
EXPECTED_FAILED: dict = {
    "RowsAsImagesAugmentingOverSampler(random_state=0)": {
        "check_estimators_empty_data_messages": _EMPTY_AS_IMAGES,
        "check_sampler_get_feature_names_out_pandas": _DATAFRAME_AS_IMAGES,
    },
    "RowsAsImagesMLROS(random_state=0)": {
        "check_estimators_empty_data_messages": _EMPTY_AS_IMAGES,
        "check_fit2d_1sample": _ONE_SAMPLE_ONE_COLUMN,
    },
    "IndicatorTargetsMLROS(augmentation=None,random_state=0)": {
        "check_fit2d_1sample": _ONE_SAMPLE_ONE_COLUMN,
    },
    "MultilabelRandomOverSampler(augmentation=None,random_state=0)": {
        "check_target_type": (
            "the check wants multilabel targets refused; ML-ROS exists to resample them",
            AssertionError, "Multilabel and multioutput targets are not supported",
        ),
        **dict.fromkeys(
            ["check_samplers_fit", "check_samplers_fit_resample", "check_samplers_string",
             "check_samplers_nan", "check_samplers_list", "check_samplers_multiclass_ova",
             "check_samplers_preserve_dtype", "check_samplers_sample_indices",
             "check_samplers_2d_target", "check_sampler_get_feature_names_out",
             "check_samplers_sparse", "check_samplers_pandas", "check_samplers_pandas_sparse",
             "check_sampler_get_feature_names_out_pandas"],
            _CLASS_LABELS,
        ),
    },
}


def _expected(estimator):
    return EXPECTED_FAILED.get(_name(estimator), {})


def _run(estimator, check):
    name = getattr(check, "func", check).__name__
    expected = _expected(estimator).get(name)
    if expected is None:
        check(estimator)
        return
    reason, error, match = expected
    with pytest.raises(error, match=match):  # strict: a check that passes fails here
        check(estimator)
    pytest.xfail(reason)


def _check_id(value):
    if callable(value) and not hasattr(value, "get_params"):
        return getattr(value, "func", value).__name__
    return _name(value)


# imbalanced-learn's parametrize_with_checks, as a list (pytest refuses generators).
IMBLEARN_CASES = [case for estimator in IMBLEARN_ESTIMATORS
                  for case in estimator_checks_generator(estimator)]


@pytest.mark.parametrize("estimator, check", IMBLEARN_CASES, ids=_check_id)
def test_imblearn_estimator_checks(estimator, check):
    _run(estimator, check)


@sklearn_checks(SKLEARN_ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    _run(estimator, check)


def test_every_expected_failure_names_a_check_that_runs():
    """An entry for a check that is never generated would hide nothing and mislead."""
    from sklearn.utils.estimator_checks import estimator_checks_generator as sklearn_generator

    generated = {(_name(est), getattr(check, "func", check).__name__)
                 for est, check in IMBLEARN_CASES}
    generated |= {(_name(est), getattr(check, "func", check).__name__)
                  for estimator in SKLEARN_ESTIMATORS
                  for est, check in sklearn_generator(estimator, mark=None)}
    listed = {(name, check) for name, checks in EXPECTED_FAILED.items() for check in checks}
    assert listed - generated == set()


@pytest.mark.parametrize("estimator", IMBLEARN_ESTIMATORS, ids=_name)
def test_imblearn_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


# --------------------------------------------------------------------------- no global state
def _large(n=12, size=100, channels=3):
    X, y = make_lesion_images(n, weights=(0.5, 0.5), image_size=size, n_channels=channels,
                              random_state=0)
    return X, y


def test_opencv_thread_setting_is_never_touched(monkeypatch):
    """cv2.setNumThreads is process-wide: a library must not call it (issue 15)."""
    calls = []
    monkeypatch.setattr(cv2, "setNumThreads", lambda n: calls.append(n))
    X, y = _large()
    for n_jobs in (1, 2):
        AugmentingOverSampler(sampling_strategy={0: 6, 1: 30}, rotation=20, blur=True,
                              random_state=0, n_jobs=n_jobs).fit_resample(X, y)
    assert calls == []


def test_opencv_threads_seen_by_another_thread_stay_the_callers():
    """While augmentations run in one thread, another thread reads OpenCV's setting: it
    must stay what the process set (the old code flipped it to 1 during each call)."""
    before = cv2.getNumThreads()
    X, y = _large(n=8, size=64, channels=None)
    sampler = AugmentingOverSampler(sampling_strategy={0: 400, 1: 400}, rotation=20,
                                    blur=True, random_state=0)
    stop = threading.Event()

    def work():
        while not stop.is_set():
            sampler.fit_resample(X, y)

    worker = threading.Thread(target=work)
    worker.start()
    try:
        seen = {cv2.getNumThreads() for _ in range(20000)}
    finally:
        stop.set()
        worker.join()
    assert seen == {before}


def test_no_fork_hook_registered(tmp_path):
    """No process-wide thread pool with an os.register_at_fork hook is kept."""
    import subprocess
    import sys

    script = """
import os
hooks = []
real = os.register_at_fork
def record(**kwargs):
    import traceback
    hooks.append("".join(traceback.format_stack(limit=3)))
    return real(**kwargs)
os.register_at_fork = record
import numpy as np
from skmedimg.samplers import AugmentingOverSampler
X = np.random.default_rng(0).integers(0, 256, (6, 100, 100), dtype=np.uint8)
AugmentingOverSampler(sampling_strategy={0: 20, 1: 20}, random_state=0, n_jobs=2).fit_resample(
    X, np.array([0, 0, 0, 1, 1, 1]))
print(sum("skmedimg" in h for h in hooks))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0"


def _recorded_workers(monkeypatch):
    workers = []
    real = _augment._run_units

    def record(units, n, state=None):
        workers.append(n)
        return real(units, n, state)

    monkeypatch.setattr(_augment, "_run_units", record)
    return workers


def test_n_jobs_has_scikit_learns_meaning(monkeypatch):
    from joblib import cpu_count, parallel_config

    X, y = _large()
    workers = _recorded_workers(monkeypatch)

    def run(n_jobs):
        workers.clear()
        AugmentingOverSampler(sampling_strategy={0: 6, 1: 60}, rotation=20, random_state=0,
                              n_jobs=n_jobs).fit_resample(X, y)
        return max(workers)

    assert run(None) == 1
    assert run(2) == 2
    assert run(-1) == cpu_count()
    with parallel_config(n_jobs=2):
        assert run(None) == 2


@pytest.mark.parametrize("size, channels, n_new, dtype", [
    (100, 3, 40, np.uint8),  # one image after the other
    (12, None, 500, np.uint8),  # stacked into shared OpenCV calls
    (12, 3, 500, np.float32),
    (12, None, 500, np.int32),  # float64 working copies, in chunks among the threads
])
def test_same_result_for_any_n_jobs_and_backend(size, channels, n_new, dtype):
    """All draws happen before the work is split: n_jobs (and a process backend asked for
    in parallel_config, which cannot share the output and so gets threads) change nothing.
    Stacked warps of uint8 take one OpenCV path whatever shares their call."""
    from joblib import parallel_config

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(_augment, "_CHUNK_BYTES", 2**14)  # many chunks, even for 500 images
    monkeypatch.setattr(_augment, "_THREADED_STACK_BYTES", 0)  # threads even for 500 small
    X, y = _large(n=10, size=size, channels=channels)
    X = X.astype(dtype)

    def run(n_jobs):
        return AugmentingOverSampler(sampling_strategy={0: 5, 1: n_new}, rotation=20,
                                     flip=True, shift=0.1, blur=True, brightness=0.1,
                                     random_state=0, n_jobs=n_jobs).fit_resample(X, y)[0]

    try:
        reference = run(1)
        for n_jobs in (2, 3, -1):
            np.testing.assert_array_equal(run(n_jobs), reference)
        with parallel_config(backend="loky", n_jobs=2):
            np.testing.assert_array_equal(run(None), reference)
    finally:
        monkeypatch.undo()


def test_small_images_share_the_threads(monkeypatch):
    """With n_jobs=2, the stacked OpenCV calls of many small images run on both threads
    (each call a unit of work); a few small images stay on the calling thread."""
    import threading

    threads, real = [], _augment._opencv_chunk

    def record(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(_augment, "_opencv_chunk", record)
    monkeypatch.setattr(_augment, "_MIN_STACKED_WARP", 1)  # every warp stacked
    X = np.random.default_rng(0).integers(0, 256, (20, 32, 32), dtype=np.uint8)

    def run(m):
        threads.clear()
        _augment.augment_images(X, np.arange(m) % 20, _augment.make_spec(rotation=20, blur=1.0),
                                rng=np.random.default_rng(0),
                                out=np.empty((m, 32, 32), np.uint8), n_jobs=2)
        return set(threads)

    used = run(4000)  # 4 MB: threads (each round of units starts its own)
    assert threading.get_ident() in used and len(used) >= 2
    assert run(40) == {threading.get_ident()}  # 40 KB: this thread only


@pytest.mark.parametrize("n_jobs", [0, True, 1.5, "2"])
def test_bad_n_jobs_rejected(n_jobs):
    X, y = _large(n=6, size=16, channels=None)
    with pytest.raises(ValueError, match="'n_jobs' parameter of AugmentingOverSampler"):
        AugmentingOverSampler(n_jobs=n_jobs).fit_resample(X, y)
    Y = np.stack([y, 1 - y], axis=1)
    with pytest.raises(ValueError, match="'n_jobs' parameter of MultilabelRandomOverSampler"):
        MultilabelRandomOverSampler(n_jobs=n_jobs).fit_resample(X, Y)


def test_balanced_batches_use_the_samplers_n_jobs(monkeypatch):
    pytest.importorskip("keras")
    from skmedimg.samplers import BalancedBatchDataset

    X, y = _large(n=12, size=100, channels=None)
    workers = _recorded_workers(monkeypatch)
    data = BalancedBatchDataset(
        X, y, sampler=AugmentingOverSampler(sampling_strategy={0: 6, 1: 60}, rotation=20,
                                            n_jobs=2), batch_size=64, shuffle=False,
        random_state=0)
    data[0]
    assert workers and max(workers) == 2


# --------------------------------------------------------------------------- input types
@pytest.fixture(scope="module")
def images():
    return make_lesion_images(40, weights=(0.75, 0.25), image_size=12, random_state=0)


@pytest.mark.parametrize(
    "make",
    [lambda: AugmentingOverSampler(random_state=0),
     lambda: RandomImageUnderSampler(random_state=0),
     lambda: ImageSamplerAdapter(SMOTE(k_neighbors=3, random_state=0))],
    ids=["augment", "under", "adapter"],
)
def test_list_of_images_comes_back_as_a_list_of_images(images, make):
    X, y = images
    X_ref, y_ref = make().fit_resample(X, y)
    X_res, y_res = make().fit_resample(list(X), list(y))
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert all(isinstance(x, np.ndarray) and x.shape == X.shape[1:] for x in X_res)
    np.testing.assert_array_equal(np.stack(X_res), X_ref)
    np.testing.assert_array_equal(y_res, y_ref)


def test_ml_ros_list_of_images_comes_back_as_a_list(images):
    X, _ = images
    Y = make_lesion_images(40, multilabel=True, image_size=12, random_state=0)[1]
    X_ref, Y_ref = MultilabelRandomOverSampler(random_state=0).fit_resample(X, Y)
    X_res, Y_res = MultilabelRandomOverSampler(random_state=0).fit_resample(list(X), Y)
    assert isinstance(X_res, list) and len(X_res) == len(X_ref)
    np.testing.assert_array_equal(np.stack(X_res), X_ref)
    np.testing.assert_array_equal(Y_res, Y_ref)


def test_numeric_object_arrays_are_accepted_as_float64(images):
    X, y = images
    X_res, y_res = AugmentingOverSampler(random_state=0).fit_resample(X.astype(object), y)
    X_ref, _ = AugmentingOverSampler(random_state=0).fit_resample(X.astype(np.float64), y)
    assert X_res.dtype == np.float64
    np.testing.assert_array_equal(X_res, X_ref)


def test_object_arrays_of_non_numbers_are_refused(images):
    X, y = images
    bad = X.astype(object)
    bad[0, 0, 0] = "pixel"
    with pytest.raises(TypeError, match="got dtype object with values that are not real"):
        RandomImageUnderSampler().fit_resample(bad, y)


@pytest.mark.parametrize(
    "sampler",
    [AugmentingOverSampler(), MultilabelRandomOverSampler()],
    ids=["augment", "ml-ros"],
)
def test_sparse_matrices_are_named_not_called_objects(images, sampler):
    X, y = images
    y = np.stack([y, 1 - y], axis=1) if isinstance(sampler, MultilabelRandomOverSampler) else y
    with pytest.raises(TypeError, match="sparse matrices are not supported for images"):
        sampler.fit_resample(sparse.csr_matrix(X.reshape(len(X), -1)), y)


def test_check_images_names_sparse_matrices():
    from skmedimg._validation import check_images

    with pytest.raises(TypeError, match=r"X is a sparse matrix \(csr_matrix\); sparse "
                       "matrices are not supported for images"):
        check_images(sparse.csr_matrix(np.eye(4)))


# --------------------------------------------------------------------------- 2-D rows
@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(0)
    return rng.normal(size=(60, 5)), np.repeat([0, 1, 2], [35, 15, 10])


@pytest.mark.parametrize("as_sparse", [False, True])
def test_under_sampler_takes_rows_as_random_under_sampler(rows, as_sparse):
    X, y = rows
    X = sparse.csr_matrix(X) if as_sparse else X
    ours, ref = RandomImageUnderSampler(random_state=0), RandomUnderSampler(random_state=0)
    X_res, y_res = ours.fit_resample(X, y)
    X_ref, y_ref = ref.fit_resample(X, y)
    assert sparse.issparse(X_res) == as_sparse
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(X_res.toarray() if as_sparse else X_res,
                                  X_ref.toarray() if as_sparse else X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    assert ours.n_features_in_ == 5


def test_under_sampler_takes_rows_with_nan_and_strings_as_imblearn():
    X = np.array([["a", 1.0], ["b", np.nan], ["c", 2.0], ["d", 3.0]], dtype=object)
    y = np.array([0, 0, 0, 1])
    X_res, y_res = RandomImageUnderSampler(random_state=0).fit_resample(X, y)
    X_ref, y_ref = RandomUnderSampler(random_state=0).fit_resample(X, y)
    assert X_res.dtype == object and X_res.tolist() == X_ref.tolist()


def test_list_of_rows_comes_back_as_a_list_of_rows(rows):
    X, y = rows
    X_res, y_res = RandomImageUnderSampler(random_state=0).fit_resample(X.tolist(), y.tolist())
    X_ref, _ = RandomUnderSampler(random_state=0).fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_res, list) and isinstance(X_res[0], list) and X_res == X_ref


@pytest.mark.parametrize("as_sparse", [False, True])
def test_over_sampler_without_augmentation_copies_rows_as_random_over_sampler(rows, as_sparse):
    X, y = rows
    X = sparse.csr_matrix(X) if as_sparse else X
    ours = AugmentingOverSampler(random_state=0, **NO_AUGMENTATION)
    X_res, y_res = ours.fit_resample(X, y)
    ref = RandomOverSampler(random_state=0)
    X_ref, y_ref = ref.fit_resample(X, y)
    assert sparse.issparse(X_res) == as_sparse
    np.testing.assert_array_equal(X_res.toarray() if as_sparse else X_res,
                                  X_ref.toarray() if as_sparse else X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    assert ours.intensity_range_ is None and ours.n_features_in_ == 5


def test_over_sampler_with_augmentation_refuses_rows_and_says_why(rows):
    X, y = rows
    with pytest.raises(ValueError, match=r"ndim=2 and shape \(60, 5\)\. AugmentingOverSampler "
                       r"rotates, flips, shifts and blurs images.*set every augmentation "
                       r"to 0 .*RandomOverSampler"):
        AugmentingOverSampler().fit_resample(X, y)


def test_ml_ros_clones_rows_without_augmentation(rows):
    X, _ = rows
    Y = make_lesion_images(60, multilabel=True, weights=(0.3, 0.1, 0.04), image_size=8,
                           random_state=0)[1]
    sampler = MultilabelRandomOverSampler(augmentation=None, random_state=0)
    X_res, Y_res = sampler.fit_resample(X, Y)
    np.testing.assert_array_equal(X_res, X[sampler.sample_indices_])
    np.testing.assert_array_equal(Y_res, Y[sampler.sample_indices_])
    assert len(X_res) > len(X) and sampler.n_features_in_ == 5
    X_sparse, _ = MultilabelRandomOverSampler(augmentation=None, random_state=0).fit_resample(
        sparse.csr_matrix(X), Y)
    assert sparse.issparse(X_sparse)
    np.testing.assert_array_equal(X_sparse.toarray(), X_res)
    with pytest.raises(ValueError, match=r"ndim=2.*set augmentation=None"):
        MultilabelRandomOverSampler().fit_resample(X, Y)


def test_adapter_passes_rows_to_the_sampler(rows):
    X, y = rows
    X_res, y_res = ImageSamplerAdapter(SMOTE(random_state=0)).fit_resample(X, y)
    X_ref, y_ref = SMOTE(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)


def test_adapter_keeps_the_perturbations_of_random_over_sampler_shrinkage(images):
    """RandomOverSampler(shrinkage=...) sets sample_indices_ but perturbs its new rows: the
    adapter must return them, not the unperturbed originals at those indices."""
    X, y = images
    Xf = X.astype(np.float64)
    adapter = ImageSamplerAdapter(RandomOverSampler(shrinkage=1.0, random_state=0))
    X_res, _ = adapter.fit_resample(Xf, y)
    X_ref, _ = RandomOverSampler(shrinkage=1.0, random_state=0).fit_resample(
        Xf.reshape(len(Xf), -1), y)
    np.testing.assert_array_equal(X_res, X_ref.reshape((-1,) + X.shape[1:]))
    assert not np.array_equal(X_res[len(X):], Xf[adapter.sample_indices_[len(X):]])


@pytest.mark.parametrize(
    "sampler, has_indices",
    [(RandomUnderSampler(), True), (SMOTE(k_neighbors=3), False)],
    ids=["selecting", "generating"],
)
def test_adapter_sample_indices_tag_follows_the_sampler(images, sampler, has_indices):
    from sklearn.utils import get_tags

    X, y = images
    adapter = ImageSamplerAdapter(sampler)
    assert get_tags(adapter).sampler_tags.sample_indices is has_indices
    adapter.fit_resample(X, y)
    assert hasattr(adapter, "sample_indices_") is has_indices


# --------------------------------------------------------------------------- private imports
# The only modules of skmedimg that may import private names of other packages: each
# keeps them behind a version gate or fallback, so that a rename breaks one module.
COMPAT_MODULES = ("_sklearn_compat.py", "_keras_compat.py")
# Whole namespaces that are internal although their names do not start with "_".
PRIVATE_NAMESPACES = ("keras.src", "tensorflow.python")


def _is_private(dotted):
    if dotted in PRIVATE_NAMESPACES or dotted.startswith(
            tuple(f"{name}." for name in PRIVATE_NAMESPACES)):
        return True
    return any(part.startswith("_") and not part.endswith("__")
               for part in dotted.split(".")[1:])


def _private_imports(source):
    """``import``/``from ... import`` statements and ``import_module("...")`` calls in
    ``source`` that reach a private name of another package (skmedimg's own are fine)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "id", getattr(node.func, "attr", None))
              in ("import_module", "__import__")):
            names = [node.args[0].value]
        else:
            continue
        found += [name for name in names
                  if name.split(".")[0] not in ("skmedimg", "__future__") and _is_private(name)]
    return found


@pytest.mark.parametrize("source, found", [
    ("from sklearn.utils.validation import _check_sample_weight",
     ["sklearn.utils.validation._check_sample_weight"]),
    ("from sklearn.utils import _safe_indexing, get_tags", ["sklearn.utils._safe_indexing"]),
    ("from sklearn.metrics._scorer import make_scorer", ["sklearn.metrics._scorer.make_scorer"]),
    ("import imblearn.utils._docstring as d", ["imblearn.utils._docstring"]),
    ("def f():\n    from keras.src.random import seed_generator",
     ["keras.src.random.seed_generator"]),
    ("from tensorflow.python.eager import context", ["tensorflow.python.eager.context"]),
    ("importlib.import_module('sklearn.utils._indexing')", ["sklearn.utils._indexing"]),
    ("from sklearn.utils.validation import check_is_fitted\nimport numpy as np\n"
     "from skmedimg._validation import check_images\nfrom . import _base\n"
     "from __future__ import annotations\nfrom skmedimg import __version__", []),
])
def test_private_import_scan_finds_private_names(source, found):
    assert _private_imports(source) == found


def test_only_compat_modules_import_private_names_of_other_packages():
    """Private names of scikit-learn, imbalanced-learn, Keras and TensorFlow are imported
    in _sklearn_compat and _keras_compat only, in every module of skmedimg (issue 15)."""
    import pathlib

    import skmedimg

    root = pathlib.Path(skmedimg.__file__).parent
    paths = sorted(root.rglob("*.py"))
    assert len(paths) > 40 and root / "samplers" / "_augment.py" in paths
    offenders = {str(path.relative_to(root)): found for path in paths
                 if not (path.parent == root and path.name in COMPAT_MODULES)
                 and (found := _private_imports(path.read_text()))}
    assert offenders == {}


# --------------------------------------------------------------------------- docstrings
PUBLIC = ["AugmentingOverSampler", "RandomImageUnderSampler", "ImageSamplerAdapter",
          "MultilabelRandomOverSampler", "BalancedBatchDataset"]
# Parameter sections and summaries; See Also / Examples / extended summaries are not
# required of every inherited method.
METHOD_CODES = {"GL08", "PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "PR07", "PR08",
                "PR09", "PR10", "RT01", "RT03", "SS01", "SS02", "SS03", "SS04", "SS05"}
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[A-Za-z_]+\}")


def _public_methods(cls):
    import inspect

    return [name for name, member in inspect.getmembers(cls)
            if not name.startswith("_") and callable(member) and not isinstance(member, type)]


@pytest.mark.parametrize("name", PUBLIC)
def test_numpydoc_validation_of_public_samplers(name):
    validate = pytest.importorskip("numpydoc.validate").validate
    from skmedimg import samplers

    cls = getattr(samplers, name)
    assert not PLACEHOLDER.search(cls.__doc__), PLACEHOLDER.findall(cls.__doc__)
    # The class docstring: no numpydoc error at all (its Parameters must match __init__).
    assert validate(f"skmedimg.samplers.{name}")["errors"] == []
    for method in _public_methods(cls):
        result = validate(f"skmedimg.samplers.{name}.{method}")
        errors = [(code, msg) for code, msg in result["errors"] if code in METHOD_CODES]
        assert errors == [], f"{name}.{method}: {errors}"
        doc = getattr(cls, method).__doc__ or ""
        assert not PLACEHOLDER.search(doc), f"{name}.{method}"


@pytest.mark.parametrize(
    "sampler, target",
    [(AugmentingOverSampler(brightness=0.1, random_state=0), "y"),
     (RandomImageUnderSampler(random_state=0), "y"),
     (ImageSamplerAdapter(TomekLinks()), "y"),
     (MultilabelRandomOverSampler(random_state=0), "Y")],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else v,
)
def test_attributes_section_lists_every_fitted_attribute(images, sampler, target):
    NumpyDocString = pytest.importorskip("numpydoc.docscrape").NumpyDocString
    X, y = images
    if target == "Y":
        y = make_lesion_images(40, multilabel=True, image_size=12, random_state=0)[1]
    fitted = clone(sampler)
    fitted.fit_resample(X, y)
    attributes = {name for name in vars(fitted)
                  if name.endswith("_") and not name.startswith("_")}
    documented = {p.name for p in NumpyDocString(type(sampler).__doc__)["Attributes"]}
    assert attributes and attributes <= documented, attributes - documented
