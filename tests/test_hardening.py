"""Hardening (issue 6): bad inputs on every public entry point, inputs never modified,
pickles that load in a fresh process, and seeds that repeat bit for bit across processes.

``ROWS`` is the table behind ``docs/user_guide/hardening.rst``: one row per (kind of bad
input, entry point), with the exception type and message each one gets -- or, for inputs
that must work (non-contiguous, read-only, lists of images...), what "works" means.
The docs page is generated from ``ROWS`` at build time (``docs/_ext/hardening_table.py``).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from imblearn.under_sampling import TomekLinks
from sklearn.exceptions import FitFailedWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmedimg import CNNClassifier, ThresholdTuner
from skmedimg.datasets import (
    LazyImageArray,
    load_image_folder,
    load_medmnist,
    make_lesion_images,
    make_lesion_volumes,
)
from skmedimg.metrics import (
    clinical_report,
    f2_score,
    g_mean_score,
    npv_score,
    recall_at_precision,
    recall_at_specificity,
    sensitivity_score,
    sensitivity_scorer,
    specificity_at_recall,
    specificity_at_recall_scorer,
    specificity_score,
)
from skmedimg.samplers import (
    AugmentingOverSampler,
    BalancedBatchDataset,
    ImageSamplerAdapter,
    MultilabelRandomOverSampler,
    RandomImageUnderSampler,
)

N = 40
FAST = dict(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None, random_state=0)
HUGE = {1: 10**9}  # a dict asking for a billion images of class 1
NAN_PIXELS = "NaN or infinite pixel values"
NDIM = r"must be an image array of shape .* got an array with ndim={}"


def _flatten(X):
    """Images to rows for LogisticRegression (module level: it must pickle)."""
    return np.asarray(X, dtype=np.float64).reshape(len(X), -1) / 255.0


def _aug(**kw):
    return AugmentingOverSampler(rotation=20, flip="both", shift=0.2, zoom=0.2, blur=True,
                                 brightness=0.1, contrast=0.1, gamma=0.2, random_state=0, **kw)


def _strings(X):
    """An object array that is not numbers (numeric object arrays are read as floats)."""
    return np.full(X.shape, "a", dtype=object)


def _read_only(a):
    a = np.array(a)
    a.setflags(write=False)
    return a


def _npz(tmp_path, **arrays):
    path = tmp_path / f"data{len(list(tmp_path.iterdir()))}.npz"
    np.savez(path, **arrays)
    return path


def _npy(tmp_path, X, truncate=False):
    """A .npy file of ``X``; cut in half with ``truncate``."""
    path = tmp_path / f"collection{len(list(tmp_path.iterdir()))}.npy"
    np.save(path, X)
    if truncate:
        with open(path, "r+b") as f:
            f.truncate(path.stat().st_size // 2)
    return path


def _folder(tmp_path, X):
    """An image folder (one class sub-folder) of the images ``X``."""
    import cv2

    root = tmp_path / f"folder{len(list(tmp_path.iterdir()))}"
    (root / "a").mkdir(parents=True)
    for i, image in enumerate(X):
        cv2.imwrite(str(root / "a" / f"{i}.png"), image)
    return root


@pytest.fixture(scope="module")
def ctx():
    """Small data, and a CNN and a CNN-backed ThresholdTuner fitted on read-only inputs."""
    X, y = make_lesion_images(N, weights=(0.75, 0.25), image_size=8, random_state=0)
    _, Y = make_lesion_images(N, multilabel=True, image_size=8, random_state=0)
    sw = np.linspace(0.5, 1.5, N)
    c = SimpleNamespace(X=X, y=y, Y=Y, sw=sw, score=np.linspace(0.01, 0.99, N))
    c.Xf = X.astype(np.float32)
    c.X_nan = c.Xf.copy()
    c.X_nan[3, 2, 2] = np.nan
    c.X_inf = c.Xf.copy()
    c.X_inf[5, 1, 1] = np.inf
    c.X_big = np.zeros((N, 32, 32))  # float64, 8 KiB per image: 10**9 of them is 8 TB
    c.y_unseen = y.copy()
    c.y_unseen[:3] = 2  # a label the models never saw in fit
    c.V, c.vy = make_lesion_volumes(N, volume_size=8, prevalence=0.25, random_state=0)
    c.V_nan = c.V.astype(np.float32)
    c.V_nan[2, 3, 3, 3, 0] = np.nan
    c.V_hu = c.V.astype(np.int16) * 8 - 1000  # CT-like Hounsfield units
    # The estimators are fitted on read-only inputs; the pristine copies are checked in
    # test_no_public_function_modifies_the_callers_arrays.
    c.ro = SimpleNamespace(X=_read_only(X), y=_read_only(y), sw=_read_only(sw))
    c.pristine = SimpleNamespace(X=X.copy(), y=y.copy(), sw=sw.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        c.cnn = CNNClassifier(**FAST).fit(c.ro.X, c.ro.y, sample_weight=c.ro.sw)
        c.tuner = ThresholdTuner(CNNClassifier(**FAST), cv=2).fit(
            c.ro.X, c.ro.y, sample_weight=c.ro.sw
        )
        c.vcnn = CNNClassifier(**FAST).fit(c.V, c.vy)
    return c


@dataclass
class Row:
    kind: str
    entry: str
    call: Callable
    error: type | None = None  # None: the call must work and ``check`` holds
    match: str | None = None
    check: Callable | None = None
    fast: bool = False  # must fail before allocating: peak traced memory < NO_ALLOCATION


# The huge requests above would need gigabytes to terabytes: refusing them before any
# allocation keeps Python's traced peak far below this (no timing is asserted).
NO_ALLOCATION = 64 * 2**20


def _same_as_array(resample):
    """A list of images resamples exactly like the stacked array, and comes back as a list
    of images (imbalanced-learn returns lists for lists)."""
    def check(c, out):
        X_res, y_res = out
        ref_X, ref_y = resample(c)
        assert isinstance(X_res, list)
        np.testing.assert_array_equal(np.stack(X_res), ref_X)
        np.testing.assert_array_equal(y_res, ref_y)
    return check


ROWS = [
    # ---------------------------------------------------------------- wrong ndim
    Row("wrong ndim (2-D feature matrix)", "CNNClassifier.predict_proba",
        lambda c: c.cnn.predict_proba(c.X.reshape(N, -1)), ValueError, NDIM.format(2)),
    Row("wrong ndim (2-D feature matrix)", "ThresholdTuner.fit",
        lambda c: ThresholdTuner(CNNClassifier(**FAST), cv=2).fit(c.X.reshape(N, -1), c.y),
        ValueError, NDIM.format(2)),
    Row("wrong ndim (2-D feature matrix)", "MultilabelRandomOverSampler.fit_resample",
        lambda c: MultilabelRandomOverSampler().fit_resample(c.X.reshape(N, -1), c.Y),
        ValueError, NDIM.format(2)),
    Row("wrong ndim (2-D feature matrix)", "load_medmnist",
        lambda c, tmp: load_medmnist(_npz(tmp, train_images=c.X.reshape(N, -1),
                                          train_labels=c.y)),
        ValueError, "train_images must be an image array .* ndim=2"),
    Row("wrong ndim (1-D or 6-D)", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler().fit_resample(c.X[:, 0, 0], c.y),
        ValueError, NDIM.format(1)),
    Row("wrong ndim (1-D or 6-D)", "BalancedBatchDataset",
        lambda c: BalancedBatchDataset(c.X[..., None, None, None], c.y), ValueError,
        NDIM.format(6)),
    Row("one image without its batch axis", "CNNClassifier.predict",
        lambda c: c.cnn.predict(c.X[0]), ValueError, r"ndim=2 and shape \(8, 8\)"),
    # ------------------------------------------------------------- NaN / inf
    Row("NaN pixels", "CNNClassifier.predict", lambda c: c.cnn.predict(c.X_nan),
        ValueError, NAN_PIXELS),
    Row("NaN pixels", "ThresholdTuner.predict", lambda c: c.tuner.predict(c.X_nan),
        ValueError, NAN_PIXELS),
    Row("NaN pixels", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler().fit_resample(c.X_nan, c.y), ValueError, NAN_PIXELS),
    Row("NaN pixels", "BalancedBatchDataset", lambda c: BalancedBatchDataset(c.X_nan, c.y),
        ValueError, NAN_PIXELS),
    Row("NaN pixels", "load_medmnist",
        lambda c, tmp: load_medmnist(_npz(tmp, train_images=c.X_nan, train_labels=c.y)),
        ValueError, r"train_images contains NaN or infinite pixel values \(1 of 2560"),
    Row("infinite pixels", "CNNClassifier.predict_proba",
        lambda c: c.cnn.predict_proba(c.X_inf), ValueError, NAN_PIXELS),
    Row("infinite pixels", "ImageSamplerAdapter.fit_resample",
        lambda c: ImageSamplerAdapter(SMOTE(k_neighbors=3)).fit_resample(c.X_inf, c.y),
        ValueError, NAN_PIXELS),
    Row("infinite pixels", "MultilabelRandomOverSampler.fit_resample",
        lambda c: MultilabelRandomOverSampler().fit_resample(c.X_inf, c.Y),
        ValueError, NAN_PIXELS),
    Row("NaN in y", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.X, np.r_[np.nan, c.y[1:]]),
        ValueError, "y contains NaN or infinite values"),
    Row("NaN in y", "ThresholdTuner.fit",
        lambda c: ThresholdTuner(CNNClassifier(**FAST)).fit(c.X, np.r_[np.nan, c.y[1:]]),
        ValueError, "Input y contains NaN"),
    Row("NaN in y", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X, np.r_[np.nan, c.y[1:]]),
        ValueError, "Input y contains NaN"),
    Row("NaN in y", "clinical_report",
        lambda c: clinical_report(np.r_[np.nan, c.y[1:]], y_score=c.score),
        ValueError, "Input y_true contains NaN"),
    Row("NaN in y", "sensitivity_score",
        lambda c: sensitivity_score(np.r_[np.nan, c.y[1:]], c.y), ValueError, "contains NaN"),
    Row("NaN / inf scores", "clinical_report",
        lambda c: clinical_report(c.y, y_score=np.r_[np.nan, c.score[1:]]),
        ValueError, r"y_score contains NaN or infinite values \(1 of 40\)"),
    Row("NaN / inf scores", "specificity_at_recall",
        lambda c: specificity_at_recall(c.y, np.r_[np.inf, c.score[1:]]),
        ValueError, "y_score contains NaN or infinite values"),
    Row("NaN sample_weight", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.X, c.y, sample_weight=np.r_[np.nan, c.sw[1:]]),
        ValueError, "Input sample_weight contains NaN"),
    Row("NaN sample_weight", "recall_at_precision",
        lambda c: recall_at_precision(c.y, c.score, sample_weight=np.r_[np.nan, c.sw[1:]]),
        ValueError, "sample_weight contains NaN or infinite values"),
    # ---------------------------------------------------------------- empty
    Row("empty input", "CNNClassifier.predict_proba", lambda c: c.cnn.predict_proba(c.X[:0]),
        ValueError, r"X is empty: got 0 images \(shape \(0, 8, 8\)\)"),
    Row("empty input", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X[:0], c.y[:0]), ValueError, "X is empty"),
    Row("empty input", "ThresholdTuner.fit",
        lambda c: ThresholdTuner(CNNClassifier(**FAST)).fit(c.X[:0], c.y[:0]),
        ValueError, r"Found array with 0 sample\(s\)"),
    Row("empty input", "clinical_report", lambda c: clinical_report([], y_score=[]),
        ValueError, r"y_true is empty \(shape \(0,\)\)"),
    Row("empty input", "sensitivity_score", lambda c: sensitivity_score([], []),
        ValueError, "Found empty input array"),
    Row("empty input", "recall_at_specificity", lambda c: recall_at_specificity([], []),
        ValueError, "y_score is empty"),
    Row("empty input", "load_medmnist",
        lambda c, tmp: load_medmnist(_npz(tmp, train_images=c.X[:0], train_labels=c.y[:0])),
        ValueError, r"train_images is empty: got 0 images"),
    Row("zero-size image axis", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler().fit_resample(c.X[:, :, :0], c.y),
        ValueError, r"zero-length axis \(shape \(40, 8, 0\)\)"),
    Row("zero-size image axis", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.X[:, :0], c.y), ValueError, "zero-length axis"),
    # ------------------------------------------------------- mismatched lengths
    Row("mismatched lengths", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X, c.y[:-1]),
        ValueError, r"inconsistent numbers of samples: \[40, 39\]"),
    Row("mismatched lengths", "MultilabelRandomOverSampler.fit_resample",
        lambda c: MultilabelRandomOverSampler().fit_resample(c.X, c.Y[:-1]),
        ValueError, r"inconsistent numbers of samples: \[40, 39\]"),
    Row("mismatched lengths", "ThresholdTuner.fit",
        lambda c: ThresholdTuner(CNNClassifier(**FAST)).fit(c.X, c.y[:-1]),
        ValueError, r"inconsistent numbers of samples: \[40, 39\]"),
    Row("mismatched lengths", "CNNClassifier.fit (sample_weight)",
        lambda c: CNNClassifier(**FAST).fit(c.X, c.y, sample_weight=c.sw[:-1]),
        ValueError, r"sample_weight.shape == \(39,\), expected \(40,\)"),
    Row("mismatched lengths", "BalancedBatchDataset (sample_weight)",
        lambda c: BalancedBatchDataset(c.X, c.y, sample_weight=c.sw[:-1]),
        ValueError, "X and sample_weight have different lengths: 40 images, 39"),
    Row("mismatched lengths", "clinical_report (y_pred)",
        lambda c: clinical_report(c.y, c.y[:-1]),
        ValueError, "y_true has 40 samples but y_pred has 39"),
    Row("mismatched lengths", "clinical_report (y_score)",
        lambda c: clinical_report(c.y, y_score=c.score[:-1]),
        ValueError, r"y_true has 40 samples but y_score has shape \(39,\)"),
    Row("mismatched lengths", "f2_score", lambda c: f2_score(c.y, c.y[:-1]),
        ValueError, r"inconsistent numbers of samples: \[40, 39\]"),
    Row("mismatched lengths", "specificity_at_recall (y_score)",
        lambda c: specificity_at_recall(c.y, c.score[:-1]),
        ValueError, r"same length; got shapes \(40,\) and \(39,\)"),
    Row("mismatched lengths", "recall_at_precision (sample_weight)",
        lambda c: recall_at_precision(c.y, c.score, sample_weight=c.sw[:-1]),
        ValueError, r"sample_weight must have shape \(40,\) like y_score; got \(39,\)"),
    Row("mismatched shapes (multilabel)", "clinical_report",
        lambda c: clinical_report(c.Y, y_score=c.score),
        ValueError, r"multilabel y_true of shape \(40, 3\), y_score must have the same shape"),
    # ---------------------------------------------------------------- one class
    Row("one class in y", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X, np.zeros(N, int)),
        ValueError, "needs to have more than 1 class"),
    Row("one class in y", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler().fit_resample(c.X, np.zeros(N, int)),
        ValueError, "needs to have more than 1 class"),
    Row("one class in y", "ImageSamplerAdapter.fit_resample",
        lambda c: ImageSamplerAdapter(SMOTE()).fit_resample(c.X, np.zeros(N, int)),
        ValueError, "needs to have more than 1 class"),
    Row("one class in y", "BalancedBatchDataset",
        lambda c: BalancedBatchDataset(c.X, np.zeros(N, int), sampler=_aug()),
        ValueError, "needs to have more than 1 class"),
    Row("one class in y", "sensitivity_score",
        lambda c: sensitivity_score(np.zeros(N, int), c.y), Warning,
        "Sensitivity is ill-defined .* no true samples"),
    # ------------------------------------------- unseen labels when scoring
    Row("unseen labels at scoring", "sensitivity_scorer(fitted CNNClassifier)",
        lambda c: sensitivity_scorer(c.cnn, c.X, c.y_unseen),
        ValueError, "Target is multiclass but average='binary'"),
    Row("unseen labels at scoring", "specificity_at_recall_scorer(fitted ThresholdTuner)",
        lambda c: specificity_at_recall_scorer(0.9)(c.tuner, c.X, c.y_unseen),
        ValueError, "y_true must be binary or multilabel-indicator; got 'multiclass'"),
    Row("unseen labels at scoring", "clinical_report (y_pred)",
        lambda c: clinical_report(c.y, c.y_unseen),
        ValueError, r"y_pred has labels \[0, 1, 2\] together with y_true"),
    Row("unseen labels at scoring", "clinical_report (str vs int labels)",
        lambda c: clinical_report(c.y, c.y.astype(str)),
        ValueError, r"y_pred has labels \[0, '0', 1, '1'\] together with y_true"),
    Row("unseen labels at scoring", "CNNClassifier.score",
        lambda c: c.cnn.score(c.X, c.y_unseen),
        check=lambda c, out: out == accuracy_score(c.y_unseen, c.cnn.predict(c.X))),
    # ----------------------------------------------- wrong image size at predict
    Row("wrong image size at predict", "ThresholdTuner.predict",
        lambda c: c.tuner.predict(np.zeros((2, 12, 12), np.uint8)),
        ValueError, r"images of shape \(12, 12, 1\) .* fitted on \(8, 8, 1\)"),
    Row("wrong image size at predict", "CNNClassifier.predict_proba (channels)",
        lambda c: c.cnn.predict_proba(np.zeros((2, 8, 8, 3), np.uint8)),
        ValueError, r"images of shape \(8, 8, 3\) .* fitted on \(8, 8, 1\)"),
    # ------------------------------------------------------------ wrong dtypes
    Row("object dtype", "CNNClassifier.predict_proba",
        lambda c: c.cnn.predict_proba(_strings(c.X)), TypeError,
        "X must hold real-valued pixels .* got dtype object"),
    Row("object dtype", "ImageSamplerAdapter.fit_resample",
        lambda c: ImageSamplerAdapter(SMOTE()).fit_resample(_strings(c.X), c.y),
        TypeError, "got dtype object"),
    Row("object dtype", "BalancedBatchDataset",
        lambda c: BalancedBatchDataset(_strings(c.X), c.y), TypeError, "got dtype object"),
    Row("object dtype", "load_medmnist",
        lambda c, tmp: load_medmnist(_npz(tmp, train_images=np.array([c.X[0], c.X[1, :4]],
                                                                    dtype=object),
                                          train_labels=c.y[:2])),
        ValueError, "train_images in .* holds pickled Python objects, which skmedimg never "
        "loads for safety"),
    Row("object dtype", "CNNClassifier.fit (y of mixed types)",
        lambda c: CNNClassifier(**FAST).fit(c.X, np.array([0, "a"] * (N // 2), dtype=object)),
        ValueError, "Unknown label type: unknown"),
    Row("bool dtype", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler().fit_resample(c.X > 50, c.y), TypeError,
        "got dtype bool"),
    Row("bool dtype", "CNNClassifier.predict", lambda c: c.cnn.predict(c.X > 50), TypeError,
        "got dtype bool"),
    Row("bool dtype", "MultilabelRandomOverSampler.fit_resample",
        lambda c: MultilabelRandomOverSampler().fit_resample(c.X > 50, c.Y), TypeError,
        "got dtype bool"),
    Row("complex dtype", "CNNClassifier.predict", lambda c: c.cnn.predict(c.X.astype(complex)),
        ValueError, "Complex data not supported: X has dtype complex128"),
    Row("complex dtype", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X.astype(complex), c.y), ValueError,
        "Complex data not supported"),
    Row("complex dtype", "clinical_report (y_score)",
        lambda c: clinical_report(c.y, y_score=c.score.astype(complex)), ValueError,
        "Complex data not supported: y_score has dtype complex128"),
    Row("complex dtype", "recall_at_specificity",
        lambda c: recall_at_specificity(c.y, c.score.astype(complex)), ValueError,
        "Complex data not supported: y_score"),
    Row("string dtype", "specificity_at_recall (y_score)",
        lambda c: specificity_at_recall(c.y, c.score.astype(str)), TypeError,
        "y_score must hold numeric scores; got dtype <U"),
    Row("string dtype", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X.astype(str), c.y), TypeError,
        "real-valued pixels .* got dtype <U"),
    Row("other pixel dtype at predict", "CNNClassifier.predict_proba (float64 for uint8)",
        lambda c: c.cnn.predict_proba(c.X.astype(np.float64)), UserWarning,
        "X has dtype float64 but the model was fitted on uint8"),
    # ------------------------------------------------------ lists of images
    Row("list of arrays", "CNNClassifier.predict_proba", lambda c: c.cnn.predict_proba(list(c.X)),
        check=lambda c, out: np.array_equal(out, c.cnn.predict_proba(c.X))),
    Row("list of arrays", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(list(c.X), c.y),
        check=_same_as_array(lambda c: _aug().fit_resample(c.X, c.y))),
    Row("list of arrays", "MultilabelRandomOverSampler.fit_resample",
        lambda c: MultilabelRandomOverSampler(random_state=0).fit_resample(list(c.X), c.Y),
        check=_same_as_array(
            lambda c: MultilabelRandomOverSampler(random_state=0).fit_resample(c.X, c.Y))),
    Row("list of arrays", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler(random_state=0).fit_resample(list(c.X), c.y),
        check=_same_as_array(
            lambda c: RandomImageUnderSampler(random_state=0).fit_resample(c.X, c.y))),
    Row("list of arrays", "BalancedBatchDataset",
        lambda c: BalancedBatchDataset(list(c.X), c.y, sampler=_aug(), random_state=0)[0],
        check=lambda c, out: np.array_equal(
            out[0], BalancedBatchDataset(c.X, c.y, sampler=_aug(), random_state=0)[0][0])),
    Row("list of images of different sizes", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit([c.X[0], c.X[1, :4]], [0, 1]), ValueError,
        r"list of images with different shapes \[\(4, 8\), \(8, 8\)\]; resize them"),
    Row("list of images of different sizes", "ImageSamplerAdapter.fit_resample",
        lambda c: ImageSamplerAdapter(TomekLinks()).fit_resample(
            [c.X[0][:4]] + list(c.X[1:]), c.y), ValueError, "different shapes"),
    # ----------------------------------------------------- huge sampling_strategy
    Row("huge sampling_strategy", "AugmentingOverSampler.fit_resample",
        lambda c: _aug(sampling_strategy=HUGE).fit_resample(c.X_big, c.y), ValueError,
        r"AugmentingOverSampler: sampling_strategy asks for 1,000,000,030 images in total "
        r"\(7,.* GiB\), more than the .* GiB of memory available", fast=True),
    Row("huge sampling_strategy", "ImageSamplerAdapter(SMOTE).fit_resample",
        lambda c: ImageSamplerAdapter(SMOTE(sampling_strategy=HUGE)).fit_resample(c.X_big, c.y),
        ValueError, "ImageSamplerAdapter: sampling_strategy asks for 1,000,000,030 images",
        fast=True),
    Row("huge sampling_strategy", "RandomImageUnderSampler.fit_resample",
        lambda c: RandomImageUnderSampler(sampling_strategy={0: 10**9}).fit_resample(c.X, c.y),
        ValueError, "should be less or equal to the original number of samples", fast=True),
    Row("huge sampling_strategy", "MultilabelRandomOverSampler.fit_resample (max_new_fraction)",
        lambda c: MultilabelRandomOverSampler(max_new_fraction=1e9).fit_resample(c.X_big, c.Y),
        ValueError, "max_new_fraction asks for 40,000,000,040 images .* check max_new_fraction",
        fast=True),
    Row("huge sampling_strategy", "BalancedBatchDataset(AugmentingOverSampler)",
        lambda c: BalancedBatchDataset(c.X_big, c.y, sampler=_aug(sampling_strategy=HUGE)),
        ValueError, "sampling_strategy asks for 1,000,000,030 images", fast=True),
    Row("huge sampling_strategy", "BalancedBatchDataset(RandomOverSampler)",
        lambda c: BalancedBatchDataset(c.X_big, c.y,
                                       sampler=RandomOverSampler(sampling_strategy=HUGE)),
        ValueError, "RandomOverSampler: sampling_strategy asks for 1,000,000,030", fast=True),
    Row("huge sampling_strategy", "CNNClassifier.fit (sampler=...)",
        lambda c: CNNClassifier(sampler=_aug(sampling_strategy=HUGE), **FAST).fit(c.X_big, c.y),
        ValueError, "sampling_strategy asks for 1,000,000,030 images", fast=True),
    Row("huge image_size", "load_image_folder",
        lambda c, tmp: load_image_folder(_folder(tmp, c.X), image_size=10**6), ValueError,
        r"image_size=1000000 would need at least .* GiB for 40 images", fast=True),
    # ------------------------------------------------------------- bad targets
    Row("continuous y", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.X, c.score), ValueError,
        "Unknown label type: continuous"),
    Row("continuous y", "ThresholdTuner.fit",
        lambda c: ThresholdTuner(CNNClassifier(**FAST)).fit(c.X, c.score), ValueError,
        "Unknown label type: continuous"),
    Row("continuous y", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.X, c.score), ValueError, "Unknown label type: continuous"),
    Row("continuous y", "clinical_report",
        lambda c: clinical_report(c.score, y_score=c.score), ValueError,
        "Unsupported target type 'continuous' for a clinical report"),
    Row("column vector y (n, 1)", "npv_score",
        lambda c: npv_score(c.y[:, None], c.cnn.predict(c.X), zero_division=0.0),
        check=lambda c, out: out == npv_score(c.y, c.cnn.predict(c.X), zero_division=0.0)),
    Row("column vector y (n, 1)", "g_mean_score",
        lambda c: g_mean_score(c.y[:, None], c.cnn.predict(c.X)),
        check=lambda c, out: out == g_mean_score(c.y, c.cnn.predict(c.X))),
    # ----------------------------------------------------- bad sample_weight
    Row("negative sample_weight", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.X, c.y, sample_weight=-c.sw), ValueError,
        "Negative values in data passed to `sample_weight`"),
    # -------------------------------------------------------- bad parameters
    Row("parameter the model would ignore", "CNNClassifier.fit (weights with small_cnn)",
        lambda c: CNNClassifier(weights="backbone.h5", **FAST).fit(c.X, c.y), ValueError,
        "weights='backbone.h5' applies to the keras.applications backbones only"),
    Row("invalid parameter value", "CNNClassifier.fit (random_state)",
        lambda c: CNNClassifier(**{**FAST, "random_state": "seed"}).fit(c.X, c.y), ValueError,
        r"The 'random_state' parameter of CNNClassifier must be an int in the range "
        r"\[0, 4294967295\], an instance of 'numpy.random.mtrand.RandomState' or None\. "
        r"Got 'seed' instead\."),
    Row("invalid parameter value", "ThresholdTuner.fit (objective)",
        lambda c: ThresholdTuner(CNNClassifier(**FAST), objective="sensitivity!").fit(c.X, c.y),
        ValueError, "Unknown objective 'sensitivity!'; expected one of"),
    Row("invalid parameter value", "CNNClassifier.fit (monitor)",
        lambda c: CNNClassifier(**{**FAST, "validation_fraction": 0.25, "metrics": "auto",
                                   "monitor": "val_sensitivity"}).fit(c.X, c.y),
        ValueError, r"monitor='val_sensitivity' is not logged by this model; its validation "
        r"quantities are \['val_auc', 'val_f2', 'val_loss', 'val_precision', 'val_recall'\]"),
    Row("invalid parameter value", "clinical_report (n_bootstraps)",
        lambda c: clinical_report(c.y, y_score=c.score, n_bootstraps=-1), ValueError,
        "n_bootstraps must be an int >= 0; got -1"),
    Row("invalid parameter value", "clinical_report (threshold NaN)",
        lambda c: clinical_report(c.y, y_score=c.score, threshold=np.nan), ValueError,
        "threshold must be finite; got nan"),
    Row("invalid parameter value", "load_medmnist (split)",
        lambda c, tmp: load_medmnist(_npz(tmp, train_images=c.X, train_labels=c.y), split=3),
        ValueError, r"split must be None or among \['train', 'val', 'test'\]; got 3"),
    # ----------------------------------------------------------- not fitted
    # -------------------------------------------------------- volumes (issue 12)
    Row("ambiguous 4-D array (volumes without a channel axis?)", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.V[..., 0], c.vy), ValueError,
        r"shape \(40, 8, 8, 8\) is ambiguous.*spatial_dims=2 .* spatial_dims=3"),
    Row("ambiguous 4-D array (volumes without a channel axis?)",
        "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.V[..., 0], c.vy), ValueError, "is ambiguous"),
    Row("wrong ndim (6-D)", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.V[..., None], c.vy), ValueError, "ndim=6"),
    Row("NaN voxels", "CNNClassifier.predict", lambda c: c.vcnn.predict(c.V_nan),
        ValueError, NAN_PIXELS),
    Row("NaN voxels", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.V_nan, c.vy), ValueError, NAN_PIXELS),
    Row("mismatched lengths (volumes)", "AugmentingOverSampler.fit_resample",
        lambda c: _aug().fit_resample(c.V, c.vy[:-1]),
        ValueError, r"inconsistent numbers of samples: \[40, 39\]"),
    Row("volumes too small for the network", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.V[:, :4, :4, :4], c.vy), ValueError,
        r"volumes of 4x4x4 voxels, smaller than the 8x8x8"),
    Row("images given to a volume model", "CNNClassifier.predict",
        lambda c: c.vcnn.predict(c.X), ValueError, "holds images, but this CNNClassifier "
        "was fitted on volumes"),
    Row("volumes given to a 2-D backbone", "CNNClassifier.fit",
        lambda c: CNNClassifier("resnet50", **FAST).fit(c.V, c.vy), ValueError,
        "2-D keras.applications backbone"),
    Row("signed CT values without an intensity window", "CNNClassifier.fit",
        lambda c: CNNClassifier(**FAST).fit(c.V_hu, c.vy), ValueError,
        r"rescale=\(-1000, 400\)"),
    Row("intensity window with low >= high", "CNNClassifier.fit",
        lambda c: CNNClassifier(rescale=(400, -1000), **FAST).fit(c.V_hu, c.vy), ValueError,
        r"low < high.*got \(400, -1000\)"),
    # ------------------------------------- in-network augmentation and resizing
    Row("unknown augmentation key", "CNNClassifier.fit",
        lambda c: CNNClassifier(augmentation={"rotate": 10}, **FAST).fit(c.X, c.y),
        ValueError, r"Unknown augmentation key\(s\) \['rotate'\]"),
    Row("augmentation value out of range", "CNNClassifier.fit",
        lambda c: CNNClassifier(augmentation={"shift": 2.0}, **FAST).fit(c.X, c.y),
        ValueError, r"augmentation\['shift'\] must be a number in \[0, 1\]"),
    Row("2-D augmentation asked for volumes", "CNNClassifier.fit",
        lambda c: CNNClassifier(augmentation={"rotation": 10}, **FAST).fit(c.V, c.vy),
        ValueError, "2-D images only"),
    Row("input_size below the network's minimum", "CNNClassifier.fit",
        lambda c: CNNClassifier(input_size=2, **FAST).fit(c.X, c.y), ValueError,
        "smaller than the 8 pixels per side"),
    Row("input_size with a wrong number of sides", "CNNClassifier.fit",
        lambda c: CNNClassifier(input_size=(16, 16, 1), **FAST).fit(c.X, c.y), ValueError,
        r"an int or \(height, width\)"),
    Row("ema_momentum of 1 (the average would never move)", "CNNClassifier.fit",
        lambda c: CNNClassifier(ema_momentum=1.0, **FAST).fit(c.X, c.y),
        ValueError, r"'ema_momentum' parameter of CNNClassifier must be"),
    # ------------------------------------------- collections on disk (issue 13)
    Row("collection file missing", "LazyImageArray",
        lambda c, tmp: LazyImageArray(tmp / "nowhere.npy"), FileNotFoundError,
        "does not exist"),
    Row("collection file truncated", "LazyImageArray",
        lambda c, tmp: LazyImageArray(_npy(tmp, c.X, truncate=True)), ValueError,
        "is truncated"),
    Row("collection on disk given to a materialising sampler",
        "AugmentingOverSampler.fit_resample",
        lambda c, tmp: _aug().fit_resample(LazyImageArray(_npy(tmp, c.X)), c.y), TypeError,
        r"kept on disk .* CNNClassifier\(sampler=AugmentingOverSampler"),
    Row("predict before fit", "CNNClassifier.predict",
        lambda c: CNNClassifier(**FAST).predict(c.X), NotFittedError, "is not fitted yet"),
    Row("predict before fit", "ThresholdTuner.predict",
        lambda c: ThresholdTuner(CNNClassifier(**FAST)).predict(c.X), NotFittedError,
        "is not fitted yet"),
]

def _call(row, c, tmp_path):
    n_args = row.call.__code__.co_argcount
    return row.call(c, tmp_path) if n_args == 2 else row.call(c)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("row", ROWS, ids=[f"{r.kind}|{r.entry}" for r in ROWS])
def test_bad_input(row, ctx, tmp_path):
    if not row.fast:
        _check_row(row, ctx, tmp_path)
        return
    tracemalloc.start()
    try:
        _check_row(row, ctx, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < NO_ALLOCATION, f"{peak / 2**20:.0f} MiB allocated before refusing"


def _check_row(row, c, tmp_path):
    if row.error is None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "works" means: no warning either
            out = _call(row, c, tmp_path)
        assert row.check(c, out) is not False
    elif issubclass(row.error, Warning):
        with pytest.warns(row.error, match=row.match):
            _call(row, c, tmp_path)
    else:
        with pytest.raises(row.error, match=row.match):
            _call(row, c, tmp_path)


# ----------------------------------------------------- GridSearchCV mid-search
def _sampler_search(c, error_score):
    pipe = make_imb_pipeline(AugmentingOverSampler(random_state=0),
                             FunctionTransformer(_flatten), LogisticRegression(max_iter=50))
    return GridSearchCV(pipe, {"augmentingoversampler__rotation": [10.0, 500.0]}, cv=2,
                        error_score=error_score).fit(c.X, c.y)


def _tuner_search(c, error_score):
    tuner = ThresholdTuner(make_pipeline(FunctionTransformer(_flatten),
                                         LogisticRegression(max_iter=50)), cv=2)
    return GridSearchCV(tuner, {"objective": ["nope", "f_beta"]}, cv=2,
                        error_score=error_score).fit(c.X, c.y)


def _cnn_search(c, error_score):
    one_split = [(np.arange(0, N, 2), np.arange(1, N, 2))]  # one fit per valid candidate
    return GridSearchCV(CNNClassifier(**FAST), {"learning_rate": [-1.0, 1e-3]}, cv=one_split,
                        refit=False, error_score=error_score).fit(c.X, c.y)


SEARCHES = {
    "sampler rotation": (_sampler_search, "The 'rotation' parameter of AugmentingOverSampler"),
    "ThresholdTuner objective": (_tuner_search, "Unknown objective 'nope'"),
    "CNNClassifier learning_rate": (_cnn_search, r"The 'learning_rate' parameter of CNNClassifier "
                                                 r"must be a float in the range \(0\.0, inf\)\. "
                                                 r"Got -1\.0 instead\."),
}


@pytest.mark.parametrize("name", SEARCHES)
def test_grid_search_error_score_raise_shows_our_message(ctx, name):
    search, match = SEARCHES[name]
    with pytest.raises(ValueError, match=match):
        search(ctx, "raise")


@pytest.mark.parametrize("name", SEARCHES)
def test_grid_search_default_error_score_warns_with_our_message(ctx, name):
    search, match = SEARCHES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. refit warnings of the tuner
        with pytest.warns(FitFailedWarning, match=match):
            result = search(ctx, np.nan)
    scores = result.cv_results_["mean_test_score"]
    assert np.isnan(scores).sum() == 1 and np.isfinite(scores).sum() == 1


# ------------------------------------------------- non-contiguous and read-only
def _layouts(X):
    """Views of X that are not C-contiguous (or not writeable), each equal to X."""
    big = np.repeat(np.repeat(X, 2, axis=1), 2, axis=2)
    return {
        "strided": big[:, ::2, ::2],
        "fortran": np.asfortranarray(X),
        "negative strides": np.ascontiguousarray(X[:, ::-1, ::-1])[:, ::-1, ::-1],
        "read-only": _read_only(X),
        "channel slice": np.stack([X, X], axis=-1)[..., :1],
    }


LAYOUT_CALLS = {
    "AugmentingOverSampler": lambda X, c: _aug().fit_resample(X, c.y),
    "RandomImageUnderSampler": lambda X, c: RandomImageUnderSampler(random_state=0)
    .fit_resample(X, c.y),
    "ImageSamplerAdapter(SMOTE)": lambda X, c: ImageSamplerAdapter(
        SMOTE(k_neighbors=3, random_state=0)).fit_resample(X, c.y),
    "ImageSamplerAdapter(TomekLinks)": lambda X, c: ImageSamplerAdapter(TomekLinks())
    .fit_resample(X, c.y),
    "MultilabelRandomOverSampler": lambda X, c: MultilabelRandomOverSampler(
        augmentation=_aug(), random_state=0).fit_resample(X, c.Y),
    "BalancedBatchDataset": lambda X, c: [
        b[0] for b in BalancedBatchDataset(X, c.y, sampler=_aug(), batch_size=16,
                                           random_state=0)],
    "CNNClassifier.predict_proba": lambda X, c: c.cnn.predict_proba(X),
    "ThresholdTuner.predict": lambda X, c: c.tuner.predict(X),
}


@pytest.mark.parametrize("entry", LAYOUT_CALLS)
def test_non_contiguous_and_read_only_images_work_like_a_contiguous_copy(ctx, entry):
    call = LAYOUT_CALLS[entry]
    expected = {}  # by shape: the result on a C-contiguous, writeable copy
    for name, view in _layouts(ctx.X).items():
        assert not view.flags.c_contiguous or not view.flags.writeable, name
        if view.shape not in expected:
            expected[view.shape] = call(np.array(view, order="C"), ctx)
        want_all = expected[view.shape]
        out = call(view, ctx)
        for got, want in zip(out if isinstance(out, (tuple, list)) else [out],
                             want_all if isinstance(want_all, (tuple, list)) else [want_all]):
            np.testing.assert_array_equal(got, want, err_msg=f"{entry} on {name} X")


def test_cnn_fit_on_non_contiguous_read_only_views_equals_contiguous_fit(ctx):
    big = np.repeat(np.repeat(ctx.X, 2, axis=1), 2, axis=2)
    X_view = big[:, ::2, ::2]
    X_view.setflags(write=False)
    sw_view = np.repeat(ctx.sw, 2)[::2]
    y_view = np.asfortranarray(np.stack([ctx.y, ctx.y], axis=1))[:, 0]
    assert not X_view.flags.c_contiguous and not sw_view.flags.c_contiguous
    clf = CNNClassifier(**FAST).fit(X_view, y_view, sample_weight=sw_view)
    np.testing.assert_array_equal(clf.predict_proba(ctx.X), ctx.cnn.predict_proba(ctx.X))


def test_metrics_accept_non_contiguous_and_read_only_labels(ctx):
    pred = ctx.cnn.predict(ctx.X)
    y_view, pred_view = np.repeat(ctx.y, 2)[::2], _read_only(pred)
    score_view = np.asfortranarray(np.stack([ctx.score, ctx.score], 1))[:, 1]
    for metric in (sensitivity_score, specificity_score, npv_score, f2_score, g_mean_score):
        assert metric(y_view, pred_view) == metric(ctx.y, pred)
    for metric in (specificity_at_recall, recall_at_specificity):
        assert metric(y_view, score_view) == metric(ctx.y, ctx.score)
    a = clinical_report(y_view, y_score=score_view, random_state=0).to_dict()
    assert a == clinical_report(ctx.y, y_score=ctx.score, random_state=0).to_dict()


# ----------------------------------------------------------- no mutation
def test_no_public_function_modifies_the_callers_arrays(ctx):
    """Every call gets read-only arrays (an in-place write would raise) and the values
    are compared with copies afterwards; outputs never share memory with inputs."""
    X, y, sw = ctx.ro.X, ctx.ro.y, ctx.ro.sw  # ctx.cnn and ctx.tuner were fitted on them
    Y, score = _read_only(ctx.Y), _read_only(ctx.score)
    Xf = _read_only(ctx.Xf * 3.0)
    before = {name: np.array(a) for name, a in
              {"X": X, "y": y, "sw": sw, "Y": Y, "score": score, "Xf": Xf}.items()}
    outputs = [
        ctx.cnn.predict_proba(X), ctx.tuner.predict(X), ctx.tuner.predict_proba(X),
        *_aug().fit_resample(X, y), *_aug().fit_resample(Xf, y),
        *RandomImageUnderSampler(random_state=0).fit_resample(X, y),
        *ImageSamplerAdapter(SMOTE(k_neighbors=3, random_state=0)).fit_resample(Xf, y),
        *ImageSamplerAdapter(TomekLinks()).fit_resample(X, y),
        *MultilabelRandomOverSampler(augmentation=_aug(), random_state=0).fit_resample(X, Y),
    ]
    dataset = BalancedBatchDataset(X, y, sampler=_aug(), sample_weight=sw, batch_size=16,
                                   random_state=0)
    for _epoch in range(2):
        outputs += [a for i in range(len(dataset)) for a in dataset[i]]
        dataset.on_epoch_end()
    sensitivity_score(y, y, sample_weight=sw)
    specificity_at_recall(y, score, sample_weight=sw)
    recall_at_precision(Y, np.asarray(Y, float) * score[:, None], average="macro")
    clinical_report(y, y_score=score, n_bootstraps=20, random_state=0)
    clinical_report(Y, Y, n_bootstraps=20, random_state=0)
    for name, a in {"X": X, "y": y, "sw": sw, "Y": Y, "score": score, "Xf": Xf}.items():
        np.testing.assert_array_equal(a, before[name], err_msg=name)
        assert not a.flags.writeable
    np.testing.assert_array_equal(ctx.ro.X, ctx.pristine.X)
    np.testing.assert_array_equal(ctx.ro.sw, ctx.pristine.sw)
    for out in outputs:
        for a in (X, y, sw, Y, Xf):
            assert not np.may_share_memory(out, a)


# ------------------------------------------------ pickle in a fresh process
def _run_python(code: str, *args: str) -> str:
    """Run ``code`` in a fresh interpreter (same environment) and return its stdout."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_pickles_load_in_a_fresh_process_with_identical_predictions(ctx, tmp_path):
    sampler = _aug()
    X_res, y_res = sampler.fit_resample(ctx.X, ctx.y)
    with open(tmp_path / "models.pkl", "wb") as f:
        pickle.dump({"cnn": ctx.cnn, "tuner": ctx.tuner, "sampler": sampler}, f)
    np.save(tmp_path / "X.npy", ctx.X)
    np.save(tmp_path / "y.npy", ctx.y)
    _run_python("""
        import pickle, sys
        import numpy as np
        d = sys.argv[1]
        with open(f"{d}/models.pkl", "rb") as f:
            m = pickle.load(f)
        X, y = np.load(f"{d}/X.npy"), np.load(f"{d}/y.npy")
        X_res, y_res = m["sampler"].fit_resample(X, y)
        np.savez(f"{d}/out.npz", cnn=m["cnn"].predict_proba(X),
                 tuner=m["tuner"].predict(X), tuner_proba=m["tuner"].predict_proba(X),
                 threshold=m["tuner"].threshold_, indices=m["sampler"].sample_indices_,
                 X_res=X_res, y_res=y_res)
    """, str(tmp_path))
    out = np.load(tmp_path / "out.npz")
    np.testing.assert_array_equal(out["cnn"], ctx.cnn.predict_proba(ctx.X))
    np.testing.assert_array_equal(out["tuner"], ctx.tuner.predict(ctx.X))
    np.testing.assert_array_equal(out["tuner_proba"], ctx.tuner.predict_proba(ctx.X))
    assert out["threshold"] == ctx.tuner.threshold_
    np.testing.assert_array_equal(out["indices"], sampler.sample_indices_)
    np.testing.assert_array_equal(out["X_res"], X_res)
    np.testing.assert_array_equal(out["y_res"], y_res)


def test_unpickling_sizes_tensorflows_threads_before_the_model_is_rebuilt(ctx, tmp_path):
    """Unpickling rebuilds the Keras model, which runs TensorFlow ops and so fixes its
    thread pools: they are sized from OMP_NUM_THREADS first, as in fit, so that a fresh
    process predicts with the pools the model was fitted with (the predictions above
    are compared bit for bit)."""
    with open(tmp_path / "cnn.pkl", "wb") as f:
        pickle.dump(ctx.cnn, f)
    out = _run_python("""
        import os, pickle, sys
        os.environ["OMP_NUM_THREADS"] = "1"
        import tensorflow as tf
        with open(sys.argv[1], "rb") as f:
            pickle.load(f)
        print(tf.config.threading.get_intra_op_parallelism_threads(),
              tf.config.threading.get_inter_op_parallelism_threads())
    """, str(tmp_path / "cnn.pkl"))
    assert out.split() == ["1", "1"]


# ------------------------------------------- bit-identical seeds across processes
SEEDED_RUN = """
    import hashlib, json
    import numpy as np
    from skmedimg import CNNClassifier, ThresholdTuner
    from skmedimg.datasets import make_lesion_images
    from skmedimg.samplers import AugmentingOverSampler

    X, y = make_lesion_images(40, weights=(0.75, 0.25), image_size=8, random_state=0)
    fast = dict(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None, random_state=0)
    X_res, y_res = AugmentingOverSampler(rotation=20, flip="both", shift=0.2, zoom=0.2,
                                         blur=True, gamma=0.2, random_state=0).fit_resample(X, y)
    # One split: the tuner deploys the CNNClassifier it tuned on (seeded split, seeded
    # network), so one fit checks both the network's probabilities and the threshold.
    tuner = ThresholdTuner(CNNClassifier(**fast), cv=0.5, random_state=0).fit(X, y)
    assert type(tuner.estimator_) is CNNClassifier
    proba = tuner.estimator_.predict_proba(X)
    digest = lambda a: hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
    # Volumes: a 3-D network and 3-D augmentation.
    from skmedimg.datasets import make_lesion_volumes
    V, vy = make_lesion_volumes(40, volume_size=8, prevalence=0.25, random_state=0)
    V_res, _ = AugmentingOverSampler(rotation=20, shift=0.2, zoom=0.2, blur=True,
                                     random_state=0).fit_resample(V, vy)
    vproba = CNNClassifier(**fast).fit(V, vy).predict_proba(V)
    print(json.dumps({"cnn_proba": digest(proba), "sampler_X": digest(X_res),
                      "sampler_y": digest(y_res), "threshold": float(tuner.threshold_).hex(),
                      "proba_head": proba[:3, 1].tolist(), "volume_proba": digest(vproba),
                      "volume_sampler_X": digest(V_res)}))
"""


def test_random_state_is_bit_identical_across_processes():
    # Two processes at once, one TensorFlow thread each: same settings, no oversubscription.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(SEEDED_RUN)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert results[0] == results[1]
