"""``load_nifti_folder``: 3-D NIfTI volumes read from one sub-folder per class.

nibabel is an optional dependency (``pip install "skmedimg[nifti]"``), imported only
when the loader runs. Failures are reported as in every loader (see ``_loaders``).
"""

from __future__ import annotations

import gzip
import numbers
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import Bunch

from .._validation import available_memory
from ._loaders import (
    ImageLoadError,
    _check_on_error,
    _check_root,
    _class_names_and_target,
    _find_class_folders,
    _handle_failures,
    _real,
    _walk_files,
    logger,
)

#: File names the NIfTI loader reads (lower case).
NIFTI_SUFFIXES = (".nii", ".nii.gz")


def _import_nibabel():
    try:
        import nibabel
    except ImportError:
        raise ImportError(
            "load_nifti_folder needs nibabel to read NIfTI files; install it with "
            "pip install \"skmedimg[nifti]\" (or pip install nibabel)."
        ) from None
    return nibabel


def _is_nifti(path: Path) -> bool:
    return path.name.lower().endswith(NIFTI_SUFFIXES)


def _check_volume_shape(volume_shape) -> tuple[int, int, int] | None:
    if volume_shape is None:
        return None
    if isinstance(volume_shape, numbers.Integral) and not isinstance(volume_shape, bool):
        volume_shape = (volume_shape,) * 3
    try:
        shape = tuple(volume_shape)
        if len(shape) != 3 or not all(
            isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in shape
        ):
            raise TypeError
    except TypeError:
        raise ValueError(
            "volume_shape must be None, an int or a (depth, height, width) triple of ints; "
            f"got {volume_shape!r}."
        ) from None
    if min(shape) < 1:
        raise ValueError(f"volume_shape must be positive; got {volume_shape!r}.")
    return tuple(int(s) for s in shape)


def _check_dtype(dtype) -> np.dtype | None:
    if dtype is None:
        return None
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be None or a numeric NumPy dtype; got {dtype!r}.") from None
    if dtype.kind not in "uif":
        raise ValueError(
            f"dtype must be None or an integer or floating NumPy dtype; got {dtype}."
        )
    return dtype


def _resample(volume: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """Linear resampling to ``shape``, keeping the dtype.

    Axes that shrink are smoothed first (a Gaussian of sigma ``(factor - 1) / 2``, as
    scikit-image's ``resize(anti_aliasing=True)``) so that noise does not alias. The
    work is done in floating point and integers are rounded back; linear interpolation
    never leaves the input's range, so the cast cannot overflow.
    """
    from scipy import ndimage

    if volume.shape == shape:
        return volume
    dtype = volume.dtype
    small_int = dtype.kind in "ui" and dtype.itemsize <= 2  # exact in float32
    work = volume.astype(np.float32 if small_int or dtype == np.float32 else np.float64)
    factors = [new / old for new, old in zip(shape, volume.shape)]
    sigma = [max(0.0, (1 / f - 1) / 2) for f in factors]
    if any(sigma):
        work = ndimage.gaussian_filter(work, sigma, mode="nearest")
    work = ndimage.zoom(work, factors, order=1, mode="nearest")
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        work = np.clip(np.rint(work), info.min, info.max)
    return work.astype(dtype, copy=False)


def _read_volume(path: Path, nib, shape, dtype, reorient: bool):
    """One volume as ``((D, H, W) array, voxel sizes)`` or ``(None, reason)``."""
    try:
        if path.stat().st_size == 0:
            return None, "empty file (0 bytes)"
        image = nib.load(str(path))
        header_shape = tuple(int(s) for s in image.shape)
        if len(header_shape) < 3:
            return None, (f"a {len(header_shape)}-D image of shape {header_shape}, not a "
                          "3-D volume")
        if any(s != 1 for s in header_shape[3:]):
            return None, (f"a {len(header_shape)}-D image of shape {header_shape} (a time "
                          "series or several volumes/channels); load_nifti_folder reads one "
                          "3-D volume per file")
        # dataobj, not get_fdata(): keeps the stored dtype (int16 CT stays int16) unless
        # the header scales intensities (scl_slope/scl_inter), where nibabel gives floats.
        data = np.asanyarray(image.dataobj)
        data = data.reshape(header_shape[:3])
        zooms = tuple(float(z) for z in image.header.get_zooms()[:3])
        if reorient:
            ornt = nib.orientations.io_orientation(image.affine)
            data = nib.orientations.apply_orientation(data, ornt)
            zooms = tuple(zooms[int(axis)] for axis in ornt[:, 0].argsort())
    except (gzip.BadGzipFile, zlib.error, EOFError, OSError, ValueError, TypeError,
            nib.filebasedimages.ImageFileError) as exc:
        text = str(exc).strip().splitlines()
        return None, (f"not a readable NIfTI file ({type(exc).__name__}"
                      + (f": {text[0]}" if text else "") + ")")
    if data.dtype.kind not in "uif":
        return None, f"unsupported voxel type {data.dtype} (e.g. RGB or complex NIfTI)"
    if data.dtype.kind == "f" and not np.all(np.isfinite(data)):
        return None, "contains NaN or infinite voxels"
    # (x, y, z) -> (z, y, x): in RAS+ orientation axis 0 runs along the slices
    # (inferior to superior), then posterior to anterior, then left to right.
    data = data.transpose(2, 1, 0)
    zooms = zooms[::-1]
    if dtype is not None and data.dtype != dtype:
        if dtype.kind in "ui":
            info = np.iinfo(dtype)
            if data.dtype.kind == "f" and not np.array_equal(data, np.round(data)):
                return None, f"non-integer intensities cannot be cast to dtype={dtype}"
            if data.size and (data.min() < info.min or data.max() > info.max):
                return None, (f"intensities from {data.min()} to {data.max()} do not fit "
                              f"dtype={dtype}")
        data = data.astype(dtype)
    if shape is not None:
        data = _resample(data, shape)
    return np.ascontiguousarray(data), zooms


def _stack_volumes(volumes: list[np.ndarray], paths: list[Path]) -> np.ndarray:
    kinds = Counter((v.shape, str(v.dtype)) for v in volumes)
    if len(kinds) > 1:
        examples: dict = {}
        for v, p in zip(volumes, paths):
            examples.setdefault((v.shape, str(v.dtype)), str(p))
        detail = "\n".join(f"  {n} file(s) of shape {shape} and dtype {dtype}, e.g. "
                           f"{examples[(shape, dtype)]}"
                           for (shape, dtype), n in kinds.items())
        differs, hints = [], []
        if len({shape for shape, _ in kinds}) > 1:
            differs.append("shape")
            hints.append("pass volume_shape=(depth, height, width) to resample them all")
        if len({dtype for _, dtype in kinds}) > 1:
            differs.append("dtype")
            hints.append("pass dtype=... to convert them to one type (mixing types would "
                         "put them on different intensity scales)")
        raise ImageLoadError(
            f"The volumes differ in {' and '.join(differs)}:\n{detail}\nTo load them, "
            f"{' and '.join(hints)}."
        )
    return np.stack(volumes)[..., None]


def load_nifti_folder(
    root,
    *,
    volume_shape: int | tuple[int, int, int] | None = None,
    classes: Sequence[str] | None = None,
    dtype=None,
    reorient: bool = True,
    on_error: str = "raise",
    n_jobs: int | None = None,
    return_X_y: bool = False,
):
    """Load 3-D NIfTI volumes stored one sub-folder per class, resampled to one shape.

    ``root/<class name>/**/<volume>.nii.gz``: every sub-folder of ``root`` is a class
    and every ``.nii`` or ``.nii.gz`` file below it (at any depth) a sample of that
    class, as in :func:`load_image_folder`. Files are read with nibabel (an optional
    dependency: ``pip install "skmedimg[nifti]"``) in parallel threads.

    The stored voxel type is kept: int16 CT volumes stay int16 (Hounsfield units;
    window them with ``CNNClassifier(rescale=(-1000, 400))``), uint8/uint16 stay
    unsigned and float volumes float. Volumes are returned with a channel axis,
    ``(n, D, H, W, 1)``, so that estimators read them as volumes.

    Read more in the :ref:`User Guide <nifti_volumes>`.

    Parameters
    ----------
    root : str or path-like
        Folder holding one sub-folder per class. Hidden files and folders are
        ignored; symbolic links and non-regular files are treated as in
        :func:`load_image_folder`.
    volume_shape : int or (int, int, int), default=None
        ``(depth, height, width)`` to resample every volume to (linear interpolation,
        smoothing first along axes that shrink; the voxel type is kept and the
        physical aspect ratio is not). ``None`` keeps the files' shape, which must
        then be the same for all of them.
    classes : list of str, default=None
        Class folders to load, in the order that defines the integer labels. ``None``
        loads every sub-folder in sorted order.
    dtype : numpy dtype, default=None
        Convert every volume to this type, e.g. ``np.int16`` or ``np.float32``. An
        integer type refuses (as a failed file) volumes whose values are not integers
        or do not fit it. ``None`` keeps each file's type, which must then be the same
        for all files.
    reorient : bool, default=True
        Reorder and flip the axes of every volume to the closest canonical (RAS+)
        orientation of its affine, so that an axis means the same direction in every
        file, whatever orientation the scanner wrote. The returned axes are then
        ``(D, H, W)`` = (inferior→superior, posterior→anterior, left→right). No
        interpolation is involved. ``False`` keeps the stored voxel order, transposed
        from NIfTI's ``(i, j, k)`` to ``(k, j, i)``.
    on_error : {"raise", "skip"}, default="raise"
        What to do with files that cannot be read or are not single 3-D volumes
        (corrupt, empty, 2-D, 4-D time series), other files inside class folders,
        volumes lying directly in ``root`` and empty class folders. ``"raise"`` raises
        one :class:`ImageLoadError` listing all of them; ``"skip"`` loads the rest and
        emits one warning listing what was skipped.
    n_jobs : int, default=None
        Number of threads reading files. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        images : ndarray of shape (n, D, H, W, 1)
            The volumes, in their stored type (or ``dtype``).
        target : ndarray of shape (n,)
            Integer class labels, indices into ``target_names``.
        target_names : list of str
            Class folder names; ``target_names[k]`` is class ``k``.
        filenames : ndarray of str of shape (n,)
            Path of each volume, in the order of ``images``.
        voxel_sizes : ndarray of float of shape (n, 3)
            Voxel size of each file along ``(D, H, W)`` before resampling (mm for
            most scanners).
        skipped : list of (str, str)
            ``(path, reason)`` of everything skipped (empty unless ``on_error="skip"``).

    (images, target) : tuple of ndarray
        When ``return_X_y=True``.

    Raises
    ------
    ImportError
        When nibabel is not installed.
    FileNotFoundError
        When ``root`` or a folder named in ``classes`` does not exist.
    ImageLoadError
        When files cannot be read (``on_error="raise"``), no volume is left, or the
        volumes differ in shape (and ``volume_shape`` is ``None``) or in dtype (and
        ``dtype`` is ``None``).
    ValueError
        When a parameter is invalid.

    See Also
    --------
    load_image_folder : 2-D images stored one folder per class.
    load_medmnist : MedMNIST ``.npz`` files, including the 3-D sets.
    make_lesion_volumes : Synthetic volumes in the same layout.

    Notes
    -----
    A file with trailing axes of length 1 (shape ``(x, y, z, 1)``) counts as a 3-D
    volume. When the header scales intensities (``scl_slope``/``scl_inter`` other than
    1 and 0), nibabel returns the scaled values as floats; pass ``dtype=np.int16`` to
    get integers back when they are whole numbers. DICOM series are not read; convert
    them first (e.g. with ``dcm2niix``).

    Examples
    --------
    >>> import numpy as np, nibabel as nib, tempfile, pathlib
    >>> from skmedimg.datasets import load_nifti_folder
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name, n in [("normal", 3), ("nodule", 1)]:
    ...     (root / name).mkdir()
    ...     for i in range(n):
    ...         ct = np.full((20, 20, 10), -1000 + 100 * i, dtype=np.int16)
    ...         nib.save(nib.Nifti1Image(ct, np.eye(4)), root / name / f"{i}.nii.gz")
    >>> data = load_nifti_folder(root, volume_shape=(8, 16, 16), classes=["normal", "nodule"])
    >>> data.images.shape, data.images.dtype, data.target
    ((4, 8, 16, 16, 1), dtype('int16'), array([0, 0, 0, 1]))
    """
    root = _check_root(root)
    shape = _check_volume_shape(volume_shape)
    dtype = _check_dtype(dtype)
    if not isinstance(reorient, (bool, np.bool_)):
        raise ValueError(f"reorient must be True or False; got {reorient!r}.")
    on_error = _check_on_error(on_error)
    nib = _import_nibabel()

    failures: list[tuple[str, str]] = []
    class_dirs, _ = _find_class_folders(
        root, classes, failures, loader="load_nifti_folder", noun="volume",
        layout="root/<class>/<volume>.nii.gz", is_item=_is_nifti,
    )
    root_real = _real(root)
    seen = {_real(p) for p in class_dirs}
    paths: list[Path] = []
    labels: list[int] = []
    for k, folder in enumerate(class_dirs):
        files = _walk_files(folder, root_real, seen, failures)
        volumes = [f for f in files if _is_nifti(f)]
        failures.extend((str(f), "not a NIfTI file (.nii or .nii.gz)")
                        for f in files if not _is_nifti(f))
        if not volumes:
            failures.append((str(folder), "class folder without NIfTI volumes"))
        paths.extend(volumes)
        labels.extend([k] * len(volumes))

    if shape is not None:
        need = len(paths) * int(np.prod(shape)) * (1 if dtype is None else dtype.itemsize)
        avail = available_memory()
        if avail is not None and need > avail:
            raise ValueError(
                f"volume_shape={volume_shape!r} would need at least {need / 2**30:,.1f} GiB "
                f"for {len(paths):,} volumes, more than the {avail / 2**30:,.1f} GiB of "
                "memory available; choose a smaller volume_shape."
            )
    results = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_read_volume)(p, nib, shape, dtype, reorient) for p in paths
    ) if paths else []
    failures.extend((str(p), out[1]) for p, out in zip(paths, results) if out[0] is None)
    _handle_failures(failures, on_error, "files or folders")

    keep = [i for i, (volume, _) in enumerate(results) if volume is not None]
    if not keep:
        raise ImageLoadError(f"No readable NIfTI volume found under {str(root)!r}.", failures)
    kept_paths = [paths[i] for i in keep]
    images = _stack_volumes([results[i][0] for i in keep], kept_paths)
    target = np.asarray([labels[i] for i in keep], dtype=np.int64)

    names, target = _class_names_and_target(class_dirs, target)
    logger.info("Loaded %d volumes of %d classes from %s", len(target), len(names), root)
    if return_X_y:
        return images, target
    return Bunch(
        images=images,
        target=target,
        target_names=names,
        filenames=np.asarray([str(p) for p in kept_paths]),
        voxel_sizes=np.asarray([results[i][1] for i in keep], dtype=float),
        skipped=failures,
    )
