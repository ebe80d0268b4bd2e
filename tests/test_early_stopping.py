"""Early stopping never restores the weights of the first (warm-up) epochs."""

import keras
import numpy as np

from skmedimg import CNNClassifier
from skmedimg.datasets import make_lesion_images


class _WeightsPerEpoch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


def test_restored_weights_come_from_after_the_warm_up():
    X, y = make_lesion_images(80, weights=(0.7, 0.3), image_size=8, random_state=0)
    record = _WeightsPerEpoch()
    # Here the validation loss is lowest after the first epoch (0.61, then 0.66, 0.92...),
    # so without a warm-up epoch 1's weights would come back.
    clf = CNNClassifier(epochs=6, patience=2, learning_rate=0.01, validation_fraction=0.25,
                        batch_size=16, callbacks=[record], metrics=None, random_state=0,
                        augmentation=None)
    clf.fit(X, y)
    val_loss = clf.history_["val_loss"]
    assert int(np.argmin(val_loss)) < 2  # the case this test is about
    final = clf.model_.get_weights()
    restored = [i for i, w in enumerate(record.weights)
                if all(np.array_equal(a, b) for a, b in zip(w, final))]
    warm_up = min(clf.patience, clf.epochs // 3)
    assert restored and min(restored) >= warm_up, (restored, val_loss)
    # The restored epoch is the best one after the warm-up.
    assert min(restored) == warm_up + int(np.argmin(val_loss[warm_up:])), (restored, val_loss)
