"""Augmentation throughput: AugmentingOverSampler vs the seed notebook's per-image OpenCV loop.

The task is the seed's: balance an imbalanced image set by adding augmented copies of
minority images until the classes are equal, and hand back the originals plus the new
images as one array. The seed's loop (``seed_loop`` below, as such notebooks write it)
picks a minority source image at random for each new image and applies ONE of rotate
(+-25 degrees, ``cv2.warpAffine``), horizontal flip (``np.fliplr``), translate (+-50 px at
256 px, scaled to the image size, ``cv2.warpAffine``) or Gaussian blur with a kernel of
``random.randrange(1, 5, 2)`` (1x1 or 3x3), chosen with Python's ``random``; the list of
new images becomes an array and is concatenated with the originals. The sampler's time
is its whole ``fit_resample`` (validation, the draws, the copy of the originals into its
output and the augmentations).

Source counts are those of real sets: 2 000 minority images among 22 000 at 28x28
(MedMNIST-sized), 1 000 among 7 000 at 64x64 and 200 among 1 400 at 256x256 RGB; every
minority image is a source. The sampler gets the same mix (``n_operations=1`` of
rotation, flip, shift, blur); its blur has the 3x3 kernel's sigma (0.8) on every blurred
image, with a 5x5 kernel (the sampler's kernels span +-2 sigma), where half of the loop's
blurs are 1x1 (no-ops): it does no less work.

Each method is timed in one process, after one untimed warm-up run each, alternating the
methods (and their order) per repeat; the table reports medians of new images per second
(wall clock) and the ratios. ``n_jobs=1`` is the sampler on one thread; ``n_jobs=-1``
on every core (large images split among the threads whole, small ones by the OpenCV
calls they share, and the copy of the originals on a thread of its own). The loop has
no such parameter: it is the seed's code. Both run OpenCV with its default threads, which
split a large call over every core: the loop's warps use them, and its CPU time counts
OpenCV's idle workers spinning, so CPU-time ratios are not comparable. The "1 core"
column runs both with ``cv2.setNumThreads(1)`` (in this script only): work against work,
on one core each. On a machine shared with other work the wall-clock ratios move by
+-25% from run to run (the sampler's share of memory traffic is larger than the loop's);
the last column is the 1-minute load average when the row finished (2 cores: above 2,
other processes compete for them).
albumentations runs the same mix as ``OneOf`` per image when it is installed
(``pip install albumentations``).

Volumes (issue 12): 3-D sets, 100 minority volumes among 400 at 28^3 uint8 (MedMNIST 3-D
sized) and 30 among 120 at 64^3 int16 (CT crops in Hounsfield units), balanced the same
way. The loop (``volume_loop``) is what a user writes with ``scipy.ndimage``: for every
new volume, a rotation in the axial (H, W) plane (+-10 degrees), a whole-voxel shift
(+-5 % of each side) and a zoom (+-5 %), each as one ``ndimage.affine_transform`` with
scipy's defaults (cubic spline, ``order=3``, with its prefilter, ``mode="constant"``), a
Gaussian blur (``ndimage.gaussian_filter``, sigma 0.5-1.5, default truncation) on half of
them, then brightness and contrast (+-5 %) in float32, rounded and clipped to the data's
range; the new volumes are stacked and concatenated with the originals. That is three
resamplings per volume, each cubic. The sampler does the same operations
(``rotation=10, shift=0.05, zoom=0.05, blur=0.5, brightness=0.05, contrast=0.05``) with
ONE trilinear resampling per volume, a +-2 sigma blur and the intensity steps in place:
less arithmetic per voxel than the loop (trilinear against cubic, one resampling against
three), so the ratio measures the design, not only the code. For that reason the table
also shows the loop with ``order=1`` (trilinear, still three resamplings), the closest a
user gets by changing one argument; the targets (>= 3x at 28^3, >= 1.5x at 64^3) are
against the default loop, as a user writes it. The loops' warm-up is a tenth of the set.

    python benchmarks/bench_augment.py            # full sizes
    python benchmarks/bench_augment.py --quick    # a quarter of the images, fewer repeats
    python benchmarks/bench_augment.py --volumes  # only the volume rows (--images: 2-D)
"""

from __future__ import annotations

import argparse
import os
import random
import time

import cv2
import numpy as np
from scipy import ndimage

from skmedimg.samplers import AugmentingOverSampler

SHIFT_FRACTION = 50 / 256
# The sigma OpenCV gives a 3x3 Gaussian kernel: 0.3 * ((3 - 1) / 2 - 1) + 0.8.
BLUR_SIGMA = 0.8
# (image shape, images in the set, minority images among them); target vs the loop.
CASES = [((28, 28), 22000, 2000), ((64, 64), 7000, 1000), ((256, 256, 3), 1400, 200)]
TARGETS = {"28x28x1": 5.0, "64x64x1": 2.0, "256x256x3": 3.0}
ALB_TARGETS = {"256x256x3": 1.5}


def seed_loop(X, y, seed):
    """The seed's balancing loop: one random operation per new image, OpenCV per image."""
    rnd = random.Random(seed)
    h, w = X.shape[1:3]
    max_shift = SHIFT_FRACTION * w
    minority = np.flatnonzero(y == 1).tolist()
    n_new = int(np.sum(y == 0)) - len(minority)
    new = []
    for _ in range(n_new):
        img = X[rnd.choice(minority)]
        op = rnd.randrange(4)
        if op == 0:
            M = cv2.getRotationMatrix2D((w / 2, h / 2), rnd.uniform(-25, 25), 1.0)
            img = cv2.warpAffine(img, M, (w, h))
        elif op == 1:
            img = np.fliplr(img)
        elif op == 2:
            tx, ty = rnd.uniform(-max_shift, max_shift), rnd.uniform(-max_shift, max_shift)
            img = cv2.warpAffine(img, np.float32([[1, 0, tx], [0, 1, ty]]), (w, h))
        else:
            k = rnd.randrange(1, 5, 2)
            img = cv2.GaussianBlur(img, (k, k), 0)
        new.append(img)
    X_bal = np.concatenate([X, np.array(new)])
    y_bal = np.concatenate([y, np.ones(n_new, dtype=y.dtype)])
    return X_bal, y_bal


def sampler_run(X, y, seed, n_jobs):
    sampler = AugmentingOverSampler(
        rotation=25, flip=True, shift=SHIFT_FRACTION, zoom=0, brightness=0, contrast=0,
        blur=True, blur_sigma=(BLUR_SIGMA, BLUR_SIGMA), n_operations=1, random_state=seed,
        n_jobs=n_jobs,
    )
    return sampler.fit_resample(X, y)


# (volume shape, dtype, volumes in the set, minority volumes); targets vs the default loop.
VOLUME_CASES = [((28, 28, 28), np.uint8, 400, 100), ((64, 64, 64), np.int16, 120, 30)]
VOLUME_TARGETS = {"28^3": 3.0, "64^3": 1.5}
VOLUME_MIX = {"rotation": 10, "shift": 0.05, "zoom": 0.05, "blur": 0.5,
              "blur_sigma": (0.5, 1.5), "brightness": 0.05, "contrast": 0.05}


def volume_loop(X, y, seed, order=3):
    """A user's scipy.ndimage loop: rotate, shift, zoom (one affine_transform each), blur
    half of them, brightness and contrast; stack and concatenate with the originals."""
    rnd = np.random.default_rng(seed)
    minority = np.flatnonzero(y == 1)
    n_new = int(np.sum(y == 0)) - len(minority)
    size = np.array(X.shape[1:4], dtype=float)
    c = (size - 1) / 2
    lo, hi = float(X.min()), float(X.max())
    new = []
    for _ in range(n_new):
        v = X[rnd.choice(minority)][..., 0]
        theta = np.radians(rnd.uniform(-10, 10))
        cos, sin = np.cos(theta), np.sin(theta)
        rot = np.array([[1, 0, 0], [0, cos, -sin], [0, sin, cos]])
        v = ndimage.affine_transform(v, rot, offset=c - rot @ c, order=order)
        shift = np.round(rnd.uniform(-0.05, 0.05, 3) * size)
        v = ndimage.affine_transform(v, np.eye(3), offset=-shift, order=order)
        scale = 1 + rnd.uniform(-0.05, 0.05)
        v = ndimage.affine_transform(v, np.eye(3) / scale, offset=c - c / scale, order=order)
        if rnd.random() < 0.5:
            v = ndimage.gaussian_filter(v, rnd.uniform(0.5, 1.5))
        v = v.astype(np.float32)
        mean = v.mean()
        v = (1 + rnd.uniform(-0.05, 0.05)) * (v - mean) + mean + rnd.uniform(-0.05, 0.05) * (
            hi - lo)
        new.append(np.clip(np.rint(v), lo, hi).astype(X.dtype)[..., None])
    X_bal = np.concatenate([X, np.stack(new)])
    return X_bal, np.concatenate([y, np.ones(n_new, dtype=y.dtype)])


def make_volumes(shape, dtype, n_total, n_minority, rng):
    """Smooth random volumes (so that they look like anatomy to the blur and the warps)."""
    if np.dtype(dtype) == np.int16:  # Hounsfield units from air to bone
        X = rng.integers(-1024, 1500, (n_total,) + shape).astype(np.float32)
    else:
        X = rng.integers(0, 256, (n_total,) + shape).astype(np.float32)
    X = ndimage.uniform_filter(X, (0, 3, 3, 3)).astype(dtype)[..., None]
    y = np.zeros(n_total, dtype=np.int64)
    y[rng.choice(n_total, n_minority, replace=False)] = 1
    return X, y


def bench_volumes(shape, dtype, n_total, n_minority, repeats, rng):
    X, y = make_volumes(shape, dtype, n_total, n_minority, rng)
    n_new = n_total - 2 * n_minority
    methods = {
        "n_jobs=1": lambda X, y, r: AugmentingOverSampler(
            **VOLUME_MIX, random_state=r, n_jobs=1).fit_resample(X, y),
        "n_jobs=-1": lambda X, y, r: AugmentingOverSampler(
            **VOLUME_MIX, random_state=r, n_jobs=-1).fit_resample(X, y),
        "loop": lambda X, y, r: volume_loop(X, y, r),
        "loop order=1": lambda X, y, r: volume_loop(X, y, r, order=1),
    }
    k = max(2, n_minority // 10)  # warm-up on a tenth of the set, both classes in it
    small = np.concatenate([np.flatnonzero(y == 0)[: 3 * k], np.flatnonzero(y == 1)[:k]])
    for name, run in methods.items():
        X_bal, y_bal = run(X[small], y[small], 0)
        assert X_bal.dtype == X.dtype and X_bal.shape[1:] == X.shape[1:], name
    times = {name: [] for name in methods}
    for r in range(repeats):
        for name in (list(methods) if r % 2 == 0 else list(methods)[::-1]):
            t = time.perf_counter()
            X_bal, y_bal = methods[name](X, y, r)
            times[name].append(time.perf_counter() - t)
            assert np.bincount(y_bal).tolist() == [n_total - n_minority] * 2, name
            assert np.array_equal(X_bal[:n_total], X), name
            del X_bal, y_bal
    return n_new, {k: n_new / np.median(v) for k, v in times.items()}, times


def main_volumes(quick):
    rng = np.random.default_rng(0)
    cases = [(s, d, n, k, 3) for s, d, n, k in VOLUME_CASES]
    if quick:
        cases = [(s, d, n // 4, k // 4, 2) for s, d, n, k, _ in cases]
    print(f"\nVolumes: medians of new volumes/s over {cases[0][4]} repeats (the sampler's "
          "whole fit_resample vs a scipy.ndimage loop plus its concatenation); load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'size':>6} {'dtype':>6} {'sources':>8} {'new':>5} {'n_jobs=1':>9} {'n_jobs=-1':>9} "
          f"{'loop':>7} {'loop o=1':>8} {'1 vs loop':>9} {'-1 vs loop':>10} {'target':>7} "
          f"{'1 vs o=1':>8}")
    for shape, dtype, n_total, n_minority, repeats in cases:
        n_new, rates, _ = bench_volumes(shape, dtype, n_total, n_minority, repeats, rng)
        name = f"{shape[0]}^3"
        print(
            f"{name:>6} {np.dtype(dtype).name:>6} {f'{n_minority}/{n_total}':>8} {n_new:>5} "
            f"{rates['n_jobs=1']:>9.1f} {rates['n_jobs=-1']:>9.1f} {rates['loop']:>7.1f} "
            f"{rates['loop order=1']:>8.1f} {rates['n_jobs=1'] / rates['loop']:8.1f}x "
            f"{rates['n_jobs=-1'] / rates['loop']:9.1f}x "
            f"{'>=' + str(VOLUME_TARGETS[name]) + 'x':>7} "
            f"{rates['n_jobs=1'] / rates['loop order=1']:7.1f}x"
        )


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
            A.GaussianBlur(blur_limit=(1, 3), p=1.0),
        ],
        p=1.0,
    )


def albumentations_run(X, y, transform, seed):
    rnd = random.Random(seed)
    minority = np.flatnonzero(y == 1).tolist()
    n_new = int(np.sum(y == 0)) - len(minority)
    new = [transform(image=X[rnd.choice(minority)])["image"] for _ in range(n_new)]
    return np.concatenate([X, np.array(new)]), np.concatenate([y, np.ones(n_new, y.dtype)])


def make_data(shape, n_total, n_minority, rng):
    X = rng.integers(0, 256, (n_total,) + shape, dtype=np.uint8)
    # Smooth the noise a little so that images look like images (blur/warp cost the same).
    for x in X:
        cv2.GaussianBlur(x, (3, 3), 0, dst=x)
    y = np.zeros(n_total, dtype=np.int64)
    y[rng.choice(n_total, n_minority, replace=False)] = 1
    return X, y


def bench(shape, n_total, n_minority, repeats, rng):
    X, y = make_data(shape, n_total, n_minority, rng)
    n_new = n_total - 2 * n_minority
    transform = make_albumentations(shape[1])
    default_threads = cv2.getNumThreads()

    def one_core(run):
        def on_one_core(r):
            cv2.setNumThreads(1)
            try:
                return run(r)
            finally:
                cv2.setNumThreads(default_threads)
        return on_one_core

    methods = {
        "n_jobs=1": lambda r: sampler_run(X, y, r, 1),
        "n_jobs=-1": lambda r: sampler_run(X, y, r, -1),
        "loop": lambda r: seed_loop(X, y, r),
        "n_jobs=1, 1 core": one_core(lambda r: sampler_run(X, y, r, 1)),
        "loop, 1 core": one_core(lambda r: seed_loop(X, y, r)),
    }
    if transform is not None:
        methods["albumentations"] = lambda r: albumentations_run(X, y, transform, r)
    for run in methods.values():  # warm-up: first-touch memory, lazy initialisation
        X_bal, y_bal = run(0)
        assert X_bal.shape == (n_total + n_new,) + shape and X_bal.dtype == np.uint8
        assert np.bincount(y_bal).tolist() == [n_total - n_minority] * 2
        del X_bal, y_bal
    times = {name: [] for name in methods}
    for r in range(repeats):
        # Alternate the order, so that no method always runs right after another.
        for name in (list(methods) if r % 2 == 0 else list(methods)[::-1]):
            t = time.perf_counter()
            methods[name](r)
            times[name].append(time.perf_counter() - t)
    rates = {k: n_new / np.median(v) for k, v in times.items()}
    return n_new, rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--volumes", action="store_true", help="only the volume rows")
    parser.add_argument("--images", action="store_true", help="only the 2-D rows")
    args = parser.parse_args()
    if not args.volumes:
        main_images(args.quick)
    if not args.images:
        main_volumes(args.quick)


def main_images(quick):
    rng = np.random.default_rng(0)
    # Small images run fast: more repeats steady their medians.
    cases = [(s, n, k, 15 if len(s) == 2 else 7) for s, n, k in CASES]
    if quick:
        cases = [(s, n // 4, k // 4, 3) for s, n, k, _ in cases]
    print(f"OpenCV {cv2.__version__}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; medians of new images/s (the sampler's whole "
          "fit_resample vs the seed's loop plus its concatenation)")
    print(f"{'size':>10} {'sources':>13} {'new':>6} {'n_jobs=1':>9} {'n_jobs=-1':>9} "
          f"{'loop':>8} {'albument.':>9} {'1 vs loop':>9} {'-1 vs loop':>10} {'target':>7} "
          f"{'vs alb.':>7} {'target':>7} {'1 core':>7} {'load':>5}")
    for shape, n_total, n_minority, repeats in cases:
        n_new, rates = bench(shape, n_total, n_minority, repeats, rng)
        one_core = rates["n_jobs=1, 1 core"] / rates["loop, 1 core"]
        name = "x".join(map(str, shape if len(shape) == 3 else shape + (1,)))
        alb = rates.get("albumentations")
        best = max(rates["n_jobs=1"], rates["n_jobs=-1"])
        vs_alb = f"{best / alb:6.2f}x" if alb else "    n/a"
        alb_target = ALB_TARGETS.get(name)
        print(
            f"{name:>10} {f'{n_minority}/{n_total}':>13} {n_new:>6} {rates['n_jobs=1']:>9.0f} "
            f"{rates['n_jobs=-1']:>9.0f} {rates['loop']:>8.0f} "
            f"{alb if alb else float('nan'):>9.0f} {rates['n_jobs=1'] / rates['loop']:8.2f}x "
            f"{rates['n_jobs=-1'] / rates['loop']:9.2f}x {'>=' + str(TARGETS[name]) + 'x':>7} "
            f"{vs_alb} {('>=' + str(alb_target) + 'x') if alb_target else '':>7} "
            f"{one_core:6.2f}x {os.getloadavg()[0]:5.1f}"
        )


if __name__ == "__main__":
    main()
