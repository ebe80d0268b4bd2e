"""Data sets: the synthetic default and loaders for real image collections."""

from ._folders import load_image_folder, load_image_mask_pairs
from ._loaders import IMAGE_EXTENSIONS, ImageLoadError
from ._medmnist import load_medmnist
from ._synthetic import LESION_NAMES, make_lesion_images

__all__ = [
    "IMAGE_EXTENSIONS",
    "LESION_NAMES",
    "ImageLoadError",
    "load_image_folder",
    "load_image_mask_pairs",
    "load_medmnist",
    "make_lesion_images",
]
