"""Regression tests: odd inputs to the data sets and the command line (issues 14 and 16).

Every case here used to give a silently wrong result, a hang, a crash deep inside
numpy, or a traceback/a 30-line error on the command line. The command-line tests never
train: each problem must be reported before training starts.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import subprocess
import sys
import threading
import traceback
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

import skmedimg
from skmedimg import cli
from skmedimg.datasets import (
    ImageLoadError,
    _loaders,
    _synthetic,
    load_image_folder,
    load_image_mask_pairs,
    load_medmnist,
    make_lesion_images,
)

RND_SEED = 0
LOADER_LOG = "skmedimg.datasets._loaders"


# ------------------------------------------------------------- make_lesion_images


@pytest.mark.parametrize("prevalence", [-0.1, 1.5, np.nan, np.inf])
def test_lesion_multilabel_prevalence_outside_0_1_is_refused(prevalence):
    # Used to give 90 % (-0.1), 100 % (1.5) and 0 % (NaN) prevalence.
    with pytest.raises(ValueError, match=r"weights \(label prevalences\) must lie in \[0, 1\]"):
        make_lesion_images(20, multilabel=True, weights=(0.2, prevalence), image_size=8)


@pytest.mark.parametrize(
    "weights,error,match",
    [
        ((0, 0), ValueError, r"weights must not both be 0"),
        ((np.nan, 0.5), ValueError, r"weights must lie in \[0, 1\]; got \[nan, 0.5\]"),
        ((-0.2, 1.2), ValueError, r"weights must lie in \[0, 1\]"),
        (1.5, ValueError, r"weights must lie in \[0, 1\]; got 1.5"),
        (np.nan, ValueError, r"weights must lie in \[0, 1\]; got nan"),
        ("0.5", TypeError, r"weights must hold numbers; got '0.5'"),
        ((None, 0.5), TypeError, r"weights must hold numbers"),
    ],
)
def test_lesion_bad_binary_weights(weights, error, match):
    with pytest.raises(error, match=match):
        make_lesion_images(20, weights=weights, image_size=8)


@pytest.mark.parametrize(
    "contrast,error",
    [(np.nan, ValueError), (np.inf, ValueError), (-1.0, ValueError), ("high", TypeError),
     (None, TypeError), (True, TypeError)],
)
def test_lesion_contrast_must_be_a_positive_finite_number(contrast, error):
    # NaN used to pass (nan <= 0 is False) and be cast to uint8.
    with pytest.raises(error, match="lesion_contrast must be a"):
        make_lesion_images(20, lesion_contrast=contrast, image_size=8)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"n_samples": True}, "n_samples must be a positive int"),
        ({"n_samples": 10.0}, "n_samples must be a positive int"),
        ({"image_size": 16.5}, "image_size must be an int or"),
        ({"image_size": (16, np.inf)}, "image_size must be an int or"),
        ({"n_channels": True}, "n_channels must be None or a positive int"),
    ],
)
def test_lesion_non_integer_sizes_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_lesion_images(**{"n_samples": 20, "image_size": 8, **kwargs})


def test_lesion_multilabel_flag_must_be_bool():
    with pytest.raises(TypeError, match="multilabel must be True or False; got 'yes'"):
        make_lesion_images(20, multilabel="yes", image_size=8)


@pytest.mark.parametrize(
    "kwargs", [{"n_samples": 10**12}, {"n_samples": 10, "image_size": 10**5}]
)
def test_lesion_huge_request_fails_before_allocating(kwargs, monkeypatch):
    def must_not_draw(*args, **kw):
        raise AssertionError("random draws started before the memory check")

    monkeypatch.setattr(_synthetic, "check_random_state", must_not_draw)
    with pytest.raises(ValueError, match=r"n_samples=.* need about [\d,.]+ GiB of working "
                                         r"memory, more than the .* GiB available"):
        make_lesion_images(**kwargs)


def test_lesion_memory_check_uses_the_memory_available(monkeypatch):
    monkeypatch.setattr(_synthetic, "available_memory", lambda: 2**20)  # 1 MiB
    with pytest.raises(ValueError, match=r"n_samples=100 images of image_size 32x32 with 3 "
                                         r"channels need about"):
        make_lesion_images(100, image_size=32, n_channels=3)
    X, _ = make_lesion_images(2, image_size=8, random_state=RND_SEED)  # 6 KiB: fits
    assert X.shape == (2, 8, 8)


# ----------------------------------------------------------------- image folders


def _write(path: Path, value: int, shape=(8, 8)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), np.full(shape, value, np.uint8))
    return path


@pytest.fixture
def classes_tree(tmp_path):
    """6 images in two class folders."""
    root = tmp_path / "root"
    for k in range(3):
        _write(root / "benign" / f"b{k}.png", 10 + k)
        _write(root / "malignant" / f"m{k}.png", 200 + k)
    return root


def _symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target, target_is_directory=True)
    except OSError as exc:  # pragma: no cover - e.g. Windows without the privilege
        pytest.skip(f"cannot create symbolic links here: {exc}")


def test_image_folder_symlink_to_its_own_root_is_not_a_class(classes_tree, caplog):
    # Used to load 12 images from 6 files: root/loop/ re-read every class folder.
    _symlink(classes_tree / "loop", classes_tree)
    with caplog.at_level(logging.WARNING, logger=LOADER_LOG):
        data = load_image_folder(classes_tree)
    assert data.target_names == ["benign", "malignant"]
    assert len(data.images) == 6 and data.target.tolist() == [0, 0, 0, 1, 1, 1]
    assert re.search(r"Not following .*loop: it links to .*root", caplog.text)


def test_image_folder_symlinks_inside_class_folders_that_loop_back(classes_tree, caplog):
    _symlink(classes_tree / "benign" / "up", classes_tree)  # would loop for ever
    _symlink(classes_tree / "benign" / "other", classes_tree / "malignant")  # duplicates
    _symlink(classes_tree / "alias", classes_tree / "malignant")  # a second class name
    with caplog.at_level(logging.WARNING, logger=LOADER_LOG):
        data = load_image_folder(classes_tree)
    assert data.target_names == ["benign", "malignant"]
    assert data.target.tolist() == [0, 0, 0, 1, 1, 1]
    assert caplog.text.count("Not following") == 3


def test_image_folder_follows_symlinks_to_folders_outside_root(classes_tree, tmp_path):
    outside = tmp_path / "elsewhere"
    _write(outside / "n0.png", 90)
    _write(outside / "deeper" / "n1.png", 91)
    _symlink(classes_tree / "normal", outside)
    _symlink(classes_tree / "benign" / "more", outside / "deeper")
    data = load_image_folder(classes_tree)
    assert data.target_names == ["benign", "malignant", "normal"]
    names = [Path(f).name for f, t in zip(data.filenames, data.target) if t == 0]
    assert names == ["b0.png", "b1.png", "b2.png", "n1.png"]
    # The second link to elsewhere/deeper (through normal/) is not read twice.
    assert [Path(f).name for f, t in zip(data.filenames, data.target) if t == 2] == ["n0.png"]


def test_image_folder_explicit_class_that_links_back_is_an_error(classes_tree):
    _symlink(classes_tree / "loop", classes_tree)
    with pytest.raises(ValueError, match="Class folder 'loop' links back to"):
        load_image_folder(classes_tree, classes=["benign", "loop"])
    _symlink(classes_tree / "alias", classes_tree / "benign")
    with pytest.raises(ValueError, match=r"Class folders \['benign', 'alias'\] are the same"):
        load_image_folder(classes_tree, classes=["benign", "alias"])


@pytest.mark.parametrize("name", ["../benign", "a/b", "..", ""])
def test_image_folder_class_names_must_be_direct_sub_folders(classes_tree, name):
    with pytest.raises(ValueError, match="classes must name folders directly inside root"):
        load_image_folder(classes_tree, classes=["malignant", name])


def test_image_folder_unlistable_sub_folder_is_reported(classes_tree, monkeypatch):
    # os.walk skips folders it cannot list without a word: a silent partial load.
    locked = classes_tree / "benign" / "locked"
    _write(locked / "x.png", 1)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # root may read anything: simulate it
    with pytest.raises(ImageLoadError, match=r"locked: cannot list folder \(Permission "
                                             r"denied\)"):
        load_image_folder(classes_tree)
    with pytest.warns(UserWarning, match="cannot list folder"):
        data = load_image_folder(classes_tree, on_error="skip")
    assert len(data.images) == 6


def test_image_folder_extensions_must_be_strings(classes_tree):
    with pytest.raises(ValueError, match="extensions must be file extensions"):
        load_image_folder(classes_tree, extensions=[".png", 3])


class _FifoUnblocker:
    """Opens each FIFO for writing as soon as someone reads it, so that a loader that
    wrongly reads a FIFO gets an empty file (and the test fails) instead of hanging."""

    def __init__(self, fifos):
        self.fifos, self.stop = list(fifos), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.wait(0.05):
            for fifo in self.fifos:
                try:
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                except OSError as exc:
                    if exc.errno != errno.ENXIO:  # ENXIO: nobody is reading it
                        raise

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_image_folder_skips_a_fifo_named_png(classes_tree, caplog):
    fifo = classes_tree / "benign" / "stream.png"
    os.mkfifo(fifo)  # reading it used to block for ever
    with _FifoUnblocker([fifo]), caplog.at_level(logging.WARNING, logger=LOADER_LOG):
        data = load_image_folder(classes_tree)
    assert len(data.images) == 6 and str(fifo) not in data.filenames
    assert f"Skipping {fifo}: not a regular file" in caplog.text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_mask_pairs_skip_fifos(tmp_path, caplog):
    root = tmp_path / "lgg"
    _write(root / "p1" / "s1.png", 50)
    mask = _write(root / "p1" / "s1_mask.png", 255)
    fifo_image, fifo_mask = root / "p1" / "s2.png", root / "p1" / "s3_mask.png"
    os.mkfifo(fifo_image)
    os.mkfifo(fifo_mask)
    with _FifoUnblocker([fifo_image, fifo_mask]), \
            caplog.at_level(logging.WARNING, logger=LOADER_LOG):
        data = load_image_mask_pairs(root)
    assert data.filenames.tolist() == [str(root / "p1" / "s1.png")]
    assert data.mask_filenames.tolist() == [str(mask)] and data.target.tolist() == [1]
    assert caplog.text.count("not a regular file") == 2


def test_mask_pairs_huge_image_size_fails_before_reading(tmp_path, monkeypatch):
    root = tmp_path / "lgg"
    _write(root / "p1" / "s1.png", 50)
    _write(root / "p1" / "s1_mask.png", 255)

    def must_not_read(*args, **kwargs):
        raise AssertionError("files were read")

    monkeypatch.setattr(_loaders, "_read_many", must_not_read)
    with pytest.raises(ValueError, match=r"image_size=1000000 would need at least .* GiB "
                                         r"for 1 images"):
        load_image_mask_pairs(root, image_size=10**6)


# ------------------------------------------------------------------ load_medmnist


def _npz(tmp_path, name="d.npz", **arrays) -> Path:
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def _good_npz(tmp_path, name="good.npz") -> Path:
    rng = np.random.default_rng(RND_SEED)
    return _npz(tmp_path, name, train_images=rng.integers(0, 256, (8, 8, 8), dtype=np.uint8),
                train_labels=np.array([0, 1] * 4))


def _error_text(excinfo) -> str:
    """The message and everything a traceback would show (causes and contexts)."""
    return "".join(traceback.format_exception(excinfo.value))


def test_medmnist_zero_byte_file(tmp_path):
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match=r"'.*empty\.npz' is empty \(0 bytes\), not a valid "
                                         r"\.npz file"):
        load_medmnist(empty)


@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_medmnist_truncated_file(tmp_path, keep):
    data = _good_npz(tmp_path).read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"cut\.npz' is not a valid \.npz file: it is "
                                         r"truncated or corrupt \(BadZipFile"):
        load_medmnist(cut)


def test_medmnist_corrupt_member(tmp_path):
    data = bytearray(_good_npz(tmp_path).read_bytes())
    data[100:140] = b"\0" * 40  # inside train_images.npy: CRC error when it is read
    bad = tmp_path / "crc.npz"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"train_images in .*crc\.npz' cannot be read: the "
                                         r"file is truncated or corrupt \(BadZipFile: Bad CRC"):
        load_medmnist(bad)


def test_medmnist_object_arrays_are_refused_without_unpickling_advice(tmp_path):
    path = _npz(tmp_path, train_images=np.array([np.zeros(3), np.zeros(2)], dtype=object),
                train_labels=np.array([0, 1]))
    with pytest.raises(ValueError, match="train_images in .* holds pickled Python objects, "
                                         "which skmedimg never loads for safety") as excinfo:
        load_medmnist(path)
    assert "allow_pickle" not in _error_text(excinfo)


def test_medmnist_pickle_file_is_refused_without_unpickling_advice(tmp_path):
    import pickle

    path = tmp_path / "p.npz"
    path.write_bytes(pickle.dumps({"train_images": [1, 2]}))
    with pytest.raises(ValueError, match="is not a .npz file: it holds pickled Python "
                                         "objects") as excinfo:
        load_medmnist(path)
    assert "allow_pickle" not in _error_text(excinfo)


@pytest.mark.parametrize(
    "content,match",
    [
        (b"<!DOCTYPE html><html>Not found</html>", "looks like an HTML or XML page"),
        (b"hello, not a zip", "does not start like a zip archive"),
        (b"\x93NUMPY\x01\x00v\x00{'descr'", r"holds a single array \(\.npy\)"),
    ],
)
def test_medmnist_files_that_are_not_npz(tmp_path, content, match):
    path = tmp_path / "x.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as excinfo:
        load_medmnist(path)
    assert "allow_pickle" not in _error_text(excinfo)


def test_medmnist_folder_and_fifo_paths(tmp_path):
    with pytest.raises(ValueError, match="is a folder, not a .npz file"):
        load_medmnist(tmp_path)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "f.npz"
        os.mkfifo(fifo)
        with pytest.raises(ValueError, match="is not a regular file"):
            load_medmnist(fifo)


def test_medmnist_empty_zip_archive(tmp_path):
    path = tmp_path / "z.npz"
    with zipfile.ZipFile(path, "w"):
        pass
    with pytest.raises(ValueError, match=r"not in the MedMNIST layout.*found \[\]"):
        load_medmnist(path)


def test_medmnist_labels_n_by_1_and_n_give_the_same_classes(tmp_path):
    images = np.zeros((4, 8, 8), np.uint8)
    a = load_medmnist(_npz(tmp_path, "a.npz", train_images=images,
                           train_labels=np.array([[0], [1], [1], [0]])))
    b = load_medmnist(_npz(tmp_path, "b.npz", train_images=images,
                           train_labels=np.array([0, 1, 1, 0])))
    assert a.y_train.shape == b.y_train.shape == (4,)
    np.testing.assert_array_equal(a.y_train, b.y_train)


def test_medmnist_scalar_labels(tmp_path):
    path = _npz(tmp_path, train_images=np.zeros((4, 8, 8), np.uint8), train_labels=np.array(1))
    with pytest.raises(ValueError, match="train_labels in .* is a single value"):
        load_medmnist(path)


def test_medmnist_labels_beyond_int64_would_wrap(tmp_path):
    labels = np.array([0, 2**63 + 5], dtype=np.uint64)
    path = _npz(tmp_path, train_images=np.zeros((2, 8, 8), np.uint8), train_labels=labels)
    with pytest.raises(ValueError, match="beyond the int64 range"):
        load_medmnist(path)
    huge = _npz(tmp_path, "f.npz", train_images=np.zeros((2, 8, 8), np.uint8),
                train_labels=np.array([0.0, 1e20]))
    with pytest.raises(ValueError, match="beyond the int64 range"):
        load_medmnist(huge)


def test_medmnist_3d_volumes_are_not_read_as_channels(tmp_path):
    path = _npz(tmp_path, train_images=np.zeros((3, 28, 28, 28), np.uint8),
                train_labels=np.array([0, 1, 0]))
    assert load_medmnist(path).X_train.shape == (3, 28, 28, 28, 1)  # volumes, 1 channel
    rgb = _npz(tmp_path, "rgb.npz", train_images=np.zeros((3, 28, 28, 3), np.uint8),
               train_labels=np.array([0, 1, 0]))
    assert load_medmnist(rgb).X_train.shape == (3, 28, 28, 3)


def test_medmnist_splits_with_different_image_shapes(tmp_path):
    path = _npz(tmp_path, train_images=np.zeros((3, 28, 28), np.uint8),
                train_labels=np.array([0, 1, 0]),
                test_images=np.zeros((2, 64, 64), np.uint8), test_labels=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"different shapes \(train_images \(28, 28\), "
                                         r"test_images \(64, 64\)\)"):
        load_medmnist(path)
    assert load_medmnist(path, split="test").X_test.shape == (2, 64, 64)


def test_medmnist_classes_missing_from_train_warn(tmp_path):
    path = _npz(tmp_path, train_images=np.zeros((3, 8, 8), np.uint8),
                train_labels=np.array([0, 1, 0]),
                test_images=np.zeros((2, 8, 8), np.uint8), test_labels=np.array([2, 1]))
    with pytest.warns(UserWarning, match=r"test_labels .* has classes \[2\] that train_labels "
                                         "does not have"):
        data = load_medmnist(path)
    np.testing.assert_array_equal(data.classes, [0, 1, 2])


# ------------------------------------------------------------------ command line


def _demo_npz(tmp_path, labels, *, name="d.npz", size=16, **extra) -> Path:
    labels = np.asarray(labels)
    rng = np.random.default_rng(RND_SEED)
    images = rng.integers(0, 256, (len(labels), size, size), dtype=np.uint8)
    return _npz(tmp_path, name, train_images=images, train_labels=labels, **extra)


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if the demo starts training."""
    from sklearn.model_selection import GridSearchCV

    def must_not_train(*args, **kwargs):
        raise AssertionError("the demo started training")

    monkeypatch.setattr(GridSearchCV, "fit", must_not_train)


def _run_main(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _error_line(err: str) -> str:
    """The one error line; progress lines (``[   0.0s] ...``) may precede it."""
    lines = [line for line in err.strip().splitlines() if not line.startswith("[")]
    assert len(lines) == 1, err
    assert lines[0].startswith("skmedimg: error: "), err
    return lines[0]


@pytest.mark.parametrize(
    "argv,match",
    [
        (["demo", "--epochs", "0"], "argument --epochs: must be a positive integer; got '0'"),
        (["demo", "--epochs", "-1"], "argument --epochs: must be a positive integer; got '-1'"),
        (["demo", "--epochs", "two"], "argument --epochs: must be a positive integer"),
        (["demo", "--min-recall", "1.5"], r"argument --min-recall: must be a number in \(0, 1\]"),
        (["demo", "--min-recall", "nan"], r"argument --min-recall: must be a number in \(0, 1\]"),
        (["demo", "--min-recall", "0"], r"argument --min-recall: must be a number in \(0, 1\]"),
        (["demo", "--random-state", "-1"], r"argument --random-state: must be an integer in"),
        (["demo", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "the following arguments are required: command"),
    ],
)
def test_cli_usage_errors_are_one_line_with_status_2(argv, match, capsys, no_training):
    # --epochs 0 used to be replaced by the default (args.epochs or ...) or fail every fit.
    code, out, err = _run_main(capsys, *argv)
    assert code == 2 and out == ""
    assert re.search(match, _error_line(err))
    assert "usage:" not in err


def test_cli_version_and_plain_help(capsys):
    assert _run_main(capsys, "--version")[:2] == (0, f"skmedimg {skmedimg.__version__}\n")
    code, out, _ = _run_main(capsys, "--help")
    assert code == 0 and "``" not in out and ":mod:" not in out
    assert "demo" in out and "Exit status" in out
    code, out, _ = _run_main(capsys, "demo", "--help")
    assert code == 0 and "``" not in out
    assert "Run the imbalanced-imaging workflow end to end" in out
    flat = " ".join(out.split())
    for default in ("(default: 0.9)", "(default: 10)",
                    "(default: skmedimg_demo_output)", "(default: 0)",
                    "(default: synthetic lesion images"):
        assert default in flat, default


def _data_cases(tmp_path):
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    obj = _npz(tmp_path, "obj.npz", train_images=np.array([np.zeros(3), np.zeros(2)],
                                                           dtype=object),
               train_labels=np.array([0, 1]))
    few_test = np.r_[np.zeros(5), np.ones(1)]
    return {
        "missing": (tmp_path / "missing.npz", r"--data .*missing\.npz: no such file"),
        "zero-byte": (empty, r"--data: '.*empty\.npz' is empty \(0 bytes\)"),
        "object arrays": (obj, "holds pickled Python objects, which skmedimg never loads"),
        "one class": (_demo_npz(tmp_path, np.zeros(40), name="one.npz"),
                      r"the train split of .*one\.npz holds only class 0 \(40 images\); the "
                      "demo needs images of two classes"),
        "too few positives": (_demo_npz(tmp_path, np.r_[np.zeros(37), np.ones(3)],
                                        name="few.npz"),
                              r"too few images per class \(class 1 has 3\); the demo's "
                              r"3-fold cross-validation needs at least 8 per class"),
        "multiclass": (_demo_npz(tmp_path, np.arange(40) % 3, name="mc.npz"),
                       r"needs binary labels \(two classes\); .* is multiclass"),
        "test split without positives": (
            _demo_npz(tmp_path, np.r_[np.zeros(30), np.ones(10)], name="t.npz",
                      test_images=np.zeros((6, 16, 16), np.uint8), test_labels=few_test * 0),
            "the test split of .* has no images of class 1"),
        "images too small for the network": (
            _demo_npz(tmp_path, np.r_[np.zeros(30), np.ones(10)], name="tiny.npz", size=4),
            "has images of 4x4 pixels, smaller than the 8x8 this model accepts"),
    }


@pytest.mark.parametrize(
    "case",
    ["missing", "zero-byte", "object arrays", "one class", "too few positives", "multiclass",
     "test split without positives", "images too small for the network"],
)
def test_cli_data_errors_are_one_line_with_status_1_before_training(case, tmp_path, capsys,
                                                                    no_training):
    path, match = _data_cases(tmp_path)[case]
    out_dir = tmp_path / "out"
    code, _, err = _run_main(capsys, "demo", "--data", str(path), "--out", str(out_dir))
    assert code == 1
    assert re.search(match, _error_line(err)), err
    assert "Traceback" not in err and "allow_pickle" not in err
    assert not out_dir.exists()  # nothing is created for a run that cannot start


def test_cli_quick_subsampling_is_checked_too(tmp_path, capsys, no_training):
    # 8 positives among 2000 pass the full check, but --quick keeps 600 training images.
    path = _demo_npz(tmp_path, np.r_[np.zeros(1992), np.ones(8)], size=8,
                     test_images=np.zeros((4, 8, 8), np.uint8), test_labels=[0, 1, 0, 1])
    code, _, err = _run_main(capsys, "demo", "--quick", "--data", str(path))
    assert code == 1
    assert re.search(r"the train split of .* after --quick subsampling has too few images "
                     r"per class \(class 1 has [0-5]\)", _error_line(err))


def test_cli_debug_shows_the_traceback(tmp_path, capsys):
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    code, _, err = _run_main(capsys, "--debug", "demo", "--data", str(empty))
    assert code == 1 and "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1].startswith("skmedimg: error: --data:")
    code, _, err = _run_main(capsys, "demo", "--data", str(empty), "--debug")
    assert code == 1 and "Traceback (most recent call last)" in err


@pytest.fixture
def valid_npz(tmp_path):
    return _demo_npz(tmp_path, np.r_[np.zeros(30), np.ones(10)], name="ok.npz", size=8)


def test_cli_out_naming_an_existing_file(tmp_path, valid_npz, capsys, no_training):
    existing = tmp_path / "results.txt"
    existing.write_text("keep me")
    code, _, err = _run_main(capsys, "demo", "--data", str(valid_npz), "--out", str(existing))
    assert code == 1
    assert _error_line(err) == (f"skmedimg: error: --out {existing} is an existing file; "
                                "--out names a folder.")
    assert "Errno" not in err and existing.read_text() == "keep me"
    code, _, err = _run_main(capsys, "demo", "--data", str(valid_npz),
                             "--out", str(existing / "sub"))
    assert code == 1 and f"{existing} is an existing file, not a folder" in _error_line(err)


def test_cli_unwritable_out_fails_before_training(tmp_path, valid_npz, capsys, no_training,
                                                  monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(cli.tempfile, "mkstemp", refuse)  # root may write anywhere
    out_dir = tmp_path / "out"
    code, _, err = _run_main(capsys, "demo", "--data", str(valid_npz), "--out", str(out_dir))
    assert code == 1
    assert _error_line(err) == (f"skmedimg: error: --out {out_dir}: cannot create or write to "
                                "this folder (Permission denied).")


def test_cli_out_with_an_output_file_that_is_a_folder(tmp_path, valid_npz, capsys, no_training):
    (tmp_path / "out" / "report.json").mkdir(parents=True)
    code, _, err = _run_main(capsys, "demo", "--data", str(valid_npz),
                             "--out", str(tmp_path / "out"))
    assert code == 1 and "report.json exists there and cannot be overwritten" in err


def test_cli_failure_while_running_is_one_line(tmp_path, valid_npz, capsys, monkeypatch):
    from sklearn.model_selection import GridSearchCV

    def broken(*args, **kwargs):
        raise RuntimeError("out of GPU memory\nlong details")

    monkeypatch.setattr(GridSearchCV, "fit", broken)
    code, _, err = _run_main(capsys, "demo", "--data", str(valid_npz),
                             "--out", str(tmp_path / "out"))
    assert code == 1 and "Traceback" not in err
    assert _error_line(err) == ("skmedimg: error: RuntimeError: out of GPU memory (run with "
                                "--debug for the traceback)")


def test_cli_warnings_are_one_line_without_source_code(tmp_path, valid_npz, capsys,
                                                      monkeypatch):
    import warnings

    from sklearn.model_selection import GridSearchCV

    def warn_then_fail(*args, **kwargs):
        warnings.warn("clinical_report: near chance", UserWarning, stacklevel=1)
        raise RuntimeError("stop")

    monkeypatch.setattr(GridSearchCV, "fit", warn_then_fail)
    code, _, err = _run_main(capsys, "demo", "--data", str(valid_npz),
                             "--out", str(tmp_path / "out"))
    lines = [line for line in err.splitlines() if not line.startswith("[")]
    assert code == 1 and lines[0] == "skmedimg: warning: clinical_report: near chance"
    assert "UserWarning" not in err and "warnings.warn" not in err


def test_cli_sets_the_tensorflow_log_level_unless_the_user_did(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    cli.main(["demo", "--data", str(tmp_path / "missing.npz")])
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    cli.main(["demo", "--data", str(tmp_path / "missing.npz")])
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "")  # set but empty: TensorFlow reads 0
    cli.main(["demo", "--data", str(tmp_path / "missing.npz")])
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert "CUDA_VISIBLE_DEVICES" not in os.environ or os.environ["CUDA_VISIBLE_DEVICES"]
    capsys.readouterr()


def test_native_stderr_filter_drops_tensorflow_start_up_lines_only(capfd):
    noise = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to "
        "STDERR\n"
        "I0000 00:00:1796132616.216756    7751 port.cc:153] oneDNN custom operations are on.\n"
        "W0000 00:00:1796132616.2 7751 cudart_stub.cc:31] Could not find cuda drivers\n"
        "To enable the following instructions: AVX2 FMA, in other operations, rebuild\n"
    )
    with cli._native_stderr_filtered():
        os.write(2, noise.encode())
        os.write(2, b"E0000 00:00:1.0 1 real.cc:1] a real error\n")
        print("a Python warning", file=sys.stderr)
    assert sorted(capfd.readouterr().err.splitlines()) == [
        "E0000 00:00:1.0 1 real.cc:1] a real error", "a Python warning"]


def _clean_env():
    env = dict(os.environ)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the command line must quieten TensorFlow itself
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def test_python_dash_m_skmedimg_version(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "skmedimg", "--version"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=_clean_env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"skmedimg {skmedimg.__version__}\n"


def test_command_line_error_after_tensorflow_starts_has_no_native_noise(tmp_path, valid_npz):
    # The network is built (TensorFlow imported, its device initialised: "cuInit" on
    # machines without a GPU) before the --out check fails.
    existing = tmp_path / "file"
    existing.write_text("")
    proc = subprocess.run(
        [sys.executable, "-m", "skmedimg", "demo", "--data", str(valid_npz), "--out",
         str(existing)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, env=_clean_env(),
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-1] == f"skmedimg: error: --out {existing} is an existing file; --out names " \
                        "a folder."
    assert [line for line in lines[:-1] if not line.startswith("[")] == [], proc.stderr
    assert "cuInit" not in proc.stderr and "absl" not in proc.stderr
