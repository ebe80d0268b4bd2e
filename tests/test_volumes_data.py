"""3-D volumes (issue 12), the data side: make_lesion_volumes, 3-D MedMNIST files and
load_nifti_folder."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from skmedimg.datasets import (
    ImageLoadError,
    load_medmnist,
    load_nifti_folder,
    make_lesion_volumes,
)

# ------------------------------------------------------------------ make_lesion_volumes


def test_make_lesion_volumes_shapes_dtype_and_prevalence():
    X, y = make_lesion_volumes(60, volume_size=(8, 10, 12), prevalence=0.25, random_state=0)
    assert X.shape == (60, 8, 10, 12, 1) and X.dtype == np.uint8
    assert y.shape == (60,) and set(np.unique(y)) == {0, 1}
    assert int(y.sum()) == 15  # exactly round(n * prevalence)
    X, y = make_lesion_volumes(7, volume_size=8, prevalence=0.0, random_state=0)
    assert X.shape == (7, 8, 8, 8, 1) and y.sum() == 0
    assert make_lesion_volumes(5, volume_size=8, prevalence=1.0, random_state=0)[1].sum() == 5


def test_make_lesion_volumes_is_deterministic_and_seed_dependent():
    X1, y1 = make_lesion_volumes(30, volume_size=8, prevalence=0.3, random_state=3)
    X2, y2 = make_lesion_volumes(30, volume_size=8, prevalence=0.3, random_state=3)
    X3, _ = make_lesion_volumes(30, volume_size=8, prevalence=0.3, random_state=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_make_lesion_volumes_lesions_change_the_voxels_inside_the_head():
    # A lesion is a bright or dark blob on smooth tissue: the centre of a positive
    # volume varies much more than that of a negative one.
    X, y = make_lesion_volumes(40, volume_size=16, prevalence=0.5, random_state=0)
    centre = X[:, 5:11, 5:11, 5:11, 0].astype(float)
    spread = centre.reshape(40, -1).std(axis=1)
    assert spread[y == 1].mean() > 1.3 * spread[y == 0].mean()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_samples": 0}, ValueError, "n_samples must be a positive int"),
    ({"n_samples": 2.5}, ValueError, "n_samples must be a positive int"),
    ({"volume_size": 4}, ValueError, r"at least 8x8x8 voxels; got 4x4x4"),
    ({"volume_size": (8, 8)}, ValueError, r"\(depth, height, width\) triple"),
    ({"volume_size": (8, 8, 8.0)}, ValueError, r"\(depth, height, width\) triple"),
    ({"prevalence": 1.5}, ValueError, r"prevalence must lie in \[0, 1\]"),
    ({"prevalence": float("nan")}, ValueError, r"prevalence must lie in \[0, 1\]"),
    ({"prevalence": "0.1"}, TypeError, "prevalence must be a number"),
    ({"prevalence": True}, TypeError, "prevalence must be a number"),
    ({"lesion_contrast": 0}, ValueError, "lesion_contrast must be a positive finite"),
    ({"lesion_contrast": None}, TypeError, "lesion_contrast must be a number"),
    ({"n_samples": 10**9, "volume_size": 64}, ValueError, "GiB of working memory"),
])
def test_make_lesion_volumes_bad_parameters(kwargs, error, match):
    kwargs = {"n_samples": 4, "volume_size": 8, **kwargs}
    with pytest.raises(error, match=match):
        make_lesion_volumes(**kwargs)


# ------------------------------------------------------------------ MedMNIST 3-D


def test_load_medmnist_reads_3d_sets_as_5d_volumes(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "nodulemnist3d.npz"
    np.savez(path,
             train_images=rng.integers(0, 255, (6, 28, 28, 28), dtype=np.uint8),
             train_labels=np.array([[0], [1], [0], [1], [1], [0]], dtype=np.uint8),
             test_images=rng.integers(0, 255, (2, 28, 28, 28), dtype=np.uint8),
             test_labels=np.array([[0], [1]], dtype=np.uint8))
    data = load_medmnist(path)
    assert data.X_train.shape == (6, 28, 28, 28, 1) and data.X_test.shape == (2, 28, 28, 28, 1)
    assert data.X_train.dtype == np.uint8 and data.task == "binary"
    np.testing.assert_array_equal(data.y_train, [0, 1, 0, 1, 1, 0])
    with np.load(path) as raw:  # the voxels themselves, only a channel axis added
        np.testing.assert_array_equal(data.X_train[..., 0], raw["train_images"])
    X, y = load_medmnist(path, split="test", return_X_y=True)
    assert X.shape == (2, 28, 28, 28, 1) and y.tolist() == [0, 1]


def test_load_medmnist_3d_64_voxels_and_rgb_images_stay_images(tmp_path):
    big = tmp_path / "big.npz"
    np.savez(big, train_images=np.zeros((2, 64, 64, 64), np.uint8), train_labels=[0, 1])
    assert load_medmnist(big).X_train.shape == (2, 64, 64, 64, 1)
    rgb = tmp_path / "rgb.npz"
    np.savez(rgb, train_images=np.zeros((3, 28, 28, 3), np.uint8), train_labels=[0, 1, 0])
    assert load_medmnist(rgb).X_train.shape == (3, 28, 28, 3)


def test_load_medmnist_refuses_splits_mixing_volumes_and_images(tmp_path):
    path = tmp_path / "mixed.npz"
    np.savez(path, train_images=np.zeros((2, 28, 28, 28), np.uint8), train_labels=[0, 1],
             test_images=np.zeros((2, 28, 28), np.uint8), test_labels=[0, 1])
    with pytest.raises(ValueError, match="hold images of different shapes"):
        load_medmnist(path)


# ------------------------------------------------------------------ NIfTI folders

nib = pytest.importorskip("nibabel")


def _save(path, data, affine=None, **header):
    image = nib.Nifti1Image(np.asarray(data), np.eye(4) if affine is None else affine)
    for key, value in header.items():
        image.header[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(image, str(path))


def _ct(value, shape=(10, 12, 6)):
    return np.full(shape, value, dtype=np.int16)


def test_nifti_folder_keeps_int16_and_labels_by_folder(tmp_path):
    for i, value in enumerate((-1000, -500, 40)):
        _save(tmp_path / "benign" / f"case{i}.nii.gz", _ct(value))
    _save(tmp_path / "malignant" / "sub" / "case9.nii", _ct(300))
    data = load_nifti_folder(tmp_path)
    assert data.images.shape == (4, 6, 12, 10, 1)  # (x, y, z) -> (D=z, H=y, W=x)
    assert data.images.dtype == np.int16
    assert data.target.tolist() == [0, 0, 0, 1]
    assert data.target_names == ["benign", "malignant"]
    assert data.images[:, 0, 0, 0, 0].tolist() == [-1000, -500, 40, 300]
    assert data.filenames[-1].endswith("case9.nii")
    np.testing.assert_array_equal(data.voxel_sizes, np.ones((4, 3)))
    assert data.skipped == []
    X, y = load_nifti_folder(tmp_path, classes=["malignant", "benign"], return_X_y=True)
    assert y.tolist() == [0, 1, 1, 1] and X.shape == (4, 6, 12, 10, 1)


def test_nifti_folder_resamples_to_volume_shape_in_the_stored_dtype(tmp_path):
    ramp = np.arange(16, dtype=np.int16)[:, None, None] * np.ones((16, 8, 4), np.int16) - 800
    _save(tmp_path / "a" / "ramp.nii.gz", ramp)  # x runs from -800 to -785
    _save(tmp_path / "b" / "flat.nii.gz", np.full((20, 20, 20), 1200, np.uint16))
    data = load_nifti_folder(tmp_path, volume_shape=(4, 8, 8), classes=["a"])
    assert data.images.shape == (1, 4, 8, 8, 1) and data.images.dtype == np.int16
    along_w = data.images[0, 0, 0, :, 0]
    assert along_w[0] == -800 and along_w[-1] == -785 and np.all(np.diff(along_w) > 0)
    flat = load_nifti_folder(tmp_path, volume_shape=6, classes=["b"]).images
    assert flat.shape == (1, 6, 6, 6, 1) and flat.dtype == np.uint16
    assert np.all(flat == 1200)


def test_nifti_folder_mixed_shapes_and_dtypes_are_explained(tmp_path):
    _save(tmp_path / "a" / "small.nii.gz", _ct(0, (8, 8, 8)))
    _save(tmp_path / "b" / "large.nii.gz", _ct(0, (9, 8, 8)))
    with pytest.raises(ImageLoadError, match=r"(?s)differ in shape:.*pass volume_shape"):
        load_nifti_folder(tmp_path)
    assert load_nifti_folder(tmp_path, volume_shape=8).images.shape == (2, 8, 8, 8, 1)
    _save(tmp_path / "b" / "float.nii.gz", np.zeros((8, 8, 8), np.float32))
    with pytest.raises(ImageLoadError, match=r"(?s)differ in dtype:.*pass dtype=\.\.\."):
        load_nifti_folder(tmp_path, volume_shape=8)
    data = load_nifti_folder(tmp_path, volume_shape=8, dtype=np.float32)
    assert data.images.dtype == np.float32 and len(data.target) == 3


def test_nifti_folder_scaled_intensities_come_back_as_int_with_dtype(tmp_path):
    raw = np.arange(8 * 8 * 8, dtype=np.uint16).reshape(8, 8, 8)
    image = nib.Nifti1Image(raw, np.eye(4))
    image.header.set_slope_inter(1, -1024)  # CT stored unsigned with an intercept
    (tmp_path / "a").mkdir()
    nib.save(image, str(tmp_path / "a" / "ct.nii.gz"))
    assert load_nifti_folder(tmp_path).images.dtype.kind == "f"  # nibabel scales to float
    data = load_nifti_folder(tmp_path, dtype=np.int16)
    assert data.images.dtype == np.int16 and data.images.min() == -1024
    with pytest.raises(ImageLoadError, match="do not fit dtype=uint8"):
        load_nifti_folder(tmp_path, dtype=np.uint8)


def test_nifti_folder_reorients_to_the_same_axes(tmp_path):
    vol = np.zeros((8, 8, 8), np.int16)
    vol[0, 0, 0] = 100  # the voxel nearest to (right, posterior, inferior) = (-x, -y, -z)
    _save(tmp_path / "a" / "ras.nii.gz", vol)
    flipped = np.diag([-1.0, 1, 1, 1])  # stored left to right in the other direction
    _save(tmp_path / "b" / "las.nii.gz", vol[::-1], affine=flipped)
    data = load_nifti_folder(tmp_path)
    np.testing.assert_array_equal(data.images[0], data.images[1])
    raw = load_nifti_folder(tmp_path, reorient=False).images
    assert not np.array_equal(raw[0], raw[1])


def test_nifti_folder_trailing_singleton_axis_is_a_volume(tmp_path):
    _save(tmp_path / "a" / "v.nii.gz", np.ones((6, 6, 6, 1), np.uint8))
    assert load_nifti_folder(tmp_path).images.shape == (1, 6, 6, 6, 1)


def test_nifti_folder_reports_every_bad_file(tmp_path):
    _save(tmp_path / "a" / "good.nii.gz", _ct(0, (6, 6, 6)))
    _save(tmp_path / "a" / "fmri.nii.gz", np.zeros((6, 6, 6, 3), np.int16))
    _save(tmp_path / "a" / "slice.nii.gz", np.zeros((6, 6), np.int16))
    (tmp_path / "a" / "broken.nii.gz").write_bytes(b"not a nifti file at all")
    (tmp_path / "a" / "empty.nii").write_bytes(b"")
    (tmp_path / "a" / "notes.txt").write_text("hello")
    (tmp_path / "b").mkdir()  # a class folder without volumes
    _save(tmp_path / "stray.nii.gz", _ct(0, (6, 6, 6)))
    with pytest.raises(ImageLoadError, match="7 files or folders could not be loaded") as info:
        load_nifti_folder(tmp_path)
    reasons = {path.rsplit("/", 1)[-1]: reason for path, reason in info.value.failures}
    assert "time series" in reasons["fmri.nii.gz"] and "(6, 6, 6, 3)" in reasons["fmri.nii.gz"]
    assert "2-D image" in reasons["slice.nii.gz"]
    assert "not a readable NIfTI file" in reasons["broken.nii.gz"]
    assert reasons["empty.nii"] == "empty file (0 bytes)"
    assert "not a NIfTI file" in reasons["notes.txt"]
    assert reasons["b"] == "class folder without NIfTI volumes"
    assert reasons["stray.nii.gz"] == "volume outside any class folder"
    with pytest.warns(UserWarning, match="Skipped 7 files or folders"):
        data = load_nifti_folder(tmp_path, on_error="skip")
    assert data.images.shape == (1, 6, 6, 6, 1) and data.target_names == ["a"]
    assert len(data.skipped) == 7


def test_nifti_folder_empty_and_missing_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_nifti_folder(tmp_path / "missing")
    with pytest.raises(ImageLoadError, match="has no sub-folders"):
        load_nifti_folder(tmp_path)
    (tmp_path / "a").mkdir()
    with pytest.raises(ImageLoadError, match="class folder without NIfTI volumes"):
        load_nifti_folder(tmp_path)
    with pytest.raises(ImageLoadError, match="No readable NIfTI volume"), \
            pytest.warns(UserWarning, match="Skipped 1"):
        load_nifti_folder(tmp_path, on_error="skip")
    with pytest.raises(FileNotFoundError, match=r"Class folder\(s\) \['z'\] not found"):
        load_nifti_folder(tmp_path, classes=["z"])


@pytest.mark.parametrize("kwargs, match", [
    ({"volume_shape": (8, 8)}, r"volume_shape must be None, an int or a \(depth"),
    ({"volume_shape": 0}, "volume_shape must be positive"),
    ({"dtype": "complex64"}, "integer or floating NumPy dtype"),
    ({"dtype": "not-a-type"}, "dtype must be None or a numeric NumPy dtype"),
    ({"reorient": "yes"}, "reorient must be True or False"),
    ({"on_error": "ignore"}, "on_error must be 'raise' or 'skip'"),
    ({"classes": "a"}, "classes must be a list of folder names"),
    ({"classes": ["../a"]}, "without '/' or '..'"),
])
def test_nifti_folder_bad_parameters(tmp_path, kwargs, match):
    _save(tmp_path / "a" / "v.nii.gz", _ct(0, (6, 6, 6)))
    with pytest.raises(ValueError, match=match):
        load_nifti_folder(tmp_path, **kwargs)


def test_nifti_folder_without_nibabel_says_how_to_install_it(tmp_path, monkeypatch):
    _save(tmp_path / "a" / "v.nii.gz", _ct(0, (6, 6, 6)))
    monkeypatch.setitem(sys.modules, "nibabel", None)  # makes `import nibabel` fail
    with pytest.raises(ImportError, match=r"pip install \"skmedimg\[nifti\]\""):
        load_nifti_folder(tmp_path)
