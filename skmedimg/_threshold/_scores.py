"""Reading the scores a threshold applies to, from any classifier.

Binary: the positive class's column of ``predict_proba`` (``classes_`` order) or a
decision function; multilabel: one column per label (also the list of per-label arrays
of multi-output estimators); multiclass: the probability matrix. Also the checks that
the columns are read as the classes they belong to, and the slicing of sample-aligned
parameters.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import get_tags

from .._sklearn_compat import _safe_indexing

_ONLY_BINARY = "Only binary classification is supported."

def _is_non_deterministic(estimator, _depth=0) -> bool:
    """True when the estimator, or one it wraps (search, pipeline step), is tagged
    ``non_deterministic`` (``GridSearchCV`` and ``Pipeline`` do not propagate the tag)."""
    if estimator is None or isinstance(estimator, str) or _depth > 8:
        return False
    try:
        if get_tags(estimator).non_deterministic:
            return True
    except Exception:  # noqa: BLE001 - objects without tags
        pass
    for attr in ("estimator", "base_estimator", "classifier"):
        sub = getattr(estimator, attr, None)
        if sub is not None and hasattr(sub, "fit") and _is_non_deterministic(sub, _depth + 1):
            return True
    for step in getattr(estimator, "steps", None) or []:
        if isinstance(step, tuple) and _is_non_deterministic(step[-1], _depth + 1):
            return True
    return False


def _index_params(params: dict, indices, n_samples: int) -> dict:
    """Slice sample-aligned fit/score parameters (arrays of length ``n_samples``)."""
    out = {}
    for key, value in params.items():
        if value is not None and hasattr(value, "__len__") and not isinstance(value, str) \
                and len(value) == n_samples:
            out[key] = _safe_indexing(value, indices)
        else:
            out[key] = value
    return out


def _class_index(classes, label, name: str) -> int:
    """Column of ``label`` in a binary estimator's (n, 2) output (``classes_`` order)."""
    if classes is None:
        raise ValueError(
            f"{name} has no classes_ attribute; ThresholdTuner needs it to know which score "
            "column belongs to which class."
        )
    hits = [i for i, c in enumerate(classes) if c == label]
    if len(classes) != 2 or len(hits) != 1:
        raise ValueError(
            f"pos_label={label!r} is not one of the 2 classes of {name}: "
            f"classes_={list(classes)}."
        )
    return hits[0]


def _label_positive(p, classes, k: int, name: str, method: str):
    """Positive-class column of one label's (n, n_values) output (multi-output models)."""
    if classes is None:
        if p.shape[1] != 2:
            raise ValueError(
                f"{name}.{method} returned an array of shape {p.shape} for label {k}; "
                "expected (n_samples, 2)."
            )
        return p[:, 1]
    hits = [i for i, c in enumerate(classes) if c == 1]
    if hits:
        return p[:, hits[0]]
    # the label was 0 throughout this model's training data: it never predicts it
    return np.zeros(p.shape[0])


def _get_scores(estimator, X, *, method: str, task: str, pos_label=None, n_outputs=None):
    """Scores used for thresholding: (n,) binary, (n, n_labels), (n, n_classes).

    Binary: the ``pos_label`` column of an (n, 2) output (columns in ``classes_``
    order), or a 1-D decision function, which scores ``classes_[1]`` (scikit-learn's
    convention) and is negated when ``pos_label`` is ``classes_[0]``.
    """
    try:
        func = getattr(estimator, method)
    except AttributeError as exc:
        raise ValueError(
            f"{type(estimator).__name__} does not implement {method!r}; ThresholdTuner "
            "needs an estimator with predict_proba or decision_function."
        ) from exc
    out = func(X)
    name = type(estimator).__name__
    classes = getattr(estimator, "classes_", None)
    if task == "binary":
        s = np.asarray(out, dtype=np.float64)
        col = _class_index(classes, pos_label, name)
        if s.ndim == 2 and s.shape[1] == 2:
            return s[:, col]
        if method == "decision_function" and (s.ndim == 1 or s.ndim == 2 and s.shape[1] == 1):
            d = s.reshape(-1)
            return d if col == 1 else -d
        raise ValueError(
            f"{name}.{method} returned scores of shape {s.shape} for a binary target; "
            "expected (n_samples, 2) with columns in the order of classes_"
            + (" or (n_samples,)." if method == "decision_function" else ".")
        )
    if isinstance(out, list):  # multi-output estimators: one (n, n_values) array per label
        cols = []
        for k, p in enumerate(out):
            p = np.asarray(p, dtype=np.float64)
            cl = classes[k] if isinstance(classes, list) else None
            cols.append(_label_positive(p.reshape(p.shape[0], -1), cl, k, name, method))
        out = np.column_stack(cols)
    out = np.asarray(out, dtype=np.float64)
    out = out.reshape(out.shape[0], -1)
    if n_outputs is not None and out.shape[1] != n_outputs:
        what, whats = ("label", "labels") if task == "multilabel" else ("class", "classes")
        raise ValueError(
            f"{name}.{method} returned {out.shape[1]} score column(s) for a {task} target "
            f"with {n_outputs} {whats}; expected one column per {what}."
        )
    return out


def _check_estimator_classes(estimator, classes, task: str) -> None:
    """The model's ``classes_`` must be the target's classes, in the same order: the score
    columns are read in that order (a prefit model trained on other labels, or on more
    classes than the validation set holds, would have its columns misread)."""
    if task == "multilabel":
        return
    name = type(estimator).__name__
    est_classes = getattr(estimator, "classes_", None)
    if est_classes is None:
        raise ValueError(
            f"{name} has no classes_ attribute after fit; ThresholdTuner needs it to know "
            "which score column belongs to which class."
        )
    est_list, y_list = np.asarray(est_classes).tolist(), np.asarray(classes).tolist()
    if est_list != y_list:
        raise ValueError(
            f"{name}.classes_={est_list} differ from the classes of y {y_list}; the score "
            "columns would be assigned to the wrong classes. With cv='prefit', y must hold "
            "exactly the classes the estimator was trained on, with the same labels."
        )


def response_method(requested: str, estimator, task: str) -> str:
    """The method whose scores are thresholded (``"auto"`` prefers predict_proba)."""
    if requested != "auto":
        if task == "multiclass" and requested == "decision_function":
            # argmax(w * d) is meaningless for signed scores: a weight < 1 raises a
            # negative decision value
            raise ValueError(
                f"{_ONLY_BINARY} response_method='decision_function' is not supported for "
                "multiclass targets: the class weights multiply probabilities. Use "
                "response_method='predict_proba' or 'auto'."
            )
        return requested
    if hasattr(estimator, "predict_proba"):
        return "predict_proba"
    if task == "multiclass":
        raise ValueError(f"{_ONLY_BINARY} Multiclass threshold tuning needs an estimator "
                         "with predict_proba.")
    return "decision_function"


def positive_label(pos_label, task: str, classes):
    """(positive, negative) class of a binary target, as labels of ``classes``."""
    if task != "binary":
        if pos_label is not None:
            raise ValueError(
                f"pos_label={pos_label!r} applies to binary targets; y is {task} (every "
                "label/class is tuned). Leave pos_label=None."
            )
        return None, None
    pos = classes[1] if pos_label is None else pos_label
    hits = [c == pos for c in classes.tolist()]
    if not any(hits):
        raise ValueError(f"pos_label={pos!r} is not a valid label: {classes.tolist()}.")
    pos = classes[hits.index(True)]
    return pos, classes[0] if classes[1] == pos else classes[1]
