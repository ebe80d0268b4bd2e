"""Data sets: the synthetic default and loaders for real image collections."""

from ._loaders import (
    IMAGE_EXTENSIONS,
    ImageLoadError,
    load_image_folder,
    load_image_mask_pairs,
    load_medmnist,
)
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
