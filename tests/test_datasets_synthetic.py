"""make_lesion_images: shapes, prevalence, determinism, learnability and bad input."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from skmedimg.datasets import LESION_NAMES, make_lesion_images


def test_binary_shapes_counts_and_dtype():
    X, y = make_lesion_images(500, weights=(0.9, 0.1), image_size=(24, 20), random_state=0)
    assert X.shape == (500, 24, 20) and X.dtype == np.uint8
    assert y.shape == (500,) and set(np.unique(y)) == {0, 1}
    assert y.sum() == 50  # exact prevalence: round(500 * 0.1)
    X4, _ = make_lesion_images(10, image_size=16, n_channels=3, random_state=0)
    assert X4.shape == (10, 16, 16, 3)


def test_deterministic_with_random_state():
    a = make_lesion_images(50, image_size=16, random_state=3)
    b = make_lesion_images(50, image_size=16, random_state=3)
    c = make_lesion_images(50, image_size=16, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_lesions_change_the_image():
    X, y = make_lesion_images(400, weights=(0.5, 0.5), image_size=32, random_state=0)
    # Lesions are bright or dark blobs: positives deviate more from the tissue mean.
    centre = X[:, 8:24, 8:24].astype(float)
    spread = centre.reshape(len(X), -1).std(axis=1)
    assert spread[y == 1].mean() > spread[y == 0].mean() + 3


def test_multilabel():
    X, Y = make_lesion_images(400, multilabel=True, image_size=16, random_state=0)
    assert Y.shape == (400, len(LESION_NAMES))
    np.testing.assert_array_equal(Y.sum(axis=0), [80, 40, 20])  # default prevalences
    _, Y2 = make_lesion_images(100, multilabel=True, weights=(0.5, 0.3), random_state=0)
    assert Y2.shape == (100, 2)


def test_small_cnn_beats_chance_clearly():
    from skmedimg import CNNClassifier

    X, y = make_lesion_images(800, weights=(0.8, 0.2), image_size=16, random_state=0)
    Xt, yt = make_lesion_images(400, weights=(0.8, 0.2), image_size=16, random_state=1)
    clf = CNNClassifier(epochs=8, learning_rate=3e-3, validation_fraction=0.0, random_state=0)
    auc = roc_auc_score(yt, clf.fit(X, y).predict_proba(Xt)[:, 1])
    assert auc > 0.8, auc


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"image_size": 4}, "at least 8x8"),
        ({"image_size": "big"}, "image_size"),
        ({"weights": (0.5, 0.3, 0.2)}, "binary data"),
        ({"weights": (1.5, -0.5)}, r"\[0, 1\]"),
        ({"multilabel": True, "weights": (0.1,) * 4}, "1 to 3"),
        ({"n_channels": 0}, "n_channels"),
        ({"lesion_contrast": 0}, "lesion_contrast"),
    ],
)
def test_bad_parameters(kwargs, match):
    kwargs = {"n_samples": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_lesion_images(**kwargs)


def test_labels_do_not_follow_train_test_split_with_the_same_seed():
    from sklearn.model_selection import train_test_split

    X, y = make_lesion_images(200, weights=(0.8, 0.2), image_size=16, random_state=0)
    _, _, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    assert 0 < y_test.sum() < 40 and y_train.sum() > 0
