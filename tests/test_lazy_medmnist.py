"""load_medmnist(mmap_mode="r"): MedMNIST images kept on disk as a LazyImageArray."""

import pickle

import numpy as np
import pytest

from skmedimg.datasets import LazyImageArray, load_medmnist


def _archive(path, images, labels):
    np.savez_compressed(path, train_images=images, train_labels=labels[:, None],
                        test_images=images[:4], test_labels=labels[:4, None])
    return path


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (40, 12, 12), dtype=np.uint8), rng.integers(0, 2, 40)


def test_mmap_mode_gives_lazy_images_equal_to_the_in_memory_load(tmp_path, data):
    path = _archive(tmp_path / "tiny.npz", *data)
    lazy, eager = load_medmnist(path, mmap_mode="r"), load_medmnist(path)
    for s in ("train", "test"):
        assert isinstance(lazy[f"X_{s}"], LazyImageArray)
        np.testing.assert_array_equal(np.asarray(lazy[f"X_{s}"]), eager[f"X_{s}"])
        np.testing.assert_array_equal(lazy[f"y_{s}"], eager[f"y_{s}"])
    assert sorted(p.name for p in (tmp_path / "tiny_arrays").iterdir()) == [
        "test_images.json", "test_images.npy", "train_images.json", "train_images.npy"]
    # Pickling ships the path, not the 5 760 pixels.
    assert len(pickle.dumps(lazy.X_train)) < 2000


def test_extraction_is_reused_and_redone_when_the_archive_changes(tmp_path, data):
    images, labels = data
    path = _archive(tmp_path / "tiny.npz", images, labels)
    cache = tmp_path / "cache"
    load_medmnist(path, split="train", mmap_mode="r", cache_dir=cache)
    first = (cache / "train_images.npy").stat().st_mtime_ns
    load_medmnist(path, split="train", mmap_mode="r", cache_dir=cache)
    assert (cache / "train_images.npy").stat().st_mtime_ns == first  # reused
    volumes = np.arange(3 * 8 * 8 * 8, dtype=np.uint8).reshape(3, 8, 8, 8)
    np.savez_compressed(path, train_images=volumes, train_labels=np.array([[0], [1], [0]]))
    X = load_medmnist(path, split="train", mmap_mode="r", cache_dir=cache).X_train
    assert X.shape == (3, 8, 8, 8, 1)  # a 3-D set gets its channel axis, lazily
    np.testing.assert_array_equal(np.asarray(X)[..., 0], volumes)


def test_truncated_archive_and_bad_mmap_mode_are_clear_errors(tmp_path, data):
    path = _archive(tmp_path / "tiny.npz", *data)
    with pytest.raises(ValueError, match=r"mmap_mode must be None .* or 'r'"):
        load_medmnist(path, mmap_mode="r+")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ValueError, match=r"truncated or corrupt"):
        load_medmnist(path, mmap_mode="r", cache_dir=tmp_path / "c")
    assert not any((tmp_path / "c").glob("*.npy"))  # nothing half-written left to reuse
