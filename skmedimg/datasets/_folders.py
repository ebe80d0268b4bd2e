"""``load_image_folder`` and ``load_image_mask_pairs``: images read from a directory tree.

Failures are reported as in every loader (see ``_loaders``); the log records go to the
``skmedimg.datasets._loaders`` logger, shared by all loaders. Files are read through
``_loaders._read_many`` (looked up on the module, so tests can replace it).
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
from sklearn.utils import Bunch

from . import _loaders
from ._lazy import write_collection
from ._loaders import (
    ImageLoadError,
    _check_color,
    _check_extensions,
    _check_image_size,
    _check_on_error,
    _check_resized_memory,
    _check_root,
    _class_names_and_target,
    _find_class_folders,
    _handle_failures,
    _natural_key,
    _real,
    _stack,
    _walk_files,
    logger,
)

# --------------------------------------------------------------------------- class folders


def load_image_folder(
    root,
    *,
    image_size: int | tuple[int, int] | None = None,
    color: str = "grayscale",
    classes: Sequence[str] | None = None,
    extensions: Iterable[str] | None = None,
    on_error: str = "raise",
    n_jobs: int | None = None,
    return_X_y: bool = False,
    out: str | os.PathLike | None = None,
):
    """Load images stored one sub-folder per class, read and resized with OpenCV.

    ``root/<class name>/**/<image file>``: every sub-folder of ``root`` is a class and
    every image below it (at any depth) a sample of that class. This is the layout of
    most Kaggle medical-image sets (e.g. ``chest_xray/train/NORMAL``,
    ``chest_xray/train/PNEUMONIA``) and of torchvision's ``ImageFolder``.

    Bit depth is kept: 8-bit files give uint8, 16-bit PNG/TIFF files (typical of CT,
    MRI and digital X-ray exports) give uint16 and 32-bit float TIFFs give float32.
    Files are decoded in parallel threads.

    Read more in the :ref:`User Guide <image_folder>`.

    Parameters
    ----------
    root : str or path-like
        Folder holding one sub-folder per class. Hidden files and folders (names
        starting with ".") are ignored.
    image_size : int or (int, int), default=None
        ``(height, width)`` to resize every image to (``INTER_AREA`` when shrinking,
        ``INTER_LINEAR`` when enlarging; aspect ratio is not kept). ``None`` keeps the
        files' size, which must then be the same for all of them.
    color : {"grayscale", "rgb"}, default="grayscale"
        ``"grayscale"`` returns ``(n, H, W)``; ``"rgb"`` returns ``(n, H, W, 3)`` in
        RGB order (grayscale files are replicated, alpha channels dropped).
    classes : list of str, default=None
        Class folders to load, in the order that defines the integer labels.
        ``None`` loads every sub-folder in sorted order. Pass e.g.
        ``["NORMAL", "PNEUMONIA"]`` to make sure the positive class is 1.
    extensions : list of str, default=None
        File extensions to read (case-insensitive); ``None`` means
        :data:`IMAGE_EXTENSIONS` (PNG, JPEG, TIFF, BMP, PNM, WebP, JPEG 2000). Other
        files inside class folders count as errors (see ``on_error``).
    on_error : {"raise", "skip"}, default="raise"
        What to do with files that cannot be read (corrupt, empty, unsupported),
        files of another type inside a class folder, image files lying directly in
        ``root`` and empty class folders. ``"raise"`` raises one
        :class:`ImageLoadError` listing all of them; ``"skip"`` loads the rest and
        emits one warning listing what was skipped.
    n_jobs : int, default=None
        Number of threads reading files. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.
    out : str or path-like, default=None
        For collections larger than memory: decode and resize the images once into this
        ``.npy`` file (or ``.zarr`` folder, with the optional ``zarr`` package) and return
        them as a :class:`~skmedimg.datasets.LazyImageArray`, read batch by batch. Files are
        decoded in parallel (``n_jobs``) about 64 MiB at a time, with progress in the
        ``skmedimg.datasets`` log. The file is written as ``<out>.partial`` and renamed when
        complete, so ``out`` never holds half a collection; rerunning the same call resumes
        an interrupted write, and reuses a complete ``out`` without decoding anything. An
        existing ``out`` written from other files or settings raises ``FileExistsError``; it
        is never overwritten. Unreadable files are left out of ``out`` (and reported as
        ``on_error`` says).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        images : ndarray or LazyImageArray of shape (n, H, W) or (n, H, W, 3)
            The images, uint8, uint16 or float32 as stored in the files; a
            :class:`~skmedimg.datasets.LazyImageArray` of ``out`` when ``out`` is given.
        target : ndarray of shape (n,)
            Integer class labels, indices into ``target_names``.
        target_names : list of str
            Class folder names; ``target_names[k]`` is class ``k``.
        filenames : ndarray of str of shape (n,)
            Path of each image, in the order of ``images``.
        skipped : list of (str, str)
            ``(path, reason)`` of everything skipped (empty unless ``on_error="skip"``).

    (images, target) : tuple of ndarray
        When ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        When ``root`` or a folder named in ``classes`` does not exist.
    ImageLoadError
        When files cannot be read (``on_error="raise"``), no image is left, or the
        images differ in size or bit depth and ``image_size`` is ``None``.

    See Also
    --------
    load_image_mask_pairs : Slices with segmentation masks, labelled by the masks.
    load_medmnist : Images already packed in a MedMNIST ``.npz`` file.

    Notes
    -----
    DICOM files are not read; convert them first (e.g. with ``pydicom``) to 16-bit PNG
    or TIFF, which keeps their full dynamic range.

    Symbolic links to files and folders are followed, except links to folders that
    lead back into ``root`` (to ``root`` itself, a parent of it or a folder inside it)
    or to a folder already reached through another link: following those would read
    the same images twice, under another class, or never end. Such links, and
    entries that are not regular files (FIFOs, sockets, devices, which could block
    reading), are skipped with a warning in the ``skmedimg.datasets`` log. A folder
    named in ``classes`` is read even when it links to another folder inside ``root``,
    but not when it links to ``root`` or a parent of it.

    Examples
    --------
    >>> import numpy as np, cv2, tempfile, pathlib
    >>> from skmedimg.datasets import load_image_folder
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name, n in [("normal", 3), ("tumour", 1)]:
    ...     (root / name).mkdir()
    ...     for i in range(n):
    ...         _ = cv2.imwrite(str(root / name / f"{i}.png"), np.full((20, 30), 60 * i, np.uint8))
    >>> data = load_image_folder(root, image_size=16)
    >>> data.images.shape, data.images.dtype, data.target, data.target_names
    ((4, 16, 16), dtype('uint8'), array([0, 0, 0, 1]), ['normal', 'tumour'])
    """
    root = _check_root(root)
    flags = _check_color(color)
    size = _check_image_size(image_size)
    exts = _check_extensions(extensions)
    on_error = _check_on_error(on_error)

    failures: list[tuple[str, str]] = []
    root_real = _real(root)
    class_dirs, seen = _find_class_folders(
        root, classes, failures, loader="load_image_folder", noun="image",
        layout="root/<class>/<image>", is_item=lambda p: p.suffix.lower() in exts,
    )
    seen.update(_real(p) for p in class_dirs)
    paths: list[Path] = []
    labels: list[int] = []
    for k, folder in enumerate(class_dirs):
        files = _walk_files(folder, root_real, seen, failures)
        images = [f for f in files if f.suffix.lower() in exts]
        failures.extend(
            (str(f), f"not an image file (extension {f.suffix or 'none'!r})")
            for f in files
            if f.suffix.lower() not in exts
        )
        if not images:
            failures.append((str(folder), "class folder without images"))
        paths.extend(images)
        labels.extend([k] * len(images))

    if out is not None:
        if on_error == "raise":  # before hours of decoding, not after
            _handle_failures(failures, on_error, "files or folders")
        images, write_failures, keep = write_collection(
            out, paths, flags=flags, size=size, color=color, n_jobs=n_jobs, logger=logger
        )
        failures.extend(write_failures)
        _handle_failures(failures, on_error, "files or folders")
        if images is None:
            raise ImageLoadError(f"No readable image found under {str(root)!r}.", failures)
        kept_paths = [paths[i] for i in keep]
    else:
        if size is not None:
            _check_resized_memory(len(paths), size, 1 if color == "grayscale" else 3,
                                  image_size)
        results = _loaders._read_many(paths, flags, size, n_jobs)
        failures.extend((str(p), reason) for p, (_, reason) in zip(paths, results) if reason)
        _handle_failures(failures, on_error, "files or folders")

        keep = [i for i, (image, _) in enumerate(results) if image is not None]
        if not keep:
            raise ImageLoadError(f"No readable image found under {str(root)!r}.", failures)
        kept_paths = [paths[i] for i in keep]
        images = _stack([results[i][0] for i in keep], kept_paths, "images")
    target = np.asarray([labels[i] for i in keep], dtype=np.int64)

    names, target = _class_names_and_target(class_dirs, target)
    logger.info("Loaded %d images of %d classes from %s", len(target), len(names), root)
    if return_X_y:
        return images, target
    return Bunch(
        images=images,
        target=target,
        target_names=names,
        filenames=np.asarray([str(p) for p in kept_paths]),
        skipped=failures,
    )


# --------------------------------------------------------------------------- image + mask


def load_image_mask_pairs(
    root,
    *,
    mask_suffix: str = "_mask",
    image_size: int | tuple[int, int] | None = None,
    color: str = "grayscale",
    min_mask_pixels: int = 1,
    return_masks: bool = True,
    extensions: Iterable[str] | None = None,
    on_error: str = "raise",
    n_jobs: int | None = None,
    return_X_y: bool = False,
):
    """Load image slices with their segmentation masks; label a slice 1 when its mask is not empty.

    The layout is that of the LGG brain-MRI segmentation set (Buda et al., Kaggle
    ``kaggle_3m``): each slice ``<name>.tif`` has its mask ``<name>_mask.tif`` in the
    same folder, and slices are grouped in one sub-folder per patient::

        root/TCGA_CS_4941_19960909/TCGA_CS_4941_19960909_1.tif
        root/TCGA_CS_4941_19960909/TCGA_CS_4941_19960909_1_mask.tif
        ...

    The folder holding each slice is returned as ``groups`` so that slices of one
    patient never land on both sides of a split
    (:class:`~sklearn.model_selection.StratifiedGroupKFold`).

    Read more in the :ref:`User Guide <image_mask_pairs>`.

    Parameters
    ----------
    root : str or path-like
        Folder searched recursively for images and masks. Hidden files and folders
        are ignored; symbolic links and non-regular files are treated as in
        :func:`load_image_folder`.
    mask_suffix : str, default="_mask"
        A file whose name without extension ends with ``mask_suffix`` is the mask of
        the image with the same name without the suffix (any image extension).
    image_size : int or (int, int), default=None
        ``(height, width)`` to resize images (area/linear interpolation) and masks
        (nearest neighbour) to. ``None`` keeps the files' size, which must then be
        the same for all of them.
    color : {"grayscale", "rgb"}, default="grayscale"
        Colour mode of the images; masks are always read as one channel. The three
        channels of LGG slices are three MRI sequences (pre-contrast, FLAIR,
        post-contrast): use ``"rgb"`` to keep them.
    min_mask_pixels : int, default=1
        A slice is positive when its mask (at the file's resolution) has at least this
        many non-zero pixels.
    return_masks : bool, default=True
        Also return the (resized) masks; ``False`` saves memory when only the labels
        are needed.
    extensions : list of str, default=None
        File extensions to read; ``None`` means :data:`IMAGE_EXTENSIONS`. Other files
        are ignored.
    on_error : {"raise", "skip"}, default="raise"
        What to do with images without a mask, masks without an image, unreadable
        files and image/mask pairs of different sizes: ``"raise"`` raises one
        :class:`ImageLoadError` listing all of them; ``"skip"`` drops those slices
        with one warning listing them.
    n_jobs : int, default=None
        Number of threads reading files. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; ``-1`` uses all processors.
    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        images : ndarray of shape (n, H, W) or (n, H, W, 3)
            The slices, with the files' bit depth.
        masks : ndarray of uint8 of shape (n, H, W)
            Binary masks (0/1); only when ``return_masks=True``.
        target : ndarray of shape (n,)
            1 when the mask has at least ``min_mask_pixels`` non-zero pixels, else 0.
        groups : ndarray of str of shape (n,)
            The folder of each slice relative to ``root`` (the patient in LGG).
        filenames, mask_filenames : ndarray of str of shape (n,)
            Paths of the slices and of their masks.
        target_names : list of str
            ``["no_finding", "finding"]``.
        skipped : list of (str, str)
            ``(path, reason)`` of everything skipped (empty unless ``on_error="skip"``).

    (images, target) : tuple of ndarray
        When ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        When ``root`` does not exist.
    ImageLoadError
        When pairs are incomplete or unreadable (``on_error="raise"``), nothing is
        found, or the images differ in size or bit depth and ``image_size`` is None.

    See Also
    --------
    load_image_folder : Images stored one folder per class.

    Examples
    --------
    >>> import numpy as np, cv2, tempfile, pathlib
    >>> from skmedimg.datasets import load_image_mask_pairs
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "patient_1").mkdir()
    >>> for i, lesion in enumerate([False, True, False]):
    ...     mask = np.zeros((16, 16), np.uint8)
    ...     mask[4:8, 4:8] = 255 * lesion
    ...     stem = str(root / "patient_1" / f"p1_{i}")
    ...     _ = cv2.imwrite(stem + ".tif", np.full((16, 16), 90, np.uint8))
    ...     _ = cv2.imwrite(stem + "_mask.tif", mask)
    >>> data = load_image_mask_pairs(root)
    >>> data.images.shape, data.target, data.groups, int(data.masks[1].sum())
    ((3, 16, 16), array([0, 1, 0]), array(['patient_1', 'patient_1', 'patient_1'], dtype='<U9'), 16)
    """
    root = _check_root(root)
    flags = _check_color(color)
    size = _check_image_size(image_size)
    exts = _check_extensions(extensions)
    on_error = _check_on_error(on_error)
    if not isinstance(mask_suffix, str) or not mask_suffix:
        raise ValueError(f"mask_suffix must be a non-empty string; got {mask_suffix!r}.")
    if not isinstance(min_mask_pixels, numbers.Integral) or min_mask_pixels < 1:
        raise ValueError(f"min_mask_pixels must be a positive int; got {min_mask_pixels!r}.")

    images_by_key: dict[Path, Path] = {}
    masks_by_key: dict[Path, Path] = {}
    failures: list[tuple[str, str]] = []
    for f in _walk_files(root, _real(root), set(), failures):
        if f.suffix.lower() not in exts:
            continue
        stem = f.stem
        if stem.endswith(mask_suffix) and len(stem) > len(mask_suffix):
            table, key = masks_by_key, f.parent / stem[: -len(mask_suffix)]
        else:
            table, key = images_by_key, f.parent / stem
        if key in table:
            failures.append((str(f), f"two files for one slice (also {table[key].name})"))
        else:
            table[key] = f
    failures.extend(
        (str(images_by_key[k]), f"no mask '{k.name}{mask_suffix}.*' beside it")
        for k in sorted(images_by_key.keys() - masks_by_key.keys(), key=_natural_key)
    )
    failures.extend(
        (str(masks_by_key[k]), "mask without an image")
        for k in sorted(masks_by_key.keys() - images_by_key.keys(), key=_natural_key)
    )
    keys = sorted(images_by_key.keys() & masks_by_key.keys(), key=_natural_key)
    if not keys and not failures:
        raise ImageLoadError(
            f"No image/mask pair found under {str(root)!r} (masks are recognised by the "
            f"suffix {mask_suffix!r}, e.g. slice_1.tif + slice_1{mask_suffix}.tif)."
        )

    image_paths = [images_by_key[k] for k in keys]
    mask_paths = [masks_by_key[k] for k in keys]
    if size is not None:
        channels = (1 if color == "grayscale" else 3) + (1 if return_masks else 0)
        _check_resized_memory(len(keys), size, channels, image_size)
    read_images = _loaders._read_many(image_paths, flags, None, n_jobs)
    read_masks = _loaders._read_many(mask_paths, cv2.IMREAD_GRAYSCALE | cv2.IMREAD_ANYDEPTH,
                                     None, n_jobs)

    images, masks, target, keep = [], [], [], []
    for i, ((image, err), (mask, mask_err)) in enumerate(zip(read_images, read_masks)):
        if err:
            failures.append((str(image_paths[i]), err))
        if mask_err:
            failures.append((str(mask_paths[i]), mask_err))
        if err or mask_err:
            continue
        if image.shape[:2] != mask.shape[:2]:
            failures.append(
                (str(mask_paths[i]), f"mask is {mask.shape[:2]}, image is {image.shape[:2]}")
            )
            continue
        target.append(int(np.count_nonzero(mask) >= min_mask_pixels))
        if size is not None:
            h, w = size
            shrinking = h * w < image.shape[0] * image.shape[1]
            interp = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
            if image.shape[:2] != size:
                image = cv2.resize(image, (w, h), interpolation=interp)
            if return_masks and mask.shape != size:
                mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST)
        images.append(image)
        if return_masks:
            masks.append((mask > 0).astype(np.uint8))
        keep.append(i)
    _handle_failures(failures, on_error, "slices or masks")
    if not keep:
        raise ImageLoadError(f"No readable image/mask pair under {str(root)!r}.", failures)

    kept_images = [image_paths[i] for i in keep]
    result = Bunch(
        images=_stack(images, kept_images, "images"),
        target=np.asarray(target, dtype=np.int64),
        groups=np.asarray([p.parent.relative_to(root).as_posix() for p in kept_images]),
        filenames=np.asarray([str(p) for p in kept_images]),
        mask_filenames=np.asarray([str(mask_paths[i]) for i in keep]),
        target_names=["no_finding", "finding"],
        skipped=failures,
    )
    if return_masks:
        result.masks = _stack(masks, kept_images, "masks")
    logger.info(
        "Loaded %d slices (%d positive) from %s", len(keep), int(result.target.sum()), root
    )
    if return_X_y:
        return result.images, result.target
    return result
