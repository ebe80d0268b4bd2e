"""Samplers inside imblearn.pipeline.Pipeline: resampling in fit only, searchable params."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from imblearn.over_sampling import SMOTE  # noqa: E402
from imblearn.pipeline import Pipeline  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate  # noqa: E402

from skmedimg.datasets import make_lesion_images  # noqa: E402
from skmedimg.samplers import (  # noqa: E402
    AugmentingOverSampler,
    ImageSamplerAdapter,
    RandomImageUnderSampler,
)

RND_SEED = 0


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(120, weights=(0.8, 0.2), image_size=12, random_state=RND_SEED)


class SpyClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on flattened pixels that records every X it is given."""

    def __init__(self, log=None):
        self.log = log

    def fit(self, X, y):
        self.log.append(("fit", X.copy(), np.asarray(y).copy()))
        self.model_ = LogisticRegression(max_iter=200).fit(X.reshape(len(X), -1) / 255, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        self.log.append(("predict", X.copy(), None))
        return self.model_.predict(X.reshape(len(X), -1) / 255)


SAMPLERS = [
    AugmentingOverSampler(rotation=20, flip=True, random_state=RND_SEED),
    RandomImageUnderSampler(random_state=RND_SEED),
    ImageSamplerAdapter(SMOTE(random_state=RND_SEED)),
]


@pytest.mark.parametrize("sampler", SAMPLERS, ids=["augment", "under", "smote"])
def test_resampling_in_fit_only(data, sampler):
    X, y = data
    log = []
    pipe = Pipeline([("balance", sampler), ("clf", SpyClassifier(log=log))])
    cv = StratifiedKFold(3, shuffle=True, random_state=RND_SEED)
    cross_validate(pipe, X, y, cv=cv, scoring="balanced_accuracy")
    fits = [entry for entry in log if entry[0] == "fit"]
    predicts = [entry[1] for entry in log if entry[0] == "predict"]
    for (train, test), (_, X_fit, y_fit), X_pred in zip(cv.split(X, y), fits, predicts):
        # predict sees the test fold exactly: no synthetic or dropped image.
        np.testing.assert_array_equal(X_pred, X[test])
        # fit saw the resampled training fold: balanced.
        assert np.bincount(y_fit)[0] == np.bincount(y_fit)[1]
        assert len(X_fit) != len(train)


def test_grid_search_over_sampler_parameters(data):
    X, y = data
    pipe = Pipeline([("balance", AugmentingOverSampler(random_state=RND_SEED)),
                     ("clf", SpyClassifier(log=[]))])
    grid = {"balance__rotation": [0, 15], "balance__sampling_strategy": [0.5, "auto"]}
    search = GridSearchCV(pipe, grid, cv=3, scoring="balanced_accuracy").fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["balance__rotation"] in (0, 15)
    adapter = Pipeline([("balance", ImageSamplerAdapter(SMOTE(random_state=RND_SEED))),
                        ("clf", SpyClassifier(log=[]))])
    search = GridSearchCV(adapter, {"balance__sampler__k_neighbors": [2, 4]}, cv=2).fit(X, y)
    assert search.best_params_["balance__sampler__k_neighbors"] in (2, 4)



def _spy_cnn_class():
    from skmedimg import CNNClassifier

    class RecordingCNN(CNNClassifier):
        seen: list = []

        def predict_proba(self, X, **kwargs):
            RecordingCNN.seen.append(np.asarray(X).copy())
            return super().predict_proba(X, **kwargs)

    return RecordingCNN


def test_cnn_pipeline_grid_search_and_clean_test_folds(data):
    pytest.importorskip("scikeras")
    X, y = data
    RecordingCNN = _spy_cnn_class()
    pipe = Pipeline([
        ("balance", AugmentingOverSampler(flip=True, random_state=RND_SEED)),
        ("cnn", RecordingCNN(epochs=1, batch_size=32, validation_fraction=0, random_state=0,
                             verbose=0)),
    ])
    cv = StratifiedKFold(2, shuffle=True, random_state=RND_SEED)
    search = GridSearchCV(pipe, {"balance__rotation": [0, 20]}, cv=cv, scoring="roc_auc")
    search.fit(X, y)
    assert len(search.cv_results_["mean_test_score"]) == 2
    assert search.best_params_["balance__rotation"] in (0, 20)
    test_folds = [X[test] for _, test in cv.split(X, y)]
    # Every scoring call saw exactly one untouched test fold.
    assert len(RecordingCNN.seen) == 4
    for seen in RecordingCNN.seen:
        assert any(seen.shape == fold.shape and np.array_equal(seen, fold)
                   for fold in test_folds)
    proba = search.predict_proba(X[:7])
    assert proba.shape == (7, 2)
