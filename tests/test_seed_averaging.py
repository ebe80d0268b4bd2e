"""Seed averaging, the recipe's variance reducer, with scikit-learn's own soft vote."""

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier

from skmedimg import CNNClassifier, ThresholdTuner
from skmedimg.datasets import make_lesion_images


def test_soft_vote_over_seeds_averages_the_networks_and_tunes():
    X, y = make_lesion_images(60, weights=(0.7, 0.3), image_size=8, random_state=0)
    cnn = CNNClassifier(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None)
    vote = VotingClassifier([(f"seed{k}", clone(cnn).set_params(random_state=k))
                             for k in range(2)], voting="soft").fit(X, y)
    members = [clone(cnn).set_params(random_state=k).fit(X, y) for k in range(2)]
    expected = np.mean([m.predict_proba(X) for m in members], axis=0)
    np.testing.assert_allclose(vote.predict_proba(X), expected, rtol=1e-6)
    assert not np.allclose(members[0].predict_proba(X), members[1].predict_proba(X))
    tuner = ThresholdTuner(vote, objective="max_specificity", min_recall=0.8, cv=2,
                           random_state=0).fit(X, y)
    assert tuner.predict(X).shape == (60,) and 0 < tuner.threshold_ < 1
