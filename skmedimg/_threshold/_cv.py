"""Splits, deployment modes and the one cross-fit that gives the out-of-fold scores.

Same ``cv``/``refit``/``"prefit"`` rules and messages as scikit-learn's
``TunedThresholdClassifierCV``, plus the fold ensemble for non-deterministic
estimators and (multilabel-)stratified default splitters.
"""

from __future__ import annotations

import numbers
import warnings
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from .._sklearn_compat import _safe_indexing
from ._ensemble import _FoldEnsemble
from ._scores import _check_estimator_classes, _get_scores, _index_params


def make_cv(cv, y, task: str, random_state):
    """The splitter for ``cv`` (``"prefit"`` is returned as is)."""
    if isinstance(cv, str):  # "prefit"
        return cv
    if isinstance(cv, Real) and 0 < cv < 1:
        if task == "multilabel":
            from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

            return MultilabelStratifiedShuffleSplit(n_splits=1, test_size=cv,
                                                    random_state=random_state)
        return StratifiedShuffleSplit(n_splits=1, test_size=cv, random_state=random_state)
    if task == "multilabel" and (cv is None or isinstance(cv, numbers.Integral)):
        from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

        shuffle = random_state is not None
        splitter = MultilabelStratifiedKFold(n_splits=5 if cv is None else cv,
                                             shuffle=shuffle, random_state=random_state)
        if not shuffle:
            # iterstrat breaks ties with random draws even when not shuffling, from
            # NumPy's global state when random_state is None: a fixed seed makes the
            # unshuffled default repeatable, as scikit-learn's unshuffled splitters are
            # (set after __init__, which refuses a random_state without shuffle)
            splitter.random_state = 0
        return splitter
    return check_cv(cv, y=y, classifier=True)


def check_prefit(estimator, refit, ensemble) -> None:
    if refit is True:
        raise ValueError("When cv='prefit', refit cannot be True.")
    if ensemble is True:
        raise ValueError("When cv='prefit', ensemble cannot be True.")
    try:
        # No attribute list: estimators such as CNNClassifier answer through
        # __sklearn_is_fitted__, so a network that was only initialize()d (its
        # classes_ already set) is not mistaken for a trained one.
        check_is_fitted(estimator)
        if getattr(estimator, "classes_", None) is None:
            raise NotFittedError("classes_ is None")
    except NotFittedError as exc:
        raise NotFittedError("When cv='prefit', `estimator` must be fitted.") from exc


def resolve_modes(refit, ensemble, *, non_det: bool, n_splits: int, name: str):
    """``refit``/``ensemble`` ("auto" resolved) for a cross-validated tuner."""
    if ensemble == "auto":
        ensemble = non_det and refit is not True and n_splits > 1
    if ensemble and refit is True:
        raise ValueError(
            "ensemble=True and refit=True are exclusive: the ensemble deploys the fold "
            "models whose scores were tuned, refit deploys a new model."
        )
    if refit == "auto":
        refit = not ensemble and not (non_det and n_splits == 1)
    if not refit and not ensemble and n_splits > 1:
        raise ValueError(
            "When cv has several folds, refit cannot be False (unless ensemble=True)."
        )
    if refit and non_det:
        warnings.warn(
            f"refit=True with a non-deterministic estimator ({name}): the refit model's "
            "score scale can differ from the fold models', so the out-of-fold threshold "
            "may not transfer. Prefer ensemble=True or refit=False (the default 'auto').",
            UserWarning, stacklevel=4,
        )
    return bool(refit), bool(ensemble)


def check_fold_classes(splits, y, task: str, classes) -> None:
    for i, (train, _) in enumerate(splits):
        y_train = y[np.asarray(train)]
        if task == "multilabel":
            counts = y_train.sum(axis=0)
            if np.any((counts == 0) | (counts == y_train.shape[0])):
                warnings.warn(
                    f"Training fold {i} has labels with a single value; their fold model "
                    "cannot learn them. Use fewer folds.", UserWarning, stacklevel=4)
            continue
        present = np.unique(y_train)
        if present.size < classes.size:
            missing = sorted(set(classes.tolist()) - set(present.tolist()))
            raise ValueError(
                f"Training fold {i} contains a single class or misses classes {missing}; "
                f"every training fold needs all {classes.size} classes. Use fewer folds or "
                "a stratified splitter."
            )


def _fit_and_score(estimator, X, y, train, test, *, fit_params, method, task, pos_label,
                   classes):
    n = len(y) if not hasattr(y, "shape") else y.shape[0]
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    estimator.fit(X_train, y_train, **_index_params(fit_params, train, n))
    _check_estimator_classes(estimator, classes, task)
    scores = _get_scores(estimator, _safe_indexing(X, test), method=method, task=task,
                         pos_label=pos_label, n_outputs=len(classes))
    return estimator, scores


def cross_fit(estimator, X, y, splits, *, fit_params, method, task, pos_label, classes,
              n_jobs):
    """(fold models, their validation scores): one fit per split; ``splits=None``: the
    prefit ``estimator`` scores all of ``X``. Non-finite scores are an error."""
    if splits is None:
        _check_estimator_classes(estimator, classes, task)
        models = [estimator]
        scores = [_get_scores(estimator, X, method=method, task=task, pos_label=pos_label,
                              n_outputs=len(classes))]
    else:
        results = Parallel(n_jobs=n_jobs)(
            delayed(_fit_and_score)(clone(estimator), X, y, train, test,
                                    fit_params=fit_params, method=method, task=task,
                                    pos_label=pos_label, classes=classes)
            for train, test in splits
        )
        models, scores = [r[0] for r in results], [r[1] for r in results]
    _check_fold_scores(models, scores, method, prefit=splits is None)
    return models, scores


def deployed_model(estimator, X, y, fold_models, *, prefit, ensemble, refit, fit_params,
                   classes, task):
    """(``estimator_``, ``estimators_``): the model ``predict`` uses, and the fold models
    when it is their ensemble."""
    if prefit:
        return estimator, []
    if ensemble:
        return _FoldEnsemble(fold_models), fold_models
    if refit:
        model = clone(estimator).fit(X, y, **fit_params)
        _check_estimator_classes(model, classes, task)
        return model, []
    return fold_models[0], []  # single split, refit=False: the model whose scores were tuned


def _check_fold_scores(fold_models, fold_scores, method: str, *, prefit: bool) -> None:
    for f, s in enumerate(fold_scores):
        bad = ~np.isfinite(s).reshape(s.shape[0], -1).all(axis=1)
        if bad.any():
            where = "" if prefit else f" of fold {f}"
            raise ValueError(
                f"{type(fold_models[f]).__name__}.{method} returned NaN or infinite scores "
                f"for {int(bad.sum())} of the {bad.size} validation samples{where}; a "
                "threshold cannot be tuned on them."
            )
