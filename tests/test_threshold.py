"""ThresholdTuner: objectives, CV rules, multilabel/multiclass, deployment modes."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    PredefinedSplit,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_val_predict,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmedimg import ThresholdTuner
from skmedimg._threshold import ConstraintNotMetWarning, DecisionRule, _FoldEnsemble

RND_SEED = 0


@pytest.fixture(scope="module")
def binary_data():
    return make_classification(600, n_features=8, weights=[0.85], class_sep=0.8,
                               random_state=RND_SEED)


class NonDeterministicLR(LogisticRegression):
    """A LogisticRegression tagged non-deterministic (stands in for a CNN)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


class ScoreEcho(LogisticRegression):
    """Prefit stand-in whose positive-class probability is X[:, 0]."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        p = np.asarray(X)[:, 0]
        return np.c_[1 - p, p]


# ----------------------------------------------------------------- objectives / CV


def test_min_recall_holds_out_of_fold_and_specificity_is_maximal(binary_data):
    X, y = binary_data
    cv = StratifiedKFold(3)
    tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
                           min_recall=0.95, cv=cv, store_cv_results=True).fit(X, y)
    oof = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")[:, 1]
    np.testing.assert_allclose(np.sort(tuner.cv_results_["scores"]), np.sort(oof))
    pred = oof >= tuner.threshold_
    assert recall_score(y, pred) >= 0.95
    best_spec = max(
        np.mean(~(oof[y == 0] >= t)) for t in np.unique(oof)
        if np.mean(oof[y == 1] >= t) >= 0.95
    )
    assert tuner.best_score_ == pytest.approx(best_spec)
    assert np.mean(~pred[y == 0]) == pytest.approx(best_spec)
    assert tuner.constraint_met_ is True
    assert tuner.refit_ and not tuner.ensemble_


@pytest.mark.parametrize("objective", ["balanced_accuracy", "f1"])
def test_matches_tuned_threshold_classifier_cv_exactly_on_the_same_scores(objective):
    """Same validation scores, same objective, TTCV given every distinct score."""
    rng = np.random.default_rng(RND_SEED)
    y = (rng.random(300) < 0.2).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.15), 0, 1).round(3)
    X = s[:, None]
    clf = ScoreEcho().fit(X, y)
    ours = ThresholdTuner(clf, objective="f_beta" if objective == "f1" else objective,
                          cv="prefit", refit=False).fit(X, y)
    ttcv = TunedThresholdClassifierCV(clf, scoring=objective, cv="prefit", refit=False,
                                      thresholds=np.unique(s)).fit(X, y)
    assert ours.best_score_ == pytest.approx(ttcv.best_score_)
    assert ours.threshold_ == pytest.approx(ttcv.best_threshold_)
    np.testing.assert_array_equal(ours.predict(X), ttcv.predict(X))


def test_agrees_with_tuned_threshold_classifier_cv_on_folds(binary_data):
    X, y = binary_data
    cv = StratifiedKFold(5)
    ours = ThresholdTuner(LogisticRegression(), objective="balanced_accuracy", cv=cv,
                          store_cv_results=True).fit(X, y)
    ttcv = TunedThresholdClassifierCV(LogisticRegression(), scoring="balanced_accuracy",
                                      cv=cv).fit(X, y)
    oof_y, oof_s = ours.cv_results_["y"], ours.cv_results_["scores"]
    ours_oof = balanced_accuracy_score(oof_y, oof_s >= ours.threshold_)
    theirs_oof = balanced_accuracy_score(oof_y, oof_s >= ttcv.best_threshold_)
    assert ours_oof >= theirs_oof - 1e-12  # every distinct score vs a 100-point grid
    assert abs(ours.threshold_ - ttcv.best_threshold_) < 0.1
    assert np.mean(ours.predict(X) == ttcv.predict(X)) > 0.95


@pytest.mark.parametrize("objective,kw", [
    ("f_beta", {"beta": 2}), ("youden", {}), ("g_mean", {}), ("min_cost", {"cost_fn": 10}),
    ("max_recall", {"min_precision": 0.5}), ("matthews_corrcoef", {}),
])
def test_objectives_fit_and_report(binary_data, objective, kw):
    X, y = binary_data
    tuner = ThresholdTuner(LogisticRegression(), objective=objective, cv=3, **kw).fit(X, y)
    assert np.isscalar(tuner.threshold_) and tuner.best_threshold_ == tuner.threshold_
    assert tuner.fold_thresholds_.shape == (3,)
    assert set(tuner.threshold_spread_) == {"mean", "std", "min", "max"}
    assert tuner.curve_["objective"][tuner.threshold_index_] == pytest.approx(tuner.best_score_)
    assert set(np.unique(tuner.predict(X))) <= {0, 1}


def test_min_cost_prefers_sensitivity_when_misses_cost_more(binary_data):
    X, y = binary_data
    cheap = ThresholdTuner(LogisticRegression(), objective="min_cost", cv=3).fit(X, y)
    dear = ThresholdTuner(LogisticRegression(), objective="min_cost", cost_fn=20,
                          cv=3).fit(X, y)
    assert dear.threshold_ < cheap.threshold_
    assert recall_score(y, dear.predict(X)) > recall_score(y, cheap.predict(X))


def test_constraint_not_met_warns_and_uses_closest_point():
    y = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    X = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])[:, None]
    with pytest.warns(ConstraintNotMetWarning, match="No threshold reaches precision >= 0.9"):
        tuner = ThresholdTuner(ScoreEcho().fit(X, y), objective="max_recall",
                               min_precision=0.9, cv="prefit", refit=False).fit(X, y)
    assert tuner.constraint_met_ is False
    assert tuner.curve_["precision"][tuner.threshold_index_] == pytest.approx(0.5)


def test_pos_label_and_string_labels(binary_data):
    X, y = binary_data
    labels = np.where(y == 1, "lesion", "healthy")
    tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
                           min_recall=0.9, pos_label="healthy", cv=3).fit(X, labels)
    assert tuner.pos_label_ == "healthy"
    pred = tuner.predict(X)
    assert set(pred) <= {"healthy", "lesion"}
    assert np.mean(pred[labels == "healthy"] == "healthy") >= 0.85
    default = ThresholdTuner(LogisticRegression(), cv=3).fit(X, labels)
    assert default.pos_label_ == "lesion"  # classes_[1], as in scikit-learn


def test_decision_function_estimator(binary_data):
    X, y = binary_data
    tuner = ThresholdTuner(LinearSVC(), objective="balanced_accuracy", cv=3).fit(X, y)
    assert tuner.response_method_ == "decision_function"
    assert not hasattr(tuner, "predict_proba")
    np.testing.assert_array_equal(
        tuner.predict(X), (tuner.decision_function(X) >= tuner.threshold_).astype(int))


def test_image_arrays_pass_through_untouched():
    rng = np.random.default_rng(RND_SEED)
    y = (rng.random(200) < 0.3).astype(int)
    X = rng.normal(size=(200, 6, 6)).astype(np.float32)
    X[y == 1, 2:4, 2:4] += 1.0
    flatten = FunctionTransformer(lambda Z: Z.reshape(len(Z), -1))
    tuner = ThresholdTuner(make_pipeline(flatten, LogisticRegression()),
                           objective="max_specificity", min_recall=0.9, cv=3).fit(X, y)
    assert tuner.predict(X).shape == (200,)


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize("params,err,match", [
    ({"objective": "nope"}, ValueError, "Unknown objective 'nope'"),
    ({"min_recall": 0.0}, ValueError, r"'min_recall' parameter .* range \(0.0, 1.0\]"),
    ({"min_recall": 1.5}, ValueError, r"'min_recall' parameter .* range \(0.0, 1.0\]"),
    ({"min_precision": -1}, ValueError, "'min_precision' parameter"),
    ({"objective": "max_specificity"}, ValueError, "needs a constraint: set min_recall"),
    ({"objective": "max_recall"}, ValueError, "min_precision or min_specificity"),
    ({"cv": 3, "refit": False}, ValueError, "refit cannot be False"),
    ({"cv": 3, "refit": True, "ensemble": True}, ValueError, "exclusive"),
    ({"cv": "prefit", "refit": True}, ValueError, "When cv='prefit', refit cannot be True"),
    ({"objective": "roc_auc"}, ValueError, "threshold-free scorers"),
    ({"beta": 0}, ValueError, "'beta' parameter"),
])
def test_bad_parameters(binary_data, params, err, match):
    X, y = binary_data
    with pytest.raises(err, match=match):
        ThresholdTuner(LogisticRegression(), **params).fit(X, y)


def test_estimator_without_scores_is_rejected(binary_data):
    X, y = binary_data

    class LabelsOnly:
        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.zeros(len(X))

        def get_params(self, deep=True):
            return {}

    with pytest.raises(ValueError, match="'estimator' parameter .* 'predict_proba'"):
        ThresholdTuner(LabelsOnly()).fit(X, y)


def test_single_class_in_a_training_fold_is_rejected(binary_data):
    X, y = binary_data
    neg, pos = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    splits = [(neg[:100], np.r_[neg[100:], pos]), (np.r_[neg[100:], pos], neg[:100])]
    with pytest.raises(ValueError, match="Training fold 0 contains a single class"):
        ThresholdTuner(LogisticRegression(), cv=splits).fit(X, y)
    with pytest.raises(ValueError, match="y contains 1 class"):
        ThresholdTuner(LogisticRegression(), cv=3).fit(X, np.ones_like(y))


def test_prefit_needs_a_fitted_estimator(binary_data):
    X, y = binary_data
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="estimator` must be fitted"):
        ThresholdTuner(LogisticRegression(), cv="prefit", refit=False).fit(X, y)


def test_constant_predictions_are_rejected():
    X = np.full((40, 1), 0.5)
    y = np.r_[np.zeros(20), np.ones(20)].astype(int)
    with pytest.raises(ValueError, match="constant predictions"):
        ThresholdTuner(ScoreEcho().fit(X, y), cv="prefit", refit=False).fit(X, y)


# ---------------------------------------------------------- deployment modes (networks)


def test_default_modes_depend_on_determinism(binary_data):
    X, y = binary_data
    det = ThresholdTuner(LogisticRegression(), cv=3).fit(X, y)
    assert det.refit_ and not det.ensemble_ and det.estimators_ == []
    nd = ThresholdTuner(NonDeterministicLR(), cv=3).fit(X, y)
    assert nd.ensemble_ and not nd.refit_ and len(nd.estimators_) == 3
    assert isinstance(nd.estimator_, _FoldEnsemble)
    mean = np.mean([m.predict_proba(X) for m in nd.estimators_], axis=0)
    np.testing.assert_allclose(nd.predict_proba(X), mean)
    np.testing.assert_array_equal(nd.predict(X), (mean[:, 1] >= nd.threshold_).astype(int))
    # wrapped in a search: the tag is found through GridSearchCV and Pipeline
    search = GridSearchCV(make_pipeline(StandardScaler(), NonDeterministicLR()),
                          {"nondeterministiclr__C": [1.0]}, cv=2)
    assert ThresholdTuner(search).__sklearn_tags__().non_deterministic
    single = ThresholdTuner(NonDeterministicLR(), cv=0.3, random_state=0).fit(X, y)
    assert not single.refit_ and not single.ensemble_ and single.n_splits_ == 1
    with pytest.warns(UserWarning, match="non-deterministic"):
        ThresholdTuner(NonDeterministicLR(), cv=3, refit=True).fit(X, y)


def test_refit_false_with_validation_fraction_deploys_the_tuned_model(binary_data):
    X, y = binary_data
    tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity",
                           min_recall=0.9, cv=0.3, refit=False, random_state=0,
                           store_cv_results=True).fit(X, y)
    idx = tuner.cv_results_["indices"]
    s = tuner.predict_proba(X[idx])[:, 1]
    np.testing.assert_allclose(s, tuner.cv_results_["scores"])
    assert recall_score(y[idx], s >= tuner.threshold_) >= 0.9


# ---------------------------------------------------------------- multilabel/class


def test_multilabel_thresholds_equal_independent_binary_tunes():
    X, Y = make_multilabel_classification(300, n_features=8, n_classes=3,
                                          random_state=RND_SEED)
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, Y[:, 0]))
    ml = ThresholdTuner(OneVsRestClassifier(LogisticRegression()),
                        objective="max_specificity", min_recall=0.9, cv=splits).fit(X, Y)
    assert ml.task_ == "multilabel" and ml.threshold_.shape == (3,)
    assert ml.fold_thresholds_.shape == (3, 3)
    for k in range(3):
        b = ThresholdTuner(LogisticRegression(), objective="max_specificity",
                           min_recall=0.9, cv=splits).fit(X, Y[:, k])
        assert ml.threshold_[k] == pytest.approx(b.threshold_)
        assert ml.best_score_[k] == pytest.approx(b.best_score_)
    pred = ml.predict(X)
    np.testing.assert_array_equal(pred, (ml.predict_proba(X) >= ml.threshold_).astype(int))


def test_multilabel_default_splitter_is_multilabel_stratified():
    from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

    X, Y = make_multilabel_classification(200, n_features=6, n_classes=3,
                                          random_state=RND_SEED)
    tuner = ThresholdTuner(OneVsRestClassifier(LogisticRegression()), cv=4, random_state=0)
    assert isinstance(tuner._make_cv(Y, "multilabel"), MultilabelStratifiedKFold)
    tuner.fit(X, Y)
    assert tuner.n_splits_ == 4


class FoldShiftedLR(ClassifierMixin, BaseEstimator):
    """Logistic regression (one per label for a 2-D y) whose logits move by an offset
    that depends on the training run, as a network's score scale does between runs.

    Column 0 of X is the fold id; a model trained without fold ``f`` adds
    ``offsets[f]`` to its logits. The other columns are the features.
    """

    def __init__(self, offsets=(0.0, 0.0, 0.0)):
        self.offsets = offsets

    def fit(self, X, y):
        X, Y = np.asarray(X), np.asarray(y)
        absent = set(range(len(self.offsets))) - set(np.unique(X[:, 0]).astype(int))
        self.offset_ = self.offsets[absent.pop()] if len(absent) == 1 else 0.0
        self.multilabel_ = Y.ndim == 2
        self.models_ = [LogisticRegression().fit(X[:, 1:], c)
                        for c in (Y.T if self.multilabel_ else [Y])]
        self.classes_ = np.arange(Y.shape[1]) if self.multilabel_ else self.models_[0].classes_
        return self

    def predict_proba(self, X):
        z = np.column_stack([m.decision_function(np.asarray(X)[:, 1:]) for m in self.models_])
        p = 1 / (1 + np.exp(-(z + self.offset_)))
        return p if self.multilabel_ else np.c_[1 - p[:, 0], p[:, 0]]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


@pytest.mark.parametrize("task", ["binary", "multilabel"])
@pytest.mark.parametrize("objective, kw", [("max_specificity", {"min_recall": 0.9}),
                                           ("f_beta", {"beta": 2})])
def test_ensemble_threshold_transfers_when_fold_score_scales_differ(task, objective, kw):
    # Regression: with one fold model on a lower score scale than the others (a CNN
    # trained briefly), the threshold swept on the raw pooled out-of-fold scores did not
    # mean the same thing on the fold models' averaged scores: multilabel test recall
    # fell from 0.94 at 0.5 to 0.12 at the tuned threshold (F2), and a recall
    # constraint gave a threshold every normal sample passed. The tuner must decide on
    # unseen data as it does when the fold models agree.
    n_fit, n = 900, 6000
    if task == "binary":
        X, Y = make_classification(n_fit + n, n_features=6, weights=[0.85], class_sep=1.0,
                                   random_state=RND_SEED)
        Y = Y[:, None]
    else:
        X, Y = make_multilabel_classification(n_fit + n, n_features=8, n_classes=3,
                                              n_labels=1, random_state=RND_SEED)
    fold = np.arange(len(X)) % 3
    X = np.column_stack([fold, X])
    X_fit, Y_fit, X_new, Y_new = X[:n_fit], Y[:n_fit], X[n_fit:], Y[n_fit:]
    y_fit = Y_fit[:, 0] if task == "binary" else Y_fit
    cv = PredefinedSplit(fold[:n_fit])

    def test_rates(offsets):
        tuner = ThresholdTuner(FoldShiftedLR(offsets), objective=objective, cv=cv,
                               **kw).fit(X_fit, y_fit)
        assert tuner.ensemble_
        pred = tuner.predict(X_new).reshape(len(X_new), -1)
        return np.array([[recall_score(Y_new[:, k], pred[:, k]),
                          recall_score(1 - Y_new[:, k], 1 - pred[:, k])]
                         for k in range(Y.shape[1])])

    agree = test_rates((0.0, 0.0, 0.0))
    shifted = test_rates((-3.0, 1.0, 2.0))
    # recall and specificity on unseen data as when the fold models agree
    np.testing.assert_allclose(shifted, agree, atol=0.05)
    if objective == "max_specificity":
        assert (shifted[:, 0] >= 0.85).all()


def test_ensemble_tuning_ignores_a_per_fold_shift_of_the_logits(binary_data):
    # the sweep runs on each fold's scores re-centred on the logit scale, so fold models
    # that differ only by a logit offset give the same out-of-fold operating point
    X, y = binary_data
    X = np.column_stack([np.arange(len(X)) % 3, X])
    kw = {"objective": "max_specificity", "min_recall": 0.9,
          "cv": PredefinedSplit(np.arange(len(X)) % 3)}
    agree = ThresholdTuner(FoldShiftedLR(), **kw).fit(X, y)
    shifted = ThresholdTuner(FoldShiftedLR((-3.0, 1.0, 2.0)), **kw).fit(X, y)
    assert shifted.ensemble_
    assert shifted.best_score_ == pytest.approx(agree.best_score_)
    for key in ("recall", "specificity"):
        assert shifted.curve_[key][shifted.threshold_index_] == pytest.approx(
            agree.curve_[key][agree.threshold_index_])
    t = shifted.threshold_
    assert shifted.curve_["thresholds"][shifted.threshold_index_] == pytest.approx(t)
    np.testing.assert_array_equal(shifted.predict(X),
                                  (shifted.predict_proba(X)[:, 1] >= t).astype(int))


def test_multiclass_class_weights_improve_the_macro_objective():
    X, y = make_classification(900, n_classes=3, n_informative=4, weights=[0.7, 0.2, 0.1],
                               random_state=RND_SEED)
    cv = StratifiedKFold(3)
    tuner = ThresholdTuner(LogisticRegression(), objective="balanced_accuracy",
                           cv=cv).fit(X, y)
    proba = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")
    base = balanced_accuracy_score(y, proba.argmax(1))
    tuned = balanced_accuracy_score(y, (proba * tuner.class_weights_).argmax(1))
    assert tuner.class_weights_.shape == (3,)
    assert tuned == pytest.approx(tuner.best_score_)
    assert tuned > base + 0.02
    np.testing.assert_array_equal(
        tuner.predict(X), (tuner.predict_proba(X) * tuner.class_weights_).argmax(1))
    with pytest.raises(ValueError, match="not supported for multiclass"):
        ThresholdTuner(LogisticRegression(), objective="min_cost").fit(X, y)


# -------------------------------------------------------------------- ecosystem


@pytest.mark.parametrize("task", ["binary", "multilabel", "multiclass"])
def test_json_rule_reproduces_predict(tmp_path, task):
    if task == "binary":
        X, y = make_classification(300, weights=[0.8], random_state=RND_SEED)
        est = LogisticRegression()
    elif task == "multilabel":
        X, y = make_multilabel_classification(300, n_classes=3, random_state=RND_SEED)
        est = OneVsRestClassifier(LogisticRegression())
    else:
        X, y = make_classification(300, n_classes=3, n_informative=4, random_state=RND_SEED)
        est = LogisticRegression()
    tuner = ThresholdTuner(est, objective="balanced_accuracy", cv=3, random_state=0).fit(X, y)
    path = tmp_path / "rule.json"
    text = tuner.to_json(path)
    rule = ThresholdTuner.from_json(path)
    assert DecisionRule.from_json(text).rule == rule.rule
    assert rule.rule["task"] == task and rule.rule["score_type"] == "predict_proba"
    # the full predict_proba output: a binary rule refuses a 1-D column, which could be
    # either class's probability
    np.testing.assert_array_equal(rule.predict(tuner.predict_proba(X)), tuner.predict(X))


def test_pipeline_gridsearch_clone_and_pickle(binary_data):
    X, y = binary_data
    pipe = make_pipeline(StandardScaler(), ThresholdTuner(LogisticRegression(), cv=3))
    assert pipe.fit(X, y).predict(X).shape == (600,)
    search = GridSearchCV(ThresholdTuner(LogisticRegression(), cv=3),
                          {"objective": ["f_beta", "g_mean"], "estimator__C": [0.1, 1.0]},
                          scoring="balanced_accuracy", cv=2).fit(X, y)
    assert search.best_params_["objective"] in ("f_beta", "g_mean")
    tuner = ThresholdTuner(LogisticRegression(), min_recall=0.9, cv=3)
    assert clone(tuner).get_params()["min_recall"] == 0.9
    tuner.fit(X, y)
    again = pickle.loads(pickle.dumps(tuner))
    np.testing.assert_array_equal(again.predict(X), tuner.predict(X))
    assert again.threshold_ == tuner.threshold_


def test_metadata_routing_sample_weight_and_groups(binary_data):
    X, y = binary_data
    groups = np.arange(len(y)) % 6
    with config_context(enable_metadata_routing=True):
        est = LogisticRegression().set_fit_request(sample_weight=True)
        tuner = ThresholdTuner(est, cv=GroupKFold(3)).fit(
            X, y, sample_weight=np.ones(len(y)), groups=groups)
        assert tuner.n_splits_ == 3
    # Without routing, sample_weight is the only parameter fit accepts (scikit-learn's
    # _raise_for_params): groups used to be popped for the splitter on a second path.
    with pytest.raises(ValueError, match=r"Passing extra keyword arguments to "
                                         r"ThresholdTuner.fit is only supported if "
                                         r"enable_metadata_routing=True.*'groups'"):
        ThresholdTuner(LogisticRegression(), cv=GroupKFold(3)).fit(
            X, y, sample_weight=np.ones(len(y)), groups=groups)
    splits = list(GroupKFold(3).split(X, y, groups))
    plain = ThresholdTuner(LogisticRegression(), cv=splits).fit(
        X, y, sample_weight=np.ones(len(y)))
    assert plain.threshold_ == pytest.approx(tuner.threshold_)


def test_plot_returns_a_display(binary_data):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    X, y = binary_data
    tuner = ThresholdTuner(LogisticRegression(), cv=3).fit(X, y)
    disp = tuner.plot()
    assert disp.figure_ is not None and "recall" in disp.lines_
    import matplotlib.pyplot as plt

    plt.close("all")


def _expected_failed_checks(estimator):
    return {
        "check_classifiers_train":
            "by design, predict applies the tuned threshold/class weights, so it differs "
            "from argmax(predict_proba) and sign(decision_function)",
        "check_classifiers_train(readonly_memmap=True)": "as check_classifiers_train",
        "check_classifiers_train(readonly_memmap=True,X_dtype=float32)":
            "as check_classifiers_train",
    }


@parametrize_with_checks([ThresholdTuner(LogisticRegression(), cv=3)],
                         expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)
