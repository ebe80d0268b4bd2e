"""skmedimg.metrics: metrics vs sklearn/imblearn, scorers, report, plots."""

import json

import numpy as np
import pytest
from imblearn.metrics import geometric_mean_score
from imblearn.metrics import specificity_score as imb_specificity
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    class_likelihood_ratios,
    f1_score,
    fbeta_score,
    get_scorer,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier

from skmedimg import metrics as M
from skmedimg.metrics._report import _bootstrap_auc

RND_SEED = 0


@pytest.fixture(scope="module")
def binary_fit():
    X, y = make_classification(400, n_features=6, weights=[0.8], class_sep=0.7,
                               random_state=RND_SEED)
    clf = LogisticRegression().fit(X[:250], y[:250])
    return clf, X[250:], y[250:]


@pytest.fixture(scope="module")
def labels():
    rng = np.random.default_rng(RND_SEED)
    y = (rng.random(300) < 0.25).astype(int)
    p = np.where(rng.random(300) < 0.8, y, 1 - y)
    return y, p


def test_label_metrics_match_sklearn_and_imblearn(labels):
    y, p = labels
    assert M.sensitivity_score(y, p) == pytest.approx(recall_score(y, p))
    assert M.specificity_score(y, p) == pytest.approx(imb_specificity(y, p))
    assert M.specificity_score(y, p) == pytest.approx(recall_score(y, p, pos_label=0))
    assert M.ppv_score(y, p) == pytest.approx(precision_score(y, p))
    assert M.npv_score(y, p) == pytest.approx(precision_score(y, p, pos_label=0))
    assert M.g_mean_score(y, p) == pytest.approx(geometric_mean_score(y, p))
    assert M.f2_score(y, p) == pytest.approx(fbeta_score(y, p, beta=2))
    assert M.fbeta(y, p, beta=0.5) == pytest.approx(fbeta_score(y, p, beta=0.5))
    assert isinstance(M.sensitivity_score(y, p), float)


def test_multilabel_variants_equal_per_label_binary_calls():
    rng = np.random.default_rng(1)
    Y = (rng.random((200, 3)) < [0.1, 0.3, 0.5]).astype(int)
    P = np.where(rng.random((200, 3)) < 0.75, Y, 1 - Y)
    for func in (M.sensitivity_score, M.specificity_score, M.npv_score, M.g_mean_score):
        per_label = func(Y, P, average=None)
        expected = [func(Y[:, k], P[:, k]) for k in range(3)]
        np.testing.assert_allclose(per_label, expected)
        assert func(Y, P, average="macro") == pytest.approx(np.mean(expected))
    tn = np.sum((Y == 0) & (P == 0))
    fp = np.sum((Y == 0) & (P == 1))
    assert M.specificity_score(Y, P, average="micro") == pytest.approx(tn / (tn + fp))
    with pytest.raises(ValueError, match="average='binary' is for binary targets"):
        M.specificity_score(Y, P)


def _brute_spec_at_recall(y, s, min_recall):
    best = 0.0
    for t in np.r_[np.unique(s), np.inf]:
        pred = s >= t
        if recall_score(y, pred, zero_division=0) >= min_recall:
            best = max(best, imb_specificity(y, pred))
    return best


def test_score_metrics_match_brute_force():
    rng = np.random.default_rng(2)
    y = (rng.random(150) < 0.3).astype(int)
    s = np.round(rng.normal(y * 0.8, 1.0), 1)
    for r in (0.5, 0.9, 1.0):
        assert M.specificity_at_recall(y, s, min_recall=r) == pytest.approx(
            _brute_spec_at_recall(y, s, r))
    best = max(recall_score(y, s >= t, zero_division=0) for t in np.r_[np.unique(s), np.inf]
               if imb_specificity(y, s >= t) >= 0.9)
    assert M.recall_at_specificity(y, s, min_specificity=0.9) == pytest.approx(best)
    best = max([recall_score(y, s >= t) for t in np.unique(s)
                if precision_score(y, s >= t, zero_division=0) >= 0.6] or [0.0])
    assert M.recall_at_precision(y, s, min_precision=0.6) == pytest.approx(best)
    Y = np.c_[y, 1 - y]
    S = np.c_[s, -s]
    per = M.specificity_at_recall(Y, S, min_recall=0.9, average=None)
    assert per[0] == pytest.approx(M.specificity_at_recall(y, s, min_recall=0.9))
    assert M.specificity_at_recall(Y, S, min_recall=0.9) == pytest.approx(per.mean())
    with pytest.raises(ValueError, match=r"min_recall must be a number in \(0, 1\]"):
        M.specificity_at_recall(y, s, min_recall=1.5)
    with pytest.raises(ValueError, match="pass pos_label"):
        M.specificity_at_recall(np.where(y == 1, "a", "b"), s)


def test_scorers_equal_direct_metric_calls(binary_fit):
    clf, X, y = binary_fit
    pred = clf.predict(X)
    score = clf.predict_proba(X)[:, 1]
    dec = clf.decision_function(X)
    assert M.sensitivity_scorer(clf, X, y) == pytest.approx(M.sensitivity_score(y, pred))
    assert M.specificity_scorer(clf, X, y) == pytest.approx(M.specificity_score(y, pred))
    assert M.ppv_scorer(clf, X, y) == pytest.approx(M.ppv_score(y, pred))
    assert M.npv_scorer(clf, X, y) == pytest.approx(M.npv_score(y, pred))
    assert M.g_mean_scorer(clf, X, y) == pytest.approx(M.g_mean_score(y, pred))
    assert M.f2_scorer(clf, X, y) == pytest.approx(M.f2_score(y, pred))
    # threshold-free scorers see scores (decision_function first: same ranking)
    for s in (score, dec):
        assert M.specificity_at_recall_scorer(0.9)(clf, X, y) == pytest.approx(
            M.specificity_at_recall(y, s, min_recall=0.9))
    assert M.recall_at_specificity_scorer(0.8)(clf, X, y) == pytest.approx(
        M.recall_at_specificity(y, score, min_specificity=0.8))
    assert M.recall_at_precision_scorer(0.5)(clf, X, y) == pytest.approx(
        M.recall_at_precision(y, score, min_precision=0.5))
    with pytest.raises(ValueError, match="Unknown clinical metric 'nope'"):
        M.make_clinical_scorer("nope")


def test_every_scorer_works_in_gridsearch_with_refit_by_name():
    X, y = make_classification(200, n_features=5, weights=[0.8], random_state=RND_SEED)
    scoring = M.clinical_scoring(min_recall=0.9, min_specificity=0.8)
    gs = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, cv=3, scoring=scoring,
                      refit="specificity_at_recall").fit(X, y)
    for name in scoring:
        assert np.all(np.isfinite(gs.cv_results_[f"mean_test_{name}"])), name
    best = np.argmax(gs.cv_results_["mean_test_specificity_at_recall"])
    assert gs.best_index_ == best
    for name in ("sensitivity", "g_mean", "f2", "npv"):
        GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3, scoring=scoring,
                     refit=name).fit(X, y)


def test_multilabel_scorers_in_gridsearch():
    X, Y = make_multilabel_classification(200, n_features=6, n_classes=3,
                                          random_state=RND_SEED)
    scoring = M.clinical_scoring(average="macro", min_recall=0.8)
    gs = GridSearchCV(OneVsRestClassifier(LogisticRegression()),
                      {"estimator__C": [0.1, 1.0]}, cv=3, scoring=scoring,
                      refit="g_mean").fit(X, Y)
    clf = gs.best_estimator_
    assert scoring["sensitivity"](clf, X, Y) == pytest.approx(
        M.sensitivity_score(Y, clf.predict(X), average="macro"))
    assert scoring["specificity_at_recall"](clf, X, Y) == pytest.approx(
        M.specificity_at_recall(Y, clf.predict_proba(X), min_recall=0.8))


# ------------------------------------------------------------------------ report


def test_wilson_interval_known_values():
    lo, hi = M.wilson_interval(45, 50)
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.7864, 0.9565)
    lo, hi = M.wilson_interval(0, 10)
    assert lo == 0.0 and 0.25 < hi < 0.35


def test_binary_report_values_and_intervals(binary_fit):
    clf, X, y = binary_fit
    score = clf.predict_proba(X)[:, 1]
    rep = M.clinical_report(y, y_score=score, threshold=0.3, random_state=0,
                            n_bootstraps=300)
    pred = (score >= 0.3).astype(int)
    expected = {
        "sensitivity": recall_score(y, pred), "specificity": imb_specificity(y, pred),
        "ppv": precision_score(y, pred), "npv": precision_score(y, pred, pos_label=0),
        "f1": f1_score(y, pred), "f2": fbeta_score(y, pred, beta=2),
        "g_mean": geometric_mean_score(y, pred),
        "balanced_accuracy": balanced_accuracy_score(y, pred), "auc": roc_auc_score(y, score),
    }
    lrp, lrn = class_likelihood_ratios(y, pred)
    expected.update(lr_plus=lrp, lr_minus=lrn)
    d = rep.to_dict()
    metrics = d["sections"][0]["metrics"]
    for key, value in expected.items():
        assert metrics[key]["value"] == pytest.approx(value), key
        lo, hi = metrics[key]["ci"]
        assert lo <= value + 1e-9 <= hi + 2e-9, key
    assert metrics["sensitivity"]["ci_method"] == "wilson"
    assert metrics["auc"]["ci_method"] == "bootstrap"
    assert d["sections"][0]["confusion_matrix"] == [
        [int(np.sum((y == 0) & (pred == 0))), int(np.sum((y == 0) & (pred == 1)))],
        [int(np.sum((y == 1) & (pred == 0))), int(np.sum((y == 1) & (pred == 1)))]]
    json.dumps(d)  # plain types
    text = str(rep)
    assert "threshold 0.3" in text and "Sensitivity (recall)" in text and "95% CI" in text
    assert "| Specificity |" in rep.to_markdown()
    assert rep["sensitivity"] == pytest.approx(expected["sensitivity"])


def test_report_multilabel_and_multiclass_sections():
    rng = np.random.default_rng(3)
    Y = (rng.random((120, 3)) < 0.3).astype(int)
    S = np.clip(Y * 0.4 + rng.random((120, 3)) * 0.6, 0, 1)
    rep = M.clinical_report(Y, y_score=S, threshold=[0.4, 0.5, 0.6], n_bootstraps=50,
                            target_names=["a", "b", "c"], random_state=0)
    assert [s["label"] for s in rep.sections] == ["a", "b", "c"]
    assert rep.sections[2]["metrics"]["sensitivity"]["value"] == pytest.approx(
        recall_score(Y[:, 2], S[:, 2] >= 0.6))
    y = rng.integers(0, 3, 150)
    P = rng.dirichlet([1, 1, 1], 150)
    P[np.arange(150), y] += 0.5
    rep = M.clinical_report(y, y_score=P / P.sum(1, keepdims=True), n_bootstraps=50,
                            random_state=0)
    assert rep.task == "multiclass" and len(rep.sections) == 3
    assert rep.sections[1]["metrics"]["sensitivity"]["value"] == pytest.approx(
        recall_score(y, P.argmax(1), average=None)[1])
    with pytest.raises(ValueError, match="Pass y_pred"):
        M.clinical_report(y)


def test_bootstrap_auc_equals_explicit_resamples():
    rng = np.random.default_rng(4)
    y = rng.random(60) < 0.4
    s = np.round(rng.random(60) + 0.3 * y, 1)
    fast = _bootstrap_auc(y, s, n_bootstraps=20, rng=np.random.RandomState(0))
    rs = np.random.RandomState(0)
    order = np.argsort(s, kind="stable")
    counts = rs.multinomial(60, np.full(60, 1 / 60), size=20)
    for b in range(20):
        idx = np.repeat(order, counts[b])
        if 0 < y[idx].sum() < idx.size:
            assert fast[b] == pytest.approx(roc_auc_score(y[idx], s[idx]))


# ------------------------------------------------------------------------- plots


def test_plots_return_displays(tmp_path, binary_fit):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    clf, X, y = binary_fit
    s = clf.predict_proba(X)[:, 1]
    with pytest.warns(FutureWarning, match="deprecated"):  # the old plot_* names
        old = [M.plot_pr_curve(y, s, threshold=0.3), M.plot_roc_curve(y, s, threshold=0.3),
               M.plot_threshold_curve(y, s, threshold=0.3),
               M.plot_confusion_matrix(y, (s >= 0.3).astype(int))]
    new = [M.ThresholdCurveDisplay.from_predictions(y, s, threshold=0.3),
           M.OperatingPointDisplay.from_estimator(clf, X, y, threshold=0.3),
           M.plot_operating_point(y, s, threshold=0.3)]
    for disp in old + new:
        disp.figure_.savefig(tmp_path / "plot.png")
        assert (tmp_path / "plot.png").stat().st_size > 1000
    plt.close("all")


def test_scorer_names_are_usable_strings(binary_fit):
    """clinical_scoring mixes scorer objects with scikit-learn scorer names: each name must
    score what the scikit-learn metric of that name gives on the same predictions."""
    clf, X, y = binary_fit
    score, pred = clf.predict_proba(X)[:, 1], clf.predict(X)
    expected = {"roc_auc": roc_auc_score(y, score),
                "average_precision": average_precision_score(y, score),
                "balanced_accuracy": balanced_accuracy_score(y, pred)}
    names = {k: v for k, v in M.clinical_scoring().items() if isinstance(v, str)}
    assert names == {name: name for name in expected}
    for name, value in expected.items():
        assert get_scorer(names[name])(clf, X, y) == pytest.approx(value)
    assert 0.5 < expected["roc_auc"] < 1.0  # informative data, not a degenerate case


def test_clinical_report_binary_target_names_follow_class_order():
    from skmedimg.metrics import clinical_report

    y = np.array([0, 0, 1, 1, 1])
    report = clinical_report(y, y_pred=y, target_names=["normal", "pneumonia"])
    assert report.to_dict()["sections"][0]["label"] == "pneumonia"
    report = clinical_report(y, y_pred=y, target_names=["pneumonia"])
    assert report.to_dict()["sections"][0]["label"] == "pneumonia"
