"""Real data: three recipes trained on one split and scored on data they never saw.

For every real data set present in ``../shared/data`` (``--data``), trains each variant
with several seeds and prints one table of held-out results (mean ± std over seeds):

    python benchmarks/real_data.py                       # everything present, seeds 0 1 2
    python benchmarks/real_data.py --datasets breastmnist --seeds 0 1
    python benchmarks/real_data.py --quick               # < 1 min: BreastMNIST subset, (a), (b)
    python benchmarks/real_data.py --levers              # recipe levers on the test splits

Data sets and their held-out data:

* ``breastmnist``: official train (546) -> test (156); positive = 0 (malignant, minority).
* ``pneumoniamnist``: train 9:1 (3882) -> val (524; the file has no test split);
  positive = 1 (pneumonia).
* ``busi``: 780 ultrasound images, 3 classes, no split -> stratified 3-fold CV (fixed
  folds; out-of-fold predictions pooled), resized to ``--image-size``.
* ``brain_mri``: 4 classes, the source's Training (5708) -> Testing (1311), resized.
* ``brain_mri_10to1``: the same with ``--minority`` subsampled in Training only, to one
  tenth of the largest class.

Variants:

(a) a plain Keras CNN as a user writes it: three conv blocks, Flatten, Dense, dropout,
    softmax, balanced class weights, Adam, ``--keras-epochs`` fixed epochs, argmax.
(b) ``CNNClassifier(class_weight="balanced")`` with its defaults, argmax.
(c) ``ThresholdTuner(CNNClassifier(class_weight="balanced"))`` (its default 5-fold
    cross-validation; ``--cv`` changes it) with
    ``objective="max_specificity", min_recall=0.9, constraint_confidence=0.95``
    (binary: the recall floor judged on its interval's lower end) or
    ``objective="balanced_accuracy"`` (multiclass; per-class weights on the probabilities).
(d) as (c) with ``ensemble=True`` said explicitly (``"auto"`` already deploys the fold
    models of a seeded network: their probabilities averaged, the threshold tuned on
    exactly their out-of-fold scores).
(e) seed averaging: ``VotingClassifier(voting="soft")`` over three copies of (b) that
    differ only in ``random_state``, argmax.

Columns: AUC (binary; macro one-vs-rest for multiclass); binary: sensitivity and
specificity of the positive class; multiclass: ``sens`` = recall of the rarest training
class and ``spec`` = macro specificity; balanced accuracy (= macro recall); wall time
per fit (for (c), the whole tuner: its fold models).

``--levers`` measures, on the held-out split, what each change to variant (b) buys:
seed averaging (mean ``predict_proba`` of 3 seeds), test-time augmentation (mean over
small shifts, and shifts + horizontal flip), no training-time augmentation, no weight
averaging (the last step's weights), the former
defaults (a 10% validation split with early stopping, with and without augmentation),
AdamW, label smoothing, and early stopping on the validation AUC.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.ensemble import VotingClassifier  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    balanced_accuracy_score,
    confusion_matrix,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold, train_test_split  # noqa: E402
from sklearn.utils.class_weight import compute_class_weight  # noqa: E402

from skmedimg import CNNClassifier, ThresholdTuner  # noqa: E402
from skmedimg.datasets import load_image_folder, load_medmnist  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DATASETS = ("breastmnist", "pneumoniamnist", "busi", "brain_mri", "brain_mri_10to1")
VARIANTS = {
    "a": "(a) plain Keras CNN",
    "b": "(b) CNNClassifier balanced",
    "c": "(c) ThresholdTuner(CNNClassifier)",
    "d": "(d) ThresholdTuner(..., ensemble=True)",
    "e": "(e) 3 seeds of (b), soft vote",
}
METRICS = ("auc", "sens", "spec", "balacc")


# ------------------------------------------------------------------------------- data
class Split:
    """One train -> held-out evaluation (a data set has one, or one per CV fold)."""

    def __init__(self, X_train, y_train, X_test, y_test):
        self.X_train, self.y_train, self.X_test, self.y_test = X_train, y_train, X_test, y_test


class Dataset:
    def __init__(self, name, splits, classes, pos_label, note):
        self.name, self.splits, self.classes = name, splits, np.asarray(classes)
        self.pos_label, self.note = pos_label, note

    @property
    def binary(self):
        return len(self.classes) == 2


def _subsample(X, y, n, seed=0):
    """A stratified subset of ``n`` images (all of them when ``n`` is None or larger)."""
    if n is None or n >= len(y):
        return X, y
    keep, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y, random_state=seed)
    keep = np.sort(keep)
    return X[keep], y[keep]


def _counts(y):
    return "/".join(str(c) for c in np.bincount(y))


_FOLDERS: dict = {}


def _folder(root, image_size, classes=None):
    """load_image_folder, read once per run (brain_mri and its 10:1 variant share it)."""
    key = (str(root), image_size)
    if key not in _FOLDERS:
        _FOLDERS[key] = load_image_folder(root, image_size=image_size, classes=classes,
                                          n_jobs=2)
    return _FOLDERS[key]


def load_dataset(name, data_dir, *, image_size, max_train=None, minority="glioma"):
    """The named data set as train/held-out splits, or None when its files are absent."""
    data_dir = Path(data_dir)
    if name in ("breastmnist", "pneumoniamnist"):
        path = data_dir / ("breastmnist.npz" if name == "breastmnist"
                           else "pneumoniamnist_trainval.npz")
        if not path.is_file():
            return None
        held_out = "test" if name == "breastmnist" else "val"
        d = load_medmnist(path, split=["train", held_out])
        X, y = _subsample(d.X_train, d.y_train, max_train)
        pos = 0 if name == "breastmnist" else 1
        note = (f"train {_counts(y)} -> {held_out} {_counts(d[f'y_{held_out}'])}, "
                f"{X.shape[1]}px, positive={pos}")
        return Dataset(name, [Split(X, y, d[f"X_{held_out}"], d[f"y_{held_out}"])],
                       d.classes, pos, note)
    if name == "busi":
        root = data_dir / "busi"
        if not root.is_dir():
            return None
        d = _folder(root, image_size)
        X, y = d.images, d.target
        folds = StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)
        splits = []
        for train, test in folds:
            Xtr, ytr = _subsample(X[train], y[train], max_train)
            splits.append(Split(Xtr, ytr, X[test], y[test]))
        note = (f"{'/'.join(d.target_names)} {_counts(y)}, stratified 3-fold CV, "
                f"{image_size}px")
        return Dataset(name, splits, np.arange(len(d.target_names)), None, note)
    if name in ("brain_mri", "brain_mri_10to1"):
        root = data_dir / "brain_tumor_mri"
        if not (root / "Training").is_dir() or not (root / "Testing").is_dir():
            return None
        tr = _folder(root / "Training", image_size)
        te = _folder(root / "Testing", image_size, classes=tr.target_names)
        X, y = tr.images, tr.target
        if name == "brain_mri_10to1":
            k = tr.target_names.index(minority)
            rng = np.random.default_rng(0)
            idx = np.flatnonzero(y == k)
            n_keep = np.bincount(y).max() // 10
            drop = rng.choice(idx, size=len(idx) - n_keep, replace=False)
            keep = np.setdiff1d(np.arange(len(y)), drop)
            X, y = X[keep], y[keep]
        X, y = _subsample(X, y, max_train)
        note = (f"{'/'.join(tr.target_names)} train {_counts(y)} -> Testing "
                f"{_counts(te.target)}, {image_size}px")
        return Dataset(name, [Split(X, y, te.images, te.target)],
                       np.arange(len(tr.target_names)), None, note)
    raise ValueError(f"unknown data set {name!r}; expected one of {DATASETS}")


# ---------------------------------------------------------------------------- metrics
def evaluate(y, proba, pred, classes, pos_label, y_train):
    """AUC, sens, spec, balanced accuracy of held-out predictions (see the docstring)."""
    classes = np.asarray(classes)
    balacc = balanced_accuracy_score(y, pred)
    if len(classes) == 2:
        pos_idx = int(np.flatnonzero(classes == pos_label)[0])
        neg = classes[1 - pos_idx]
        auc = roc_auc_score(y == pos_label, proba[:, pos_idx])
        sens = recall_score(y, pred, pos_label=pos_label, zero_division=0.0)
        spec = recall_score(y, pred, pos_label=neg, zero_division=0.0)
    else:
        auc = roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=classes)
        rarest = int(np.argmin(np.bincount(y_train, minlength=len(classes))))
        recalls = recall_score(y, pred, labels=classes, average=None, zero_division=0.0)
        sens = recalls[rarest]
        cm = confusion_matrix(y, pred, labels=classes)
        tn = cm.sum() - cm.sum(axis=0) - cm.sum(axis=1) + np.diag(cm)
        spec = float(np.mean(tn / (cm.sum() - cm.sum(axis=1))))
    return {"auc": float(auc), "sens": float(sens), "spec": float(spec),
            "balacc": float(balacc)}


# ---------------------------------------------------------------------------- variants
def plain_keras(X, y, X_test, n_classes, epochs, seed):
    """The CNN a user writes from the Keras tutorials, with balanced class weights."""
    keras.utils.set_random_seed(seed)
    X = X[..., None] if X.ndim == 3 else X
    X_test = X_test[..., None] if X_test.ndim == 3 else X_test
    model = keras.Sequential([
        keras.Input(shape=X.shape[1:]),
        keras.layers.Rescaling(1.0 / 255),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy")
    weights = compute_class_weight("balanced", classes=np.arange(n_classes), y=y)
    model.fit(X.astype("float32"), y, epochs=epochs, batch_size=32, verbose=0,
              class_weight=dict(enumerate(weights)))
    return model.predict(X_test.astype("float32"), batch_size=256, verbose=0)


def make_estimator(variant, dataset, seed, epochs=None, cv=None):
    kw = {} if epochs is None else {"epochs": epochs}
    cnn = CNNClassifier(class_weight="balanced", random_state=seed, **kw)
    if variant == "b":
        return cnn
    if variant == "e":
        # Seed averaging with scikit-learn's own soft vote (it does not validate X, so
        # images pass through): three networks that differ only in their seeds.
        return VotingClassifier(
            [(f"seed{k}", clone(cnn).set_params(random_state=3 * seed + k)) for k in range(3)],
            voting="soft",
        )
    # (d): the fold models averaged at predict time, the threshold tuned on their scores.
    ensemble = {"ensemble": True} if variant == "d" else {}
    if dataset.binary:
        # The recall floor is judged on the lower end of its 95% interval, as the
        # tuner's documentation recommends for a safety requirement.
        return ThresholdTuner(cnn, objective="max_specificity", min_recall=0.9,
                              constraint_confidence=0.95, pos_label=dataset.pos_label,
                              cv=cv, random_state=seed, **ensemble)
    return ThresholdTuner(cnn, objective="balanced_accuracy", cv=cv, random_state=seed,
                          **ensemble)


def run_variant(variant, dataset, seed, args):
    """Pooled held-out (y, proba, pred) over the data set's splits and seconds per fit."""
    ys, probas, preds, seconds = [], [], [], []
    for split in dataset.splits:
        t0 = time.perf_counter()
        if variant == "a":
            proba = plain_keras(split.X_train, split.y_train, split.X_test,
                                len(dataset.classes), args.keras_epochs, seed)
            pred = dataset.classes[proba.argmax(axis=1)]
        else:
            model = make_estimator(variant, dataset, seed, args.epochs, args.cv)
            model.fit(split.X_train, split.y_train)
            proba = model.predict_proba(split.X_test)
            pred = model.predict(split.X_test)
        seconds.append(time.perf_counter() - t0)
        ys.append(split.y_test)
        probas.append(proba)
        preds.append(pred)
    return np.concatenate(ys), np.concatenate(probas), np.concatenate(preds), seconds


# ----------------------------------------------------------------------------- report
def _mean_std(values):
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def summarise(dataset, name, per_seed, seconds, seeds):
    row = {"dataset": dataset, "variant": name, "seeds": list(seeds), "per_seed": per_seed,
           "seconds_per_fit": float(np.mean(seconds))}
    for m in METRICS:
        row[m], row[f"{m}_std"] = _mean_std([r[m] for r in per_seed])
    return row


def header(width=38):
    return (f"{'dataset':<17}{'variant':<{width}}{'AUC':>14}{'sens':>14}{'spec':>14}"
            f"{'balacc':>14}{'s/fit':>8}")


def format_row(row, width=38):
    cells = "".join(f"{row[m]:>8.3f}±{row[m + '_std']:.3f}" for m in METRICS)
    return (f"{row['dataset']:<17}{row['variant']:<{width}}{cells}"
            f"{row['seconds_per_fit']:>8.1f}")


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- levers
def _shift(X, dy, dx):
    """Images moved by (dy, dx) pixels, borders filled by edge replication."""
    p = max(abs(dy), abs(dx))
    pad = [(0, 0), (p, p), (p, p)] + [(0, 0)] * (X.ndim - 3)
    Xp = np.pad(X, pad, mode="edge")
    h, w = X.shape[1:3]
    return Xp[:, p - dy:p - dy + h, p - dx:p - dx + w]


def tta_views(X, flip=False):
    """Identity and four small shifts (about 6% of the side), optionally mirrored too."""
    s = max(1, round(0.06 * X.shape[1]))
    views = [X] + [_shift(X, dy, dx) for dy, dx in ((s, 0), (-s, 0), (0, s), (0, -s))]
    if flip:
        views += [v[:, :, ::-1] for v in views]
    return views


def tta_proba(model, X, flip=False):
    return np.mean([model.predict_proba(v) for v in tta_views(X, flip)], axis=0)


LEVERS = {
    "base": {},
    "no augmentation": {"augmentation": None},
    "no weight averaging": {"ema_momentum": None},
    "10% validation, early stopping": {"validation_fraction": 0.1},
    "former defaults (10% val., ES, no aug.)": {"validation_fraction": 0.1,
                                                "augmentation": None},
    "adamw (wd 0.004)": {"optimizer": "adamw"},
    "label smoothing 0.1": {"loss": "<ce>", "loss__label_smoothing": 0.1},
    "val_auc, patience 10": {"validation_fraction": 0.1, "monitor": "val_auc",
                             "patience": 10},
}


def run_levers(dataset, args):
    """Each lever on the held-out split (BUSI: fold 1 of 3); 'base' also seed-averaged."""
    split = dataset.splits[0]
    ce = "bce" if dataset.binary else "categorical_crossentropy"
    rows = []
    n_groups = len(args.seeds)
    for lever, params in LEVERS.items():
        if args.lever_names and lever not in args.lever_names:
            continue
        params = {k: (ce if v == "<ce>" else v) for k, v in params.items()}
        # base: seed groups of 3 for seed averaging; other levers: the seeds themselves
        seeds = ([100 * s + k for s in args.seeds for k in range(3)] if lever == "base"
                 else list(args.seeds))
        plain, shifted, flipped, seconds = [], [], [], []
        for seed in seeds:
            t0 = time.perf_counter()
            model = CNNClassifier(class_weight="balanced", random_state=seed, **params)
            model.fit(split.X_train, split.y_train)
            seconds.append(time.perf_counter() - t0)
            plain.append(model.predict_proba(split.X_test))
            shifted.append(tta_proba(model, split.X_test))
            flipped.append(tta_proba(model, split.X_test, flip=True))
            log(f"  {dataset.name} {lever} seed {seed}: AUC "
                f"{_score(dataset, split, plain[-1])['auc']:.4f}, "
                f"epochs {model.n_epochs_}, {seconds[-1]:.0f}s")
        for suffix, probas in (("", plain), (" + TTA shifts", shifted),
                               (" + TTA shifts+flip", flipped)):
            per_seed = [_score(dataset, split, p) for p in probas]
            rows.append(summarise(dataset.name, lever + suffix, per_seed, seconds, seeds))
            if lever == "base":
                groups = [np.mean(probas[3 * g:3 * g + 3], axis=0) for g in range(n_groups)]
                per_group = [_score(dataset, split, p) for p in groups]
                rows.append(summarise(dataset.name, "base, mean of 3 seeds" + suffix,
                                      per_group, [3 * s for s in seconds], args.seeds))
    return rows


def _score(dataset, split, proba):
    pred = dataset.classes[proba.argmax(axis=1)]
    return evaluate(split.y_test, proba, pred, dataset.classes, dataset.pos_label,
                    split.y_train)


# ------------------------------------------------------------------------------- main
def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA),
                        help="folder holding the real data sets (default: ../shared/data)")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None)
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=None)
    parser.add_argument("--seeds", nargs="+", type=int, default=None)
    parser.add_argument("--image-size", type=int, default=64,
                        help="side to which BUSI and brain MRI images are resized")
    parser.add_argument("--max-train", type=int, default=None,
                        help="stratified subset of each training split (faster runs)")
    parser.add_argument("--keras-epochs", type=int, default=20,
                        help="fixed epochs of the plain Keras CNN (a)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="maximum epochs of CNNClassifier (default: its own, 30)")
    parser.add_argument("--cv", type=int, default=None,
                        help="folds of the tuner in (c) and (d) (default: its own, 5)")
    parser.add_argument("--minority", default="glioma",
                        help="brain MRI class subsampled to 10:1 in brain_mri_10to1")
    parser.add_argument("--levers", action="store_true",
                        help="measure recipe levers on the held-out splits instead")
    parser.add_argument("--lever-names", nargs="+", choices=list(LEVERS), default=None)
    parser.add_argument("--quick", action="store_true",
                        help="BreastMNIST subset, epochs=2, seed 0, variants a and b")
    parser.add_argument("--out", default=None, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets = args.datasets or ["breastmnist"]
        args.variants = args.variants or ["a", "b"]
        args.seeds = args.seeds or [0]
        args.max_train = args.max_train or 200
        args.keras_epochs = 2
        args.epochs = args.epochs or 2
    args.datasets = args.datasets or (["breastmnist"] if args.levers else list(DATASETS))
    args.variants = args.variants or sorted(VARIANTS)
    args.seeds = args.seeds or [0, 1, 2]
    return args


def main(argv=None):
    args = parse_args(argv)
    rows, notes = [], []
    for name in args.datasets:
        dataset = load_dataset(name, args.data, image_size=args.image_size,
                               max_train=args.max_train, minority=args.minority)
        if dataset is None:
            log(f"skipped {name}: not found in {args.data}")
            continue
        notes.append(f"{name}: {dataset.note}")
        log(notes[-1])
        if args.levers:
            rows += run_levers(dataset, args)
            continue
        for variant in args.variants:
            per_seed, seconds = [], []
            for seed in args.seeds:
                y, proba, pred, secs = run_variant(variant, dataset, seed, args)
                per_seed.append(evaluate(y, proba, pred, dataset.classes, dataset.pos_label,
                                         dataset.splits[0].y_train))
                seconds += secs
                log(f"  {name} {variant} seed {seed}: " + ", ".join(
                    f"{k} {v:.3f}" for k, v in per_seed[-1].items()) + f" ({sum(secs):.0f}s)")
            rows.append(summarise(name, VARIANTS[variant], per_seed, seconds, args.seeds))
            log(format_row(rows[-1]))
    print("\n".join(notes))
    width = max([38] + [len(row["variant"]) + 2 for row in rows])
    print(header(width))
    for row in rows:
        print(format_row(row, width))
    if args.out:
        Path(args.out).write_text(json.dumps({"args": vars(args), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
