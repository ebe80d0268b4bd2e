"""Issue 11: every confusion-matrix objective on the fast sweep, weighted objectives,
tags that follow the objective, class_weights_, and scikit-learn's checks per objective
family."""

import functools
import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    get_scorer,
    jaccard_score,
    make_scorer,
    matthews_corrcoef,
    precision_score,
    recall_score,
)
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmedimg import _counts
from skmedimg._threshold import ThresholdTuner, _TuneSpec
from skmedimg._threshold import _objectives as objectives_module
from skmedimg._threshold._objectives import count_metric

RND_SEED = 0


class Fixed(ClassifierMixin, BaseEstimator):
    """Returns the given labels from predict (to call a scorer on predictions)."""

    def __init__(self, labels=None, classes=None):
        self.labels = labels
        self.classes = classes

    @property
    def classes_(self):
        return self.classes

    def predict(self, X):
        return self.labels


class ScoreEcho(LogisticRegression):
    """Prefit stand-in whose positive-class probability is X[:, 0]."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        p = np.asarray(X)[:, 0]
        return np.c_[1 - p, p]


def _call(scorer, y, pred, classes, w):
    kw = {} if w is None else {"sample_weight": w}
    return float(scorer(Fixed(pred, classes), np.zeros((len(y), 1)), y, **kw))


# scorer names and scorers the fast path must evaluate exactly like the scorer
FAST = {
    **{name: name for name in (
        "f1", "f1_macro", "f1_micro", "f1_weighted", "precision", "precision_macro",
        "precision_micro", "precision_weighted", "recall", "recall_macro", "recall_micro",
        "recall_weighted", "jaccard", "jaccard_macro", "jaccard_micro", "jaccard_weighted",
        "accuracy", "balanced_accuracy", "matthews_corrcoef")},
    "fbeta(beta=2)": make_scorer(fbeta_score, beta=2),
    "fbeta(beta=0.5, macro)": make_scorer(fbeta_score, beta=0.5, average="macro"),
    "fbeta(beta=0)": make_scorer(fbeta_score, beta=0),
    "recall(pos_label=0)": make_scorer(recall_score, pos_label=0),
    "precision()": make_scorer(precision_score),
    "precision(zero_division=1)": make_scorer(precision_score, zero_division=1.0),
    "precision(zero_division=nan)": make_scorer(precision_score, zero_division=np.nan),
    "f1(pos_label=0)": make_scorer(f1_score, pos_label=0),
    "jaccard(pos_label=0)": make_scorer(jaccard_score, pos_label=0),
    "accuracy(normalize=False)": make_scorer(accuracy_score, normalize=False),
    "balanced_accuracy(adjusted)": make_scorer(balanced_accuracy_score, adjusted=True),
    "matthews object": make_scorer(matthews_corrcoef),
    "neg f1": make_scorer(f1_score, greater_is_better=False),
}


def _scorer(spec):
    return get_scorer(spec) if isinstance(spec, str) else spec


def _problems(n_problems=8):
    """Seeded small binary problems with ties, some with sample weights."""
    rng = np.random.default_rng(RND_SEED)
    for i in range(n_problems):
        n = int(rng.integers(2, 40))
        y = (rng.random(n) < rng.uniform(0.2, 0.7)).astype(int)
        y[0], y[-1] = 0, 1  # both classes
        s = rng.integers(0, 12, n) / 12.0  # many ties on purpose
        w = None if i % 2 == 0 else rng.integers(0, 4, n).astype(float)
        if w is not None:
            w[0] = w[-1] = 1.0  # both classes keep a positive weight
        yield y, s, w


@pytest.mark.parametrize("name", list(FAST))
def test_fast_path_equals_calling_the_scorer_at_every_distinct_threshold(name):
    scorer = _scorer(FAST[name])
    assert count_metric(scorer) is not None, "this scorer must take the fast path"
    classes = np.array([0, 1])
    for i, (y, s, w) in enumerate(_problems()):
        params = {} if w is None else {"sample_weight": w}
        kw = dict(objective="scorer", beta=1.0, cost_fn=1.0, cost_fp=1.0, min_recall=None,
                  min_precision=None, min_specificity=None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # UndefinedMetricWarning, NaN ranked last
            fast = _TuneSpec(scorer=scorer, **kw)
            sel, sweep, values = fast.tune_binary(y, y == 1, s, neg_label=0, pos_label=1,
                                                  score_params=params)
            # brute force: the scorer called at every candidate threshold
            called = np.array([_call(scorer, y, (s >= t).astype(int), classes, w)
                               for t in sweep.thresholds])
        finite = ~np.isnan(called)
        np.testing.assert_allclose(values[finite], called[finite], rtol=0, atol=1e-12)
        assert np.all(values[~finite] == -np.inf)  # NaN ranked last
        assert sel.score == pytest.approx(np.nanmax(called), abs=1e-12)
        # the chosen threshold, re-scored by scikit-learn, gives that optimum
        assert _call(scorer, y, (s >= sel.threshold).astype(int), classes, w) == \
            pytest.approx(np.nanmax(called), abs=1e-12)
        if i % 2:
            continue
        # and the slow path (every candidate when there are <= 256) agrees
        slow_sel = _TuneSpec(scorer=scorer, fast=False, **kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            slow = slow_sel.tune_binary(y, y == 1, s, neg_label=0, pos_label=1,
                                        score_params=params)[0]
        assert slow.threshold == sel.threshold


@pytest.mark.parametrize("pos_label", ["lesion", "healthy"])
def test_fast_path_reads_pos_label_against_the_string_classes(pos_label):
    scorer = make_scorer(f1_score, pos_label=pos_label)
    classes = np.array(["healthy", "lesion"])
    for y01, s, w in _problems(6):
        y = classes[y01]
        spec = _TuneSpec(objective="scorer", scorer=scorer, beta=1.0, cost_fn=1.0,
                         cost_fp=1.0, min_recall=None, min_precision=None,
                         min_specificity=None)
        sel, sweep, values = spec.tune_binary(
            y, y == "lesion", s, neg_label="healthy", pos_label="lesion",
            score_params={} if w is None else {"sample_weight": w})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            called = [_call(scorer, y, np.where(s >= t, "lesion", "healthy"), classes, w)
                      for t in sweep.thresholds]
        np.testing.assert_allclose(values, called, atol=1e-12)


def test_scorer_with_a_pos_label_of_neither_class_takes_the_slow_path_and_raises():
    X = np.linspace(0.05, 0.95, 20)[:, None]
    y = np.where(np.arange(20) % 3 == 0, "b", "a")
    tuner = ThresholdTuner(ScoreEcho().fit(X, y), objective="f1", cv="prefit", refit=False)
    with pytest.raises(ValueError, match="pos_label=1 is not a valid label"):
        tuner.fit(X, y)  # what scikit-learn's f1_score says, as TunedThresholdClassifierCV


@pytest.mark.parametrize("scorer", [
    make_scorer(f1_score, labels=[0, 1]),
    make_scorer(f1_score, average="samples"),
    make_scorer(f1_score, average=None),
    make_scorer(f1_score, average="macro", zero_division=np.nan),
    make_scorer(jaccard_score, zero_division=np.nan),
    make_scorer(fbeta_score, beta=np.inf),
    make_scorer(fbeta_score),  # beta is required: the scorer raises
    make_scorer(recall_score, sample_weight=np.ones(3)),
    make_scorer(accuracy_score, normalize="yes"),
    make_scorer(lambda y, p: 0.0),
    make_scorer(recall_score, response_method="predict_proba"),
    lambda est, X, y: 0.0,
], ids=["labels", "samples", "average=None", "nan macro", "jaccard nan", "beta=inf", "no beta",
        "fixed weights", "normalize=str", "other metric", "proba", "callable"])
def test_scorers_the_formulas_cannot_honour_exactly_are_called(scorer):
    assert count_metric(scorer) is None


def test_scorer_subclasses_are_called_not_assumed():
    class Shifted(type(get_scorer("f1"))):
        def _score(self, *args, **kwargs):
            return super()._score(*args, **kwargs) + 1

    scorer = Shifted(f1_score, 1, {}, "predict")
    assert count_metric(scorer) is None


def test_scikit_learn_scorer_internals_the_fast_path_reads():
    # The fast path reads these private attributes of scikit-learn's scorers (only in
    # skmedimg/_threshold/_objectives.py). If scikit-learn renames them, every scorer
    # silently takes the slow path: this test is the loud failure.
    from sklearn.metrics._scorer import _BaseScorer, _Scorer

    for name, func, kwargs in [("f1", f1_score, {"average": "binary"}),
                               ("recall_macro", recall_score,
                                {"pos_label": None, "average": "macro"}),
                               ("matthews_corrcoef", matthews_corrcoef, {})]:
        scorer = get_scorer(name)
        assert type(scorer) is _Scorer and isinstance(scorer, _BaseScorer)
        assert scorer._score_func is func
        assert scorer._kwargs == kwargs
        assert scorer._sign == 1
        assert scorer._response_method == "predict"
        assert count_metric(scorer) is not None
    made = make_scorer(fbeta_score, beta=2, greater_is_better=False)
    assert (made._score_func, made._kwargs, made._sign) == (fbeta_score, {"beta": 2}, -1)


def test_named_and_made_scorers_never_call_the_scorer(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the fast path called the scorer")

    monkeypatch.setattr("skmedimg._threshold._binary.scorer_values", refuse)
    monkeypatch.setattr("skmedimg._threshold._multiclass.scorer_values", refuse)
    X, y = make_classification(300, weights=[0.8], random_state=RND_SEED)
    for objective in ("f1", "recall", "matthews_corrcoef", make_scorer(fbeta_score, beta=2),
                      get_scorer("balanced_accuracy")):
        kw = {"min_precision": 0.5} if objective == "recall" else {}
        ThresholdTuner(LogisticRegression(), objective=objective, cv=3, **kw).fit(
            X, y, sample_weight=np.linspace(0.5, 2, len(y)))
    X3, y3 = make_classification(300, n_classes=3, n_informative=4, random_state=RND_SEED)
    for objective in ("f1_macro", "accuracy", "matthews_corrcoef", "balanced_accuracy",
                      make_scorer(fbeta_score, beta=2, average="weighted")):
        ThresholdTuner(LogisticRegression(), objective=objective, cv=3).fit(X3, y3)


def test_opaque_scorer_is_called_once_per_candidate_when_there_are_at_most_256():
    calls = []

    def opaque(estimator, X, y):
        calls.append(1)
        return balanced_accuracy_score(y, estimator.predict(X))

    X = (np.arange(100) / 100.0)[:, None]  # 100 distinct scores -> 101 candidates
    y = (np.arange(100) % 4 == 0).astype(int)
    ThresholdTuner(ScoreEcho().fit(X, y), objective=opaque, cv="prefit", refit=False).fit(
        X, y)
    assert len(calls) == 2 * 101  # pooled scores, then the (single) fold


# ------------------------------------------------------------------ counts -> metric


@pytest.mark.parametrize("zero_division", [0.0, 1.0, np.nan])
def test_count_functions_equal_scikit_learn(zero_division):
    rng = np.random.default_rng(RND_SEED)
    for _ in range(30):
        y = rng.integers(0, 2, 12)
        pred = rng.integers(0, 2, 12) * (rng.random() < 0.8)  # sometimes nothing positive
        w = rng.integers(0, 3, 12).astype(float)
        tp = w[(y == 1) & (pred == 1)].sum()
        fp = w[(y == 0) & (pred == 1)].sum()
        fn = w[(y == 1) & (pred == 0)].sum()
        tn = w[(y == 0) & (pred == 0)].sum()
        kw = {"sample_weight": w, "zero_division": zero_division}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = {
                "precision": precision_score(y, pred, **kw),
                "recall": recall_score(y, pred, **kw),
                "f2": fbeta_score(y, pred, beta=2, **kw),
            }
            got = {
                "precision": _counts.precision(tp, fp, zero_division=zero_division),
                "recall": _counts.recall(tp, fn, zero_division=zero_division),
                "f2": _counts.f_beta(tp, fp, fn, beta=2, zero_division=zero_division),
            }
            if not np.isnan(zero_division):  # jaccard_score refuses zero_division=NaN
                expected["jaccard"] = jaccard_score(y, pred, **kw)
                got["jaccard"] = _counts.jaccard(tp, fp, fn, zero_division=zero_division)
            if 0 < w[y == 1].sum() and 0 < w[y == 0].sum():
                expected["matthews"] = matthews_corrcoef(y, pred, sample_weight=w)
                got["matthews"] = _counts.matthews(tp, fp, fn, tn)
                expected["balanced_accuracy"] = balanced_accuracy_score(y, pred,
                                                                        sample_weight=w)
                got["balanced_accuracy"] = _counts.balanced_accuracy(tp, fp, fn, tn)
        for key, value in expected.items():
            np.testing.assert_allclose(got[key], value, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("name", ["f1_macro", "f1_micro", "f1_weighted", "precision_macro",
                                  "recall_weighted", "jaccard_macro", "jaccard_micro",
                                  "accuracy", "balanced_accuracy", "matthews_corrcoef"])
def test_multiclass_count_formulas_equal_the_scorer(name):
    scorer = get_scorer(name)
    metric = count_metric(scorer)
    rng = np.random.default_rng(RND_SEED)
    classes = np.arange(4)
    for _ in range(20):
        y = rng.integers(0, 4, 40)
        y[:4] = classes  # every class present
        pred = np.where(rng.random(40) < 0.5, y, rng.integers(0, 4, 40))
        w = rng.uniform(0.1, 3.0, 40)
        tp = np.bincount(y[pred == y], weights=w[pred == y], minlength=4)
        pc = np.bincount(pred, weights=w, minlength=4)
        true = np.bincount(y, weights=w, minlength=4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = _call(scorer, y, pred, classes, w)
        assert float(metric.multiclass(tp, pc, true, w.sum())) == pytest.approx(
            expected, abs=1e-12)


def test_multiclass_scorer_objective_reports_the_scorer_value_at_the_weights():
    X, y = make_classification(300, n_classes=3, n_informative=4, weights=[0.6, 0.3, 0.1],
                               random_state=RND_SEED)
    w = np.random.default_rng(RND_SEED).uniform(0.2, 2.0, len(y))
    tuner = ThresholdTuner(LogisticRegression(), objective="f1_macro", store_cv_results=True,
                           cv=StratifiedKFold(3)).fit(X, y, sample_weight=w)
    res = tuner.cv_results_
    pred = tuner.classes_[np.argmax(res["scores"] * tuner.class_weights_, axis=1)]
    assert tuner.best_score_ == pytest.approx(
        f1_score(res["y"], pred, average="macro", sample_weight=w[res["indices"]]))


# ------------------------------------------------------------------ sample weights


def _weighted_problem():
    """Scores where weighting the positives moves the F1 optimum."""
    rng = np.random.default_rng(3)
    y = (rng.random(400) < 0.3).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.18), 0.001, 0.999).round(3)
    w = np.where(y == 1, 4.0, 1.0) * rng.uniform(0.5, 1.5, y.size)
    return s[:, None], y, w


@functools.lru_cache
def _best_f1_on_the_weighted_problem(weighted: bool):
    X, y, w = _weighted_problem()
    return _best_f1_threshold(y, X[:, 0], w if weighted else None)


def _best_f1_threshold(y, s, w):
    values = [f1_score(y, s >= t, sample_weight=w) for t in np.unique(s)]
    return np.unique(s)[int(np.argmax(values))], max(values)


@pytest.mark.parametrize("objective", ["f1", "f_beta", make_scorer(f1_score)])
@pytest.mark.parametrize("routing", [False, True])
def test_sample_weight_weights_the_objective(objective, routing):
    # Regression (issue 11): sample_weight reached the estimator's fit but not the
    # objective, so the threshold was the unweighted optimum.
    X, y, w = _weighted_problem()
    t_plain, _ = _best_f1_on_the_weighted_problem(False)
    t_weighted, best = _best_f1_on_the_weighted_problem(True)
    assert t_weighted < t_plain  # weighting the positives asks for more recall
    with config_context(enable_metadata_routing=routing):
        est = ScoreEcho().fit(X, y)
        if routing:
            est.set_fit_request(sample_weight=False)
            if not isinstance(objective, str):
                objective = make_scorer(f1_score).set_score_request(sample_weight=True)
        tuner = ThresholdTuner(est, objective=objective, cv="prefit", refit=False).fit(
            X, y, sample_weight=w)
    assert tuner.threshold_ == pytest.approx(t_weighted)
    assert tuner.best_score_ == pytest.approx(best)
    unweighted = ThresholdTuner(est, objective=objective, cv="prefit", refit=False)
    assert unweighted.fit(X, y).threshold_ == pytest.approx(t_plain)


def test_sample_weight_reaches_estimator_and_objective_without_routing():
    X, y = make_classification(300, weights=[0.8], random_state=RND_SEED)
    w = np.where(y == 1, 3.0, 1.0)
    tuner = ThresholdTuner(LogisticRegression(), objective="f1", cv=StratifiedKFold(3),
                           store_cv_results=True).fit(X, y, sample_weight=w)
    res = tuner.cv_results_
    t, best = _best_f1_threshold(res["y"], res["scores"], w[res["indices"]])
    assert tuner.threshold_ == pytest.approx(t) and tuner.best_score_ == pytest.approx(best)
    # the deployed (refit) model was fitted with the weights too
    weighted_lr = LogisticRegression().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(tuner.predict_proba(X), weighted_lr.predict_proba(X))


def test_only_sample_weight_is_accepted_without_routing():
    X, y = make_classification(60, random_state=RND_SEED)
    with pytest.raises(ValueError, match=r"Passing extra keyword arguments to "
                                         r"ThresholdTuner.fit .*\{'groups'\}"):
        ThresholdTuner(LogisticRegression(), cv=3).fit(X, y, groups=np.arange(60) % 3)


@pytest.mark.parametrize("sample_weight,match", [
    (np.ones(10), r"sample_weight must have shape \(60,\)"),
    (np.r_[-1.0, np.ones(59)], "sample_weight must be non-negative"),
    (np.r_[np.nan, np.ones(59)], "NaN or infinite"),
    (np.zeros(60), "Sample weights must contain at least one non-zero number"),
])
def test_bad_sample_weight_is_refused(sample_weight, match):
    X, y = make_classification(60, random_state=RND_SEED)
    with pytest.raises(ValueError, match=match):
        ThresholdTuner(LogisticRegression(), cv=3).fit(X, y, sample_weight=sample_weight)


def test_weights_that_remove_a_class_are_refused_naming_it():
    X, y = make_classification(60, random_state=RND_SEED)
    with pytest.raises(ValueError, match=r"sample_weight is 0 for every sample of class 0"):
        ThresholdTuner(LogisticRegression(), cv=3).fit(X, y, sample_weight=y.astype(float))
    X, Y = make_multilabel_classification(60, n_classes=3, random_state=RND_SEED)
    with pytest.raises(ValueError, match=r"sample_weight leaves labels \[0\]"):
        ThresholdTuner(OneVsRestClassifier(LogisticRegression()), cv=3).fit(
            X, Y, sample_weight=Y[:, 0].astype(float))


def test_opaque_scorer_without_sample_weight_is_refused_when_weights_are_given():
    X, y = make_classification(60, random_state=RND_SEED)

    def no_weights(estimator, X, y):
        return balanced_accuracy_score(y, estimator.predict(X))

    with pytest.raises(ValueError, match="does not accept sample_weight, so the objective "
                                         "cannot be weighted"):
        ThresholdTuner(LogisticRegression(), objective=no_weights, cv=3).fit(
            X, y, sample_weight=np.ones(60))


# --------------------------------------------------------------------- tags, multiclass


@pytest.mark.parametrize("params,multiclass", [
    ({}, True),
    ({"objective": "balanced_accuracy"}, True),
    ({"objective": "f1_macro"}, True),
    ({"objective": make_scorer(f1_score, average="weighted")}, True),
    ({"objective": lambda est, X, y: 0.0}, True),
    ({"objective": "max_specificity", "min_recall": 0.9}, False),
    ({"objective": "max_recall", "min_precision": 0.5}, False),
    ({"objective": "min_cost"}, False),
    ({"objective": "f1"}, False),
    ({"objective": "recall"}, False),
    ({"objective": make_scorer(fbeta_score, beta=2)}, False),
    ({"objective": "f_beta", "min_recall": 0.9}, False),
    ({"response_method": "decision_function"}, False),
])
def test_multiclass_tag_follows_the_objective(params, multiclass):
    tuner = ThresholdTuner(LogisticRegression(), **params)
    assert get_tags(tuner).classifier_tags.multi_class is multiclass
    X, y = make_classification(90, n_classes=3, n_informative=4, random_state=RND_SEED)
    if multiclass:
        tuner.set_params(cv=3).fit(X, y)
    else:
        with pytest.raises(ValueError, match=r"^Only binary classification is supported\. "
                                             "The type of the target is multiclass"
                           if "response_method" not in params else
                           r"^Only binary classification is supported\."):
            tuner.set_params(cv=3).fit(X, y)


def test_binary_only_scorer_names_tune_each_label_of_a_multilabel_target():
    X, Y = make_multilabel_classification(120, n_classes=3, random_state=RND_SEED)
    tuner = ThresholdTuner(OneVsRestClassifier(LogisticRegression()), objective="f1",
                           cv=3).fit(X, Y)
    pred = tuner.predict(X)
    assert pred.shape == Y.shape and tuner.threshold_.shape == (3,)


def test_multiclass_class_weights_and_the_deprecated_threshold_alias():
    X, y = make_classification(150, n_classes=3, n_informative=4, random_state=RND_SEED)
    tuner = ThresholdTuner(LogisticRegression(), objective="balanced_accuracy", cv=3).fit(X, y)
    w = tuner.class_weights_
    assert w.shape == (3,) and w.max() == 1.0
    np.testing.assert_array_equal(tuner.predict(X),
                                  tuner.classes_[np.argmax(tuner.predict_proba(X) * w, 1)])
    with pytest.warns(FutureWarning, match="threshold_ of a multiclass ThresholdTuner is "
                                           "deprecated .* class_weights_"):
        assert tuner.threshold_ is w
    assert tuner.decision_rule().rule["class_weights"] == w.tolist()
    binary = ThresholdTuner(LogisticRegression(), cv=3).fit(*make_classification(
        60, random_state=RND_SEED))
    assert not hasattr(binary, "class_weights_")
    assert "threshold_" in vars(binary)  # a plain fitted attribute for binary targets
    assert not hasattr(ThresholdTuner(LogisticRegression()), "threshold_")


# --------------------------------------------------- tuner vs TunedThresholdClassifierCV


@pytest.mark.parametrize("scoring", ["f1", "balanced_accuracy", "recall_macro",
                                     make_scorer(fbeta_score, beta=2)])
def test_scorer_objectives_agree_with_tuned_threshold_classifier_cv(scoring):
    rng = np.random.default_rng(RND_SEED)
    y = (rng.random(300) < 0.2).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.15), 0, 1).round(3)
    X = s[:, None]
    clf = ScoreEcho().fit(X, y)
    ours = ThresholdTuner(clf, objective=scoring, cv="prefit", refit=False).fit(X, y)
    ttcv = TunedThresholdClassifierCV(clf, scoring=scoring, cv="prefit", refit=False,
                                      thresholds=np.unique(s)).fit(X, y)
    assert ours.best_score_ == pytest.approx(ttcv.best_score_)
    np.testing.assert_array_equal(ours.predict(X), ttcv.predict(X))


# --------------------------------------------------- scikit-learn's checks per family


class AccuracyScorer:
    """A custom callable scorer (opaque to the tuner), cheap enough for the checks."""

    def __call__(self, estimator, X, y, sample_weight=None):
        return float(np.average(estimator.predict(X) == y, weights=sample_weight))

    def __repr__(self):
        return "AccuracyScorer()"


_FAMILIES = [
    ThresholdTuner(LogisticRegression(), objective="f_beta", beta=2, cv=3),
    ThresholdTuner(LogisticRegression(), objective="balanced_accuracy", cv=3),
    ThresholdTuner(LogisticRegression(), objective="max_specificity", min_recall=0.8, cv=3),
    ThresholdTuner(LogisticRegression(), objective="min_cost", cost_fn=5.0, cv=3),
    ThresholdTuner(LogisticRegression(), objective="f1", cv=3),
    ThresholdTuner(LogisticRegression(), objective=AccuracyScorer(), cv=3),
]


def _family_expected_failures(estimator):
    design = ("by design, predict applies the tuned threshold/class weights, so it differs "
              "from argmax(predict_proba) and sign(decision_function)")
    if estimator.objective == "f1":
        # on check_classifiers_train's blobs the F1 optimum predicts as argmax does
        return {"check_classifiers_classes": (
            "the 'f1' scorer scores pos_label=1 (f1_score's default), which the string "
            "labels ['one', 'two'] do not contain: f1_score raises, as it does in "
            "TunedThresholdClassifierCV(scoring='f1')")}
    return {
        "check_classifiers_train": design,
        "check_classifiers_train(readonly_memmap=True)": design,
        "check_classifiers_train(readonly_memmap=True,X_dtype=float32)": design,
    }


@parametrize_with_checks(_FAMILIES, expected_failed_checks=_family_expected_failures)
def test_sklearn_compatible_for_every_objective_family(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


def test_objectives_module_reads_scorer_internals_in_one_place():
    # the private scorer attributes are read in _objectives.py and nowhere else
    import inspect
    import pathlib

    package = pathlib.Path(inspect.getfile(objectives_module)).parent
    readers = sorted(p.name for p in package.glob("*.py")
                     if "_score_func" in p.read_text())
    assert readers == ["_objectives.py"]
