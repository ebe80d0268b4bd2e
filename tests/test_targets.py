"""Private target helpers check their own inputs (callers other than CNNClassifier)."""

import numpy as np
import pytest

from skmedimg._targets import NetworkTargetEncoder, per_label_weights

Y = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_per_label_weights_refuse_negative_or_non_finite_values(bad):
    with pytest.raises(ValueError, match="finite and >= 0"):
        per_label_weights([{0: 1.0, 1: bad}, {0: 1.0, 1: 2.0}], Y)


def test_per_label_weights_balanced_formula():
    pos, neg = per_label_weights("balanced", Y)
    assert pos == [4 / (2 * 2), 4 / (2 * 2)] and neg == pos
    pos, neg = per_label_weights([{1: 3.0}, {0: 0.5}], Y)
    assert pos == [3.0, 1.0] and neg == [1.0, 0.5]


@pytest.mark.parametrize("y,match", [
    (np.array([0.5, 1.5, 2.25, 3.0]), "Unknown label type: continuous"),
    (np.array([0, 1, 0, 1], dtype=object), "Unknown label type: unknown"),  # as scikit-learn
    (np.zeros(4, dtype=int), r"y contains only one class \(0\); a classifier needs samples of "
                             "at least two classes"),
])
def test_target_encoder_refuses_with_scikit_learns_wording(y, match):
    with pytest.raises(ValueError, match=match):
        NetworkTargetEncoder().fit(y)


def test_target_encoder_round_trip():
    enc = NetworkTargetEncoder().fit(np.array(["b", "a", "b"]))
    np.testing.assert_array_equal(enc.transform(["a", "b"]), [[0.0], [1.0]])
    raw = np.array([[0.2], [0.9]], dtype=np.float32)
    np.testing.assert_allclose(enc.inverse_transform(raw, return_proba=True),
                               [[0.8, 0.2], [0.1, 0.9]], rtol=1e-6)
    np.testing.assert_array_equal(enc.inverse_transform(raw), ["a", "b"])
