"""Data and output-folder checks of the ``skmedimg demo`` command (see ``skmedimg.cli``).

Everything here runs before any training: a problem is raised as ``_Failure`` and
reported by ``skmedimg.cli.main`` on one line.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np

OUTPUT_FILES = ("report.json", "report.md", "decision_rule.json", "operating_point.png",
                "pr_curve.png", "threshold_curve.png", "confusion_matrix.png")

# (number of volumes, voxels a side) of ``demo --volumes``, without and with --quick:
# small enough for a couple of minutes on 2 CPU cores.
VOLUME_DEMO = {False: (800, 12), True: (600, 12)}
# Clearer lesions than make_lesion_volumes' default: a few hundred volumes then suffice
# for a 3-D CNN to reach a useful operating point in a couple of minutes.
VOLUME_CONTRAST = 1.5


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0] + (" (run with --debug for details)" if len(lines) > 1 else "")


class _Failure(Exception):
    """A problem the user can fix: reported on one line, exit status ``code``."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# ------------------------------------------------------------------------ data


def _load_data(args, cv: int):
    """(X_train, y_train, X_test, y_test, description), checked for the demo's needs."""
    from sklearn.model_selection import train_test_split

    if getattr(args, "volumes", False):
        from skmedimg.datasets import make_lesion_volumes

        n, size = VOLUME_DEMO[args.quick]
        X, y = make_lesion_volumes(n, volume_size=size, prevalence=0.15,
                                   lesion_contrast=VOLUME_CONTRAST, random_state=args.random_state)
        source = (f"synthetic lesion volumes (make_lesion_volumes, n={n}, {size}^3 voxels, "
                  f"15% lesions, lesion_contrast={VOLUME_CONTRAST})")
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=args.random_state
        )
        return X_train, y_train, X_test, y_test, source

    if args.data is None:
        from skmedimg.datasets import make_lesion_images

        n = 1200 if args.quick else 2000
        X, y = make_lesion_images(n, weights=(0.85, 0.15), image_size=24,
                                  random_state=args.random_state)
        source = f"synthetic lesion images (make_lesion_images, n={n}, 15% lesions)"
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=args.random_state
        )
        return X_train, y_train, X_test, y_test, source

    data = _read_medmnist(args.data)
    test_split = "test" if "test" in data.splits else ("val" if "val" in data.splits else None)
    if "train" in data.splits and test_split is not None:
        X, y = data.X_train, data.y_train
        X_test, y_test = data[f"X_{test_split}"], data[f"y_{test_split}"]
        _check_classes(y, f"the train split of {args.data}", cv)
        _check_held_out(y_test, np.unique(y), f"the {test_split} split of {args.data}")
        note = ""
        if args.quick:
            X, y = _subsample(X, y, 900, args.random_state)
            X_test, y_test = _subsample(X_test, y_test, 300, args.random_state)
            note = " after --quick subsampling"
            _check_classes(y, f"the train split of {args.data}{note}", cv)
            _check_held_out(y_test, np.unique(y), f"the {test_split} split of {args.data}{note}")
        return X, y, X_test, y_test, f"{args.data} (train → {test_split} split)"

    split = data.splits[0]
    X, y = data[f"X_{split}"], data[f"y_{split}"]
    where = f"the {split} split of {args.data}"
    # 75 % of each class is trained on (cv folds), 25 % held out (at least one image).
    _check_classes(y, where, cv, fraction=0.75)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=args.random_state
    )
    _check_classes(y_train, f"the training part (75 %) of {where}", cv)
    _check_held_out(y_test, np.unique(y), f"the held-out part (25 %) of {where}")
    return X_train, y_train, X_test, y_test, f"{args.data} ({split} split, stratified 75/25)"


def _read_medmnist(path: str):
    from skmedimg.datasets import load_medmnist

    if not Path(path).exists():
        raise _Failure(f"--data {path}: no such file.")
    try:
        data = load_medmnist(path)
    except (ValueError, TypeError, OSError) as exc:
        raise _Failure(f"--data: {_one_line(exc)}") from exc
    if data.task != "binary":
        raise _Failure(
            f"--data: the demo needs binary labels (two classes); {path} is {data.task} "
            f"(classes {data.classes.tolist()})."
        )
    return data


def _check_classes(y, where: str, cv: int, fraction: float = 1.0) -> None:
    """Two classes, each with enough images for ``cv``-fold cross-validation.

    Each class needs ``2 * cv`` training images: every validation fold then holds at
    least two of them and every training fold enough for the network's validation split.
    """
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise _Failure(
            f"--data: {where} holds only class {classes.tolist()[0] if len(classes) else []} "
            f"({len(y)} images); the demo needs images of two classes."
        )
    need = math.ceil(2 * cv / fraction)
    few = [(c, n) for c, n in zip(classes.tolist(), counts.tolist()) if n < need]
    if few:
        detail = ", ".join(f"class {c} has {n}" for c, n in few)
        raise _Failure(
            f"--data: {where} has too few images per class ({detail}); the demo's "
            f"{cv}-fold cross-validation needs at least {need} per class."
        )


def _positive_class(text, y):
    """The class named by --pos-label (default: the greater label, as in scikit-learn)."""
    classes = np.unique(y)
    if text is None:
        return classes[-1]
    for c in classes:
        if str(c) == text:
            return c
    raise _Failure(f"--pos-label {text}: not a class of the data; its classes are "
                   f"{[str(c) for c in classes]}.")


def _check_held_out(y_test, classes, where: str) -> None:
    missing = np.setdiff1d(classes, y_test).tolist()
    if missing:
        raise _Failure(
            f"--data: {where} has no images of class {missing[0]}; the held-out report "
            "needs both classes."
        )


def _subsample(X, y, n, seed):
    if len(y) <= n:
        return X, y
    from sklearn.model_selection import train_test_split

    _, X, _, y = train_test_split(X, y, test_size=n, stratify=y, random_state=seed)
    return X, y


# ------------------------------------------------------------------- output folder


def _prepare_out(text: str) -> Path:
    """Create the output folder and prove that it can be written, before training."""
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise _Failure(f"--out {text} is an existing file; --out names a folder.")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise _Failure(f"--out {text}: {parent} is an existing file, not a folder.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".skmedimg-write-test-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _Failure(
            f"--out {text}: cannot create or write to this folder ({exc.strerror or exc})."
        ) from exc
    for name in OUTPUT_FILES:
        target = out / name
        if target.is_dir() or (target.exists() and not os.access(target, os.W_OK)):
            raise _Failure(f"--out {text}: {name} exists there and cannot be overwritten.")
    return out
