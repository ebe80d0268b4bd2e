"""The decision rule as plain data: :class:`DecisionRule`, its JSON form and its schema.

A fitted :class:`~skmedimg.ThresholdTuner` exports its thresholds (or multiclass class
weights) with everything needed to apply them without pickle or estimator: the task,
which scores (``predict_proba`` or ``decision_function``) in which column order, the
positive class. The rule is validated once, when created; :meth:`DecisionRule.predict`
reproduces :meth:`ThresholdTuner.predict` on the deployed model's scores.
"""

from __future__ import annotations

import copy
import json
import numbers
import os
from collections.abc import Mapping

import numpy as np

__all__ = ["DecisionRule"]

_RULE_FORMAT = "skmedimg.decision_rule"
_RULE_VERSION = 2
_RULE_TASKS = ("binary", "multilabel", "multiclass")
_SCORE_TYPES = ("predict_proba", "decision_function")
# float32 probabilities (a network's sigmoid or softmax) can pass 0 or 1 by a few ulps
_PROBA_TOL = 1e-6
_MISSING = object()


def _show(value) -> str:
    if value is _MISSING:
        return "nothing (the key is missing)"
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def _is_real(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _is_label(v) -> bool:
    return isinstance(v, (str, bool, np.bool_)) or (_is_real(v) and bool(np.isfinite(v)))


def _distinct_labels(classes, n_min: int) -> bool:
    return (isinstance(classes, list) and len(classes) >= n_min
            and all(_is_label(c) for c in classes)
            and not any(a == b for i, a in enumerate(classes) for b in classes[i + 1:]))


def _validate_rule(rule: dict) -> dict:
    """Check a rule (plain data) against the format; the fields ``predict`` uses.

    Every problem found is reported, one line each (the field, what was expected, what
    was got), in one ``ValueError``.
    """
    problems = []

    def get(key):
        return rule.get(key, _MISSING)

    def bad(key, expected):
        problems.append(f"{key!r}: expected {expected}; got {_show(get(key))}")

    fmt, version = get("format"), get("format_version")
    if fmt is not _MISSING and fmt != _RULE_FORMAT:
        bad("format", repr(_RULE_FORMAT))
    if version is not _MISSING and not (_is_int(version) and 1 <= version <= _RULE_VERSION):
        bad("format_version", f"an integer from 1 to {_RULE_VERSION} (the versions this "
            "skmedimg reads)")
    task, score_type = get("task"), get("score_type")
    if not (isinstance(task, str) and task in _RULE_TASKS):
        bad("task", "one of 'binary', 'multilabel', 'multiclass'")
        task = None
    if task == "multiclass":
        if score_type != "predict_proba":
            bad("score_type", "'predict_proba' (multiclass class weights apply to "
                "probabilities)")
    elif not (isinstance(score_type, str) and score_type in _SCORE_TYPES):
        bad("score_type", "'predict_proba' or 'decision_function'")
    proba = score_type == "predict_proba"

    def threshold_ok(v):
        return _is_real(v) and bool(np.isfinite(v)) and (
            not proba or -_PROBA_TOL <= v <= 1 + _PROBA_TOL)

    number = "a finite number in [0, 1] (a probability)" if proba else "a finite number"
    classes = get("classes")
    spec = {"task": task, "proba": proba, "classes": None if classes is _MISSING else classes}
    if task == "binary":
        if not _distinct_labels(classes, 2) or len(classes) != 2:
            bad("classes", "a list of the 2 distinct class labels, in the order of the "
                "score columns")
            classes = None
        pos = get("pos_label")
        column = None
        if not _is_label(pos):
            bad("pos_label", "a class label (str, int, float or bool)")
        elif classes is not None:
            hits = [i for i, c in enumerate(classes) if c == pos]
            if hits:
                column = hits[0]
                spec.update(pos_label=classes[column], neg_label=classes[1 - column])
            else:
                bad("pos_label", f"one of the classes {classes}")
        given = get("positive_column")
        if given is not _MISSING and column is not None and not (
                _is_int(given) and given == column):
            bad("positive_column", f"{column}, the index of pos_label in classes")
        spec["column"] = column
        if not threshold_ok(get("threshold")):
            bad("threshold", number)
        spec["threshold"] = get("threshold")
    elif task == "multilabel":
        thr = get("thresholds")
        thr_ok = isinstance(thr, list) and len(thr) > 0 and all(threshold_ok(v) for v in thr)
        if not thr_ok:
            bad("thresholds", f"a non-empty list with one threshold per label, each "
                f"{number}")
        elif classes is not _MISSING and not (isinstance(classes, list)
                                              and len(classes) == len(thr)):
            bad("classes", f"a list naming the {len(thr)} labels (one per threshold)")
        spec["thresholds"] = np.asarray(thr, dtype=np.float64) if thr_ok else None
    elif task == "multiclass":
        if not _distinct_labels(classes, 2):
            bad("classes", "a list of at least 2 distinct class labels, in the order of "
                "the score columns")
            classes = None
        w = get("class_weights")
        w_ok = (isinstance(w, list) and len(w) > 0
                and all(_is_real(v) and np.isfinite(v) and v >= 0 for v in w)
                and any(v > 0 for v in w))
        if not w_ok:
            bad("class_weights", "a list of finite weights >= 0 (not all 0), one per class")
        elif classes is not None and len(w) != len(classes):
            bad("class_weights", f"{len(classes)} weights, one per class")
        spec["class_weights"] = np.asarray(w, dtype=np.float64) if w_ok else None
    if problems:
        raise ValueError("Invalid decision rule:\n  - " + "\n  - ".join(problems))
    return spec


def _score_input(task: str, score_type: str, classes, n_outputs: int) -> str:
    """What ``DecisionRule.predict`` expects (also written into the exported rule)."""
    if task == "binary" and score_type == "decision_function":
        return ("the output of decision_function: shape (n_samples,), scoring classes[1] "
                "as scikit-learn does, or shape (n_samples, 2) with columns in the order "
                f"of 'classes' {list(classes)}")
    if task == "multilabel":
        return (f"the output of {score_type}: shape (n_samples, {n_outputs}), one column "
                "per label (or the list of one (n_samples, 2) array per label of "
                "multi-output estimators)")
    return (f"the output of {score_type}: shape (n_samples, {n_outputs}), columns in the "
            f"order of 'classes' {list(classes)}")


def _as_scores(values, what: str = "scores") -> np.ndarray:
    """Numeric float64 array, or a ValueError (strings, bools, ragged lists)."""
    try:
        arr = np.asarray(values)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{what} must be a rectangular array of numbers: {exc}") from exc
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{what} must hold numbers; got objects ({exc}).") from exc
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"{what} must hold numeric model scores; got an array of dtype {arr.dtype}"
            + (" (predicted labels are not scores)." if arr.dtype.kind == "b" else ".")
        )
    return arr.astype(np.float64)


class DecisionRule:
    """A learned decision rule as plain data: thresholds applied to model scores.

    Created by :meth:`ThresholdTuner.decision_rule` / :meth:`ThresholdTuner.to_json`, or
    loaded with :meth:`DecisionRule.from_json`; needs no pickle and no estimator. The
    rule is validated once, when it is created: a missing field, a value of the wrong
    type, a NaN, infinite or out-of-range threshold, a ``pos_label`` that is not one of
    the ``classes`` or an unknown ``format_version`` raise a ``ValueError`` naming the
    field.

    Read more in the :ref:`User Guide <threshold_moving>`.

    **Which scores** :meth:`predict` expects: the output of the ``score_type`` method
    (``predict_proba`` or ``decision_function``) of the deployed model, i.e. of the
    fitted :class:`ThresholdTuner` itself (``tuner.predict_proba(X)`` or
    ``tuner.decision_function(X)``; for a fold ensemble these are the fold models'
    averaged scores, and the per-fold alignment used while tuning is already folded into
    the thresholds, so nothing else is applied):

    * binary, ``predict_proba``: shape (n_samples, 2), columns in the order of
      ``classes``; column ``positive_column`` (the index of ``pos_label`` in
      ``classes``) is compared with ``threshold``. A 1-D array is refused: it cannot be
      told which class it scores.
    * binary, ``decision_function``: shape (n_samples,), which scores ``classes[1]``
      (scikit-learn's convention; negated when ``pos_label`` is ``classes[0]``), or
      (n_samples, 2) with columns in the order of ``classes``.
    * multilabel: shape (n_samples, n_labels), one column per label and one entry of
      ``thresholds`` per column (or the list of one (n_samples, 2) array per label that
      multi-output estimators return); predicts a 0/1 indicator matrix.
    * multiclass (``predict_proba`` only): shape (n_samples, n_classes), columns in the
      order of ``classes``; predicts ``classes[argmax(class_weights * proba)]``.

    A sample is positive when ``score >= threshold``. Scores must be numbers, without
    NaN, and in [0, 1] for ``predict_proba``; the wrong number of columns is an error.

    Parameters
    ----------
    rule : dict
        The rule's fields (``task``, ``score_type``, ``classes``, and ``pos_label`` and
        ``threshold`` for binary, ``thresholds`` for multilabel, ``class_weights`` for
        multiclass), as written by :meth:`ThresholdTuner.to_json`; other fields are
        kept as information.

    Examples
    --------
    >>> from skmedimg._threshold import DecisionRule
    >>> rule = DecisionRule({"task": "binary", "classes": ["healthy", "lesion"],
    ...                      "pos_label": "lesion", "threshold": 0.3,
    ...                      "score_type": "predict_proba"})
    >>> rule.predict([[0.9, 0.1], [0.7, 0.3], [0.1, 0.9]]).tolist()
    ['healthy', 'lesion', 'lesion']
    >>> DecisionRule({"task": "binary", "classes": [0, 1], "pos_label": 1,
    ...               "threshold": float("nan"), "score_type": "predict_proba"})
    Traceback (most recent call last):
    ...
    ValueError: Invalid decision rule:
      - 'threshold': expected a finite number in [0, 1] (a probability); got nan (float)
    """

    def __init__(self, rule: dict):
        if not isinstance(rule, Mapping):
            raise TypeError(
                f"A decision rule must be a dict (a JSON object); got {type(rule).__name__}."
            )
        plain = _plain(dict(rule))
        self._spec = _validate_rule(plain)
        self._rule = plain

    @property
    def rule(self) -> dict:
        """The rule's fields (a copy: the validated rule cannot be changed)."""
        return copy.deepcopy(self._rule)

    @classmethod
    def from_json(cls, source) -> DecisionRule:
        """From JSON text (``str`` or ``bytes``), a path to a JSON file, or an open file.

        Parameters
        ----------
        source : str, bytes, path-like or file object
            JSON text (a JSON object), the path of a JSON file, or an open file to read
            the JSON from.

        Returns
        -------
        rule : DecisionRule
            The validated rule.

        Raises
        ------
        TypeError
            ``source`` is of another type (for a dict, use ``DecisionRule(rule)``).
        ValueError
            Empty text, text that is neither a JSON object nor the path of a file,
            invalid JSON, or an invalid rule (see :class:`DecisionRule`).
        """
        if isinstance(source, (bytes, bytearray)):
            source = bytes(source).decode("utf-8")
        if hasattr(source, "read"):
            text = source.read()
        elif isinstance(source, os.PathLike):
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
        elif isinstance(source, str):
            if not source.strip():
                raise ValueError("source is empty; expected JSON text or the path of a "
                                 "JSON file.")
            if source.lstrip().startswith("{"):
                text = source
            elif os.path.isfile(source):
                with open(source, encoding="utf-8") as fh:
                    text = fh.read()
            else:
                raise ValueError(
                    "source is neither a JSON object ('{...}') nor the path of an existing "
                    f"file: {source[:80]!r}."
                )
        else:
            hint = " (for a dict, use DecisionRule(rule))" if isinstance(source, Mapping) else ""
            raise TypeError(
                "source must be JSON text, bytes, a path or an open file; got "
                f"{type(source).__name__}{hint}."
            )
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"source is not valid JSON: {exc}.") from exc
        if not isinstance(data, dict):
            raise ValueError(
                f"A decision rule is a JSON object; got a JSON {type(data).__name__}."
            )
        return cls(data)

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """The rule as JSON (standard JSON: non-finite informational numbers become
        ``null``), written to ``path`` when given.

        Parameters
        ----------
        path : str or path-like, default=None
            File to write the JSON to (overwritten); ``None`` writes nothing.
        indent : int, default=2
            Indentation of the JSON text, as in :func:`json.dumps`.

        Returns
        -------
        text : str
            The JSON text (also when it is written to ``path``).
        """
        text = json.dumps(_json_safe(self._rule), indent=indent, allow_nan=False)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    def predict(self, scores) -> np.ndarray:
        """Labels from the deployed model's scores (see the class docstring for the
        exact shape and column order).

        Parameters
        ----------
        scores : array-like
            The output of the rule's ``score_type`` method of the deployed model.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted labels (values of ``classes``); for a multilabel rule, a 0/1
            indicator matrix with one column per label.
        """
        spec = self._spec
        task, classes = spec["task"], spec["classes"]
        n_outputs = {"binary": 2, "multilabel": None if spec.get("thresholds") is None
                     else spec["thresholds"].size,
                     "multiclass": len(classes) if isinstance(classes, list) else None}[task]
        expected = _score_input(task, self._rule["score_type"], classes, n_outputs)
        if task == "multilabel" and isinstance(scores, (list, tuple)) and len(scores) and all(
                np.ndim(p) == 2 for p in scores):
            arrays = [_as_scores(p) for p in scores]
            if len(arrays) != n_outputs or any(a.shape != (arrays[0].shape[0], 2)
                                               for a in arrays):
                raise ValueError(
                    f"scores must be {expected}; got a list of {len(arrays)} arrays of "
                    f"shapes {[a.shape for a in arrays][:5]}."
                )
            s = np.column_stack([a[:, 1] for a in arrays])
        else:
            s = _as_scores(scores)
        one_d = (task == "binary" and not spec["proba"]
                 and (s.ndim == 1 or s.ndim == 2 and s.shape[1] == 1))
        if not one_d and not (s.ndim == 2 and s.shape[1] == n_outputs):
            raise ValueError(f"scores must be {expected}; got shape {s.shape}.")
        nan = np.isnan(s)
        if nan.any():
            rows = np.flatnonzero(nan.reshape(s.shape[0], -1).any(axis=1))
            raise ValueError(
                f"scores contain NaN for {rows.size} sample(s) (rows {rows[:10].tolist()}); "
                "a NaN score cannot be classified."
            )
        if spec["proba"] and s.size and (s.min() < -_PROBA_TOL or s.max() > 1 + _PROBA_TOL):
            raise ValueError(
                f"scores must be probabilities in [0, 1] (score_type 'predict_proba'); got "
                f"values from {s.min():.6g} to {s.max():.6g}. Pass {expected}."
            )
        if task == "binary":
            if one_d:
                d = s.reshape(-1)
                pos_score = d if spec["column"] == 1 else -d
            else:
                pos_score = s[:, spec["column"]]
            return np.where(pos_score >= spec["threshold"], spec["pos_label"],
                            spec["neg_label"])
        if task == "multilabel":
            return (s >= spec["thresholds"][None, :]).astype(int)
        return np.asarray(classes)[np.argmax(s * spec["class_weights"][None, :], axis=1)]

    def __repr__(self) -> str:
        return f"DecisionRule({self._rule!r})"


def _plain(value):
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _json_safe(value):
    """Standard JSON has no NaN/Infinity: informational numbers that are not finite
    (an undefined fold spread...) are written as null."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value



def _skmedimg_version() -> str:
    # the installed distribution's version; the package root is not imported from here
    # (it would make the tuner depend on everything the root exports)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("skmedimg")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "unknown"


def tuner_rule(tuner) -> DecisionRule:
    """The rule of a fitted ``ThresholdTuner``: the deciding fields (thresholds or class
    weights, classes, positive column, score type), then information (objective,
    deployment, fold spread)."""
    task, score_type = tuner.task_, tuner.response_method_
    # the score columns: the classes in the deployed model's order, or the labels
    classes = (list(range(len(tuner.threshold_))) if task == "multilabel"
               else _plain(np.asarray(tuner.classes_)))
    score_input = _score_input(task, score_type, classes, len(classes))
    if tuner.ensemble_:
        score_input += (f" (ThresholdTuner.{score_type}: the fold models' averaged scores; "
                        "the fold alignment used in tuning is folded into the thresholds)")
    objective = tuner.objective
    rule = {
        "format": _RULE_FORMAT,
        "format_version": _RULE_VERSION,
        "skmedimg_version": _skmedimg_version(),
        "task": task,
        "score_type": score_type,
        "score_input": score_input,
        "comparison": "score >= threshold" if task != "multiclass"
        else "argmax(class_weights * proba)",
        "classes": classes,
        "objective": objective if isinstance(objective, str) else repr(objective),
        "objective_params": {k: getattr(tuner, k) for k in (
            "beta", "min_recall", "min_precision", "min_specificity",
            "constraint_confidence", "cost_fn", "cost_fp")},
        "best_score": _plain(tuner.best_score_),
        "constraint_met": _plain(tuner.constraint_met_),
        "deployment": "fold_ensemble" if tuner.ensemble_ else (
            "refit" if tuner.refit_ else "tuned_model"),
        "n_splits": tuner.n_splits_,
        "threshold_spread": _plain(tuner.threshold_spread_),
        "estimator": type(tuner.estimator).__name__,
    }
    if task == "binary":
        rule["pos_label"] = _plain(tuner.pos_label_)
        rule["positive_column"] = [c == tuner.pos_label_ for c in classes].index(True)
        rule["threshold"] = float(tuner.threshold_)
    elif task == "multilabel":
        rule["thresholds"] = _plain(tuner.threshold_)
    else:
        rule["class_weights"] = _plain(tuner.class_weights_)
    return DecisionRule(_plain(rule))


def read_rule(source) -> DecisionRule:
    """:meth:`DecisionRule.from_json`, refusing JSON that does not say it is a rule."""
    rule = DecisionRule.from_json(source)
    if "format" not in rule._rule:
        raise ValueError(
            f"Not a skmedimg decision rule: the 'format' field ({_RULE_FORMAT!r}) is "
            "missing."
        )
    return rule
