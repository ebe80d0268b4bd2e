"""Grid search at scale: joblib's process backend and a Dask cluster give the same
search as a sequential run."""

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.model_selection import GridSearchCV

from skmedimg import CNNClassifier
from skmedimg.datasets import make_lesion_images
from skmedimg.samplers import AugmentingOverSampler


def _search(n_jobs):
    # Every process runs TensorFlow with one thread (conftest sets OMP_NUM_THREADS=1 here;
    # joblib and Dask set it in their workers): with another thread count float32 sums
    # differ in the last bits, which a few epochs of training can amplify.
    pipe = Pipeline([
        ("balance", AugmentingOverSampler(sampling_strategy=0.5, rotation=10, flip=True,
                                          random_state=0)),
        ("cnn", CNNClassifier(epochs=3, batch_size=16, validation_fraction=0.0,
                              random_state=0)),
    ])
    return GridSearchCV(pipe, {"cnn__class_weight": [None, "balanced"],
                               "cnn__learning_rate": [1e-5, 3e-3]},
                        scoring="roc_auc", cv=2, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(200, weights=(0.85, 0.15), image_size=16, random_state=0)


@pytest.fixture(scope="module")
def sequential(data):
    return _search(n_jobs=1).fit(*data)


def test_grid_search_n_jobs_2_matches_sequential(data, sequential):
    parallel = _search(n_jobs=2).fit(*data)
    assert parallel.best_params_ == sequential.best_params_
    scores = np.sort(sequential.cv_results_["mean_test_score"])
    assert scores[-1] > scores[-2]  # a winner, not a tie broken by candidate order
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"],
                               sequential.cv_results_["mean_test_score"], atol=1e-6)


def test_grid_search_on_a_local_dask_cluster(data, sequential):
    distributed = pytest.importorskip("distributed")
    import joblib

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
            on_dask = _search(n_jobs=-1).fit(*data)
        workers = {t["worker"] for t in tasks.data}
    assert len(tasks.data) >= 4 and len(workers) == 2  # the fits ran on both workers
    scores = on_dask.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores.shape == (4,)
    assert on_dask.best_params_ == on_dask.cv_results_["params"][int(np.argmax(scores))]
    # The same search as a sequential run. A Dask worker's event loop draws from Python's
    # global random, which Keras seeds its initializers from: this used to make the first
    # fit on a worker differ (see skmedimg/_keras_compat.py).
    np.testing.assert_allclose(scores, sequential.cv_results_["mean_test_score"], atol=1e-6)
    assert on_dask.best_params_ == sequential.best_params_
    assert on_dask.predict(data[0][:5]).shape == (5,)


def test_grid_search_on_dask_ships_paths_not_pixels(tmp_path):
    """A LazyImageArray crosses to Dask workers as a path and row indices: the bytes the
    driver serialises for the whole search are a small fraction of the pixels, where an
    in-memory array is sent with every task. Both searches give the same scores."""
    distributed = pytest.importorskip("distributed")
    import importlib

    import joblib

    from skmedimg.datasets import LazyImageArray

    serialize = importlib.import_module("distributed.protocol.serialize")

    X, y = make_lesion_images(200, weights=(0.8, 0.2), image_size=48, random_state=1)
    np.save(tmp_path / "X.npy", X)
    lazy = LazyImageArray(tmp_path / "X.npy")
    sent = []

    def counting(dumps):
        def wrapped(*args, **kwargs):
            header, frames = dumps(*args, **kwargs)
            sent.append(sum(memoryview(f).nbytes for f in frames))
            return header, frames
        return wrapped

    def search(X_):
        gs = GridSearchCV(CNNClassifier(epochs=1, batch_size=32, validation_fraction=0.0,
                                        random_state=0),
                          {"learning_rate": [1e-3, 3e-3]}, scoring="roc_auc", cv=2,
                          n_jobs=-1, refit=False)
        sent.clear()
        with joblib.parallel_backend("dask"):
            gs.fit(X_, y)
        return gs.cv_results_["mean_test_score"], sum(sent)

    originals = {name: serialize.families[name] for name in ("pickle", "dask")}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        try:
            for name, (dumps, loads, ctx) in originals.items():
                serialize.families[name] = (counting(dumps), loads, ctx)
            memory_scores, memory_bytes = search(X)
            lazy_scores, lazy_bytes = search(lazy)
        finally:
            serialize.families.update(originals)
    assert memory_bytes > X.nbytes  # the pixels went to the workers (joblib scatters them)
    assert lazy_bytes < X.nbytes / 10, (lazy_bytes, X.nbytes)
    np.testing.assert_allclose(lazy_scores, memory_scores, atol=1e-6)
