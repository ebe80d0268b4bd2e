"""Private target helpers check their own inputs (callers other than CNNClassifier)."""

import numpy as np
import pytest

from skmedimg._targets import per_label_weights

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
