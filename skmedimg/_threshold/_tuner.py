"""``ThresholdTuner``: learn the decision threshold(s) from out-of-fold scores.

The estimator is cross-fitted once (one ``cross_val_predict`` worth of fits), then one
sorted sweep over *every distinct* out-of-fold score gives the confusion matrix at every
candidate threshold (:mod:`skmedimg._sweep`); no refit per threshold and no grid.

This module holds the estimator (parameters, the ``_fit`` steps, ``predict``, the rule
and the plot); the steps live next to it (see the package docstring). The class
docstring is long (why each parameter exists, how exactly each objective is searched):
it, not code, takes the module to about 500 lines.
"""

from __future__ import annotations

import logging
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._sklearn_compat import HasMethods, Interval, RealNotInt, StrOptions
from ._base import _BaseThresholdTuner
from ._binary import _TuneSpec
from ._cv import (
    check_fold_classes,
    check_prefit,
    cross_fit,
    deployed_model,
    make_cv,
    resolve_modes,
)
from ._ensemble import _ScoreAlignment
from ._objectives import (
    CONSTRAINTS,
    accepts_sample_weight,
    check_objective,
    supports_multiclass,
)
from ._rule import DecisionRule, _is_int, read_rule, tuner_rule
from ._scores import (
    _get_scores,
    _index_params,
    _is_non_deterministic,
    positive_label,
    response_method,
)
from ._search import tune_folds, tune_pooled

logger = logging.getLogger(__name__)

__all__ = ["ThresholdTuner"]


class _MulticlassThreshold:
    """``threshold_`` of a multiclass tuner: a deprecated alias of ``class_weights_``.

    A non-data descriptor: binary and multilabel tuners store ``threshold_`` in their
    ``__dict__``, which takes precedence; only a multiclass tuner reaches this.
    """

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        if obj.__dict__.get("task_") == "multiclass" and "class_weights_" in obj.__dict__:
            warnings.warn(
                "threshold_ of a multiclass ThresholdTuner is deprecated since 0.1 and will "
                "be removed in 0.3: the per-class weights are class_weights_.",
                FutureWarning, stacklevel=2,
            )
            return obj.class_weights_
        raise AttributeError(f"{type(obj).__name__!r} object has no attribute 'threshold_'")


class ThresholdTuner(_BaseThresholdTuner):
    """Learn decision threshold(s) from out-of-fold scores for a clinical objective.

    The estimator is cross-fitted once; one sorted sweep over every distinct
    out-of-fold score then finds the threshold that optimises the objective (no refit
    per threshold, no fixed grid). Binary targets get one threshold, multilabel targets
    one per label, multiclass targets per-class weights on the probabilities
    (``predict = argmax(w_k * p_k)``) tuned for a macro objective.

    Read more in the :ref:`User Guide <threshold_moving>`.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba`` or ``decision_function`` (a ``CNNClassifier``,
        a ``Pipeline``, a ``GridSearchCV``...). ``X`` is passed through untouched, so
        image arrays of shape (n, H, W[, C]) work. For binary and multiclass targets its
        fitted ``classes_`` must be the classes of ``y`` (sorted, as scikit-learn sets
        them): they say which score column belongs to which class.
    objective : str or callable, default="f_beta"
        What the threshold optimises on the out-of-fold scores:

        * native: ``"f_beta"``, ``"balanced_accuracy"``, ``"youden"`` (TPR + TNR - 1),
          ``"g_mean"``, ``"min_cost"`` (minimise ``cost_fn * FN + cost_fp * FP``),
          ``"max_specificity"`` (subject to ``min_recall``), ``"max_recall"``
          (subject to ``min_precision`` and/or ``min_specificity``);
        * the name of a scikit-learn scorer that scores labels (``"f1"``,
          ``"recall"``, ``"matthews_corrcoef"``...), or a scorer callable
          ``scorer(estimator, X, y)``.

        **Speed.** Native objectives, and scorers made by ``make_scorer`` from
        ``f1_score``, ``fbeta_score``, ``precision_score``, ``recall_score``,
        ``jaccard_score`` (``average`` ``"binary"`` with either class as
        ``pos_label``, ``"micro"``, ``"macro"`` or ``"weighted"``),
        ``accuracy_score``, ``balanced_accuracy_score`` or ``matthews_corrcoef`` (all
        the scorer names built from them: ``"f1"``, ``"f1_macro"``, ``"precision"``,
        ``"recall_weighted"``, ``"jaccard"``, ``"accuracy"``...), are evaluated
        exactly from the (sample-weighted) confusion counts at *every* candidate
        threshold of one sorted sweep. Any other scorer (a custom callable, another
        metric, ``labels=...``, ``average="samples"``, routed score parameters other
        than ``sample_weight``) is *opaque* and is called once per candidate it
        scores: for a binary problem (or each label), with ``m`` candidates (the
        distinct out-of-fold scores, plus one threshold above them all), every
        candidate when ``m <= 256``; otherwise the 256 candidates at evenly spaced
        ranks, then every candidate between the two neighbours of the best of them
        (exact when the objective is unimodal in the threshold; a narrower optimum
        can be missed). This is done on the pooled scores and again on each fold
        (``fold_thresholds_``). For multiclass targets, each coordinate-ascent step
        (at most 4 rounds over the classes) scores at most 256 of the class's
        candidate weights (evenly spaced ranks, no refinement).

        **Targets.** ``"min_cost"``, ``"max_specificity"``, ``"max_recall"``, scorers
        with ``average="binary"`` (``"f1"``, ``"precision"``, ``"recall"``,
        ``"jaccard"``, ``make_scorer(fbeta_score, beta=2)``...) and the constraints
        apply to binary targets and to each label of a multilabel target; with a
        multiclass target they raise "Only binary classification is supported."
        (and the estimator tags say so). Multiclass: ``"f_beta"``,
        ``"balanced_accuracy"``, ``"youden"``, ``"g_mean"`` (macro averages) or a
        multiclass scorer (``"f1_macro"``, ``"accuracy"``...).

        A scorer that returns NaN at some thresholds has those ranked last, with a
        warning (as ``GridSearchCV`` ranks NaN scores); NaN at every threshold is a
        ``ValueError``.
    beta : float, default=1.0
        Beta of the F-beta objective (2 weighs recall 4 times precision).
    min_recall, min_precision, min_specificity : float in (0, 1], default=None
        Constraints on the out-of-fold operating point; they may be combined with any
        binary/multilabel objective. When none of the thresholds meets them, a
        :class:`ConstraintNotMetWarning` is issued and the closest achievable point
        (smallest total shortfall) is used; ``constraint_met_`` records it.
    constraint_confidence : float in (0, 1), default=None
        Judge the constraints on the lower end of each rate's two-sided Wilson
        interval at this level (the interval :func:`~skmedimg.metrics.clinical_report`
        prints) instead of on the out-of-fold point estimate. ``None`` keeps the point
        estimate, as scikit-learn does. **Why:** a threshold that *just* reaches
        recall 0.90 on 150 out-of-fold positives falls below 0.90 on new patients
        about half of the time; with ``constraint_confidence=0.95`` the tuner keeps a
        margin that shrinks as the data grow (measured on the README's synthetic
        example over 4 seeds: test sensitivity 0.82-0.98 at the point estimate,
        0.91-0.98 with the bound, for 0.67-0.87 specificity). Recommended whenever a
        minimum recall is a safety requirement.

        .. versionadded:: 0.1
    cost_fn, cost_fp : float, default=1.0
        Costs of a false negative and a false positive for ``"min_cost"``.
    pos_label : int, float, bool or str, default=None
        Positive class of a binary target; by default the greater label
        (``classes_[1]``), as in scikit-learn. Must be None for multiclass and
        multilabel targets (every class or label is tuned).
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        Scores to threshold; ``"auto"`` prefers ``predict_proba``. Multiclass targets
        need ``predict_proba`` (the class weights multiply probabilities).
    cv : int, float, cross-validation generator, iterable or "prefit", default=None
        ``None``/int: (multilabel-)stratified K-fold (5 folds by default); multilabel
        targets use ``iterstrat``'s ``MultilabelStratifiedKFold`` because
        ``check_cv`` falls back to plain ``KFold`` for them. A float in (0, 1): one
        stratified validation split of that size. A splitter or iterable of
        (train, test). ``"prefit"``: ``estimator`` is already fitted and ``fit(X, y)``
        receives a held-out validation set.
    refit : bool or "auto", default="auto"
        ``True``: refit ``estimator`` on all data and deploy it with the out-of-fold
        threshold (scikit-learn's pattern). ``False``: deploy the model whose scores
        were tuned (a single split, ``cv="prefit"``, or ``ensemble=True``).
        ``"auto"``: ``True`` for deterministic estimators; for non-deterministic ones
        (``__sklearn_tags__().non_deterministic``, e.g. ``CNNClassifier``) ``False``
        (with the fold ensemble, or the model of a single split).
    ensemble : bool or "auto", default="auto"
        Keep the fold models and average their scores at predict time (as
        ``CalibratedClassifierCV(ensemble=True)``); the threshold was tuned on exactly
        those models' out-of-fold scores. ``"auto"`` enables it for non-deterministic
        estimators with several folds. **Why:** a network's score scale moves from one
        training run to the next (measured on PneumoniaMNIST: a threshold tuned for
        recall >= 0.97 on out-of-fold scores gave test sensitivity 0.997 or 0.426 on the
        refit network depending on augmentation; averaging the fold models kept it at
        0.992). Refitting and reusing the threshold is safe only for deterministic
        models. The fold models' scales also differ from each other, so in ensemble
        mode each fold's out-of-fold scores are standardised (median and inter-quartile
        range on the logit scale) before the pooled sweep, and the chosen point is
        mapped back to the scale of the averaged scores.
    random_state : int, RandomState instance or None, default=None
        Seeds the float-``cv`` split, and shuffles the multilabel K-fold splitter. With
        None, that splitter does not shuffle and is repeatable (a fixed internal seed
        breaks its ties, which it would otherwise draw from NumPy's global state).
    n_jobs : int, default=None
        Folds fitted in parallel (joblib).
    store_cv_results : bool, default=False
        Keep the out-of-fold scores in ``cv_results_``.

    Attributes
    ----------
    estimator_ : estimator instance
        The deployed model (refit estimator, fold ensemble, single-split model or the
        prefit estimator).
    estimators_ : list of estimator instances
        The fold models (``ensemble_`` only, else empty).
    threshold_ : float or ndarray of shape (n_labels,)
        The threshold (binary) or one per label (multilabel). ``best_threshold_`` is
        an alias. For a multiclass target, a deprecated alias of ``class_weights_``
        (it warns; removed in 0.3).
    class_weights_ : ndarray of shape (n_classes,)
        Multiclass only: the per-class weights ``w`` of ``argmax(w * proba)``, in the
        order of ``classes_`` (the largest is 1).

        .. versionadded:: 0.1
    best_score_ : float or ndarray of shape (n_labels,)
        Objective at ``threshold_`` on the pooled out-of-fold scores (for
        ``"min_cost"``: minus the mean cost per sample).
    constraint_met_ : bool or ndarray of bool
        Whether the recall/precision/specificity constraints were met out of fold.
    threshold_index_ : int or ndarray of shape (n_labels,) or None
        Index of the chosen threshold in ``curve_`` (None for multiclass).
    curve_ : dict or list of dict
        Threshold -> metrics on the out-of-fold scores: ``thresholds`` (descending),
        ``tp``, ``fp``, ``fn``, ``tn``, ``recall``, ``specificity``, ``precision``,
        ``npv``, ``f_beta``, ``balanced_accuracy``, ``objective``; a list per label for
        multilabel; ``None`` for multiclass. In ensemble mode the metrics are those of
        the fold-aligned scores and the thresholds are on the averaged scores' scale.
    fold_thresholds_ : ndarray of shape (n_splits,) or (n_splits, n_outputs)
        The optimum of each validation fold on its own (NaN when a fold lacks a class).
    threshold_spread_ : dict
        ``mean``, ``std``, ``min``, ``max`` of ``fold_thresholds_``: how stable the
        operating point is.
    cv_results_ : dict
        ``scores``, ``y``, ``indices`` and ``fold`` of the pooled out-of-fold
        predictions (only with ``store_cv_results=True``). In ensemble mode ``scores``
        are each fold model's own scores, not on the scale of ``threshold_`` (which
        applies to the averaged scores; ``curve_`` gives the operating points).
    task_ : {"binary", "multilabel", "multiclass"}
    response_method_ : str
        The method whose scores are thresholded.
    pos_label_ : object
        Positive class (binary).
    refit_, ensemble_ : bool
        The resolved modes.
    n_splits_ : int
        Number of splits used for tuning.
    classes_ : ndarray
        Class labels (a property of ``estimator_``).
    n_features_in_ : int
        Only when ``estimator_`` defines it.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : binary-only, 100-point grid.
    DecisionRule : the fitted rule as plain data (:meth:`to_json`).
    skmedimg.metrics.specificity_at_recall : the threshold-free metric.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmedimg import ThresholdTuner
    >>> X, y = make_classification(600, weights=[0.9], random_state=0)
    >>> tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
    ...                        min_recall=0.9, cv=3).fit(X, y)
    >>> bool(tuner.curve_["recall"][tuner.threshold_index_] >= 0.9)
    True
    >>> tuner.predict(X[:5]).shape
    (5,)
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "objective": [str, callable],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "min_recall": [Interval(Real, 0, 1, closed="right"), None],
        "min_precision": [Interval(Real, 0, 1, closed="right"), None],
        "min_specificity": [Interval(Real, 0, 1, closed="right"), None],
        "constraint_confidence": [Interval(RealNotInt, 0, 1, closed="neither"), None],
        "cost_fn": [Interval(Real, 0, None, closed="left")],
        "cost_fp": [Interval(Real, 0, None, closed="left")],
        "pos_label": [Real, str, "boolean", None],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "cv": ["cv_object", StrOptions({"prefit"}),
               Interval(RealNotInt, 0.0, 1.0, closed="neither")],
        "refit": ["boolean", StrOptions({"auto"})],
        "ensemble": ["boolean", StrOptions({"auto"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "store_cv_results": ["boolean"],
    }

    _FITTED_ATTRIBUTES = (
        "task_", "pos_label_", "response_method_", "refit_", "ensemble_", "n_splits_",
        "threshold_", "class_weights_", "threshold_index_", "best_score_",
        "constraint_met_", "curve_", "fold_thresholds_", "threshold_spread_",
        "cv_results_", "estimator_", "estimators_", "n_features_in_", "feature_names_in_",
    )

    threshold_ = _MulticlassThreshold()

    def __init__(self, estimator, *, objective="f_beta", beta=1.0, min_recall=None,
                 min_precision=None, min_specificity=None, constraint_confidence=None,
                 cost_fn=1.0, cost_fp=1.0, pos_label=None, response_method="auto", cv=None,
                 refit="auto", ensemble="auto", random_state=None, n_jobs=None,
                 store_cv_results=False):
        self.estimator = estimator
        self.objective = objective
        self.beta = beta
        self.min_recall = min_recall
        self.min_precision = min_precision
        self.min_specificity = min_specificity
        self.constraint_confidence = constraint_confidence
        self.cost_fn = cost_fn
        self.cost_fp = cost_fp
        self.pos_label = pos_label
        self.response_method = response_method
        self.cv = cv
        self.refit = refit
        self.ensemble = ensemble
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.store_cv_results = store_cv_results

    # ------------------------------------------------------------------ validation
    def _check_objective(self, task):
        return check_objective(self.objective, task,
                               {k: getattr(self, k) for k in CONSTRAINTS})

    def _supports_multiclass(self) -> bool:
        return supports_multiclass(self.objective, {k: getattr(self, k) for k in CONSTRAINTS},
                                   self.response_method, self.estimator)

    def _make_cv(self, y, task):
        return make_cv(self.cv, y, task, self.random_state)

    # ------------------------------------------------------------------------ fit
    def _fit(self, X, y, routed):
        task, classes = self._check_target(y)
        objective = self._check_objective(task)
        y_arr = np.asarray(y)
        n = y_arr.shape[0]
        score_params = routed.objective
        weights = score_params.get("sample_weight")
        if weights is not None and objective.scorer is not None and \
                objective.counts is None and not accepts_sample_weight(objective.scorer):
            raise ValueError(
                f"The scorer objective {objective.scorer!r} does not accept sample_weight, "
                "so the objective cannot be weighted like the estimator. Use a scorer "
                "that takes sample_weight, or enable metadata routing to choose where the "
                "weights go."
            )
        self._check_weighted_classes(y_arr, task, classes, weights)
        pos, neg = positive_label(self.pos_label, task, classes)

        # ----- splits and modes (same rules and messages as TunedThresholdClassifierCV)
        cv = self._make_cv(y_arr, task)
        prefit = isinstance(cv, str)
        if prefit:
            check_prefit(self.estimator, self.refit, self.ensemble)
            refit, ensemble, splits = False, False, [(None, np.arange(n))]
        else:
            splits = list(cv.split(X, y_arr, **routed.splitter))
            refit, ensemble = resolve_modes(
                self.refit, self.ensemble, non_det=_is_non_deterministic(self.estimator),
                n_splits=len(splits), name=type(self.estimator).__name__)
            check_fold_classes(splits, y_arr, task, classes)
        method = response_method(self.response_method, self.estimator, task)

        # ----- out-of-fold scores: one cross-fit
        fold_models, fold_scores = cross_fit(
            self.estimator, X, y, None if prefit else splits, fit_params=routed.estimator,
            method=method, task=task, pos_label=pos, classes=classes, n_jobs=self.n_jobs)
        test_idx = [np.asarray(test) for _, test in splits]
        oof_idx = np.concatenate(test_idx)
        oof_scores = np.concatenate(fold_scores, axis=0)
        spread = np.ptp(oof_scores, axis=0)
        if (spread == 0).all() if task == "multiclass" else (spread == 0).any():
            raise ValueError(
                "The provided estimator makes constant predictions. Therefore, it is "
                "impossible to optimize the decision threshold."
            )

        spec = _TuneSpec(objective=objective.name, scorer=objective.scorer, beta=self.beta,
                         cost_fn=self.cost_fn, cost_fp=self.cost_fp,
                         min_recall=self.min_recall, min_precision=self.min_precision,
                         min_specificity=self.min_specificity,
                         confidence=self.constraint_confidence)
        align = None
        if ensemble and task != "multiclass":
            # the fold models' score scales differ; tune on aligned scores, deploy the
            # threshold on the averaged scores' scale (see _ScoreAlignment)
            align = _ScoreAlignment(fold_scores, method)
        # Everything is computed into `fitted` and set on self at the very end: a fit that
        # fails half-way must leave no fitted attributes (first fit) or the previous model
        # exactly as it was (re-fit), never a mix of the two.
        fitted = {"task_": task, "pos_label_": pos, "response_method_": method,
                  "refit_": refit, "ensemble_": ensemble, "n_splits_": len(splits)}
        fitted.update(tune_pooled(
            spec, task, y_arr[oof_idx],
            oof_scores if align is None else np.concatenate(align.z, axis=0),
            _index_params(score_params, oof_idx, n), classes, pos, neg, align))
        fitted.update(tune_folds(spec, task, y_arr, test_idx, fold_scores, classes, pos,
                                 neg, score_params, n))
        if self.store_cv_results:
            fold_of = np.concatenate([np.full(t.size, f) for f, t in enumerate(test_idx)])
            fitted["cv_results_"] = {"scores": oof_scores, "y": y_arr[oof_idx],
                                     "indices": oof_idx, "fold": fold_of}

        # ----- the deployed model
        estimator_, estimators_ = deployed_model(
            self.estimator, X, y, fold_models, prefit=prefit, ensemble=ensemble, refit=refit,
            fit_params=routed.estimator, classes=classes, task=task)
        fitted["estimator_"], fitted["estimators_"] = estimator_, estimators_
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(estimator_, attr):
                fitted[attr] = getattr(estimator_, attr)
        self._set_fitted(fitted)
        logger.info("ThresholdTuner: %s %s (objective %s = %s)", task,
                    fitted.get("threshold_", fitted.get("class_weights_")), self.objective,
                    fitted["best_score_"])
        return self

    # -------------------------------------------------------------- predictions
    @property
    def best_threshold_(self):
        """Alias of ``threshold_`` (the name used by ``TunedThresholdClassifierCV``)."""
        return self.threshold_

    def _scores(self, X):
        check_is_fitted(self, "task_")
        s = _get_scores(self.estimator_, X, method=self.response_method_, task=self.task_,
                        pos_label=self.pos_label_)
        nan = np.isnan(s)
        if nan.any():  # NaN >= threshold is False: it would be predicted negative
            rows = np.flatnonzero(nan.reshape(s.shape[0], -1).any(axis=1))
            raise ValueError(
                f"The deployed estimator returned NaN scores for {rows.size} sample(s) "
                f"(rows {rows[:10].tolist()}); ThresholdTuner cannot classify them."
            )
        return s

    def predict(self, X):
        """Labels at the tuned threshold(s) (multiclass: ``argmax(class_weights_ * p)``).

        Parameters
        ----------
        X : array-like
            Samples in the form the estimator accepts.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted class labels (values of ``classes_``); for a multilabel
            target, a 0/1 indicator matrix with one column per label.
        """
        s = self._scores(X)
        if self.task_ == "binary":
            classes = np.asarray(self.classes_)
            neg = classes[0] if classes[1] == self.pos_label_ else classes[1]
            return np.where(s >= self.threshold_, self.pos_label_, neg)
        if self.task_ == "multilabel":
            return (s >= self.threshold_[None, :]).astype(int)
        return np.asarray(self.classes_)[np.argmax(s * self.class_weights_[None, :], axis=1)]

    # ------------------------------------------------------------- rule, plot
    def decision_rule(self) -> DecisionRule:
        """The fitted rule as a :class:`DecisionRule` (plain data).

        Returns
        -------
        rule : DecisionRule
            The task, score type, classes and tuned threshold(s) or class weights,
            with information about the tuning.
        """
        check_is_fitted(self, "task_")
        return tuner_rule(self)

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """The decision rule as JSON (written to ``path`` when given).

        Deployment needs no pickle: ``DecisionRule.from_json(text).predict(scores)``,
        with ``scores`` the output of this tuner's ``score_type`` method
        (``tuner.predict_proba(X)`` or ``tuner.decision_function(X)``, unchanged),
        reproduces :meth:`predict`; see :class:`DecisionRule` for the expected shapes.

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
        return self.decision_rule().to_json(path, indent=indent)

    @staticmethod
    def from_json(source) -> DecisionRule:
        """Load a rule written by :meth:`to_json` (a JSON string or a file path).

        Parameters
        ----------
        source : str, bytes, path-like or file object
            JSON text, the path of a JSON file, or an open file, as accepted by
            :meth:`DecisionRule.from_json`; the JSON must carry the ``format`` field
            that :meth:`to_json` writes.

        Returns
        -------
        rule : DecisionRule
            The validated rule.
        """
        return read_rule(source)

    def plot(self, label: int | None = None, *, ax=None,
             metrics=("recall", "specificity", "precision", "f_beta", "objective")):
        """Metrics against the threshold (out-of-fold), with the operating point.

        Parameters
        ----------
        label : int, optional
            Multilabel: which label to plot (default 0).
        ax : matplotlib Axes, optional
            Axes to draw on; by default a new figure is created.
        metrics : sequence of str
            Keys of ``curve_``.

        Returns
        -------
        display : skmedimg.metrics.ThresholdCurveDisplay
            The display, with the figure and axes it drew on.
        """
        from ..metrics import ThresholdCurveDisplay

        check_is_fitted(self, "task_")
        if self.task_ == "multiclass":
            raise ValueError("plot() draws threshold curves of binary and multilabel tuners.")
        if self.task_ == "multilabel":
            k = 0 if label is None else label
            n_labels = len(self.curve_)
            # a negative index would plot another label under this one's title
            if not (_is_int(k) and 0 <= k < n_labels):
                raise ValueError(
                    f"label must be an integer in [0, {n_labels - 1}]; got {label!r}."
                )
            curve, thr, who = self.curve_[k], float(self.threshold_[k]), f"label {k}"
        elif label is not None:
            raise ValueError(f"label applies to multilabel tuners; this one is {self.task_}.")
        else:
            curve, thr = self.curve_, float(self.threshold_)
            who = f"{type(self.estimator).__name__} (out-of-fold)"
        name = self.objective if isinstance(self.objective, str) else "scorer"
        return ThresholdCurveDisplay(
            curve, threshold=thr, metrics=metrics, beta=self.beta,
            min_recall=self.min_recall, min_precision=self.min_precision,
            min_specificity=self.min_specificity, objective=name, name=who,
        ).plot(ax=ax)
