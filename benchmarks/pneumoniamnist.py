"""PneumoniaMNIST: a plain Keras CNN vs the skmedimg workflow, side by side in one run.

Train split (3882 chest X-rays, 28x28; 9:1 imbalanced, normal is the minority)
for everything — grid search and threshold choice by cross-validation — and the
validation split (524 images) for the report only. Label 1 = pneumonia, the class
whose sensitivity must reach ``--min-recall``.

    python benchmarks/pneumoniamnist.py [--data ../shared/data/pneumoniamnist_trainval.npz]

(a) plain Keras: the same small_cnn network, no class weights, threshold 0.5.
(b) skmedimg: GridSearchCV over class_weight x loss (specificity-at-recall scorer),
    then ThresholdTuner(objective="max_specificity", min_recall=0.97) on the best
    pipeline (fold ensemble, the default for networks).
Stability: the default CNNClassifier recipe trained with three seeds; val AUCs printed.
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    accuracy_score,
    balanced_accuracy_score,
    fbeta_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import GridSearchCV  # noqa: E402

from skmedimg import CNNClassifier, ThresholdTuner  # noqa: E402
from skmedimg._architectures import build_network  # noqa: E402
from skmedimg.datasets import load_medmnist  # noqa: E402
from skmedimg.metrics import specificity_at_recall_scorer, specificity_score  # noqa: E402

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "pneumoniamnist_trainval.npz"
)


def row(name, y, score, threshold, seconds):
    pred = (score >= threshold).astype(int)
    return (f"{name:<44}{roc_auc_score(y, score):>7.4f}{accuracy_score(y, pred):>7.3f}"
            f"{balanced_accuracy_score(y, pred):>8.3f}{recall_score(y, pred):>7.3f}"
            f"{specificity_score(y, pred):>7.3f}{fbeta_score(y, pred, beta=2):>7.3f}"
            f"{seconds:>9.1f}s")


def plain_keras(X, y, X_val, epochs, seed):
    keras.utils.set_random_seed(seed)
    model = build_network("small_cnn", input_shape=(28, 28, 1), n_outputs=1,
                          output_activation="sigmoid", rescale_mode="dtype",
                          rescale_scale=255.0, input_dtype="uint8")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    model.fit(X[..., None], y.astype("float32"), epochs=epochs, batch_size=32, verbose=0)
    return model.predict(X_val[..., None], batch_size=256, verbose=0).ravel()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--min-recall", type=float, default=0.97)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--skip-stability", action="store_true")
    args = parser.parse_args()
    if not Path(args.data).exists():
        print(f"skipped: {args.data} not found (PneumoniaMNIST train/val .npz)")
        return 0
    data = load_medmnist(args.data, split=["train", "val"])
    X, y, X_val, y_val = data.X_train, data.y_train, data.X_val, data.y_val
    print(f"PneumoniaMNIST train {X.shape} ({np.bincount(y).tolist()} normal/pneumonia), "
          f"val {X_val.shape}; positive = pneumonia; min recall {args.min_recall}")

    header = (f"{'':<44}{'AUC':>7}{'acc':>7}{'balacc':>8}{'sens':>7}{'spec':>7}{'F2':>7}"
              f"{'wall':>10}")
    lines = []

    t0 = time.perf_counter()
    score_a = plain_keras(X, y, X_val, args.epochs, seed=0)
    lines.append(row(f"(a) plain Keras small_cnn, {args.epochs} ep, thr 0.5", y_val, score_a,
                     0.5, time.perf_counter() - t0))
    print(lines[-1], file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    cnn = CNNClassifier(epochs=args.epochs, random_state=0)  # default recipe: early stopping
    search = GridSearchCV(
        cnn, {"class_weight": [None, "balanced"], "loss": ["bce", "focal"]},
        scoring=specificity_at_recall_scorer(min_recall=args.min_recall), cv=args.cv,
    ).fit(X, y)
    tuner = ThresholdTuner(search.best_estimator_, objective="max_specificity",
                           min_recall=args.min_recall, cv=args.cv, random_state=0).fit(X, y)
    score_b = tuner.predict_proba(X_val)[:, 1]
    seconds_b = time.perf_counter() - t0
    lines.append(row("(b) skmedimg search + ThresholdTuner", y_val, score_b,
                     float(tuner.threshold_), seconds_b))
    lines.append(row("    (b) same scores at threshold 0.5", y_val, score_b, 0.5, 0.0))

    print(header)
    print("\n".join(lines))
    spread = tuner.threshold_spread_
    print(f"(b) best params {search.best_params_}; threshold {float(tuner.threshold_):.4f} "
          f"(fold optima mean {spread['mean']:.4f}, std {spread['std']:.4f}); "
          f"cv score {search.best_score_:.3f}")

    if not args.skip_stability:
        aucs = []
        for seed in (0, 1, 2):
            clf = CNNClassifier(epochs=args.epochs, class_weight="balanced", random_state=seed)
            aucs.append(roc_auc_score(y_val, clf.fit(X, y).predict_proba(X_val)[:, 1]))
        print(f"stability (default recipe, class_weight='balanced', seeds 0/1/2): val AUC "
              f"{', '.join(f'{a:.4f}' for a in aucs)}; spread {max(aucs) - min(aucs):.4f} "
              f"(target <= 0.01)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
