"""ThresholdTuner with a real (tiny) CNNClassifier: the safe default for networks."""

import numpy as np
import pytest
from sklearn.metrics import recall_score
from sklearn.model_selection import train_test_split

from skmedimg import ThresholdTuner
from skmedimg.datasets import make_lesion_images


def test_recall_constraint_holds_on_unseen_images_with_a_cnn():
    pytest.importorskip("tensorflow")
    try:
        from skmedimg._classifier import CNNClassifier
    except ImportError:  # pragma: no cover - the classifier is developed in parallel
        pytest.skip("skmedimg._classifier.CNNClassifier is not available yet")
    X, y = make_lesion_images(300, weights=(0.7, 0.3), image_size=16, lesion_contrast=2.5,
                              random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.4, stratify=y,
                                              random_state=0)
    cnn = CNNClassifier(epochs=3, learning_rate=0.01, batch_size=16, validation_fraction=0.0,
                        random_state=0, verbose=0)
    tuner = ThresholdTuner(cnn, objective="max_specificity", min_recall=0.9, cv=3,
                           random_state=0).fit(X_tr, y_tr)
    # non-deterministic estimator: fold ensemble by default, no refit
    assert tuner.ensemble_ and not tuner.refit_ and len(tuner.estimators_) == 3
    assert tuner.constraint_met_
    assert np.isfinite(tuner.threshold_spread_["std"])
    # the out-of-fold threshold transfers to the deployed (ensemble) model
    assert recall_score(y_te, tuner.predict(X_te)) >= 0.85
    rule = ThresholdTuner.from_json(tuner.to_json())
    np.testing.assert_array_equal(rule.predict(tuner.predict_proba(X_te)), tuner.predict(X_te))


def test_prefit_rejects_an_initialized_but_untrained_cnn():
    pytest.importorskip("tensorflow")
    from sklearn.exceptions import NotFittedError

    from skmedimg import CNNClassifier

    X, y = make_lesion_images(40, weights=(0.5, 0.5), image_size=16, random_state=0)
    cnn = CNNClassifier(epochs=1, validation_fraction=0.0).initialize(X, y)
    with pytest.raises(NotFittedError, match="must be fitted"):
        ThresholdTuner(cnn, cv="prefit").fit(X, y)
