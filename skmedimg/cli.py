"""The skmedimg command line: ``skmedimg demo`` runs the whole workflow end to end.

The demo composes public objects only: data -> GridSearchCV over class weights and
augmenting oversampling (imblearn pipeline) with a specificity-at-recall scorer ->
ThresholdTuner at a minimum recall -> clinical report on held-out images, next to the
untuned 0.5 threshold, written as JSON, Markdown and PNG plots. ``--volumes`` runs the
same workflow on synthetic 3-D volumes (``make_lesion_volumes``) with a 3-D CNN.

Arguments, the data and the output folder are all checked before any training, and a
problem with any of them is reported on one line (``skmedimg: error: ...``) with exit
status 2 (usage) or 1 (data, output folder, or a failure while running); ``--debug``
adds the traceback. TensorFlow is imported lazily, after its log level is set, so that
its start-up messages do not bury the demo's output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import re
import sys
import tempfile
import time
import traceback
import warnings

import numpy as np

# The data and output-folder checks live in _cli_checks; the names are re-exported here.
from ._cli_checks import (
    OUTPUT_FILES,  # noqa: F401
    VOLUME_DEMO,
    _check_classes,  # noqa: F401
    _check_held_out,  # noqa: F401
    _Failure,
    _load_data,
    _one_line,
    _positive_class,
    _prepare_out,
    _read_medmnist,  # noqa: F401
    _subsample,  # noqa: F401
)

DESCRIPTION = (
    "skmedimg: imbalanced medical-image classification for the scikit-learn ecosystem. "
    "Run 'skmedimg demo --help' for the end-to-end demo."
)
DEMO_DESCRIPTION = (
    "Run the imbalanced-imaging workflow end to end: a grid search over class weights and "
    "augmenting oversampling, scored by specificity at the minimum recall; a decision "
    "threshold tuned to reach that recall; and a clinical report (sensitivity, "
    "specificity, PPV, NPV, ...) on held-out images at the untuned 0.5 threshold and at "
    "the tuned one. Writes report.json, report.md, decision_rule.json and PNG plots to "
    "the --out folder. Arguments, data and output folder are checked before training."
)
EPILOG = (
    "Exit status: 0 on success, 1 for a problem with the data, the output folder or the "
    "run, 2 for a usage error. --debug shows the full traceback of an error."
)

# Native log lines TensorFlow writes to stderr while it is imported, before its own log
# level applies: absl's notice that logging is not initialised yet, and info/warning
# lines in absl's format (oneDNN, "Could not find cuda drivers", CPU instructions).
_NATIVE_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|[IW]\d{4} [\d:.]+ +\d+ \S+:\d+\] "
    r"|To enable the following instructions: )"
)



class _Parser(argparse.ArgumentParser):
    """Usage errors on one line, not the usage block followed by the error."""

    def error(self, message):
        self.exit(2, f"skmedimg: error: {message} (see '{self.prog} --help')\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}")
    return value


def _recall(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1]; got {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= 1):
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1]; got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**32); got {text!r}")
    return value


def _progress(step: str, start: float) -> None:
    print(f"[{time.perf_counter() - start:7.1f}s] {step}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- TensorFlow parts


def _quiet_tensorflow() -> None:
    """Silence TensorFlow's native start-up logs (the user's own setting wins).

    Must run before TensorFlow is imported: the level is read once, at import. Level 3
    also hides the error-level "failed call to cuInit" of machines without a GPU; real
    errors still surface as Python exceptions. GPUs stay visible. A variable set but
    empty (``export TF_CPP_MIN_LOG_LEVEL=``) is no setting: TensorFlow reads it as 0.
    """
    if not os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"


@contextlib.contextmanager
def _native_stderr_filtered(enabled: bool = True):
    """Drop the native info/warning lines TensorFlow prints while it is imported.

    They are written straight to file descriptor 2 before TensorFlow's log level is
    applied, so they are caught there (in a temporary file, which cannot fill up and
    block like a pipe); every other line is passed on.
    """
    try:
        saved = os.dup(2) if enabled else None
    except OSError:  # no file descriptor 2 (e.g. a pythonw process): nothing to filter
        saved = None
    if saved is None:
        yield
        return
    sys.stderr.flush()
    try:
        with tempfile.TemporaryFile() as captured:
            os.dup2(captured.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                captured.seek(0)
                lines = captured.read().decode(errors="replace").splitlines()
                kept = [line for line in lines if not _NATIVE_NOISE.match(line)]
                if kept:
                    print("\n".join(kept), file=sys.stderr, flush=True)
    finally:
        os.close(saved)


def _quiet_python_logs() -> None:
    """TensorFlow's Python-side warnings (e.g. tf.function retracing) off for the demo."""
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    with contextlib.suppress(ImportError):
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)


def _check_network(cnn, X, y, option: str = "--data") -> None:
    """Build the network on one image per class: the images suit it, before training."""
    from sklearn.base import clone

    _, first = np.unique(y, return_index=True)
    try:
        clone(cnn).initialize(X[first], y[first])
    except (ValueError, TypeError) as exc:
        raise _Failure(f"{option}: {_one_line(exc)}") from exc


# ------------------------------------------------------------------------- demo


def _run_demo(args) -> int:
    start = time.perf_counter()
    epochs = args.epochs if args.epochs is not None else 10
    cv = 3

    _progress("loading and checking the data", start)
    X_train, y_train, X_test, y_test, source = _load_data(args, cv)
    pos = _positive_class(args.pos_label, y_train)
    unit = "volumes" if X_train.ndim == 5 else "images"

    with _native_stderr_filtered(enabled=not args.debug):
        from imblearn.pipeline import Pipeline
        from sklearn.model_selection import GridSearchCV

        from skmedimg import CNNClassifier, ThresholdTuner
        from skmedimg.metrics import clinical_report, specificity_at_recall_scorer
        from skmedimg.samplers import AugmentingOverSampler
    if not args.debug:
        _quiet_python_logs()
    cnn = CNNClassifier(epochs=epochs, class_weight="balanced", random_state=args.random_state)
    _check_network(cnn, X_train, y_train, "--volumes" if args.volumes else "--data")
    out = _prepare_out(args.out)

    pipe = Pipeline([("balance", "passthrough"), ("cnn", cnn)])
    best = {"balance": "passthrough", "cnn__class_weight": "balanced"}
    cv_score = None
    if not args.quick:
        # Which imbalance remedy suits these images: class weights, augmenting
        # over-sampling, both or neither, scored by the clinic's own objective.
        sampler = AugmentingOverSampler(random_state=args.random_state)
        grid = {"cnn__class_weight": [None, "balanced"], "balance": ["passthrough", sampler]}
        _progress(f"grid search: 4 candidates x {cv} folds = {4 * cv} fits on "
                  f"{len(y_train)} training {unit} ({source}); scorer: specificity at "
                  f"recall >= {args.min_recall}", start)
        # error_score="raise": a failing fit shows its own error, not "All the N fits
        # failed"; refit=False: the tuner below trains the chosen pipeline itself.
        search = GridSearchCV(pipe, grid, cv=cv, error_score="raise", refit=False, verbose=2,
                              scoring=specificity_at_recall_scorer(min_recall=args.min_recall,
                                                                   pos_label=pos))
        search.fit(X_train, y_train)
        best, cv_score = search.best_params_, float(search.best_score_)
        pipe = pipe.set_params(**best)
        _progress(f"best: {_describe(best)} (cv score {cv_score:.3f})", start)

    _progress(f"threshold tuning: {cv} fold fits; max specificity at recall >= "
              f"{args.min_recall}, judged on the 95% confidence bound", start)
    tuner = ThresholdTuner(pipe, objective="max_specificity", min_recall=args.min_recall,
                           pos_label=pos, constraint_confidence=0.95, cv=cv,
                           random_state=args.random_state)
    tuner.fit(X_train, y_train)

    _progress(f"evaluating on the held-out {unit}", start)
    threshold = float(tuner.threshold_)
    # Like with like: the deployed model's own scores, at 0.5 and at the tuned threshold.
    scores = tuner.predict_proba(X_test)[:, list(tuner.classes_).index(pos)]
    labels = (["no lesion", "lesion"] if args.data is None
              else [str(c) for c in tuner.classes_])
    kw = dict(y_score=scores, pos_label=pos, min_recall=args.min_recall, target_names=labels,
              n_bootstraps=1000, random_state=args.random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tuned report states the same findings
        at_half = clinical_report(y_test, threshold=0.5, **kw)
    tuned = clinical_report(y_test, threshold=threshold, **kw)

    summary = _side_by_side(at_half, tuned, threshold)
    stability = _stability(tuner)
    header = (f"skmedimg demo — {source}\n{len(y_test)} held-out {unit}; model: "
              f"{_describe(best)}, the {cv} fold models averaged")
    print(f"\n{header}\n\nthe same model's scores at threshold 0.5 and at the tuned "
          f"threshold:\n{summary}\n\n{stability}\n\ntuned report:\n{tuned.to_text()}")

    (out / "report.json").write_text(json.dumps({
        "data": source, "best_params": _describe(best), "cv_score": cv_score,
        "min_recall": args.min_recall, "threshold": threshold,
        "threshold_spread": {k: float(v) for k, v in tuner.threshold_spread_.items()},
        "threshold_0.5": at_half.to_dict(), "tuned": tuned.to_dict(),
    }, indent=2))
    (out / "report.md").write_text(
        f"# skmedimg demo\n\n{header}\n\n## Threshold 0.5 vs tuned (same model)\n\n"
        f"```\n{summary}\n```\n\n{stability}\n\n## Tuned operating point\n\n"
        f"{tuned.to_markdown()}\n\n## Threshold 0.5\n\n{at_half.to_markdown()}\n"
    )
    (out / "decision_rule.json").write_text(tuner.to_json())
    _save_plots(out, y_test, scores, tuner, source=source, labels=labels, unit=unit)
    _progress(f"wrote report.json, report.md, decision_rule.json and plots to {out}", start)
    return 0


def _describe(params: dict) -> dict:
    """Grid parameters as plain, readable values (the sampler by its class name)."""
    return {k: (type(v).__name__ if hasattr(v, "fit_resample") else v)
            for k, v in params.items()}


#: Fold thresholds further apart than this (on the probability scale) make an
#: operating point the report calls unstable.
UNSTABLE_SPREAD = 0.25


def _stability(tuner) -> str:
    spread = tuner.threshold_spread_
    line = (f"operating point across the {len(tuner.fold_thresholds_)} folds: threshold "
            f"{spread['mean']:.3f} ± {spread['std']:.3f} (min {spread['min']:.3f}, "
            f"max {spread['max']:.3f})")
    if spread["max"] - spread["min"] > UNSTABLE_SPREAD:
        warnings.warn(
            f"the operating point is unstable: fold thresholds range from "
            f"{spread['min']:.3f} to {spread['max']:.3f}; more data or epochs would help",
            UserWarning, stacklevel=2)
        line += " -- UNSTABLE: expect the held-out sensitivity to differ from the target"
    return line


def _side_by_side(at_half, tuned, threshold: float) -> str:
    rows = ["sensitivity", "specificity", "ppv", "npv", "f2", "g_mean", "balanced_accuracy",
            "auc"]
    a, b = (report.to_dict()["sections"][0] for report in (at_half, tuned))
    lines = [f"{'metric':<20}{'threshold 0.5':>16}{f'tuned ({threshold:.4g})':>22}"]
    for r in rows:
        if r in a["metrics"] and r in b["metrics"]:
            lines.append(f"{r:<20}{_num(a['metrics'][r]['value']):>16}"
                         f"{_num(b['metrics'][r]['value']):>22}")
    cm_a, cm_b = a["confusion_matrix"], b["confusion_matrix"]
    lines.append(f"{'missed (FN)':<20}{cm_a[1][0]:>16d}{cm_b[1][0]:>22d}")
    lines.append(f"{'false alarms (FP)':<20}{cm_a[0][1]:>16d}{cm_b[0][1]:>22d}")
    return "\n".join(lines)


def _num(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _save_plots(out, y_test, scores, tuner, *, source, labels, unit="images"):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skmedimg.metrics import (
        OperatingPointDisplay,
        ThresholdCurveDisplay,
        plot_operating_point,
    )

    common = dict(threshold=float(tuner.threshold_), pos_label=tuner.pos_label_,
                  min_recall=tuner.min_recall, objective="max specificity",
                  name="CNN (fold ensemble)")
    title = (f"{source}\n{len(y_test)} held-out {unit}: max specificity at recall >= "
             f"{tuner.min_recall:g}")
    for name, display in (
        ("operating_point.png", plot_operating_point(
            y_test, scores, display_labels=labels, title=title, **common)),
        ("threshold_curve.png", ThresholdCurveDisplay.from_predictions(
            y_test, scores, title=title, **common)),
        ("pr_curve.png", OperatingPointDisplay.from_predictions(
            y_test, scores, display_labels=labels, panels=["pr"], **common)),
        ("confusion_matrix.png", OperatingPointDisplay.from_predictions(
            y_test, scores, display_labels=labels, panels=["confusion_matrix"], **common)),
    ):
        display.figure_.savefig(out / name, dpi=100, bbox_inches="tight")
        plt.close(display.figure_)


# ------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    """The ``skmedimg`` argument parser."""
    from skmedimg import __version__

    parser = _Parser(prog="skmedimg", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"skmedimg {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error and TensorFlow's logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    demo = sub.add_parser("demo", help="run the imbalanced-imaging workflow end to end",
                          description=DEMO_DESCRIPTION, epilog=EPILOG)
    data = demo.add_mutually_exclusive_group()
    data.add_argument("--data", metavar="FILE.npz",
                      help="MedMNIST-layout .npz file with binary labels; with train and "
                           "test (or val) splits the test split is held out, otherwise a "
                           "stratified 25%% of the one split (default: synthetic lesion "
                           "images from make_lesion_images); a 3-D MedMNIST file "
                           "(e.g. NoduleMNIST3D) trains a 3-D CNN")
    data.add_argument("--volumes", action="store_true",
                      help="run on synthetic 3-D lesion volumes with a 3-D CNN "
                           f"(make_lesion_volumes: {VOLUME_DEMO[False][0]} volumes of "
                           f"{VOLUME_DEMO[False][1]}^3 voxels, {VOLUME_DEMO[True][0]} of "
                           f"{VOLUME_DEMO[True][1]}^3 with --quick)")
    demo.add_argument("--out", default="skmedimg_demo_output", metavar="FOLDER",
                      help="output folder, created if needed (default: %(default)s)")
    demo.add_argument("--min-recall", type=_recall, default=0.9, metavar="R",
                      help="sensitivity the operating point must reach, in (0, 1] "
                           "(default: %(default)s)")
    demo.add_argument("--pos-label", default=None, metavar="LABEL",
                      help="the class whose sensitivity must reach --min-recall, i.e. the "
                           "disease (default: the greater label, as in scikit-learn; "
                           "BreastMNIST's malignant class is 0)")
    demo.add_argument("--epochs", type=_positive_int, default=None, metavar="N",
                      help="training epochs per fit (default: 10)")
    demo.add_argument("--quick", action="store_true",
                      help="about a minute: 1200 synthetic 24x24 images (or at most 900 "
                           "training and 300 held-out images of --data) and no grid "
                           "search (class weights 'balanced'), only the threshold tuning")
    demo.add_argument("--random-state", type=_seed, default=0, metavar="SEED",
                      help="seed for data, splits and training (default: %(default)s)")
    demo.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                      help="show the full traceback of an error and TensorFlow's logs")
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings as ``skmedimg: warning: ...``, without the source line that raised them."""
    print(f"skmedimg: warning: {message}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    """Run the command line; returns the exit status (``sys.exit(main())``)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    if not args.debug:
        _quiet_tensorflow()
    try:
        with warnings.catch_warnings():
            if not args.debug:
                warnings.showwarning = _show_warning
            return _run_demo(args)
    except KeyboardInterrupt:
        print("skmedimg: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure gets one line, not a traceback
        if args.debug:
            traceback.print_exc()
        if isinstance(exc, _Failure):
            message, code = str(exc), exc.code
        else:
            lines = str(exc).strip().splitlines() or [""]
            message = f"{type(exc).__name__}: {lines[0]}"
            if not args.debug:
                message += " (run with --debug for the traceback)"
            code = 1
        print(f"skmedimg: error: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
