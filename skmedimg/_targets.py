"""Target checks and encoding for the CNN: labels in, the arrays Keras trains on out."""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import type_of_target

SUPPORTED_TARGETS = ("binary", "multiclass", "multilabel-indicator")


class NetworkTargetEncoder:
    """Map scikit-learn targets to network outputs and back.

    Binary targets train one sigmoid unit on a (n, 1) float matrix, multiclass targets a
    softmax over one-hot rows, multilabel indicator targets one sigmoid unit per label.
    Writing this ourselves, instead of scikeras' encoder, keeps the output layer, the
    loss and the streaming metrics in agreement (scikeras picks the encoding from the
    loss name and cannot see ``loss="focal"``). It is what ``CNNClassifier``'s
    ``target_encoder`` property returns (scikeras' extension point), with scikeras'
    ``inverse_transform(y, return_proba=False)`` interface.
    """

    def fit(self, y, classes=None) -> NetworkTargetEncoder:
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if y.ndim not in (1, 2):
            raise ValueError(
                f"y must be 1-D labels or a 2-D indicator matrix; got shape {y.shape}."
            )
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinite values.")
        target_type = type_of_target(y if classes is None else np.asarray(classes))
        if y.ndim == 2:
            target_type = type_of_target(y)
        if target_type not in SUPPORTED_TARGETS:
            # scikit-learn's wording (check_classification_targets), then ours.
            raise ValueError(
                f"Unknown label type: {target_type}. CNNClassifier handles binary, "
                "multiclass and multilabel-indicator targets (type_of_target)."
            )
        self.target_type_ = target_type
        if target_type == "multilabel-indicator":
            self.classes_ = np.arange(y.shape[1])
        else:
            self.classes_ = np.unique(y) if classes is None else np.asarray(classes)
            if self.classes_.size < 2:
                raise ValueError(
                    f"y contains only one class ({self.classes_.tolist()[0]!r}); a classifier "
                    "needs samples of at least two classes to learn from."
                )
            if self.classes_.size == 2:
                self.target_type_ = "binary"
        return self

    @property
    def n_outputs(self) -> int:
        return 1 if self.target_type_ == "binary" else len(self.classes_)

    @property
    def output_activation(self) -> str:
        return "softmax" if self.target_type_ == "multiclass" else "sigmoid"

    def labels(self, y) -> np.ndarray:
        """Integer class indices (binary/multiclass) or the 0/1 indicator matrix."""
        y = np.asarray(y)
        if self.target_type_ == "multilabel-indicator":
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y must be an indicator matrix with {len(self.classes_)} columns; "
                    f"got shape {y.shape}."
                )
            return y.astype(np.int64, copy=False)
        y = y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y
        idx = np.searchsorted(self.classes_, y)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        unseen = self.classes_[idx] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels not seen in the first fit: {np.unique(y[unseen])[:5]}."
            )
        return idx

    def transform(self, y) -> np.ndarray:
        """The float32 target matrix Keras trains on."""
        idx = self.labels(y)
        if self.target_type_ == "multilabel-indicator":
            return idx.astype(np.float32)
        if self.target_type_ == "binary":
            return idx.astype(np.float32).reshape(-1, 1)
        return np.eye(len(self.classes_), dtype=np.float32)[idx]

    def proba(self, raw: np.ndarray) -> np.ndarray:
        """scikit-learn's ``predict_proba`` layout: (n, n_classes) or (n, n_labels)."""
        raw = np.asarray(raw, dtype=np.float64).reshape(len(raw), -1)
        if self.target_type_ == "binary":
            return np.hstack([1.0 - raw, raw])
        return raw

    def predict(self, proba: np.ndarray) -> np.ndarray:
        """Labels from ``predict_proba``'s layout: the most probable class, or 0/1 at 0.5
        per label."""
        if self.target_type_ == "multilabel-indicator":
            return (proba > 0.5).astype(np.int64)
        return self.classes_[np.argmax(proba, axis=1)]

    def inverse_transform(self, y, return_proba: bool = False) -> np.ndarray:
        """Network outputs back to labels, or to ``predict_proba``'s layout with
        ``return_proba=True`` (scikeras' target-encoder interface)."""
        proba = self.proba(y)
        return proba if return_proba else self.predict(proba)


def per_label_weights(class_weight, Y: np.ndarray) -> tuple[list[float], list[float]]:
    """(pos_weight, neg_weight) per label of a multilabel indicator matrix.

    ``"balanced"`` follows scikit-learn's formula per label, ``n / (2 * count)``; a list
    holds one ``{0: w_neg, 1: w_pos}`` dict per label (scikit-learn's multi-output form).
    """
    n, n_labels = Y.shape
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(f"class_weight must be None, 'balanced', a dict or a list of dicts; "
                             f"got {class_weight!r}.")
        pos = Y.sum(axis=0)
        if np.any(pos == 0) or np.any(pos == n):
            bad = np.flatnonzero((pos == 0) | (pos == n)).tolist()
            raise ValueError(
                f"class_weight='balanced' needs positives and negatives for every label; "
                f"labels {bad} have only one value."
            )
        return (n / (2.0 * pos)).tolist(), (n / (2.0 * (n - pos))).tolist()
    if isinstance(class_weight, dict) and set(class_weight) <= {0, 1} and n_labels == 1:
        class_weight = [class_weight]
    if not isinstance(class_weight, (list, tuple)) or len(class_weight) != n_labels:
        raise ValueError(
            f"For multilabel targets class_weight must be 'balanced' or a list of "
            f"{n_labels} dicts {{0: w_neg, 1: w_pos}}, one per label; got {class_weight!r}."
        )
    pos, neg = [], []
    for k, cw in enumerate(class_weight):
        if not isinstance(cw, dict) or not set(cw) <= {0, 1}:
            raise ValueError(f"class_weight[{k}] must be a dict with keys 0 and/or 1; got {cw!r}.")
        pos.append(float(cw.get(1, 1.0)))
        neg.append(float(cw.get(0, 1.0)))
    weights = np.array([pos, neg])
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError(
            f"class_weight values must be finite and >= 0; got {class_weight!r}."
        )
    return pos, neg
