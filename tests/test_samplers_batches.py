"""BalancedBatchDataset: balanced Keras batches redrawn every epoch, O(batch) memory."""

import os
import subprocess
import sys
from collections import Counter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from imblearn.over_sampling import SMOTE, RandomOverSampler  # noqa: E402
from imblearn.under_sampling import RandomUnderSampler  # noqa: E402

from skmedimg.datasets import make_lesion_images  # noqa: E402
from skmedimg.samplers import (  # noqa: E402
    AugmentingOverSampler,
    ImageSamplerAdapter,
    MultilabelRandomOverSampler,
    RandomImageUnderSampler,
)

keras = pytest.importorskip("keras")
from skmedimg.samplers import BalancedBatchDataset  # noqa: E402

RND_SEED = 0


@pytest.fixture(scope="module")
def data():
    return make_lesion_images(100, weights=(0.85, 0.15), image_size=12, random_state=RND_SEED)


def _epoch(dataset):
    """All (x, y) of one epoch, in order, and the indices behind them."""
    xs, ys = zip(*(dataset[i][:2] for i in range(len(dataset))))
    return np.concatenate(xs), np.concatenate(ys), dataset.indices.copy()


def test_import_samplers_does_not_import_tensorflow():
    code = ("import sys, skmedimg.samplers; "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_is_a_proper_keras_py_dataset(data):
    X, y = data
    ds = BalancedBatchDataset(X, y, batch_size=16, workers=2, max_queue_size=3)
    assert isinstance(ds, keras.utils.PyDataset)
    assert ds.workers == 2 and ds.max_queue_size == 3  # PyDataset.__init__ ran
    assert len(ds) == 7 and ds.num_batches == 7
    x, yb = ds[6]
    assert x.shape == (4, 12, 12) and x.dtype == np.uint8 and yb.shape == (4,)
    with pytest.raises(IndexError):
        ds[7]


def test_plain_batches_cover_every_image_once(data):
    X, y = data
    x, yb, idx = _epoch(BalancedBatchDataset(X, y, batch_size=32, random_state=0))
    np.testing.assert_array_equal(np.sort(idx), np.arange(100))
    np.testing.assert_array_equal(x, X[idx])
    np.testing.assert_array_equal(yb, y[idx])


@pytest.mark.parametrize(
    "sampler, counts",
    [
        (RandomOverSampler(), {0: 85, 1: 85}),
        (RandomUnderSampler(), {0: 15, 1: 15}),
        (RandomImageUnderSampler(sampling_strategy=0.5), {0: 30, 1: 15}),
        (AugmentingOverSampler(sampling_strategy=0.5, rotation=20), {0: 85, 1: 42}),
    ],
    ids=["ros", "rus", "image-rus", "augment"],
)
def test_epoch_counts_follow_the_sampler(data, sampler, counts):
    X, y = data
    ds = BalancedBatchDataset(X, y, sampler=sampler, batch_size=20, random_state=0)
    _, yb, _ = _epoch(ds)
    assert dict(Counter(yb.tolist())) == counts
    assert len(ds) == -(-sum(counts.values()) // 20)


def test_indices_and_augmentations_redrawn_every_epoch_and_reproducible(data):
    X, y = data

    def two_epochs(seed):
        ds = BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(rotation=30, flip=True),
                                  batch_size=25, random_state=seed)
        first = _epoch(ds)
        originals = first[2][~ds._synthetic]
        ds.on_epoch_end()
        return first, _epoch(ds), ds, originals

    (x1, _, i1), (x2, _, i2), ds, originals = two_epochs(0)
    assert ds.epoch == 1
    assert not np.array_equal(i1, i2)  # new draw, new order
    np.testing.assert_array_equal(np.sort(originals), np.arange(100))
    (x1b, _, i1b), (x2b, _, i2b), _, _ = two_epochs(0)
    np.testing.assert_array_equal(i1, i1b)
    np.testing.assert_array_equal(x1, x1b)
    np.testing.assert_array_equal(x2, x2b)
    # The same batch twice gives the same images (any worker order).
    np.testing.assert_array_equal(ds[3][0], ds[3][0])


def test_only_new_rows_are_augmented(data):
    X, y = data
    ds = BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(rotation=30, zoom=0.2),
                              batch_size=32, random_state=1)
    x, _, idx = _epoch(ds)
    synthetic = ds._synthetic
    np.testing.assert_array_equal(x[~synthetic], X[idx[~synthetic]])
    changed = [not np.array_equal(a, b) for a, b in zip(x[synthetic], X[idx[synthetic]])]
    assert synthetic.sum() == 70 and np.mean(changed) > 0.9


def test_y_encoded_and_sample_weight_follow_the_indices(data):
    X, y = data
    Y = np.eye(2, dtype=np.float32)[y]
    sw = np.linspace(0.5, 1.5, 100)
    ds = BalancedBatchDataset(X, y, sampler=RandomOverSampler(), y_encoded=Y, sample_weight=sw,
                              batch_size=50, random_state=0)
    x, yb, wb = ds[1]
    idx = ds.indices[50:100]
    np.testing.assert_array_equal(yb, Y[idx])
    np.testing.assert_array_equal(wb, sw[idx])
    assert x.dtype == np.uint8


def test_multilabel_balancing_with_ml_ros():
    X, Y = make_lesion_images(120, multilabel=True, image_size=12, random_state=0)
    sampler = MultilabelRandomOverSampler(max_new_fraction=0.5,
                                          augmentation=AugmentingOverSampler(flip=True))
    ds = BalancedBatchDataset(X, Y, sampler=sampler, batch_size=32, random_state=0)
    _, Yb, idx = _epoch(ds)
    assert Yb.shape[1] == 3 and len(Yb) > 120
    assert Yb[:, 2].mean() > Y[:, 2].mean()
    sizes = set()
    for _ in range(4):  # ML-ROS's count varies with the draw; the epoch size must not
        ds.on_epoch_end()
        sizes.add((len(ds), len(ds.indices)))
    assert sizes == {(len(ds), len(Yb))}


def test_float_and_4d_images_keep_dtype():
    X, y = make_lesion_images(60, weights=(0.8, 0.2), image_size=10, n_channels=3,
                              random_state=0)
    Xf = X.astype(np.float32) * 40.0 - 1000.0  # CT-like range, not rescaled
    ds = BalancedBatchDataset(Xf, y, sampler=AugmentingOverSampler(rotation=20, brightness=0.1),
                              batch_size=16, random_state=0)
    x, _, _ = _epoch(ds)
    assert x.dtype == np.float32 and x.shape[1:] == (10, 10, 3)
    assert x.min() >= Xf.min() and x.max() <= Xf.max()


def test_no_copy_of_the_training_set(data):
    X, y = data
    ds = BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(rotation=10), batch_size=8)
    assert ds.X is X
    assert ds[0][0].nbytes == 8 * X[0].nbytes


@pytest.mark.parametrize(
    "sampler, match",
    [(SMOTE(), "cannot balance batches on the fly"),
     (ImageSamplerAdapter(SMOTE()), "cannot resample labels alone")],
)
def test_pixel_dependent_samplers_rejected(data, sampler, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        BalancedBatchDataset(X, y, sampler=sampler)


def test_bad_arguments(data):
    X, y = data
    with pytest.raises(ValueError, match="different lengths"):
        BalancedBatchDataset(X, y[:-1])
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        BalancedBatchDataset(X, y, batch_size=0)
    with pytest.raises(ValueError, match="ndim=2"):
        BalancedBatchDataset(X.reshape(100, -1), y)
    with pytest.raises(ValueError, match="'rotation' parameter"):
        BalancedBatchDataset(X, y, sampler=AugmentingOverSampler(rotation=-1))


def test_model_fit_redraws_each_epoch(data):
    X, y = data
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((12, 12, 1)),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Flatten(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ds = BalancedBatchDataset(X[..., None], y.astype("float32"), batch_size=32, random_state=0,
                              sampler=AugmentingOverSampler(rotation=15, flip=True))
    seen = []
    callback = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(ds.indices.copy())
    )
    history = model.fit(ds, epochs=3, verbose=0, callbacks=[callback])
    # Keras also calls on_epoch_end once before the first epoch (EpochIterator.reset).
    assert len(history.history["loss"]) == 3 and ds.epoch == 4
    assert not np.array_equal(seen[0], seen[1]) and not np.array_equal(seen[1], seen[2])
