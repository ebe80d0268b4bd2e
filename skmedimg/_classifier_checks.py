"""Plain checks and conversions of CNNClassifier's parameters and inputs: parameter
ranges, class-weight values, Keras keyword arguments (routed or direct), integer-image
bit depths, multilabel label columns and binary class-weight dicts; none holds state."""

from __future__ import annotations

import inspect
import numbers

import keras
import numpy as np

from ._sklearn_compat import Interval


def _to_4d(X: np.ndarray) -> np.ndarray:
    """Add the channel axis to (n, H, W) images; a view, never a copy."""
    return X[..., np.newaxis] if X.ndim == 3 else X


def _with_channel_axis(X: np.ndarray, spatial_dims: int) -> np.ndarray:
    """Add the channel axis to (n, H, W) images or (n, D, H, W) volumes; a view."""
    return X[..., np.newaxis] if X.ndim == spatial_dims + 1 else X


_BIT_DEPTHS = (np.dtype(np.uint8), np.dtype(np.uint16))


def _as_bit_depth(X: np.ndarray, rescale: str) -> np.ndarray:
    """Integer images as the uint8 or uint16 array of the same values.

    ``rescale="dtype"`` divides by the dtype's maximum, which only means something for
    8- and 16-bit images: an int32 array of 16-bit values (or a nested list of ints,
    int64) divided by 2**31 - 1 or 2**63 - 1 reaches the network as ~1e-5 or ~1e-17.
    Other integer dtypes are therefore read by their values: all in [0, 255] is an 8-bit
    image, all in [0, 65535] a 16-bit one; anything else (signed data such as CT
    Hounsfield units) is refused with advice: an intensity window ``rescale=(low, high)``
    is the way to train on them (it never calls this). uint8 and uint16 stay as they are.
    """
    if X.dtype.kind not in "ui" or X.dtype in _BIT_DEPTHS:
        return X
    lo, hi = int(X.min()), int(X.max())
    for dtype in _BIT_DEPTHS:
        if 0 <= lo and hi <= np.iinfo(dtype).max:
            return X.astype(dtype)
    raise ValueError(
        f"X holds {X.dtype} pixel values in [{lo}, {hi}], which are neither 8-bit "
        f"[0, 255] nor 16-bit [0, 65535] intensities, so rescale={rescale!r} cannot tell "
        f"how to map them to [0, 1] (dividing by the {X.dtype} maximum would feed the "
        "network near-zero inputs). For signed data such as CT Hounsfield units, pass an "
        "intensity window rescale=(low, high), e.g. rescale=(-1000, 400): the network "
        "clips the values to it and maps it to [0, 1]; or window the intensities yourself "
        "and pass floats in [0, 1] with rescale='none', or pass rescale='minmax' or "
        "'zscore' (per-image scaling)."
    )


class _Range(Interval):
    """scikit-learn's ``Interval``, without bools: ``epochs=True`` is a mistake, not 1."""

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def _check_positive_int(name: str, value) -> None:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}.")


def _check_weight_dict(weights: dict, name: str) -> None:
    for key, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not (np.isfinite(w)
                                                                           and w >= 0):
            raise ValueError(
                f"{name} must map classes to finite weights >= 0; got {key!r}: {w!r}."
            )


def _check_class_weight_values(class_weight) -> None:
    """The values of class_weight (its form is a parameter constraint); its keys are
    checked against y in fit."""
    cw = class_weight
    if isinstance(cw, dict):
        _check_weight_dict(cw, "class_weight")
    elif isinstance(cw, (list, tuple)):
        for k, d in enumerate(cw):
            if not isinstance(d, dict):
                raise ValueError(
                    f"class_weight[{k}] must be a dict {{0: w_neg, 1: w_pos}}; got {d!r}."
                )
            _check_weight_dict(d, f"class_weight[{k}]")


# Arguments of keras.Model.fit that CNNClassifier sets itself; passed as fit__<name> or
# fit(..., <name>=) they would be overwritten or clash with a parameter.
_OWNED_FIT_ARGS = {
    "x": "pass the images as X",
    "y": "pass the targets as y",
    "sample_weight": "pass sample_weight to fit",
    "epochs": "use the epochs parameter",
    "initial_epoch": "use warm_start=True or partial_fit",
    "validation_split": "use validation_fraction",
    "validation_data": "use validation_fraction",
    "class_weight": "use the class_weight parameter",
    "callbacks": "use the callbacks parameter",
}


def _check_keras_kwargs(method: str, kwargs: dict, *, routed: bool) -> None:
    """Routed ``fit__*``/``predict__*`` or direct keyword arguments for ``keras.Model``'s
    ``fit`` or ``predict``: checked before training instead of failing inside Keras."""
    accepted = set(inspect.signature(getattr(keras.Model, method)).parameters) - {"self"}
    owned = _OWNED_FIT_ARGS if method == "fit" else {"x": "pass the images as X"}
    for key in kwargs:
        name = f"{method}__{key}" if routed else f"{method}(..., {key}=...)"
        if key == "callbacks" and routed and method == "fit":
            continue  # scikeras merges fit__callbacks into the callbacks
        if key in owned:
            raise ValueError(
                f"{name} is set by CNNClassifier itself and would be overwritten or "
                f"conflict; {owned[key]} instead."
            )
        if key not in accepted:
            raise ValueError(
                f"{name} is not an argument of keras.Model.{method}; it accepts "
                f"{sorted(accepted - set(owned))}."
            )


def _check_label_columns(labels: np.ndarray) -> None:
    """Every label of a multilabel y needs positives and negatives to be learned."""
    counts = labels.sum(axis=0)
    bad = np.flatnonzero((counts == 0) | (counts == labels.shape[0]))
    if bad.size:
        raise ValueError(
            f"Labels {bad.tolist()} of the multilabel y have a single value (all 0 or all "
            "1); a label needs positive and negative samples to be learned, otherwise its "
            "probability means nothing. Drop those columns or add samples."
        )


def _binary_dict(class_weight, classes):
    """A binary class_weight dict keyed by label, as {0: w_neg, 1: w_pos}."""
    if not isinstance(class_weight, dict):
        raise ValueError(
            f"class_weight must be None, 'balanced' or a dict for binary targets; got "
            f"{class_weight!r}."
        )
    return {i: float(class_weight.get(c, 1.0)) for i, c in enumerate(classes.tolist())}
