"""The meta-estimator shell of the threshold tuner (scikit-learn's template).

:meth:`_BaseThresholdTuner.fit` checks ``y`` and the metadata, resolves where each
parameter goes along **one** path, then calls ``_fit``; prediction methods other than
``predict`` delegate to the deployed ``estimator_``. As in scikit-learn's
``BaseThresholdClassifier`` and ``BaggingClassifier``: with metadata routing disabled,
``sample_weight`` is the only parameter ``fit`` accepts (any other raises scikit-learn's
``_raise_for_params`` error), and it goes to the estimator's ``fit`` *and* to the
objective; with routing enabled, each consumer gets what it requested, and a named
objective always requests ``sample_weight``.
"""

from __future__ import annotations

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.utils import Bunch, get_tags, indexable
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._sklearn_compat import _fit_context, _raise_for_params
from ._ensemble import _FoldEnsemble
from ._objectives import routing_consumer
from ._scores import _is_non_deterministic


def _estimator_has(attr):
    """``available_if`` check: the fitted ``estimator_`` or else ``estimator`` has it."""

    def check(self):
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, attr)
        else:
            getattr(self.estimator, attr)
        return True

    return check


def _check_sample_weight(sample_weight, n: int) -> np.ndarray:
    """A 1-D float array of ``n`` finite, non-negative weights, or a ValueError."""
    try:
        w = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"sample_weight must be an array of numbers: {exc}") from exc
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(
            f"sample_weight must have shape ({n},), one weight per sample; got shape "
            f"{w.shape}."
        )
    if not np.isfinite(w).all():
        raise ValueError("sample_weight contains NaN or infinite values.")
    if (w < 0).any():
        raise ValueError(
            f"sample_weight must be non-negative; got {int((w < 0).sum())} negative value(s)."
        )
    if not w.any():
        raise ValueError("Sample weights must contain at least one non-zero number; every "
                         "sample_weight is zero.")
    return w


class _BaseThresholdTuner(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Template for tuners: ``fit`` -> ``_fit(X, y, routed)``; delegation; routing."""

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **params):
        """Cross-fit the estimator, tune the threshold(s), build the deployed model.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training data in whatever form ``estimator`` accepts (feature matrix,
            image array...). With ``cv="prefit"``: the validation set.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Binary, multiclass or multilabel-indicator target.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights. Without metadata routing they go to the
            estimator's ``fit`` (not with ``cv="prefit"``) **and** weight the objective:
            the confusion counts of every candidate threshold (a scorer objective gets
            them as ``sample_weight``). With routing, they go where requested; a named
            objective always uses them.
        **params : dict
            Only with metadata routing enabled (``sklearn.set_config(
            enable_metadata_routing=True)``): routed to the estimator's ``fit``, the
            splitter's ``split`` (e.g. ``groups``) and a scorer objective.

        Returns
        -------
        self : object
            The fitted tuner.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        X, y = indexable(X, y)
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        routed = self._route_metadata(sample_weight, params, n=np.shape(y)[0])
        return self._fit(X, y, routed)

    def _route_metadata(self, sample_weight, params, *, n):
        """Bunch(estimator=..., splitter=..., objective=...) of parameter dicts."""
        _raise_for_params(params, self, "fit")
        if get_config().get("enable_metadata_routing", False):
            if sample_weight is not None:
                params = {**params, "sample_weight": sample_weight}
            routed = process_routing(self, "fit", **params)
            fit, split, score = (dict(routed.estimator.fit), dict(routed.splitter.split),
                                 dict(routed.scorer.score))
            if score.get("sample_weight") is not None:
                score["sample_weight"] = _check_sample_weight(score["sample_weight"], n)
        else:
            split = {}
            fit = score = {}
            if sample_weight is not None:
                w = _check_sample_weight(sample_weight, n)
                fit, score = {"sample_weight": w}, {"sample_weight": w}
        return Bunch(estimator=fit, splitter=split, objective=score)

    def _fit(self, X, y, routed):  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ target checks
    @staticmethod
    def _check_target(y):
        """(task, classes): "binary"/"multiclass" with the sorted labels, or
        "multilabel" with the label indices."""
        y_arr = np.asarray(y)
        if y_arr.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) (shape=(0,)) while a minimum "
                             "of 1 is required.")
        y_type = type_of_target(y, input_name="y")
        if y_type == "multilabel-indicator":
            # type_of_target also accepts two-valued matrices such as {0, 2} or {-1, 1};
            # the tuner reads value 1 as positive and predicts a 0/1 matrix
            values = np.unique(y_arr).tolist()
            if not set(values) <= {0, 1}:
                raise ValueError(
                    f"A multilabel y must be a 0/1 indicator matrix; got values {values}."
                )
            counts = y_arr.sum(axis=0)
            bad = np.flatnonzero((counts == 0) | (counts == y_arr.shape[0]))
            if bad.size:
                raise ValueError(
                    f"Labels {bad.tolist()} of the multilabel y have a single value; every "
                    "label needs positive and negative samples to tune a threshold."
                )
            return "multilabel", np.arange(y_arr.shape[1])
        if y_type not in ("binary", "multiclass"):
            raise ValueError(
                f"Only binary, multiclass and multilabel-indicator targets are supported. "
                f"Unknown label type: {y_type}"
            )
        classes = np.unique(y_arr)
        if classes.size < 2:
            raise ValueError(
                f"y contains 1 class ({classes[0]!r}); ThresholdTuner needs at least two "
                "classes."
            )
        return ("binary" if classes.size == 2 else "multiclass"), classes

    @staticmethod
    def _check_weighted_classes(y, task: str, classes, sample_weight) -> None:
        """Weights that leave a class (a label's positives or negatives) without weight
        would make the objective undefined: refuse them, naming the class."""
        if sample_weight is None:
            return
        y = np.asarray(y)
        if task == "multilabel":
            pos = sample_weight @ (y == 1)
            neg = sample_weight @ (y == 0)
            bad = np.flatnonzero((pos <= 0) | (neg <= 0))
            if bad.size:
                raise ValueError(
                    f"sample_weight leaves labels {bad.tolist()} without positive weight on "
                    "one of their classes (0 or 1); every label needs weighted positive "
                    "and negative samples to tune a threshold."
                )
            return
        for c in classes:
            if not sample_weight[y == c].sum() > 0:
                raise ValueError(
                    f"sample_weight is 0 for every sample of class {c.tolist()!r}; the "
                    "objective "
                    "needs samples of each class with positive weight (a threshold "
                    "cannot be tuned on a single class)."
                )

    # -------------------------------------------------------------- fitted state
    _FITTED_ATTRIBUTES: tuple = ()

    def _set_fitted(self, fitted: dict) -> None:
        """Replace the whole fitted state at once (attributes of an earlier fit that this
        one does not set, such as ``cv_results_``, are removed)."""
        for name in self._FITTED_ATTRIBUTES:
            if name in fitted:
                setattr(self, name, fitted[name])
            else:
                self.__dict__.pop(name, None)

    # -------------------------------------------------------------- delegation
    @property
    def classes_(self):
        """Class labels (of the deployed estimator)."""
        return self.estimator_.classes_

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Probabilities of the deployed estimator (averaged over fold models in
        ensemble mode); thresholds do not change them.

        Parameters
        ----------
        X : array-like
            Samples in the form the estimator accepts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or list of ndarray
            The deployed estimator's ``predict_proba(X)``, columns in the order of
            ``classes_`` (for some multilabel estimators, one (n_samples, 2) array per
            label).
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log-probabilities of the deployed estimator.

        Parameters
        ----------
        X : array-like
            Samples in the form the estimator accepts.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The logarithm of the deployed estimator's probabilities (of the averaged
            probabilities in ensemble mode), columns in the order of ``classes_``.
        """
        check_is_fitted(self, "estimator_")
        if isinstance(self.estimator_, _FoldEnsemble):
            with np.errstate(divide="ignore"):
                return np.log(self.estimator_.predict_proba(X))
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the deployed estimator.

        Parameters
        ----------
        X : array-like
            Samples in the form the estimator accepts.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The deployed estimator's ``decision_function(X)`` (averaged over the fold
            models in ensemble mode).
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)

    # ----------------------------------------------------------------- routing, tags
    def get_metadata_routing(self):
        """Metadata routing: estimator ``fit``, splitter ``split``, objective ``score``
        (a scorer objective as it requests; a named objective requests
        ``sample_weight``).

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` encapsulating the
            routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add(estimator=self.estimator,
                 method_mapping=MethodMapping().add(callee="fit", caller="fit"))
            .add(splitter=self.cv,
                 method_mapping=MethodMapping().add(callee="split", caller="fit"))
            .add(scorer=routing_consumer(self.objective),
                 method_mapping=MethodMapping().add(callee="score", caller="fit"))
        )

    def _supports_multiclass(self) -> bool:
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sub = get_tags(self.estimator)
        if sub.classifier_tags is not None:
            tags.classifier_tags.multi_label = sub.classifier_tags.multi_label
        tags.classifier_tags.multi_class = self._supports_multiclass()
        tags.input_tags = sub.input_tags
        tags.non_deterministic = _is_non_deterministic(self.estimator)
        return tags
