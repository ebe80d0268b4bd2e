"""Augmentation throughput: AugmentingOverSampler vs a per-image OpenCV loop (and albumentations).

The mix is the seed notebook's: each new image gets ONE of rotate (+-25 degrees), horizontal
flip, translate (+-50 px at 256 px, scaled to the image size) or Gaussian blur (5x5), chosen
at random. The loop is written as such notebooks do (a Python loop over images, OpenCV per
image, ``np.fliplr`` views, the list turned into an array at the end). albumentations runs
the same mix as ``OneOf`` per image when it is installed (``pip install albumentations``).

Each method is timed on the same machine in one run, after one untimed warm-up run each,
alternating methods (and their order) per repeat; the table reports medians of images per
second and the ratios side by side. The sampler's time includes copying the originals into
its output, which the loop does not do.

    python benchmarks/bench_augment.py            # full sizes
    python benchmarks/bench_augment.py --quick    # smaller N, fewer repeats
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np

from skmedimg.samplers import AugmentingOverSampler

SHIFT_FRACTION = 50 / 256
TARGETS = {"28x28x1": (5.0, None), "64x64x1": (2.0, None), "256x256x3": (3.0, 1.5)}


def seed_loop(X, indices, rng):
    """The seed's per-image loop: one random operation per image, OpenCV calls."""
    out = []
    h, w = X.shape[1:3]
    max_shift = SHIFT_FRACTION * w
    for i in indices:
        img = X[i]
        op = rng.integers(4)
        if op == 0:
            M = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-25, 25), 1.0)
            img = cv2.warpAffine(img, M, (w, h))
        elif op == 1:
            img = np.fliplr(img)
        elif op == 2:
            tx, ty = rng.uniform(-max_shift, max_shift, 2)
            img = cv2.warpAffine(img, np.float32([[1, 0, tx], [0, 1, ty]]), (w, h))
        else:
            img = cv2.GaussianBlur(img, (5, 5), 0)
        out.append(img.reshape(X.shape[1:]))
    return np.array(out)


def albumentations_loop(X, indices, transform):
    return np.array([transform(image=X[i])["image"].reshape(X.shape[1:]) for i in indices])


def make_albumentations(width):
    try:
        import albumentations as A
    except ImportError:
        return None
    shift = int(round(SHIFT_FRACTION * width))
    return A.OneOf(
        [
            A.Rotate(limit=25, p=1.0),
            A.HorizontalFlip(p=1.0),
            A.Affine(translate_px={"x": (-shift, shift), "y": (-shift, shift)}, p=1.0),
            A.GaussianBlur(blur_limit=(5, 5), p=1.0),
        ],
        p=1.0,
    )


def sampler_run(X, y, n_new, seed):
    # The blur sigma of OpenCV's 5x5 default kernel (0.3 * ((5 - 1) / 2 - 1) + 0.8 = 1.1).
    sampler = AugmentingOverSampler(
        sampling_strategy={1: int(np.sum(y == 1)) + n_new}, rotation=25, flip=True,
        shift=SHIFT_FRACTION, blur=True, blur_sigma=(1.1, 1.1), n_operations=1,
        random_state=seed,
    )
    return sampler.fit_resample(X, y)[0]


def bench(shape, n_new, repeats, rng):
    n_src = 200
    X = rng.integers(0, 256, (n_src,) + shape, dtype=np.uint8)
    # Smooth the noise a little so that images look like images (blur/warp cost the same).
    X = np.stack([cv2.GaussianBlur(x, (3, 3), 0).reshape(shape) for x in X])
    y = np.repeat([0, 1], n_src // 2)
    indices = rng.integers(0, n_src, n_new)
    transform = make_albumentations(shape[1])
    methods = {
        "sampler": lambda r: sampler_run(X, y, n_new, r),
        "loop": lambda r: seed_loop(X, indices, np.random.default_rng(r)),
    }
    if transform is not None:
        methods["albumentations"] = lambda r: albumentations_loop(X, indices, transform)
    out = methods["sampler"](0)
    assert out.shape == (n_src + n_new,) + shape and out.dtype == np.uint8
    for run in methods.values():  # warm-up: first-touch memory, lazy initialisation
        run(0)
    times = {name: [] for name in methods}
    for r in range(repeats):
        # Alternate the order, so that no method always runs right after another.
        for name in (list(methods) if r % 2 == 0 else list(methods)[::-1]):
            t = time.perf_counter()
            methods[name](r)
            times[name].append(time.perf_counter() - t)
    return {k: n_new / np.median(v) for k, v in times.items() if v}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cases = [((28, 28), 20000, 9), ((64, 64), 6000, 9), ((256, 256, 3), 1200, 9)]
    if args.quick:
        cases = [(s, n // 4, 3) for s, n, _ in cases]
    print(f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads; medians of images/s")
    header = (f"{'size':>10} {'N':>6} {'sampler':>10} {'loop':>10} {'albument.':>10} "
              f"{'vs loop':>8} {'target':>7} {'vs alb.':>8} {'target':>7}")
    print(header)
    for shape, n_new, repeats in cases:
        rates = bench(shape, n_new, repeats, rng)
        name = "x".join(map(str, shape if len(shape) == 3 else shape + (1,)))
        loop_target, alb_target = TARGETS[name]
        alb = rates.get("albumentations")
        vs_alb = f"{rates['sampler'] / alb:7.2f}x" if alb else "     n/a"
        print(
            f"{name:>10} {n_new:>6} {rates['sampler']:>10.0f} {rates['loop']:>10.0f} "
            f"{alb if alb else float('nan'):>10.0f} {rates['sampler'] / rates['loop']:7.2f}x "
            f"{'>=' + str(loop_target) + 'x':>7} {vs_alb} "
            f"{('>=' + str(alb_target) + 'x') if alb_target else '':>7}"
        )


if __name__ == "__main__":
    main()
