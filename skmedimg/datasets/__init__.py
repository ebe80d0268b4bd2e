"""Data sets: the synthetic defaults and loaders for real image and volume collections."""

from ._folders import load_image_folder, load_image_mask_pairs
from ._lazy import LazyImageArray
from ._loaders import IMAGE_EXTENSIONS, ImageLoadError
from ._medmnist import load_medmnist
from ._nifti import load_nifti_folder
from ._synthetic import LESION_NAMES, make_lesion_images, make_lesion_volumes

__all__ = [
    "IMAGE_EXTENSIONS",
    "LESION_NAMES",
    "LazyImageArray",
    "ImageLoadError",
    "load_image_folder",
    "load_image_mask_pairs",
    "load_medmnist",
    "load_nifti_folder",
    "make_lesion_images",
    "make_lesion_volumes",
]
