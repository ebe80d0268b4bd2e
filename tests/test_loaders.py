"""Tests for skmedimg.datasets loaders on small image trees written into tmp_path."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from skmedimg.datasets import (
    ImageLoadError,
    load_image_folder,
    load_image_mask_pairs,
    load_medmnist,
)

RND_SEED = 0
SHARED_NPZ = Path(
    os.environ.get(
        "SKMEDIMG_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
) / "pneumoniamnist_trainval.npz"


def _write(path: Path, image: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image), path
    return path


def _gray(value: int, shape=(12, 12), dtype=np.uint8) -> np.ndarray:
    return np.full(shape, value, dtype=dtype)


# --------------------------------------------------------------------------- load_medmnist


def _npz(tmp_path, name="d.npz", **arrays) -> Path:
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def test_medmnist_binary_all_splits(tmp_path):
    rng = np.random.default_rng(RND_SEED)
    path = _npz(
        tmp_path,
        train_images=rng.integers(0, 256, (10, 28, 28), dtype=np.uint8),
        train_labels=np.array([0, 1] * 5, dtype=np.uint8)[:, None],
        val_images=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        val_labels=np.array([[1], [1], [0], [1]], dtype=np.uint8),
        test_images=rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        test_labels=np.array([[0], [0], [1]], dtype=np.uint8),
    )
    data = load_medmnist(path)
    assert data.splits == ("train", "val", "test")
    assert data.task == "binary"
    np.testing.assert_array_equal(data.classes, [0, 1])
    assert data.X_train.shape == (10, 28, 28) and data.X_train.dtype == np.uint8
    assert data.y_train.shape == (10,) and data.y_train.dtype == np.int64
    np.testing.assert_array_equal(data.y_val, [1, 1, 0, 1])
    assert data.y_test.tolist() == [0, 0, 1]
    assert data.path == str(path)


def test_medmnist_split_selection_and_return_X_y(tmp_path):
    path = _npz(
        tmp_path,
        train_images=np.zeros((5, 8, 8, 3), np.uint8),
        train_labels=np.arange(5)[:, None],
        test_images=np.zeros((2, 8, 8, 3), np.uint8),
        test_labels=np.array([[1], [4]]),
    )
    data = load_medmnist(path, split="test")
    assert data.splits == ("test",) and "X_train" not in data
    # Classes are those of the loaded splits.
    np.testing.assert_array_equal(data.classes, [1, 4])
    X, y = load_medmnist(path, split="train", return_X_y=True)
    assert X.shape == (5, 8, 8, 3) and y.tolist() == [0, 1, 2, 3, 4]
    assert load_medmnist(path).task == "multiclass"
    # Split order follows train/val/test whatever the request order.
    assert load_medmnist(path, split=["test", "train"]).splits == ("train", "test")
    missing = r"Split\(s\) \['val'\] not found .* has \['train', 'test'\]"
    with pytest.raises(ValueError, match=missing):
        load_medmnist(path, split="val")
    with pytest.raises(ValueError, match="split must be None or among"):
        load_medmnist(path, split="training")
    with pytest.raises(ValueError, match="return_X_y=True needs a single split"):
        load_medmnist(path, return_X_y=True)


def test_medmnist_multilabel_auto_and_forced(tmp_path):
    Y = np.array([[1, 0, 1], [0, 0, 0], [0, 1, 0], [1, 1, 0]], dtype=np.uint8)
    path = _npz(tmp_path, train_images=np.zeros((4, 8, 8), np.uint8), train_labels=Y)
    data = load_medmnist(path)
    assert data.task == "multilabel"
    np.testing.assert_array_equal(data.y_train, Y)
    np.testing.assert_array_equal(data.classes, [0, 1, 2])
    # Forcing single-label on non-one-hot rows is an error, not a silent argmax.
    with pytest.raises(ValueError, match="rows are not one-hot"):
        load_medmnist(path, multilabel=False)

    # One binary label forced to an indicator matrix.
    path1 = _npz(
        tmp_path, "b.npz", train_images=np.zeros((3, 8, 8), np.uint8),
        train_labels=np.array([[0], [1], [1]]),
    )
    data = load_medmnist(path1, multilabel=True)
    assert data.task == "multilabel" and data.y_train.shape == (3, 1)


def test_medmnist_one_hot_read_as_classes(tmp_path):
    onehot = np.eye(3, dtype=np.uint8)[[0, 2, 1, 2]]
    path = _npz(tmp_path, train_images=np.zeros((4, 8, 8), np.uint8), train_labels=onehot)
    assert load_medmnist(path).task == "multilabel"  # shape says multilabel...
    data = load_medmnist(path, multilabel=False)  # ...unless told otherwise
    assert data.task == "multiclass"
    np.testing.assert_array_equal(data.y_train, [0, 2, 1, 2])


def test_medmnist_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_medmnist(tmp_path / "missing.npz")
    bad = _npz(tmp_path, "bad.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match=r"not in the MedMNIST layout.*found \['x'\]"):
        load_medmnist(bad)
    nolab = _npz(tmp_path, "nolab.npz", train_images=np.zeros((2, 8, 8), np.uint8))
    with pytest.raises(ValueError, match="has 'train_images' but no 'train_labels'"):
        load_medmnist(nolab)
    mismatch = _npz(
        tmp_path, "mm.npz", train_images=np.zeros((3, 8, 8), np.uint8),
        train_labels=np.zeros((2, 1)),
    )
    with pytest.raises(ValueError, match="has 3 images but train_labels has 2 labels"):
        load_medmnist(mismatch)
    multi_output = _npz(
        tmp_path, "mo.npz", train_images=np.zeros((2, 8, 8), np.uint8),
        train_labels=np.array([[0, 2], [1, 0]]),
    )
    with pytest.raises(ValueError, match="not a multilabel indicator matrix"):
        load_medmnist(multi_output)
    text = tmp_path / "text.npz"
    text.write_text("not a zip")
    with pytest.raises(ValueError, match="not a valid .npz file"):
        load_medmnist(text)


@pytest.mark.skipif(not SHARED_NPZ.exists(), reason="PneumoniaMNIST file not present")
def test_medmnist_real_pneumoniamnist():
    data = load_medmnist(SHARED_NPZ)
    assert data.splits == ("train", "val") and data.task == "binary"
    assert data.X_train.shape == (3882, 28, 28) and data.y_train.shape == (3882,)
    assert np.bincount(data.y_train).tolist() == [388, 3494]
    assert data.X_val.shape == (524, 28, 28)


# --------------------------------------------------------------------------- load_image_folder


@pytest.fixture
def tree(tmp_path):
    """Three classes in PNG, JPEG and TIFF, with mixed sizes."""
    root = tmp_path / "scans"
    _write(root / "benign" / "a.png", _gray(10, (12, 12)))
    _write(root / "benign" / "b.jpg", _gray(200, (20, 16)))
    _write(root / "benign" / "nested" / "c.tiff", _gray(30, (12, 12)))
    _write(root / "malignant" / "m1.png", _gray(250, (8, 8)))
    rgb = np.zeros((12, 12, 3), np.uint8)
    rgb[..., 2] = 255  # red in OpenCV's BGR order
    _write(root / "normal" / "n1.png", rgb)
    (root / "normal" / ".DS_Store").write_bytes(b"junk")
    return root


def test_image_folder_resizes_and_labels(tree):
    data = load_image_folder(tree, image_size=(10, 14))
    assert data.images.shape == (5, 10, 14) and data.images.dtype == np.uint8
    assert data.target_names == ["benign", "malignant", "normal"]
    np.testing.assert_array_equal(data.target, [0, 0, 0, 1, 2])
    names = [Path(f).name for f in data.filenames]
    assert names == ["a.png", "b.jpg", "c.tiff", "m1.png", "n1.png"]
    # Flat images stay flat through the resize (JPEG within compression error).
    assert np.all(data.images[0] == 10) and np.all(data.images[3] == 250)
    assert abs(int(data.images[1].mean()) - 200) <= 2
    assert data.skipped == []


def test_image_folder_rgb_order_and_classes(tree):
    data = load_image_folder(tree, image_size=8, color="rgb", classes=["normal", "benign"])
    assert data.images.shape == (4, 8, 8, 3)
    assert data.target_names == ["normal", "benign"]
    np.testing.assert_array_equal(data.target, [0, 1, 1, 1])
    # Pure red in the file is channel 0 in RGB order; gray files are replicated.
    assert data.images[0, ..., 0].min() == 255 and data.images[0, ..., 2].max() == 0
    assert np.all(data.images[1] == 10)
    X, y = load_image_folder(tree, image_size=8, return_X_y=True, n_jobs=2)
    assert X.shape == (5, 8, 8) and y.tolist() == [0, 0, 0, 1, 2]


def test_image_folder_mixed_sizes_need_image_size(tree):
    expected = r"(?s)images differ in size:.*3 file\(s\) of shape \(12, 12\).*pass image_size"
    with pytest.raises(ImageLoadError, match=expected):
        load_image_folder(tree)


def test_image_folder_keeps_16_bit(tmp_path):
    root = tmp_path / "ct"
    _write(root / "a" / "x.png", _gray(4000, dtype=np.uint16))
    _write(root / "b" / "y.tif", _gray(60000, dtype=np.uint16))
    data = load_image_folder(root, image_size=6)
    assert data.images.dtype == np.uint16
    assert data.images[0].max() == 4000 and data.images[1].min() == 60000
    rgb = load_image_folder(root, color="rgb")
    assert rgb.images.dtype == np.uint16 and rgb.images.shape == (2, 12, 12, 3)
    assert rgb.images[1].min() == 60000


def test_image_folder_mixed_bit_depth_is_an_error(tmp_path):
    root = tmp_path / "mixed"
    _write(root / "a" / "x.png", _gray(40))
    _write(root / "b" / "y.png", _gray(4000, dtype=np.uint16))
    expected = r"(?s)differ in bit depth:.*dtype uint8.*dtype uint16.*one bit depth"
    with pytest.raises(ImageLoadError, match=expected):
        load_image_folder(root)


def test_image_folder_corrupt_files_raise_with_full_list(tree):
    (tree / "benign" / "broken.png").write_bytes(b"\x89PNG not really")
    (tree / "malignant" / "empty.jpg").write_bytes(b"")
    (tree / "malignant" / "notes.txt").write_text("reader comments")
    with pytest.raises(ImageLoadError) as excinfo:
        load_image_folder(tree, image_size=8)
    message = str(excinfo.value)
    assert "3 files or folders could not be loaded" in message
    assert "broken.png: not a readable image" in message
    assert "empty.jpg: empty file" in message
    assert "notes.txt: not an image file (extension '.txt')" in message
    assert "on_error='skip'" in message
    assert len(excinfo.value.failures) == 3


def test_image_folder_skip_warns_and_loads_the_rest(tree):
    (tree / "benign" / "broken.png").write_bytes(b"\x89PNG not really")
    (tree / "stray.png").write_bytes(cv2.imencode(".png", _gray(1))[1].tobytes())
    with pytest.warns(UserWarning, match=r"(?s)Skipped 2 files.*stray\.png.*broken\.png"):
        data = load_image_folder(tree, image_size=8, on_error="skip")
    assert len(data.images) == 5
    reasons = dict(data.skipped)
    assert reasons[str(tree / "stray.png")] == "image outside any class folder"


def test_image_folder_empty_class_folder(tree):
    (tree / "unlabelled").mkdir()
    with pytest.raises(ImageLoadError, match="unlabelled: class folder without images"):
        load_image_folder(tree, image_size=8)
    with pytest.warns(UserWarning, match="class folder without images"):
        data = load_image_folder(tree, image_size=8, on_error="skip")
    assert data.target_names == ["benign", "malignant", "normal"]


def test_image_folder_class_emptied_by_skipping_is_dropped(tmp_path):
    root = tmp_path / "r"
    _write(root / "a" / "ok.png", _gray(5))
    (root / "b").mkdir()
    (root / "b" / "bad.png").write_bytes(b"nope")
    _write(root / "c" / "ok.png", _gray(7))
    with pytest.warns(UserWarning, match="bad.png"):
        data = load_image_folder(root, on_error="skip")
    assert data.target_names == ["a", "c"]
    np.testing.assert_array_equal(data.target, [0, 1])


def test_image_folder_nothing_readable(tmp_path):
    root = tmp_path / "r"
    (root / "a").mkdir(parents=True)
    (root / "a" / "bad.png").write_bytes(b"nope")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ImageLoadError, match="No readable image"):
            load_image_folder(root, on_error="skip")


def test_image_folder_argument_errors(tree, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_image_folder(tmp_path / "nope")
    flat = tmp_path / "flat"
    _write(flat / "x.png", _gray(1))
    with pytest.raises(ImageLoadError, match="no sub-folders"):
        load_image_folder(flat)
    with pytest.raises(FileNotFoundError, match=r"\['tumor'\] not found.*'benign'"):
        load_image_folder(tree, classes=["benign", "tumor"])
    with pytest.raises(ValueError, match="color must be 'grayscale' or 'rgb'"):
        load_image_folder(tree, color="gray")
    with pytest.raises(ValueError, match="on_error must be 'raise' or 'skip'"):
        load_image_folder(tree, on_error="ignore")
    with pytest.raises(ValueError, match="image_size must be None, an int or"):
        load_image_folder(tree, image_size=(8, 8, 3))
    with pytest.raises(ValueError, match="image_size must be positive"):
        load_image_folder(tree, image_size=0)


def test_image_folder_image_size_beyond_memory_fails_before_reading(tree, monkeypatch):
    from skmedimg.datasets import _loaders

    def must_not_read(*args, **kwargs):
        raise AssertionError("files were read")

    monkeypatch.setattr(_loaders, "_read_many", must_not_read)
    with pytest.raises(ValueError, match=r"image_size=1000000 would need at least .* GiB "
                                         r"for 5 images, more than the .* GiB of memory"):
        load_image_folder(tree, image_size=10**6)


def test_available_memory_respects_a_container_limit(tmp_path, monkeypatch):
    from skmedimg import _validation

    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    monkeypatch.setattr(_validation, "_CGROUP_MEMORY_FILES", ((str(limit), str(usage)),))
    limit.write_text("max\n")
    usage.write_text("1000\n")
    host = _validation._host_memory_available()
    assert host > 2**20 and _validation.available_memory() == pytest.approx(host, rel=0.05)
    limit.write_text(f"{2**20 + 1000}\n")  # 1 MiB left under the container's limit
    assert _validation.available_memory() == 2**20
    usage.write_text(f"{2**21}\n")  # over the limit: nothing left, not a negative number
    assert _validation.available_memory() == 0


def test_image_folder_extensions(tree):
    data = load_image_folder(tree, image_size=8, extensions=["png", ".TIFF", ".jpg"])
    assert len(data.images) == 5
    with pytest.raises(ImageLoadError, match=r"b\.jpg: not an image file"):
        load_image_folder(tree, image_size=8, extensions=[".png", ".tiff"])


# --------------------------------------------------------------------------- image + mask


def _lgg_tree(root: Path, patients=2, slices=3, size=(16, 16), dtype=np.uint8):
    """LGG layout: one folder per patient, slice_k.tif + slice_k_mask.tif."""
    for p in range(patients):
        for k in range(1, slices + 1):
            stem = root / f"TCGA_{p}" / f"TCGA_{p}_{k}"
            image = np.full((*size, 3), 20 * k, dtype=dtype)
            mask = np.zeros(size, np.uint8)
            if k == 2:
                mask[3:7, 3:9] = 255
            _write(stem.with_name(stem.name + ".tif"), image)
            _write(stem.with_name(stem.name + "_mask.tif"), mask)
    return root


def test_mask_pairs_labels_groups_and_masks(tmp_path):
    root = _lgg_tree(tmp_path / "lgg", slices=10)
    data = load_image_mask_pairs(root)
    assert data.images.shape == (20, 16, 16) and data.masks.shape == (20, 16, 16)
    assert data.masks.dtype == np.uint8 and set(np.unique(data.masks)) == {0, 1}
    # Natural order: slice 2 before slice 10, so positives sit at index 1 of each patient.
    assert [Path(f).name for f in data.filenames[:3]] == ["TCGA_0_1.tif", "TCGA_0_2.tif",
                                                          "TCGA_0_3.tif"]
    assert Path(data.filenames[9]).name == "TCGA_0_10.tif"
    np.testing.assert_array_equal(np.flatnonzero(data.target), [1, 11])
    assert data.groups.tolist() == ["TCGA_0"] * 10 + ["TCGA_1"] * 10
    assert data.masks[1].sum() == 24
    assert all(m.endswith("_mask.tif") for m in data.mask_filenames)
    assert data.target_names == ["no_finding", "finding"]


def test_mask_pairs_resize_rgb_and_min_pixels(tmp_path):
    root = _lgg_tree(tmp_path / "lgg")
    data = load_image_mask_pairs(root, image_size=8, color="rgb", min_mask_pixels=25)
    assert data.images.shape == (6, 8, 8, 3) and data.masks.shape == (6, 8, 8)
    assert data.target.sum() == 0  # the 24-pixel masks are below the threshold
    assert set(np.unique(data.masks)) == {0, 1}  # nearest-neighbour keeps masks binary
    X, y = load_image_mask_pairs(root, return_X_y=True)
    assert X.shape == (6, 16, 16) and y.tolist() == [0, 1, 0, 0, 1, 0]
    no_masks = load_image_mask_pairs(root, return_masks=False)
    assert "masks" not in no_masks


def test_mask_pairs_16_bit(tmp_path):
    root = _lgg_tree(tmp_path / "lgg", patients=1, dtype=np.uint16)
    data = load_image_mask_pairs(root, image_size=8)
    assert data.images.dtype == np.uint16


def test_mask_pairs_orphans_and_corrupt(tmp_path):
    root = _lgg_tree(tmp_path / "lgg")
    (root / "TCGA_0" / "TCGA_0_2_mask.tif").unlink()
    _write(root / "TCGA_1" / "TCGA_1_9_mask.tif", _gray(0, (16, 16)))
    (root / "TCGA_1" / "TCGA_1_3.tif").write_bytes(b"II*\x00 truncated")
    _write(root / "TCGA_1" / "TCGA_1_1_mask.tif", _gray(0, (10, 10)))  # replaces: wrong size
    with pytest.raises(ImageLoadError) as excinfo:
        load_image_mask_pairs(root)
    message = str(excinfo.value)
    assert "TCGA_0_2.tif: no mask 'TCGA_0_2_mask.*' beside it" in message
    assert "TCGA_1_9_mask.tif: mask without an image" in message
    assert "TCGA_1_3.tif: not a readable image" in message
    assert "TCGA_1_1_mask.tif: mask is (10, 10), image is (16, 16)" in message
    with pytest.warns(UserWarning, match="Skipped 4 slices or masks"):
        data = load_image_mask_pairs(root, on_error="skip")
    assert [Path(f).name for f in data.filenames] == ["TCGA_0_1.tif", "TCGA_0_3.tif",
                                                      "TCGA_1_2.tif"]
    np.testing.assert_array_equal(data.target, [0, 0, 1])


def test_mask_pairs_nothing_found(tmp_path):
    _write(tmp_path / "r" / "a" / "x.png", _gray(1))
    with pytest.raises(ImageLoadError, match=r"no mask 'x_mask\.\*'"):
        load_image_mask_pairs(tmp_path / "r")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImageLoadError, match="No image/mask pair found"):
        load_image_mask_pairs(tmp_path / "empty")
    with pytest.raises(ValueError, match="min_mask_pixels must be a positive int"):
        load_image_mask_pairs(tmp_path / "r", min_mask_pixels=0)
