"""Data sets: the synthetic default and loaders for real image collections."""

from ._synthetic import LESION_NAMES, make_lesion_images

__all__ = ["LESION_NAMES", "make_lesion_images"]
