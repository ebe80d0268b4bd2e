"""Keras callbacks and checks that guard a CNNClassifier fit: a ``monitor`` the model
does not log, and training that diverges to a NaN or infinite loss or weights."""

from __future__ import annotations

import keras
import numpy as np


class _MonitorCheck(keras.callbacks.Callback):
    """Fail on a ``monitor`` the model does not log, after the first epoch.

    Keras' EarlyStopping only warns and then never stops, and the logged names depend on
    the compiled metrics, so they can only be checked against a real epoch's logs.
    """

    def __init__(self, monitor: str):
        super().__init__()
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            logged = sorted(k for k in logs if k.startswith("val_"))
            raise ValueError(
                f"monitor={self.monitor!r} is not logged by this model; its validation "
                f"quantities are {logged}. Pass one of them (metrics='auto' logs val_auc, "
                "val_recall, val_precision and val_f2)."
            )


class _StopOnNonFinite(keras.callbacks.Callback):
    """Fail as soon as the training loss is NaN or infinite.

    Keras' ``TerminateOnNaN`` only stops training (and prints), after which ``fit``
    would return a network that predicts NaN; this raises, and the failed fit then
    leaves no such network behind. Safe for Keras' asynchronous batch callbacks (the
    error then surfaces at the latest when the epoch ends), so it costs no
    synchronisation per batch.
    """

    async_safe = True

    def __init__(self, learning_rate):
        super().__init__()
        self.learning_rate = learning_rate
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            raise ValueError(_diverged_message(
                f"the training loss became {float(loss)} in epoch {self.epoch + 1}, batch "
                f"{batch + 1}", self.learning_rate,
            ))


def _diverged_message(what: str, learning_rate) -> str:
    return (
        f"Training diverged: {what}, so the network would predict NaN. Lower "
        f"learning_rate (now {learning_rate!r}), check a custom loss, and check the "
        "class and sample weights and the intensity range of the images."
    )


def _check_finite_weights(model, learning_rate) -> None:
    if not all(np.isfinite(w).all() for w in model.get_weights()):
        raise ValueError(_diverged_message("some network weights are NaN or infinite",
                                           learning_rate))
