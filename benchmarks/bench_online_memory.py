"""Peak memory of a CNNClassifier fit: online balancing vs materialised over-sampling.

20 000 uint8 images of 64x64 at 9:1 (``make_lesion_images``). Each variant runs in a fresh
subprocess; its extra peak is ``ru_maxrss`` after the fit minus ``ru_maxrss`` after the
imports, the data and a warm-up fit on 64 images by the same code path (TensorFlow's own
start-up and fixed per-fit costs are not counted;
on Linux the peak is reset there through /proc/self/clear_refs), reported as a multiple of
the data set's bytes.

- online: ``CNNClassifier(sampler=AugmentingOverSampler(...))`` -- balanced, augmented batches
  drawn per epoch by ``BalancedBatchDataset``; target extra peak <= 1.5x the data set.
- materialised: ``AugmentingOverSampler.fit_resample`` then ``CNNClassifier.fit``.
- materialised + float32: the same, converted to float32 in [0, 1] before fitting (the
  usual notebook recipe).
- seed loop: the seed's list of augmented copies (one per new image) turned into an array.

    python benchmarks/bench_online_memory.py [--n 20000] [--size 64] [--epochs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

VARIANTS = ("online", "materialised", "materialised_float32", "seed_loop")


def _maxrss_bytes() -> int:
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def _reset_peak() -> None:
    """Start the peak over from the current RSS (Linux), so that what came before the
    measured fit (TensorFlow start-up, data creation) cannot hide it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # not Linux: ru_maxrss keeps the earlier peak; keep data creation small
        pass


def _make_data(n: int, size: int):
    """make_lesion_images in chunks: its float64 temporaries stay small."""
    import numpy as np

    from skmedimg.datasets import make_lesion_images

    parts = [make_lesion_images(min(1000, n - start), weights=(0.9, 0.1), image_size=size,
                                random_state=start)
             for start in range(0, n, 1000)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def run_variant(variant: str, n: int, size: int, epochs: int) -> dict:
    """Runs in the child process."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np

    from skmedimg import CNNClassifier
    from skmedimg.samplers import AugmentingOverSampler

    X, y = _make_data(n, size)
    sampler = AugmentingOverSampler(rotation=25, flip=True, shift=0.1, blur=True,
                                    random_state=0)
    params = dict(epochs=epochs, batch_size=64, validation_fraction=0, random_state=0,
                  verbose=0)
    # Warm-up on 64 images through the same code path: TensorFlow's fixed per-fit costs
    # (graph tracing, tf.data machinery) are not what is measured.
    warm = {"sampler": sampler} if variant == "online" else {}
    CNNClassifier(**params, **warm).fit(X[:64], y[:64])
    _reset_peak()
    baseline = _maxrss_bytes()

    if variant == "online":
        CNNClassifier(sampler=sampler, **params).fit(X, y)
    elif variant == "materialised":
        X_res, y_res = sampler.fit_resample(X, y)
        CNNClassifier(**params).fit(X_res, y_res)
    elif variant == "materialised_float32":
        X_res, y_res = sampler.fit_resample(X, y)
        X_res = X_res.astype(np.float32) / 255
        CNNClassifier(**params, rescale="none").fit(X_res, y_res)
    elif variant == "seed_loop":
        import cv2

        rng = np.random.default_rng(0)
        minority = np.flatnonzero(y == 1)
        images, labels = list(X), list(y)
        for i in rng.choice(minority, int(np.sum(y == 0) - len(minority))):
            M = cv2.getRotationMatrix2D((size / 2, size / 2), rng.uniform(-25, 25), 1.0)
            images.append(cv2.warpAffine(X[i], M, (size, size)))
            labels.append(1)
        X_res, y_res = np.array(images), np.array(labels)
        del images
        CNNClassifier(**params).fit(X_res, y_res)
    else:  # pragma: no cover
        raise ValueError(variant)
    return {"variant": variant, "extra": _maxrss_bytes() - baseline, "data": int(X.nbytes)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.n, args.size, args.epochs)))
        return
    print(f"{args.n} uint8 images of {args.size}x{args.size} at 9:1, {args.epochs} epoch(s); "
          "extra peak RSS over the data set's bytes")
    print(f"{'variant':>22} {'extra peak MB':>14} {'data MB':>8} {'ratio':>7}")
    for variant in args.variants.split(","):
        cmd = [sys.executable, __file__, "--variant", variant, "--n", str(args.n),
               "--size", str(args.size), "--epochs", str(args.epochs)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            print(f"{variant:>22} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        ratio = result["extra"] / result["data"]
        print(f"{variant:>22} {result['extra'] / 2**20:14.1f} {result['data'] / 2**20:8.1f} "
              f"{ratio:6.2f}x" + ("  (target <= 1.5x)" if variant == "online" else ""))


if __name__ == "__main__":
    main()
