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
    # Half-way oversampling keeps class_weight meaningful (no exact score ties to break).
    pipe = Pipeline([
        ("balance", AugmentingOverSampler(sampling_strategy=0.5, rotation=10, flip=True,
                                          random_state=0)),
        ("cnn", CNNClassifier(epochs=2, validation_fraction=0.0, random_state=0)),
    ])
    return GridSearchCV(pipe, {"cnn__class_weight": [None, "balanced"],
                               "cnn__learning_rate": [3e-4, 3e-3]},
                        scoring="roc_auc", cv=2, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(200, weights=(0.8, 0.2), image_size=16, random_state=0)


@pytest.fixture(scope="module")
def sequential(data):
    return _search(n_jobs=1).fit(*data)


def test_grid_search_n_jobs_2_matches_sequential(data, sequential):
    parallel = _search(n_jobs=2).fit(*data)
    assert parallel.best_params_ == sequential.best_params_
    scores = np.sort(sequential.cv_results_["mean_test_score"])
    assert scores[-1] - scores[-2] > 1e-3  # a real winner, not a tie
    # Workers run TensorFlow with 1 thread (OMP_NUM_THREADS set by joblib/dask), the
    # parent with 2: float32 sums differ in the last bits (~1e-7 in the probabilities),
    # which a few epochs of training can grow, but not enough to change the ranking.
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"],
                               sequential.cv_results_["mean_test_score"], atol=0.02)


def test_grid_search_on_a_local_dask_cluster(data, sequential):
    distributed = pytest.importorskip("distributed")
    import joblib

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with joblib.parallel_backend("dask"):
            on_dask = _search(n_jobs=-1).fit(*data)
    assert on_dask.best_params_ == sequential.best_params_
    np.testing.assert_allclose(on_dask.cv_results_["mean_test_score"],
                               sequential.cv_results_["mean_test_score"], atol=0.02)
