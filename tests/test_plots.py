"""skmedimg.metrics plots: what the figures show (titles, legends, the operating point,
the confusion matrix cells), the scikit-learn display API, deprecations and errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_score,
    recall_score,
    roc_auc_score,
)

import skmedimg.metrics as M
from skmedimg import ThresholdTuner
from skmedimg.metrics import OperatingPointDisplay, ThresholdCurveDisplay, plot_operating_point

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

X, Y = make_classification(160, n_features=5, weights=[0.75], class_sep=0.8, random_state=0)
CLF = LogisticRegression().fit(X[:100], Y[:100])
XT, YT = X[100:], Y[100:]
S = CLF.predict_proba(XT)[:, 1]
T = 0.3
NAMES = np.where(YT == 1, "pneumonia", "normal")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _sens_spec(y, s, t):
    tn, fp, fn, tp = confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
    return tp / (tp + fn), tn / (tn + fp)


def _extent(artist, renderer):
    return artist.get_window_extent(renderer)


# ----------------------------------------------------------- threshold curve


def test_threshold_curve_shows_title_f2_constraint_and_operating_point():
    title = "PneumoniaMNIST test: max specificity at recall >= 0.95"
    disp = ThresholdCurveDisplay.from_predictions(
        YT, S, threshold=T, beta=2, min_recall=0.95, objective="max_specificity",
        name="CNN", title=title)
    assert disp.ax_.get_title() == title
    texts = _legend_texts(disp.ax_)
    sens, spec = _sens_spec(YT, S, T)
    assert "F2" in texts and "min recall 0.95" in texts
    assert "specificity = objective" in texts  # max_specificity's curve is specificity
    assert f"operating point: threshold {T:.3g}\nsensitivity {sens:.2f}, " \
           f"specificity {spec:.2f}" in texts
    assert disp.threshold_line_.get_xdata()[0] == T
    assert disp.constraint_lines_["min_recall"].get_ydata()[0] == 0.95
    assert disp.operating_point_["recall"] == pytest.approx(sens)
    assert disp.operating_point_["specificity"] == pytest.approx(spec)


def test_threshold_curve_default_title_names_model_and_objective():
    disp = ThresholdCurveDisplay.from_predictions(YT, S, objective="youden", name="CNN")
    assert disp.ax_.get_title() == "CNN: metrics vs decision threshold\n(objective: youden)"
    # youden is not one of the drawn metrics: its curve is added and labelled
    assert "objective (youden)" in _legend_texts(disp.ax_)
    th = disp.lines_["objective"].get_xdata()
    sens = np.array([recall_score(YT, S >= t) for t in th])
    spec = np.array([recall_score(YT, S >= t, pos_label=0) for t in th])
    np.testing.assert_allclose(disp.lines_["objective"].get_ydata(), sens + spec - 1)


def test_objective_equal_to_a_metric_is_drawn_once():
    disp = ThresholdCurveDisplay.from_predictions(YT, S, beta=2, objective="f_beta")
    assert disp.lines_["objective"] is disp.lines_["f_beta"]
    assert "F2 = objective" in _legend_texts(disp.ax_)
    assert len(disp.ax_.lines) == 4


@pytest.mark.parametrize("panel", ["threshold", "roc", "pr"])
def test_legend_is_below_the_axes_and_inside_the_figure(panel):
    if panel == "threshold":
        ax = ThresholdCurveDisplay.from_predictions(YT, S, threshold=T, min_recall=0.9).ax_
    else:
        disp = OperatingPointDisplay.from_predictions(YT, S, threshold=T, min_recall=0.9,
                                                      panels=[panel])
        ax = disp.axes_.flat[0]
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = _extent(ax.get_legend(), renderer)
    assert not legend.overlaps(_extent(ax, renderer))  # never covers a curve
    assert legend.y1 <= _extent(ax, renderer).y0
    assert not legend.overlaps(_extent(ax.xaxis.label, renderer))
    assert legend.y0 >= fig.bbox.y0  # not cut off when saved


# ------------------------------------------------------------------ ROC / PR


def test_roc_marks_operating_point_at_one_minus_specificity_and_sensitivity():
    disp = OperatingPointDisplay.from_predictions(YT, S, threshold=T, panels=["roc"],
                                                  name="LogisticRegression")
    sens, spec = _sens_spec(YT, S, T)
    np.testing.assert_allclose(disp.markers_["roc"].get_xydata(), [[1 - spec, sens]])
    texts = _legend_texts(disp.roc_.ax_)
    assert f"LogisticRegression (AUC = {roc_auc_score(YT, S):.2f})" in texts
    assert not any("Classifier" in t for t in texts)
    notes = [t.get_text() for t in disp.roc_.ax_.texts]
    assert f"t = {T:.3g}" in notes


def test_pr_marks_operating_point_with_name_and_prevalence():
    disp = OperatingPointDisplay.from_predictions(YT, S, threshold=T, panels=["pr"],
                                                  name="CNN", min_precision=0.5)
    pred = (S >= T).astype(int)
    np.testing.assert_allclose(disp.markers_["pr"].get_xydata(),
                               [[recall_score(YT, pred), precision_score(YT, pred)]])
    texts = _legend_texts(disp.pr_.ax_)
    assert f"CNN (AP = {average_precision_score(YT, S):.2f})" in texts
    assert f"prevalence {YT.mean():.2f} (no-skill baseline)" in texts
    assert "min precision 0.5" in texts


def test_undefined_operating_point_is_skipped_with_a_warning():
    with pytest.warns(UserWarning, match="operating point at threshold 2 is undefined"):
        disp = OperatingPointDisplay.from_predictions(YT, S, threshold=2.0)
    assert "pr" not in disp.markers_ and "roc" in disp.markers_
    assert disp.confusion_matrix_.confusion_matrix[:, 1].sum() == 0


# ---------------------------------------------------------- confusion matrix


def test_confusion_matrix_cells_show_counts_row_percentages_and_missed_cases():
    from matplotlib.patches import Rectangle

    disp = OperatingPointDisplay.from_predictions(
        NAMES, S, threshold=T, pos_label="pneumonia", display_labels=["normal", "pneumonia"],
        panels=["confusion_matrix"])
    cm = confusion_matrix(NAMES, np.where(S >= T, "pneumonia", "normal"),
                          labels=["normal", "pneumonia"])
    cmd = disp.confusion_matrix_
    np.testing.assert_array_equal(cmd.confusion_matrix, cm)
    pct = 100 * cm / cm.sum(axis=1, keepdims=True)
    for (i, j), text in np.ndenumerate(cmd.text_):
        expected = f"{cm[i, j]}\n({pct[i, j]:.1f}%)" + ("\nmissed" if (i, j) == (1, 0) else "")
        assert text.get_text() == expected
    ax = cmd.ax_
    assert f"threshold {T:.3g}" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["normal", "pneumonia"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"normal\n(n={cm[0].sum()})", f"pneumonia\n(n={cm[1].sum()})"]
    # the false-negative cell (row "pneumonia", column "normal") is framed in red
    frames = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(frames) == 1
    (x0, y0), (x1, y1) = frames[0].get_bbox().get_points()
    assert x0 < 0 < x1 and y0 < 1 < y1
    assert matplotlib.colors.to_hex(frames[0].get_edgecolor()) == \
        matplotlib.colors.to_hex("tab:red")
    # coloured by row share: a rare missed cell is not drawn like an empty one
    np.testing.assert_allclose(cmd.im_.get_array(), pct / 100)


# ----------------------------------------------------------- 2x2 and from_estimator


def test_plot_operating_point_draws_four_panels():
    disp = plot_operating_point(YT, S, threshold=T, min_recall=0.9, beta=2,
                                display_labels=["normal", "pneumonia"], name="CNN",
                                title="Demo: recall >= 0.9")
    assert disp.axes_.shape == (2, 2)
    assert disp.figure_.get_suptitle() == "Demo: recall >= 0.9"
    assert type(disp.roc_).__name__ == "RocCurveDisplay"
    assert type(disp.pr_).__name__ == "PrecisionRecallDisplay"
    assert "F2" in _legend_texts(disp.threshold_curve_.ax_)
    assert disp.confusion_matrix_.ax_ is disp.axes_[1, 1]
    assert {"OperatingPointDisplay", "plot_operating_point"} <= set(M.__all__)


def test_from_estimator_uses_the_tuners_threshold_constraints_and_objective():
    tuner = ThresholdTuner(LogisticRegression(), objective="max_specificity", min_recall=0.9,
                           beta=2, cv=3).fit(X[:100], Y[:100])
    disp = ThresholdCurveDisplay.from_estimator(tuner, XT, YT)
    assert disp.threshold == tuner.threshold_
    assert "min recall 0.9" in _legend_texts(disp.ax_) and "F2" in _legend_texts(disp.ax_)
    assert disp.ax_.get_title() == ("LogisticRegression (tuned): metrics vs decision "
                                    "threshold\n(objective: max_specificity)")
    both = OperatingPointDisplay.from_estimator(tuner, XT, YT, threshold=0.4)
    s = tuner.predict_proba(XT)[:, 1]
    sens, spec = _sens_spec(YT, s, 0.4)  # the caller's threshold wins
    np.testing.assert_allclose(both.markers_["roc"].get_xydata(), [[1 - spec, sens]])
    with pytest.raises(ValueError, match="pos_label=0 differs from the tuner's positive"):
        ThresholdCurveDisplay.from_estimator(tuner, XT, YT, pos_label=0)


@pytest.mark.parametrize("kwargs", [{}, {"response_method": "decision_function"}])
def test_from_estimator_default_threshold_is_the_classifiers_own_rule(kwargs):
    disp = OperatingPointDisplay.from_estimator(CLF, XT, YT, **kwargs)
    cm = confusion_matrix(YT, CLF.predict(XT))
    np.testing.assert_array_equal(disp.confusion_matrix_.confusion_matrix, cm)
    assert disp.roc_.line_.get_label().startswith("LogisticRegression (AUC = ")


def test_from_estimator_pos_label_picks_the_column():
    disp = OperatingPointDisplay.from_estimator(CLF, XT, YT, pos_label=0, threshold=0.5,
                                                panels=["roc"])
    s0 = CLF.predict_proba(XT)[:, 0]
    assert disp.roc_.roc_auc == pytest.approx(roc_auc_score(YT == 0, s0))


def test_column_vectors_give_the_same_figure():
    a = plot_operating_point(YT, S, threshold=T)
    b = plot_operating_point(YT[:, None], S[:, None], threshold=T)
    assert a.operating_point_ == b.operating_point_
    np.testing.assert_allclose(a.roc_.fpr, b.roc_.fpr)


# ------------------------------------------------------------ deprecations, errors


@pytest.mark.parametrize("call, new", [
    (lambda: M.plot_roc_curve(YT, S, threshold=T), "RocCurveDisplay.from_predictions"),
    (lambda: M.plot_pr_curve(YT, S, threshold=T), "PrecisionRecallDisplay.from_predictions"),
    (lambda: M.plot_confusion_matrix(YT, S >= T), "ConfusionMatrixDisplay.from_predictions"),
    (lambda: M.plot_threshold_curve(YT, S, threshold=T),
     "ThresholdCurveDisplay.from_predictions"),
])
def test_plot_functions_are_deprecated_but_work(call, new):
    with pytest.warns(FutureWarning, match=f"deprecated in 0.1 .*use .*{new}"):
        disp = call()
    assert disp.figure_ is not None


@pytest.mark.parametrize("call, err, match", [
    (lambda: plot_operating_point(YT, S, threshold=np.nan), ValueError,
     "threshold must be a finite number"),
    (lambda: plot_operating_point(YT, S, threshold=T, min_recall=1.5), ValueError,
     r"min_recall must be a number in \(0, 1\]; got 1.5"),
    (lambda: ThresholdCurveDisplay.from_predictions(YT, S, min_specificity=0), ValueError,
     r"min_specificity must be a number in \(0, 1\]"),
    (lambda: ThresholdCurveDisplay.from_predictions(YT, S, beta=0), ValueError,
     "beta must be a positive finite number; got 0"),
    (lambda: plot_operating_point(YT, S, threshold=T, display_labels=["a", "b", "c"]),
     ValueError, "display_labels must be 2 names"),
    (lambda: OperatingPointDisplay.from_predictions(YT, S, panels=["roc", "det"]),
     ValueError, "panels must be a non-empty list of distinct names"),
    (lambda: OperatingPointDisplay.from_predictions(YT, S), ValueError,
     "threshold is required to draw the confusion matrix"),
    (lambda: plot_operating_point(np.ones(10), np.linspace(0, 1, 10), threshold=T),
     ValueError, "y_true must contain both classes"),
    (lambda: plot_operating_point(NAMES, S, threshold=T), ValueError,
     "pass pos_label to say which class is the positive one"),
    (lambda: plot_operating_point(YT, S[:-1], threshold=T), ValueError,
     r"y_true has 60 samples but y_score"),
    (lambda: plot_operating_point(YT, S, threshold=T, name=3), TypeError,
     "name must be a string or None; got int"),
    (lambda: OperatingPointDisplay.from_predictions(YT, S, threshold=T, ax=[None]),
     ValueError, r"ax must hold one Axes per panel \(4"),
    (lambda: ThresholdCurveDisplay.from_predictions(YT, S, metrics="recall"), ValueError,
     "metrics must be a list of curve keys"),
    (lambda: OperatingPointDisplay.from_estimator(LogisticRegression(), XT, YT),
     NotFittedError, "not fitted"),
    (lambda: ThresholdCurveDisplay.from_estimator(CLF, XT, YT, response_method="predict"),
     ValueError, "response_method must be 'auto'"),
    (lambda: ThresholdCurveDisplay.from_estimator(CLF, XT, YT, pos_label=2), ValueError,
     r"pos_label=2 is not one of the estimator's classes \[0, 1\]"),
])
def test_bad_input_is_a_clear_error(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_draws_on_the_axes_given():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    disp = OperatingPointDisplay.from_predictions(YT, S, threshold=T, panels=["pr"], ax=ax,
                                                  title="PR at the tuned threshold")
    assert disp.axes_.shape == (1, 1) and disp.pr_.ax_ is ax and disp.figure_ is fig
    assert ax.get_title() == "PR at the tuned threshold"


def test_tuner_curve_display_as_tuner_plot_should_draw_it():
    # the call ThresholdTuner.plot() should make (reported to its owner)
    tuner = ThresholdTuner(LogisticRegression(), beta=2, min_recall=0.9, cv=3).fit(X, Y)
    disp = ThresholdCurveDisplay(
        tuner.curve_, threshold=float(tuner.threshold_),
        metrics=("recall", "specificity", "precision", "f_beta", "objective"),
        beta=tuner.beta, min_recall=tuner.min_recall, objective=tuner.objective,
        name="LogisticRegression (out-of-fold)").plot()
    texts = _legend_texts(disp.ax_)
    assert "F2 = objective" in texts and "min recall 0.9" in texts
    idx = tuner.threshold_index_
    assert disp.operating_point_["recall"] == tuner.curve_["recall"][idx]
