"""Reliability of ThresholdTuner and DecisionRule (issue 14): never a silently wrong answer.

Small sklearn estimators on 60-90 samples keep these tests fast.
"""

import json
import math

import numpy as np
import pytest
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, make_scorer, precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC

from skmedimg import ThresholdTuner
from skmedimg._threshold import DecisionRule, _get_scores

RND_SEED = 0


@pytest.fixture(autouse=True)
def _keep_global_rng():
    """Tests below seed NumPy's global RNG; give the other tests their state back."""
    state = np.random.get_state()  # noqa: NPY002 - the global state is under test
    yield
    np.random.set_state(state)  # noqa: NPY002


def _binary(labels=(0, 1)):
    X, y = make_classification(60, n_features=6, weights=[0.6], random_state=RND_SEED)
    return X, np.asarray(labels)[y]


def _multiclass():
    return make_classification(90, n_features=6, n_informative=4, n_classes=3,
                               random_state=RND_SEED)


def _multilabel():
    return make_multilabel_classification(60, n_features=5, n_classes=3,
                                          random_state=RND_SEED)


class NonDeterministicLR(LogisticRegression):
    """LogisticRegression tagged non-deterministic: the tuner deploys a fold ensemble."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


class NonDeterministicSVC(LinearSVC):
    """LinearSVC tagged non-deterministic (fold ensemble on decision_function scores)."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


class FlakyLR(ClassifierMixin, BaseEstimator):
    """LogisticRegression whose fit fails on more than ``max_samples`` samples."""

    def __init__(self, max_samples=None):
        self.max_samples = max_samples

    def fit(self, X, y):
        if self.max_samples is not None and len(X) > self.max_samples:
            raise RuntimeError("simulated training failure")
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


class NaNForOutliers(LogisticRegression):
    """Returns NaN probabilities for samples with X[:, 0] > 100 (a broken input)."""

    def predict_proba(self, X):
        p = super().predict_proba(X)
        p[np.asarray(X)[:, 0] > 100] = np.nan
        return p


def _fitted_attributes(est):
    return sorted(k for k in vars(est) if k.endswith("_") and not k.startswith("_"))


# ------------------------------------------------ 1. the rule reproduces tuner.predict


CASES = {
    # name: (estimator, data, tuner params, score method)
    "binary proba pos=classes[1]": (LogisticRegression(), _binary, {}, "predict_proba"),
    "binary proba pos=classes[0]": (LogisticRegression(), _binary, {"pos_label": 0},
                                    "predict_proba"),
    "binary proba str pos=classes[0]": (
        LogisticRegression(), lambda: _binary(("healthy", "lesion")),
        {"pos_label": "healthy"}, "predict_proba"),
    "binary decision pos=classes[1]": (LinearSVC(), _binary, {}, "decision_function"),
    "binary decision pos=classes[0]": (LinearSVC(), _binary, {"pos_label": 0},
                                       "decision_function"),
    "binary ensemble proba pos=classes[0]": (NonDeterministicLR(), _binary, {"pos_label": 0},
                                             "predict_proba"),
    "binary ensemble decision pos=classes[0]": (NonDeterministicSVC(), _binary,
                                                {"pos_label": 0}, "decision_function"),
    "binary ensemble decision pos=classes[1]": (NonDeterministicSVC(), _binary, {},
                                                "decision_function"),
    "multiclass proba": (LogisticRegression(), _multiclass, {"objective": "balanced_accuracy"},
                         "predict_proba"),
    "multiclass ensemble proba": (NonDeterministicLR(), _multiclass,
                                  {"objective": "balanced_accuracy"}, "predict_proba"),
    "multilabel proba": (OneVsRestClassifier(LogisticRegression()), _multilabel, {},
                         "predict_proba"),
    "multilabel decision": (OneVsRestClassifier(LinearSVC()), _multilabel, {},
                            "decision_function"),
    "multilabel ensemble proba": (OneVsRestClassifier(NonDeterministicLR()), _multilabel, {},
                                  "predict_proba"),
    "multilabel multi-output list": (KNeighborsClassifier(5), _multilabel, {},
                                     "predict_proba"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_rule_from_json_reproduces_tuner_predict(case):
    # Regression: DecisionRule.predict always thresholded the last column, so with
    # pos_label=classes_[0] the exported rule disagreed with the tuner on most images.
    est, data, params, method = CASES[case]
    X, y = data()
    tuner = ThresholdTuner(est, cv=3, **params).fit(X, y)
    rule = DecisionRule.from_json(tuner.to_json())
    assert rule.rule["score_type"] == tuner.response_method_ == method
    assert ("ensemble" in case) == tuner.ensemble_
    pred = tuner.predict(X)
    assert np.unique(pred).size >= 2  # a rule that ignored the scores would fail
    np.testing.assert_array_equal(rule.predict(getattr(tuner, method)(X)), pred)
    if tuner.task_ == "binary":
        assert rule.rule["positive_column"] == list(tuner.classes_).index(tuner.pos_label_)
        assert rule.rule["positive_column"] == (0 if "classes[0]" in case else 1)
    assert method in rule.rule["score_input"]


def test_rule_reads_the_columns_in_its_own_class_order():
    # a rule whose classes are not sorted: columns follow 'classes', not the last column
    rule = DecisionRule({"task": "binary", "score_type": "predict_proba",
                         "classes": ["lesion", "healthy"], "pos_label": "lesion",
                         "threshold": 0.5})
    scores = [[0.4, 0.6], [0.7, 0.3], [0.5, 0.5]]
    assert rule.predict(scores).tolist() == ["healthy", "lesion", "lesion"]
    assert rule._spec["column"] == 0


def test_format_version_1_rules_are_read_with_the_positive_column():
    # v1 files (no positive_column) wrote pos_label and classes: the column follows them
    v1 = {"format": "skmedimg.decision_rule", "format_version": 1, "task": "binary",
          "score_type": "predict_proba", "classes": [0, 1], "pos_label": 0,
          "threshold": 0.7}
    rule = DecisionRule.from_json(json.dumps(v1))
    assert rule.predict([[0.8, 0.2], [0.3, 0.7]]).tolist() == [0, 1]
    v1.update(score_type="decision_function", threshold=0.5)
    # a 1-D decision function scores classes[1]; pos_label 0 is its negation
    assert DecisionRule(v1).predict([-1.0, 1.0, -0.5]).tolist() == [0, 1, 0]


def test_decision_function_rule_accepts_every_binary_layout():
    rule = DecisionRule({"task": "binary", "score_type": "decision_function",
                         "classes": ["a", "b"], "pos_label": "a", "threshold": 0.2})
    d = np.array([-2.0, 0.1, 3.0])
    expected = ["a", "b", "b"]  # -d >= 0.2
    assert rule.predict(d).tolist() == expected
    assert rule.predict(d[:, None]).tolist() == expected
    assert rule.predict(np.c_[-d, d]).tolist() == expected


# ------------------------------------------------------- 2. the rule refuses nonsense


BINARY = {"format": "skmedimg.decision_rule", "format_version": 2, "task": "binary",
          "score_type": "predict_proba", "classes": [0, 1], "pos_label": 1,
          "positive_column": 1, "threshold": 0.4}
MULTILABEL = {"task": "multilabel", "score_type": "predict_proba", "classes": [0, 1, 2],
              "thresholds": [0.2, 0.5, 0.7]}
MULTICLASS = {"task": "multiclass", "score_type": "predict_proba", "classes": ["a", "b", "c"],
              "class_weights": [1.0, 0.5, 0.8]}
DROP = object()


@pytest.mark.parametrize("base,change,match", [
    (BINARY, {"threshold": math.nan}, r"'threshold': expected a finite number in \[0, 1\] "
                                      r"\(a probability\); got nan \(float\)"),
    (BINARY, {"threshold": math.inf}, r"'threshold': .*got inf"),
    (BINARY, {"threshold": -math.inf}, r"'threshold': .*got -inf"),
    (BINARY, {"threshold": 5.0}, r"'threshold': expected a finite number in \[0, 1\].*5.0"),
    (BINARY, {"threshold": -0.1}, r"'threshold': .*got -0.1"),
    (BINARY, {"threshold": "0.5"}, r"'threshold': .*got '0.5' \(str\)"),
    (BINARY, {"threshold": None}, r"'threshold': .*got None \(NoneType\)"),
    (BINARY, {"threshold": True}, r"'threshold': .*got True \(bool\)"),
    (BINARY, {"threshold": [0.4]}, r"'threshold': .*got \[0.4\] \(list\)"),
    (BINARY, {"threshold": DROP}, r"'threshold': .*got nothing \(the key is missing\)"),
    (BINARY, {"score_type": "decision_function", "threshold": math.inf},
     r"'threshold': expected a finite number; got inf"),
    (BINARY, {"format_version": 99}, r"'format_version': expected an integer from 1 to 2 .*"
                                     r"got 99 \(int\)"),
    (BINARY, {"format_version": "2"}, r"'format_version': .*got '2' \(str\)"),
    (BINARY, {"format": "other"}, r"'format': expected 'skmedimg.decision_rule'"),
    (BINARY, {"pos_label": "x"}, r"'pos_label': expected one of the classes \[0, 1\]; "
                                 r"got 'x' \(str\)"),
    (BINARY, {"pos_label": DROP}, r"'pos_label': expected a class label"),
    (BINARY, {"pos_label": None}, r"'pos_label': expected a class label"),
    (BINARY, {"positive_column": 0}, r"'positive_column': expected 1, the index of pos_label"),
    (BINARY, {"classes": [0]}, r"'classes': expected a list of the 2 distinct class labels"),
    (BINARY, {"classes": [1, 1]}, r"'classes': expected a list of the 2 distinct"),
    (BINARY, {"classes": "01"}, r"'classes': .*got '01' \(str\)"),
    (BINARY, {"classes": [[0], [1]]}, r"'classes': expected a list of the 2 distinct"),
    (BINARY, {"classes": DROP}, r"'classes': .*the key is missing"),
    (BINARY, {"task": "regression"}, r"'task': expected one of 'binary', 'multilabel', "
                                     r"'multiclass'; got 'regression'"),
    (BINARY, {"task": DROP}, r"'task': .*the key is missing"),
    (BINARY, {"score_type": "predict"}, r"'score_type': expected 'predict_proba' or "
                                        r"'decision_function'; got 'predict'"),
    (MULTILABEL, {"thresholds": [0.2, math.nan, 0.7]},
     r"'thresholds': expected a non-empty list with one threshold per label, each a finite "
     r"number in \[0, 1\].*got \[0.2, nan, 0.7\]"),
    (MULTILABEL, {"thresholds": []}, r"'thresholds': expected a non-empty list"),
    (MULTILABEL, {"thresholds": 0.5}, r"'thresholds': .*got 0.5 \(float\)"),
    (MULTILABEL, {"thresholds": [0.2, 2.0, 0.7]}, r"'thresholds': expected"),
    (MULTILABEL, {"classes": [0, 1]}, r"'classes': expected a list naming the 3 labels"),
    (MULTICLASS, {"class_weights": [1.0, -1.0, 1.0]}, r"'class_weights': expected a list of "
                                                      r"finite weights >= 0"),
    (MULTICLASS, {"class_weights": [0, 0, 0]}, r"'class_weights': expected .*not all 0"),
    (MULTICLASS, {"class_weights": [1.0, math.nan, 1.0]}, r"'class_weights': .*nan"),
    (MULTICLASS, {"class_weights": [1.0, 1.0]}, r"'class_weights': expected 3 weights, one "
                                                r"per class"),
    (MULTICLASS, {"score_type": "decision_function"},
     r"'score_type': expected 'predict_proba' \(multiclass class weights"),
    (MULTICLASS, {"classes": ["a", "a", "c"]}, r"'classes': expected a list of at least 2 "
                                               r"distinct"),
])
def test_invalid_rules_are_refused_naming_the_field(base, change, match):
    rule = dict(base)
    for key, value in change.items():
        if value is DROP:
            del rule[key]
        else:
            rule[key] = value
    with pytest.raises(ValueError, match=r"Invalid decision rule:\n  - " + match):
        DecisionRule(rule)
    text = json.dumps(rule)  # NaN and Infinity are written as such and read back
    with pytest.raises(ValueError, match=match):  # the same at load
        DecisionRule.from_json(text)


def test_every_problem_of_a_rule_is_reported_at_once():
    with pytest.raises(ValueError) as info:
        DecisionRule({**BINARY, "threshold": math.nan, "pos_label": "x",
                      "format_version": 99})
    lines = str(info.value).splitlines()
    assert lines[0] == "Invalid decision rule:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "- 'format_version'", "- 'pos_label'", "- 'threshold'"]


def test_decision_function_thresholds_are_not_probabilities():
    rule = DecisionRule({**BINARY, "score_type": "decision_function", "threshold": 5.0})
    assert rule.predict([4.0, 6.0]).tolist() == [0, 1]


@pytest.mark.parametrize("source,err,match", [
    ("", ValueError, "source is empty"),
    ("   \n", ValueError, "source is empty"),
    (None, TypeError, "got NoneType"),
    (5, TypeError, "got int"),
    (BINARY, TypeError, r"got dict \(for a dict, use DecisionRule\(rule\)\)"),
    ("not json", ValueError, r"neither a JSON object .* nor the path of an existing file: "
                             r"'not json'"),
    ('{"task": ', ValueError, "source is not valid JSON"),
    (b'{"task": ', ValueError, "source is not valid JSON"),
])
def test_from_json_refuses_what_is_not_a_rule(source, err, match):
    with pytest.raises(err, match=match):
        DecisionRule.from_json(source)


def test_from_json_reads_text_bytes_paths_and_files(tmp_path):
    text = json.dumps(BINARY)
    path = tmp_path / "rule.json"
    path.write_text(text)
    expected = DecisionRule(BINARY).rule
    assert DecisionRule.from_json(text).rule == expected
    assert DecisionRule.from_json(text.encode()).rule == expected
    assert DecisionRule.from_json(path).rule == expected
    assert DecisionRule.from_json(str(path)).rule == expected
    with open(path) as fh:
        assert DecisionRule.from_json(fh).rule == expected
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="A decision rule is a JSON object; got a JSON list"):
        DecisionRule.from_json(path)
    with pytest.raises(TypeError, match="A decision rule must be a dict .* got str"):
        DecisionRule(text)
    no_format = {k: v for k, v in BINARY.items() if k != "format"}
    with pytest.raises(ValueError, match="the 'format' field .* is missing"):
        ThresholdTuner.from_json(json.dumps(no_format))


@pytest.mark.parametrize("rule,scores,match", [
    (BINARY, [[0.9, 0.1], [math.nan, math.nan], [0.2, 0.8]],
     r"scores contain NaN for 1 sample\(s\) \(rows \[1\]\)"),
    (BINARY, [0.1, 0.5, 0.9], r"scores must be the output of predict_proba: shape "
                              r"\(n_samples, 2\), columns in the order of 'classes' \[0, 1\]; "
                              r"got shape \(3,\)"),
    (BINARY, [[0.2, 0.3, 0.5]], r"shape \(n_samples, 2\).*got shape \(1, 3\)"),
    (BINARY, [[-2.0, 2.0], [1.0, -1.0]], r"scores must be probabilities in \[0, 1\] .* "
                                         r"from -2 to 2"),
    (BINARY, [["a", "b"]], r"scores must hold numeric model scores; got an array of dtype"),
    (BINARY, [[True, False]], r"dtype bool \(predicted labels are not scores\)"),
    (BINARY, [[0.1, 0.9], [0.5]], "scores must be a rectangular array of numbers"),
    ({**BINARY, "score_type": "decision_function"}, [[1.0, 2.0, 3.0]],
     r"shape \(n_samples,\), scoring classes\[1\].*got shape \(1, 3\)"),
    ({**BINARY, "score_type": "decision_function"}, [0.3, math.nan], r"NaN .*rows \[1\]"),
    (MULTILABEL, [[0.1, 0.2]], r"shape \(n_samples, 3\), one column per label.*got shape "
                               r"\(1, 2\)"),
    (MULTILABEL, [[0.1, math.nan, 0.3]], "scores contain NaN"),
    (MULTILABEL, [np.zeros((2, 2)), np.zeros((2, 2))], r"got a list of 2 arrays"),
    (MULTICLASS, [[0.2, 0.8]], r"shape \(n_samples, 3\), columns in the order of 'classes' "
                               r"\['a', 'b', 'c'\]; got shape \(1, 2\)"),
])
def test_predict_refuses_scores_it_cannot_read(rule, scores, match):
    with pytest.raises(ValueError, match=match):
        DecisionRule(rule).predict(scores)


def test_rule_cannot_be_changed_after_validation_and_writes_standard_json():
    rule = DecisionRule({**BINARY, "threshold_spread": {"std": math.nan}})
    rule.rule["threshold"] = 0.99  # a copy: the validated rule is unchanged
    assert rule.rule["threshold"] == 0.4
    assert rule.predict([[0.5, 0.5]]).tolist() == [1]
    text = rule.to_json()
    assert "NaN" not in text
    assert json.loads(text)["threshold_spread"] == {"std": None}


# -------------------------------------------------------------- 3. NaN scorer values


def _nan_scorer(estimator, X, y):
    return math.nan


@pytest.mark.parametrize("data", [_binary, _multiclass])
def test_scorer_objective_that_is_always_nan_is_an_error(data):
    X, y = data()
    tuner = ThresholdTuner(LogisticRegression(), objective=_nan_scorer, cv=3)
    with pytest.raises(ValueError, match="returned NaN at every candidate threshold"):
        tuner.fit(X, y)
    with pytest.raises(NotFittedError):
        tuner.predict(X)


def test_nan_scorer_values_are_ranked_last_with_a_warning():
    # as GridSearchCV ranks NaN scores: precision is undefined (NaN here) when nothing is
    # predicted positive; that candidate is never chosen
    X, y = _binary()
    nan_precision = make_scorer(precision_score, zero_division=np.nan)
    with pytest.warns(UserWarning, match=r"returned NaN at 1 of \d+ candidate thresholds; "
                                         "they are ranked last"):
        tuner = ThresholdTuner(LogisticRegression(), objective=nan_precision, cv=3).fit(X, y)
    zero = ThresholdTuner(LogisticRegression(), cv=3,
                          objective=make_scorer(precision_score, zero_division=0.0)).fit(X, y)
    assert math.isfinite(tuner.best_score_)
    assert tuner.threshold_ == zero.threshold_
    assert tuner.best_score_ == pytest.approx(zero.best_score_)


# ----------------------------------------------------------------- 4. failed fits


@pytest.mark.parametrize("max_samples", [10, 50], ids=["fold fit fails", "refit fails"])
def test_failed_first_fit_leaves_no_fitted_state(max_samples):
    X, y = _binary()
    tuner = ThresholdTuner(FlakyLR(max_samples), cv=3)
    with pytest.raises(RuntimeError, match="simulated training failure"):
        tuner.fit(X, y)
    assert _fitted_attributes(tuner) == []
    with pytest.raises(NotFittedError):
        tuner.predict(X)
    with pytest.raises(NotFittedError):
        tuner.decision_rule()


def test_failed_refit_keeps_the_previous_model_exactly():
    X, y = _binary()
    tuner = ThresholdTuner(FlakyLR(), cv=3, store_cv_results=True).fit(X, y)
    before = {k: getattr(tuner, k) for k in _fitted_attributes(tuner)}
    pred, rule = tuner.predict(X), tuner.to_json()
    X3, y3 = _multiclass()
    tuner.set_params(estimator__max_samples=80)  # folds train on 60, the refit on 90
    with pytest.raises(RuntimeError, match="simulated training failure"):
        tuner.fit(X3, y3)
    assert _fitted_attributes(tuner) == sorted(before)
    assert all(getattr(tuner, k) is v for k, v in before.items())
    assert tuner.task_ == "binary"
    np.testing.assert_array_equal(tuner.predict(X), pred)
    assert tuner.to_json() == rule
    # a failing validation (pos_label of another target) keeps it too
    with pytest.raises(ValueError, match="pos_label='x' is not a valid label"):
        tuner.set_params(estimator__max_samples=None, pos_label="x").fit(X, y)
    np.testing.assert_array_equal(tuner.predict(X), pred)


def test_refit_drops_attributes_of_the_previous_fit():
    X, y = _binary()
    tuner = ThresholdTuner(LogisticRegression(), cv=3, store_cv_results=True).fit(X, y)
    assert hasattr(tuner, "cv_results_")
    tuner.set_params(store_cv_results=False).fit(X, y)
    assert not hasattr(tuner, "cv_results_")  # not the scores of another fit


# ------------------------------------------------ 5. repeatable multilabel default cv


def test_multilabel_default_cv_does_not_depend_on_the_global_random_state():
    # Regression: iterstrat's MultilabelStratifiedKFold draws from np.random even when
    # not shuffling, so random_state=None gave different folds and thresholds per run.
    X, Y = _multilabel()

    def fit_with_global_seed(seed):
        np.random.seed(seed)  # noqa: NPY002
        tuner = ThresholdTuner(OneVsRestClassifier(LogisticRegression()), cv=3,
                               store_cv_results=True).fit(X, Y)
        np.random.seed(seed + 100)  # noqa: NPY002
        splits = [test for _, test in tuner._make_cv(Y, "multilabel").split(X, Y)]
        return tuner, splits

    a, splits_a = fit_with_global_seed(1)
    b, splits_b = fit_with_global_seed(2)
    for s, t in zip(splits_a, splits_b, strict=True):
        np.testing.assert_array_equal(s, t)
    np.testing.assert_array_equal(a.cv_results_["indices"], b.cv_results_["indices"])
    np.testing.assert_array_equal(a.cv_results_["fold"], b.cv_results_["fold"])
    np.testing.assert_array_equal(a.threshold_, b.threshold_)


# ---------------------------------------------------- more silently wrong answers


def test_nan_scores_at_predict_are_an_error_not_a_negative():
    # NaN >= threshold is False: a broken input was predicted negative (healthy)
    X, y = _binary()
    tuner = ThresholdTuner(NaNForOutliers(), cv=3).fit(X, y)
    X_bad = X[:4].copy()
    X_bad[1, 0] = 1e3
    with pytest.raises(ValueError, match=r"returned NaN scores for 1 sample\(s\) \(rows \[1\]\)"):
        tuner.predict(X_bad)


def test_nan_out_of_fold_scores_are_an_error_for_multiclass_too():
    X, y = _multiclass()
    X = X.copy()
    X[5, 0] = 1e3
    with pytest.raises(ValueError, match=r"NaNForOutliers.predict_proba returned NaN or "
                                         r"infinite scores for 1 of the 30 validation samples "
                                         r"of fold 0"):
        ThresholdTuner(NaNForOutliers(), objective="balanced_accuracy",
                       cv=StratifiedKFold(3)).fit(X, y)


def test_prefit_estimator_with_other_classes_is_refused():
    X, y = _binary()
    # trained with other labels: pos_label 1 is no column of it (was: the last column)
    named = LogisticRegression().fit(X, np.where(y == 1, "b", "a"))
    with pytest.raises(ValueError, match=r"classes_=\['a', 'b'\] differ from the classes of "
                                         r"y \[0, 1\]"):
        ThresholdTuner(named, cv="prefit", refit=False).fit(X, y)
    # trained on 3 classes, validated on 2: a binary rule on a 3-class model
    X3, y3 = _multiclass()
    three = LogisticRegression().fit(X3, y3)
    keep = y3 != 1
    with pytest.raises(ValueError, match=r"classes_=\[0, 1, 2\] differ from the classes of "
                                         r"y \[0, 2\]"):
        ThresholdTuner(three, cv="prefit", refit=False).fit(X3[keep], y3[keep])


def test_binary_predict_proba_must_have_one_column_per_class():
    class OneColumn(LogisticRegression):
        def predict_proba(self, X):
            return super().predict_proba(X)[:, :1]

    X, y = _binary()
    with pytest.raises(ValueError, match=r"OneColumn.predict_proba returned scores of shape "
                                         r"\(20, 1\) for a binary target"):
        ThresholdTuner(OneColumn(), cv=3).fit(X, y)


@pytest.mark.parametrize("y_kind,params,match", [
    ("multiclass", {"pos_label": 2}, "pos_label=2 applies to binary targets; y is multiclass"),
    ("multilabel", {"pos_label": 1}, "pos_label=1 applies to binary targets; y is multilabel"),
    ("multiclass", {"response_method": "decision_function"},
     "response_method='decision_function' is not supported for multiclass targets"),
])
def test_parameters_that_would_be_ignored_or_misread_are_refused(y_kind, params, match):
    X, y = _multiclass() if y_kind == "multiclass" else _multilabel()
    est = LogisticRegression() if y_kind == "multiclass" else OneVsRestClassifier(
        LogisticRegression())
    with pytest.raises(ValueError, match=match):
        ThresholdTuner(est, cv=3, **params).fit(X, y)


@pytest.mark.parametrize("values", [(0, 2), (-1, 1)])
def test_multilabel_y_must_be_0_1(values):
    # type_of_target calls these multilabel-indicator; the tuner read only 1 as positive
    X, Y = _multilabel()
    with pytest.raises(ValueError, match=r"0/1 indicator matrix; got values \[" + str(
            values[0])):
        ThresholdTuner(OneVsRestClassifier(LogisticRegression()), cv=3).fit(
            X, np.where(Y == 1, values[1], values[0]))


def test_multi_output_label_unseen_in_training_scores_zero():
    class TwoLabels:
        classes_ = [np.array([0]), np.array([0, 1])]  # label 0 was always 0 in training

        def predict_proba(self, X):
            return [np.ones((len(X), 1)), np.c_[np.full(len(X), 0.4), np.full(len(X), 0.6)]]

    s = _get_scores(TwoLabels(), np.zeros((3, 1)), method="predict_proba", task="multilabel",
                    n_outputs=2)
    # P(positive) of label 0 is 0, not the P(class 0) = 1 of its only column
    np.testing.assert_array_equal(s, [[0.0, 0.6]] * 3)


def test_multiclass_scorer_sample_weight_is_aligned_with_the_out_of_fold_order():
    # Regression: routed score params (sample_weight) were given to the multiclass
    # scorer in the original order while y was in out-of-fold order.
    X, y = _multiclass()
    sw = np.random.default_rng(RND_SEED).uniform(0.1, 3.0, size=len(y))
    with config_context(enable_metadata_routing=True):
        scorer = make_scorer(balanced_accuracy_score).set_score_request(sample_weight=True)
        est = LogisticRegression().set_fit_request(sample_weight=False)
        tuner = ThresholdTuner(est, objective=scorer, store_cv_results=True,
                               cv=StratifiedKFold(3, shuffle=True, random_state=0)).fit(
            X, y, sample_weight=sw)
    res = tuner.cv_results_
    pred = tuner.classes_[np.argmax(res["scores"] * tuner.class_weights_, axis=1)]
    assert tuner.best_score_ == pytest.approx(
        balanced_accuracy_score(res["y"], pred, sample_weight=sw[res["indices"]]))
    assert np.isfinite(tuner.fold_thresholds_).all()


def test_plot_label_must_name_one_label():
    # a negative label plotted another label under this one's title
    X, Y = _multilabel()
    tuner = ThresholdTuner(OneVsRestClassifier(LogisticRegression()), cv=3).fit(X, Y)
    for bad in (-1, 3, True, 1.0):
        with pytest.raises(ValueError, match=r"label must be an integer in \[0, 2\]"):
            tuner.plot(label=bad)
    binary = ThresholdTuner(LogisticRegression(), cv=3).fit(*_binary())
    with pytest.raises(ValueError, match="label applies to multilabel tuners; this one is "
                                         "binary"):
        binary.plot(label=0)
