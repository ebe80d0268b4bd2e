"""skmedimg.metrics never gives a silently wrong number (issues 14 and 16).

Column vectors, undefined metrics (scikit-learn's ``zero_division``), one-class
targets, negative weights, bad counts and parameters, plots, and the report's
statement of its target and of a near-chance model.
"""

import json
import warnings

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import check_scoring, precision_score, recall_score

from skmedimg import metrics as M
from skmedimg._sweep import curve_table, sweep_scores

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

RNG = np.random.default_rng(0)
N = 40
Y = (RNG.random(N) < 0.4).astype(int)
SCORE = np.round(np.clip(0.35 * Y + 0.65 * RNG.random(N), 0, 1), 2)
PRED = (SCORE >= 0.5).astype(int)
SW = np.round(RNG.uniform(0.5, 2.0, N), 2)
X = np.c_[SCORE, RNG.random(N)]
CLF = LogisticRegression().fit(X, Y)
CURVE = curve_table(sweep_scores(y_true=Y == 1, y_score=SCORE))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _lines(disp):
    return {k: line.get_ydata() for k, line in disp.lines_.items()}


# ``c(array, role)`` returns the array as given or as a column vector (n, 1).
CASES = {
    "sensitivity_score": lambda c: M.sensitivity_score(c(Y, "t"), c(PRED, "o"),
                                                       sample_weight=c(SW, "o")),
    "specificity_score": lambda c: M.specificity_score(c(Y, "t"), c(PRED, "o"),
                                                       sample_weight=c(SW, "o")),
    "ppv_score": lambda c: M.ppv_score(c(Y, "t"), c(PRED, "o"), sample_weight=c(SW, "o")),
    "npv_score": lambda c: M.npv_score(c(Y, "t"), c(PRED, "o"), sample_weight=c(SW, "o")),
    "g_mean_score": lambda c: M.g_mean_score(c(Y, "t"), c(PRED, "o"),
                                             sample_weight=c(SW, "o")),
    "f2_score": lambda c: M.f2_score(c(Y, "t"), c(PRED, "o"), sample_weight=c(SW, "o")),
    "fbeta_score": lambda c: M.fbeta_score(c(Y, "t"), c(PRED, "o"), beta=2),
    "specificity_at_recall": lambda c: M.specificity_at_recall(
        c(Y, "t"), c(SCORE, "o"), min_recall=0.8, sample_weight=c(SW, "o")),
    "recall_at_specificity": lambda c: M.recall_at_specificity(
        c(Y, "t"), c(SCORE, "o"), min_specificity=0.8, sample_weight=c(SW, "o")),
    "recall_at_precision": lambda c: M.recall_at_precision(
        c(Y, "t"), c(SCORE, "o"), min_precision=0.6, sample_weight=c(SW, "o")),
    "sensitivity_scorer": lambda c: M.sensitivity_scorer(CLF, X, c(Y, "t")),
    "specificity_scorer": lambda c: M.specificity_scorer(CLF, X, c(Y, "t")),
    "ppv_scorer": lambda c: M.ppv_scorer(CLF, X, c(Y, "t")),
    "npv_scorer": lambda c: M.npv_scorer(CLF, X, c(Y, "t")),
    "g_mean_scorer": lambda c: M.g_mean_scorer(CLF, X, c(Y, "t")),
    "f2_scorer": lambda c: M.f2_scorer(CLF, X, c(Y, "t")),
    "specificity_at_recall_scorer": lambda c: M.specificity_at_recall_scorer(0.8)(
        CLF, X, c(Y, "t")),
    "recall_at_specificity_scorer": lambda c: M.recall_at_specificity_scorer(0.8)(
        CLF, X, c(Y, "t")),
    "recall_at_precision_scorer": lambda c: M.recall_at_precision_scorer(0.6)(
        CLF, X, c(Y, "t")),
    "make_clinical_scorer": lambda c: [M.make_clinical_scorer(m)(CLF, X, c(Y, "t"))
                                       for m in ("npv", "recall_at_specificity")],
    "clinical_scoring": lambda c: {
        k: check_scoring(CLF, scoring=s)(CLF, X, c(Y, "t"))
        for k, s in M.clinical_scoring(min_recall=0.8, min_specificity=0.8).items()},
    "clinical_report": lambda c: M.clinical_report(
        c(Y, "t"), c(PRED, "o"), y_score=c(SCORE, "o"), threshold=0.5, n_bootstraps=50,
        random_state=0).to_dict(),
    "ClinicalReport": lambda c: M.clinical_report(
        c(Y, "t"), y_score=c(SCORE, "o"), n_bootstraps=50, random_state=0).to_text(),
    "wilson_interval": lambda c: M.wilson_interval(c(np.array([3, 5, 7]), "t"),
                                                   c(np.array([10, 10, 10]), "o")),
    "plot_pr_curve": lambda c: (lambda d: (d.precision, d.recall,
                                           d.ax_.lines[-1].get_xydata()))(
        M.plot_pr_curve(c(Y, "t"), c(SCORE, "o"), threshold=0.5)),
    "plot_roc_curve": lambda c: (lambda d: (d.fpr, d.tpr, d.ax_.lines[-1].get_xydata()))(
        M.plot_roc_curve(c(Y, "t"), c(SCORE, "o"), threshold=0.5)),
    "plot_confusion_matrix": lambda c: M.plot_confusion_matrix(
        c(Y, "t"), c(PRED, "o")).confusion_matrix,
    "plot_threshold_curve": lambda c: _lines(M.plot_threshold_curve(
        c(Y, "t"), c(SCORE, "o"), threshold=0.5)),
    "ThresholdCurveDisplay": lambda c: _lines(M.ThresholdCurveDisplay(
        {k: c(v, "o") for k, v in CURVE.items()}, threshold=0.5).plot()),
    "OperatingPointDisplay": lambda c: M.OperatingPointDisplay.from_predictions(
        c(Y, "t"), c(SCORE, "o"), threshold=0.5).operating_point_,
    "plot_operating_point": lambda c: (lambda d: (
        d.roc_.fpr, d.markers_["roc"].get_xydata(), d.confusion_matrix_.confusion_matrix))(
        M.plot_operating_point(c(Y, "t"), c(SCORE, "o"), threshold=0.5)),
}


def _same(a, b):
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)) and not (a and np.isscalar(a[0])):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, str) or a is None:
        assert a == b
    else:
        np.testing.assert_allclose(np.ravel(np.asarray(a, dtype=float)),
                                   np.ravel(np.asarray(b, dtype=float)), equal_nan=True)


def test_cases_cover_every_public_name():
    assert set(CASES) == set(M.__all__)


def test_fbeta_alias_is_deprecated_for_fbeta_score():
    from sklearn.metrics import fbeta_score

    with pytest.warns(FutureWarning, match="fbeta is deprecated .* use fbeta_score"):
        alias = M.fbeta
    assert alias is fbeta_score
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        M.nope  # noqa: B018


@pytest.mark.parametrize("which", ["y_true", "others", "all"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_column_vectors_give_the_same_result_as_1d(name, which):
    roles = {"y_true": {"t"}, "others": {"o"}, "all": {"t", "o"}}[which]

    def column(a, role):
        return np.asarray(a)[:, None] if role in roles else a

    expected = CASES[name](lambda a, role: a)
    _same(expected, CASES[name](column))


def test_column_y_true_report_is_not_an_n_by_n_matrix():
    y = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    p = np.array([0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1])
    rep = M.clinical_report(y[:, None], p, n_bootstraps=20, random_state=0)
    assert rep.sections[0]["n"] == 12
    assert rep["sensitivity"] == pytest.approx(0.8)
    assert M.sensitivity_score(y[:, None], p) == pytest.approx(0.8)


def test_report_refuses_2d_labels_and_scores_for_binary_targets():
    with pytest.raises(ValueError, match=r"y_pred must hold one label per sample"):
        M.clinical_report(Y, np.c_[PRED, PRED])
    with pytest.raises(ValueError, match=r"y_score must be the positive class's scores"):
        M.clinical_report(Y, y_score=np.c_[1 - SCORE, SCORE])


# --------------------------------------------------------- zero_division (item 2)


def test_specificity_and_npv_without_positives_are_one():
    y = np.zeros(5, int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert M.specificity_score(y, y) == 1.0
        assert M.npv_score(y, y) == 1.0
    assert M.specificity_score(y, y) == recall_score(y, y, pos_label=0)


EDGE_CASES = {
    "normal": ([0, 0, 1, 1, 0, 1], [0, 1, 1, 0, 0, 1]),
    "no positives, none predicted": ([0, 0, 0], [0, 0, 0]),
    "no positives, some predicted": ([0, 0, 0], [0, 1, 0]),
    "all positive, all predicted": ([1, 1, 1], [1, 1, 1]),
    "nothing predicted positive": ([0, 1, 1], [0, 0, 0]),
    "nothing predicted negative": ([0, 1, 1], [1, 1, 1]),
}
ZERO_DIVISION = ["warn", 0.0, 1.0, np.nan]


def _call(func, *args, **kwargs):
    """(value, whether an UndefinedMetricWarning was raised)."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        value = func(*args, **kwargs)
    return value, any(issubclass(w.category, UndefinedMetricWarning) for w in record)


@pytest.mark.parametrize("zero_division", ZERO_DIVISION, ids=str)
@pytest.mark.parametrize("case", EDGE_CASES)
def test_binary_metrics_agree_with_sklearn_values_and_warnings(case, zero_division):
    y, p = (np.array(a) for a in EDGE_CASES[case])
    zd = {"zero_division": zero_division}
    pairs = [
        (M.sensitivity_score, recall_score, 1),
        (M.specificity_score, recall_score, 0),
        (M.ppv_score, precision_score, 1),
        (M.npv_score, precision_score, 0),
    ]
    for ours, theirs, sk_pos in pairs:
        got, got_warned = _call(ours, y, p, **zd)
        want, want_warned = _call(theirs, y, p, pos_label=sk_pos, **zd)
        assert got == pytest.approx(want, nan_ok=True), (ours.__name__, case)
        assert got_warned == want_warned, (ours.__name__, case)
    got, got_warned = _call(M.f2_score, y, p, **zd)
    from sklearn.metrics import fbeta_score

    want, want_warned = _call(fbeta_score, y, p, beta=2, **zd)
    assert got == pytest.approx(want, nan_ok=True) and got_warned == want_warned


@pytest.mark.parametrize("average", [None, "macro", "micro", "weighted"])
@pytest.mark.parametrize("zero_division", ZERO_DIVISION, ids=str)
def test_multiclass_and_multilabel_averages_agree_with_sklearn(average, zero_division):
    y = np.array([0, 0, 1, 1, 2, 2, 0])
    p = np.array([0, 1, 1, 1, 0, 0, 3])  # class 3 never true, class 2 never predicted
    Y = np.array([[1, 0, 0], [0, 0, 1], [1, 0, 1], [0, 0, 0]])
    P = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 1], [1, 0, 0]])
    zd = {"zero_division": zero_division, "average": average}
    for a, b in ((y, p), (Y, P)):
        for ours, theirs in ((M.sensitivity_score, recall_score),
                             (M.ppv_score, precision_score)):
            got, got_warned = _call(ours, a, b, **zd)
            want, want_warned = _call(theirs, a, b, **zd)
            np.testing.assert_allclose(got, want, equal_nan=True)
            assert got_warned == want_warned


def test_undefined_metrics_warn_and_follow_zero_division():
    y, p = np.array([0, 1, 1]), np.array([0, 0, 0])
    with pytest.warns(UndefinedMetricWarning, match="PPV is ill-defined .* no predicted"):
        assert M.ppv_score(y, p) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="F-score is ill-defined"):
        assert M.f2_score([0, 0], [0, 0]) == 0.0
    with pytest.warns(UndefinedMetricWarning,
                      match="NPV is ill-defined .* no predicted negative samples"):
        M.npv_score([0, 1], [1, 1])
    with pytest.warns(UndefinedMetricWarning, match="Specificity is ill-defined .* negative"):
        M.specificity_score([1, 1], [1, 0])
    with pytest.warns(UndefinedMetricWarning, match="G-mean is ill-defined .* no true"):
        assert M.g_mean_score([0, 0, 0], [0, 0, 0]) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert M.ppv_score(y, p, zero_division=1.0) == 1.0
        assert np.isnan(M.ppv_score(y, p, zero_division=np.nan))
        assert np.isnan(M.g_mean_score([0, 0, 0], [0, 0, 0], zero_division=np.nan))
    with pytest.raises(ValueError, match="zero_division must be 'warn', 0.0, 1.0 or np.nan"):
        M.sensitivity_score(y, p, zero_division=0.5)


def test_g_mean_agrees_with_imblearn_on_multiclass():
    from imblearn.metrics import geometric_mean_score

    y = np.array([0, 0, 1, 1, 2, 2, 0, 1, 2, 2])
    p = np.array([0, 1, 1, 1, 2, 0, 0, 2, 2, 2])
    assert M.g_mean_score(y, p, average="macro") == pytest.approx(
        geometric_mean_score(y, p, average="multiclass"))
    for average in ("micro", "weighted", None):
        np.testing.assert_allclose(M.g_mean_score(y, p, average=average),
                                   geometric_mean_score(y, p, average=average))


# ------------------------------------------------ score metrics (item 3)

SCORE_METRICS = [M.specificity_at_recall, M.recall_at_specificity, M.recall_at_precision]


@pytest.mark.parametrize("metric", SCORE_METRICS, ids=lambda f: f.__name__)
def test_score_metrics_one_class_warn_and_return_nan(metric):
    s = np.array([0.1, 0.4, 0.8])
    for y in ([0, 0, 0], [1, 1, 1]):
        with pytest.warns(UndefinedMetricWarning, match="Only one class is present in y_true"):
            assert np.isnan(metric(y, s))
    # a class whose weights are all zero is absent too
    with pytest.warns(UndefinedMetricWarning, match="no positive samples with a non-zero"):
        assert np.isnan(metric([0, 1, 1], s, sample_weight=[1.0, 0.0, 0.0]))
    Y = np.array([[0, 1], [1, 1], [0, 1]])
    S = np.c_[s, s]
    with pytest.warns(UndefinedMetricWarning, match="for label 1"):
        per_label = metric(Y, S, average=None)
    assert not np.isnan(per_label[0]) and np.isnan(per_label[1])
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(metric(Y, S))


@pytest.mark.parametrize("metric", SCORE_METRICS, ids=lambda f: f.__name__)
def test_score_metrics_refuse_negative_weights(metric):
    with pytest.raises(ValueError, match="sample_weight must be non-negative; got 1 negative"):
        metric([0, 1, 1], [0.1, 0.4, 0.8], sample_weight=[1.0, -1.0, 1.0])


def test_label_metrics_refuse_negative_weights():
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        M.sensitivity_score([0, 1, 1], [0, 1, 0], sample_weight=[1, 1, -2])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        sweep_scores(y_true=[0, 1], y_score=[0.2, 0.3], sample_weight=[1, -1])


def test_all_zero_weights_are_refused_like_sklearn():
    with pytest.raises(ValueError, match="at least one non-zero"):
        recall_score([0, 1], [0, 1], sample_weight=[0, 0])
    for call in (lambda: M.sensitivity_score([0, 1], [0, 1], sample_weight=[0, 0]),
                 lambda: M.specificity_at_recall([0, 1], [0.2, 0.3], sample_weight=[0, 0])):
        with pytest.raises(ValueError, match="sample_weight must contain at least one non-zero"):
            call()
    # the positives' weights alone all zero: no positive sample, so undefined
    with pytest.warns(UndefinedMetricWarning, match="Sensitivity is ill-defined"):
        assert M.sensitivity_score([0, 1], [0, 1], sample_weight=[1, 0]) == 0.0


# ---------------------------------------------------------- wilson (item 4)


@pytest.mark.parametrize("k, n, confidence", [
    (0, 1, 0.95), (1, 1, 0.95), (0, 10, 0.9), (3, 10, 0.95), (45, 50, 0.95),
    (50, 50, 0.99), (7, 200, 0.8), (123, 1000, 0.999),
])
def test_wilson_interval_equals_scipy(k, n, confidence):
    want = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    lo, hi = M.wilson_interval(k, n, confidence=confidence)
    assert float(lo) == pytest.approx(want.low, abs=1e-12)
    assert float(hi) == pytest.approx(want.high, abs=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"k": 5, "n": 3}, "k must be <= n"),
    ({"k": -1, "n": 3}, r"k \(the number of successes\) must be >= 0"),
    ({"k": 1.5, "n": 3}, r"k must be a whole number \(a count\); got 1.5"),
    ({"k": 1, "n": 2.5}, "n must be a whole number"),
    ({"k": "1", "n": 3}, "k must be a whole number"),
    ({"k": 0, "n": 0}, r"n \(the number of trials\) must be >= 1; got 0"),
    ({"k": 0, "n": -2}, "n .* must be >= 1"),
    ({"k": 1, "n": 2, "confidence": 1.5}, r"confidence must be a number in \(0, 1\)"),
    ({"k": 1, "n": 2, "confidence": "x"}, r"confidence must be a number in \(0, 1\)"),
    ({"k": [1, 2], "n": [3, 4, 5]}, "k and n must have the same shape"),
    ({"k": [[1], [2]], "n": [[3, 4]]}, "k and n must have the same shape"),
])
def test_wilson_interval_refuses_bad_counts(kwargs, match):
    with pytest.raises(ValueError, match=match):
        M.wilson_interval(**kwargs)


def test_wilson_interval_accepts_whole_floats_and_arrays():
    lo, hi = M.wilson_interval(np.array([45.0, 3.0]), [50, 10])
    assert lo[0] == pytest.approx(float(M.wilson_interval(45, 50)[0]))
    assert hi[1] == pytest.approx(float(M.wilson_interval(3, 10)[1]))


# --------------------------------------------------- report parameters (item 5)

YM = (RNG.random((30, 3)) < 0.4).astype(int)
SM = np.clip(YM * 0.4 + RNG.random((30, 3)) * 0.6, 0, 1)
YC = np.arange(30) % 3
SC = np.full((30, 3), 0.1) + np.eye(3)[YC] * 0.7


@pytest.mark.parametrize("call, match", [
    (lambda: M.clinical_report(Y, y_score=SCORE, confidence="x"),
     r"confidence must be a number in \(0, 1\), e.g. 0.95; got 'x'"),
    (lambda: M.clinical_report(Y, y_score=SCORE, confidence=1.0), "confidence must be"),
    (lambda: M.clinical_report(Y, y_score=SCORE, n_bootstraps=True),
     "n_bootstraps must be an int >= 0; got True"),
    (lambda: M.clinical_report(Y, y_score=SCORE, threshold=[0.5]),
     r"threshold must be a single number for a binary target; got \[0.5\]"),
    (lambda: M.clinical_report(Y, y_score=SCORE, threshold="x"),
     "threshold must be a number .* got 'x'"),
    (lambda: M.clinical_report(YM, y_score=SM, threshold=[0.5, 0.5]),
     "threshold has 2 values for 3 labels"),
    (lambda: M.clinical_report(YC, y_score=SC, threshold=[1.0, 1.0]),
     r"threshold for a multiclass target is one weight per class \(3"),
    (lambda: M.clinical_report(YC, y_score=SC, threshold=[1.0, -1.0, 1.0]),
     "class weights.* must be non-negative"),
    (lambda: M.clinical_report(YM, y_score=SM, target_names=["a", "b"]),
     "target_names has 2 names for 3 labels"),
    (lambda: M.clinical_report(YM, y_score=SM, target_names=["a", "b", "c", "d"]),
     "target_names has 4 names for 3 labels"),
    (lambda: M.clinical_report(YC, y_score=SC, target_names=["a"]),
     r"target_names has 1 names for 3 classes"),
    (lambda: M.clinical_report(Y, y_score=SCORE, target_names=["a", "b", "c"]),
     "target_names has 3 names for a binary target"),
    (lambda: M.clinical_report(Y, y_score=SCORE, target_names="ab"),
     "target_names must be a list of names"),
    (lambda: M.clinical_report(YC, y_score=SC[:, :2]),
     r"y_score must be of shape \(n_samples, 3\)"),
    (lambda: M.clinical_report(YM, y_pred=SM), "y_pred holds continuous values"),
    (lambda: M.clinical_report(YM, y_pred=YM * 2), "y_pred must be a 0/1 indicator matrix"),
    (lambda: M.clinical_report(Y, y_pred=SCORE), "y_pred holds continuous values"),
    (lambda: M.clinical_report(Y, y_score=SCORE, min_recall=1.5),
     r"min_recall must be a number in \(0, 1\]"),
])
def test_report_parameter_errors_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_report_huge_n_bootstraps_is_refused_before_allocating(monkeypatch):
    """The refusal comes before any resampling: every step that would draw or allocate
    the bootstrap samples raises if reached."""
    from skmedimg.metrics import _intervals, _report

    def reached(*args, **kwargs):
        raise AssertionError("bootstrap work started")

    for module, name in [(_report, "check_random_state"), (_report, "_binary_section"),
                         (_intervals, "_binary_section"), (_intervals, "_bootstrap_auc")]:
        monkeypatch.setattr(module, name, reached)
    with pytest.raises(AssertionError, match="bootstrap work started"):  # the patches bite
        M.clinical_report(Y, y_score=SCORE, n_bootstraps=10)
    with pytest.raises(ValueError, match=r"n_bootstraps=1000000000 is more than the 100,000"):
        M.clinical_report(Y, y_score=SCORE, n_bootstraps=10**9)


def test_report_undefined_values_are_none_not_zero():
    y = np.zeros(10, int)
    rep = M.clinical_report(y, y_pred=np.r_[0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
                            n_bootstraps=30, random_state=0)
    m = rep.to_dict()["sections"][0]["metrics"]
    for key in ("sensitivity", "g_mean", "balanced_accuracy", "lr_plus", "lr_minus"):
        assert m[key]["value"] is None, key
        assert m[key]["ci"] == [None, None], key
    assert m["specificity"]["value"] == pytest.approx(0.9)
    assert m["ppv"]["value"] == 0.0  # one predicted positive, false: defined, 0
    assert m["f1"]["value"] == 0.0  # a false positive and no true positive: F1 is 0


def test_report_item_access_refuses_multi_section_reports():
    rep = M.clinical_report(YM, y_score=SM, n_bootstraps=10, random_state=0)
    with pytest.raises(KeyError, match="this multilabel-indicator report has 3 sections"):
        rep["sensitivity"]
    with pytest.raises(KeyError, match="No metric 'recall'"):
        M.clinical_report(Y, y_score=SCORE, n_bootstraps=10)["recall"]


def test_report_warns_on_threshold_and_score_scales_that_do_not_match():
    logits = (SCORE - 0.5) * 8
    with pytest.warns(UserWarning, match=r"outside \[0, 1\] .* looks like a probability"):
        M.clinical_report(Y, y_score=logits, threshold=0.3, n_bootstraps=10)
    with pytest.warns(UserWarning, match=r"threshold \[1.5\] lies outside \(0, 1\]"):
        M.clinical_report(Y, y_score=SCORE, threshold=1.5, n_bootstraps=10)


def test_report_warns_when_y_pred_disagrees_with_its_stated_threshold():
    with pytest.warns(UserWarning, match="y_pred disagrees with y_score >= threshold"):
        rep = M.clinical_report(Y, 1 - PRED, y_score=SCORE, threshold=0.5, n_bootstraps=10)
    assert "differs on" in rep.threshold_note


# ------------------------------------------------------------ plots (item 6)


@pytest.mark.parametrize("call, match", [
    (lambda: M.plot_threshold_curve(curve={}), "curve must be a dict with a 'thresholds'"),
    (lambda: M.ThresholdCurveDisplay([1, 2]).plot(), "curve must be a dict"),
    (lambda: M.plot_threshold_curve(curve={"thresholds": [1.0, 0.5], "recall": [0, 1, 1]}),
     r"curve\['recall'\] has shape \(3,\)"),
    (lambda: M.plot_threshold_curve(curve=CURVE, metrics=("recal",)),
     r"None of metrics=\['recal'\] is a key of curve"),
    (lambda: M.plot_threshold_curve(Y, SCORE, threshold="x"),
     "threshold must be a finite number; got 'x'"),
    (lambda: M.ThresholdCurveDisplay(CURVE, threshold="x").plot(),
     "threshold must be a finite number"),
    (lambda: M.plot_pr_curve(Y, SCORE, threshold="x"), "threshold must be a finite number"),
    (lambda: M.plot_roc_curve(Y, SCORE, threshold=np.nan), "threshold must be a finite"),
    (lambda: M.plot_roc_curve(Y, SCORE[:-1]), r"y_true has 40 samples but y_score"),
])
def test_plot_errors_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_undefined_operating_point_is_not_drawn_at_zero():
    with pytest.warns(UserWarning, match="operating point at threshold 2 is undefined"):
        disp = M.plot_pr_curve(Y, SCORE, threshold=2.0)
    assert all(line.get_label() != "threshold 2" for line in disp.ax_.lines)


# ----------------------------------------------- targets and chance (item 7)


def _good_scores(n=200, seed=1):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    return y, np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)


def test_report_states_whether_the_target_is_met():
    y, s = _good_scores()
    pred = s >= 0.5
    sens = recall_score(y, pred)
    spec = recall_score(y, pred, pos_label=0)
    rep = M.clinical_report(y, y_score=s, threshold=0.5, min_recall=0.99,
                            min_specificity=0.5, n_bootstraps=50, random_state=0)
    recall_t, spec_t = rep.sections[0]["targets"]
    assert recall_t["parameter"] == "min_recall" and recall_t["metric"] == "sensitivity"
    assert recall_t["value"] == pytest.approx(sens)
    lo, hi = M.wilson_interval(int(round(sens * y.sum())), int(y.sum()))
    assert recall_t["ci"] == (pytest.approx(float(lo)), pytest.approx(float(hi)))
    assert (recall_t["met"], spec_t["met"]) == (sens >= 0.99, spec >= 0.5)
    lines = rep.to_text().splitlines()
    assert lines[1].startswith("target recall >= 0.99: NOT MET")
    assert lines[2].startswith("target specificity >= 0.5: met")
    assert "Sensitivity (recall) 0." in lines[1] and "[0." in lines[1]
    assert rep.to_markdown().splitlines()[2].startswith("- target recall >= 0.99: NOT MET")
    d = json.loads(json.dumps(rep.to_dict()))
    assert d["targets"] == {"min_recall": 0.99, "min_specificity": 0.5}
    assert d["sections"][0]["targets"][0]["met"] is False
    assert d["alerts"][0] == lines[1]


def test_target_verdict_uses_the_interval():
    y = np.r_[np.ones(10, int), np.zeros(10, int)]
    pred = np.r_[np.ones(9, int), 0, np.zeros(10, int)]  # sensitivity 0.9 of 10
    rep = M.clinical_report(y, pred, min_recall=0.95, min_precision=0.5, n_bootstraps=0)
    recall_t, ppv_t = rep.sections[0]["targets"]
    assert recall_t["met"] is False and "still reaches the target" in recall_t["verdict"]
    assert ppv_t["met"] is True and ppv_t["verdict"] == "met"  # 9/9, CI low 0.70 > 0.5
    with pytest.warns(UserWarning, match="near chance: Balanced accuracy 0.500"):
        rep = M.clinical_report(y, np.zeros(20, int), min_recall=0.5, min_precision=0.5,
                                n_bootstraps=0)
    recall_t, ppv_t = rep.sections[0]["targets"]
    assert recall_t["met"] is False and "whole 95% CI is below" in recall_t["verdict"]
    assert ppv_t["met"] is None and "cannot be assessed" in ppv_t["verdict"]


def test_multilabel_report_states_targets_per_label():
    rep = M.clinical_report(YM, y_score=SM, threshold=0.5, min_recall=0.9,
                            target_names=["a", "b", "c"], n_bootstraps=0)
    assert [line.split(":")[0] for line in rep.alerts[:3]] == ["a", "b", "c"]
    assert all(len(sec["targets"]) == 1 for sec in rep.sections)


def test_near_chance_model_is_flagged():
    rng = np.random.default_rng(5)
    y = (rng.random(80) < 0.4).astype(int)
    noise = rng.random(80)
    with pytest.warns(UserWarning, match="clinical_report: positive class 1: near chance"):
        rep = M.clinical_report(y, y_score=noise, n_bootstraps=200, random_state=0)
    chance = rep.sections[0]["chance"]
    assert chance["metric"] == "auc" and chance["ci"][0] <= 0.5
    assert rep.to_text().splitlines()[1].startswith("WARNING: near chance: ROC AUC")
    # without scores: balanced accuracy
    with pytest.warns(UserWarning, match="near chance: Balanced accuracy"):
        M.clinical_report(y, (noise > 0.5).astype(int), n_bootstraps=200, random_state=0)


def test_inverted_scores_are_flagged_worse_than_chance():
    y, s = _good_scores()
    with pytest.warns(UserWarning, match="worse than chance.*wrong pos_label"):
        M.clinical_report(y, y_score=1 - s, n_bootstraps=200, random_state=0)


def test_good_model_gives_no_chance_warning():
    y, s = _good_scores()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep = M.clinical_report(y, y_score=s, n_bootstraps=200, random_state=0)
    assert rep.sections[0]["chance"] is None and rep.alerts == []


# ------------------------------------------------ more odd inputs found while at it


def test_string_labels_with_default_pos_label_are_refused():
    y = np.array(["neg", "pos", "pos"])
    with pytest.raises(ValueError, match=r"pos_label=1 is not a valid label.*\['neg', 'pos'\]"):
        M.sensitivity_score(y, y)
    with pytest.raises(ValueError, match="pos_label=1 cannot be a label .* only label is 'neg'"):
        M.specificity_score(np.array(["neg", "neg"]), np.array(["neg", "neg"]))
    assert M.sensitivity_score(y, np.array(["neg", "pos", "neg"]), pos_label="pos") == 0.5
    with pytest.raises(ValueError, match="pass pos_label"):
        M.clinical_report(y, y_score=[0.1, 0.8, 0.9])


def test_pos_label_absent_from_two_classes_is_refused():
    with pytest.raises(ValueError, match="pos_label=2 is not a valid label"):
        M.npv_score([0, 1, 1], [0, 1, 0], pos_label=2)
    with pytest.raises(ValueError, match="pos_label=2 is not a valid label"):
        M.specificity_at_recall([0, 1, 1], [0.1, 0.5, 0.9], pos_label=2)


def test_scores_passed_as_labels_are_refused():
    with pytest.raises(ValueError, match="y_pred must hold class labels .* 'continuous'"):
        M.sensitivity_score(Y, SCORE)
    with pytest.raises(ValueError, match="Mix of label input types"):
        M.ppv_score(Y, Y.astype(str))


def test_sweep_refuses_labels_that_are_not_a_mask():
    with pytest.raises(ValueError, match=r"boolean \(or 0/1\) mask"):
        sweep_scores(y_true=[1, 2, 2], y_score=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"boolean \(or 0/1\) mask"):
        sweep_scores(y_true=["a", "b"], y_score=[0.1, 0.2])


def test_bool_bounds_are_refused():
    with pytest.raises(ValueError, match=r"min_recall must be a number in \(0, 1\]"):
        M.specificity_at_recall(Y, SCORE, min_recall=True)


def test_report_refuses_pos_label_for_multi_section_targets():
    with pytest.raises(ValueError, match="pos_label=1 applies to binary targets"):
        M.clinical_report(YM, y_score=SM, pos_label=1)


def test_make_clinical_scorer_checks_its_keywords_up_front():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['min_recall'\]"):
        M.make_clinical_scorer("sensitivity", min_recall=0.9)
    with pytest.raises(ValueError, match="average must be one of"):
        M.make_clinical_scorer("specificity", average="mean")
    with pytest.raises(ValueError, match=r"average must be one of \('macro', 'micro', None\)"):
        M.make_clinical_scorer("specificity_at_recall", average="weighted")
    with pytest.raises(ValueError, match="zero_division must be"):
        M.make_clinical_scorer("ppv", zero_division=2)
    scorer = M.make_clinical_scorer("ppv", zero_division=1.0)
    assert scorer(CLF, X, Y) == pytest.approx(M.ppv_score(Y, CLF.predict(X)))


@pytest.mark.parametrize("counts", [(22, 43, 0, 85), (22, 0, 3, 85), (0, 10, 5, 85),
                                    (20, 10, 5, 0), (20, 10, 5, 85)])
def test_likelihood_ratio_intervals_contain_their_values(counts):
    """With a zero cell (no false negatives: LR- = 0) the Haldane-corrected interval
    used to exclude the reported value ([0.002, 0.51] around 0.0)."""
    tp, fp, fn, tn = counts
    y = np.r_[np.ones(tp + fn, int), np.zeros(fp + tn, int)]
    pred = np.r_[np.ones(tp, int), np.zeros(fn, int), np.ones(fp, int), np.zeros(tn, int)]
    rep = M.clinical_report(y, pred, n_bootstraps=20, random_state=0)
    for key in ("lr_plus", "lr_minus"):
        value, (low, high) = rep[key], rep.sections[0]["metrics"][key]["ci"]
        assert low <= value <= high, (key, value, low, high)
