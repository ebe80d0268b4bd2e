"""Peak memory of a CNNClassifier fit: online balancing vs materialised over-sampling.

20 000 uint8 images of 64x64 at 9:1 (``make_lesion_images``). Each variant runs in a fresh
subprocess, after the imports, the data and a warm-up fit on 64 images by the same code
path (TensorFlow's start-up). Two fits are then measured, each as its peak RSS over the
RSS when it starts (on Linux the peak is reset through /proc/self/clear_refs):

- ``fixed``: the variant on the first 512 images, what a fit costs whatever the data's
  size: the network's activations and gradients for one batch (64 images of 64x64 through
  the default network: ~200 MB), TensorFlow's buffers. Whether the warm-up already
  holds this memory depends on the machine: where TensorFlow hands a step's buffers back
  to the system after each fit, every fit pays it again (on the machine of 2026-12-02,
  ~210 MB on top of the warm-up, as much with skmedimg's code of the day before: the
  earlier form of this benchmark, ``extra`` alone, printed 2.9x there against 1.4x on the
  machine before).
- ``extra``: the variant on the whole set.

``extra - fixed`` is what grows with the data set, reported as a multiple of the data
set's bytes (the ``ratio``; target for ``online``: <= 1.5x).

The variants:

- online: ``CNNClassifier(sampler=AugmentingOverSampler(...))`` -- balanced, augmented batches
  drawn per epoch by ``BalancedBatchDataset``.
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

    from skmedimg import CNNClassifier
    from skmedimg.samplers import AugmentingOverSampler

    X, y = _make_data(n, size)
    sampler = AugmentingOverSampler(rotation=25, flip=True, shift=0.1, blur=True,
                                    random_state=0)
    params = dict(epochs=epochs, batch_size=64, validation_fraction=0, random_state=0,
                  verbose=0)
    # Warm-up on 64 images through the same code path: TensorFlow's one-off start-up
    # costs (graph tracing, tf.data machinery) are not what is measured.
    CNNClassifier(**params, **({"sampler": sampler} if variant == "online" else {})).fit(
        X[:64], y[:64])
    # The per-fit cost that does not grow with the data (the network's activations and
    # gradients of one batch, TensorFlow's buffers): the same code path on the first
    # SMALL images.
    # Whether the warm-up absorbs it depends on the machine's allocator (on some, TF
    # hands a step's buffers back to the system after every fit), so it is measured.
    fixed = _extra_peak(lambda: _fit(variant, X[:SMALL], y[:SMALL], sampler, params))
    extra = _extra_peak(lambda: _fit(variant, X, y, sampler, params))
    return {"variant": variant, "extra": extra, "fixed": fixed, "data": int(X.nbytes)}


SMALL = 512  # images of the fit that measures the fixed per-fit cost


def _extra_peak(run) -> int:
    """Peak RSS while ``run()`` runs, over the RSS when it starts."""
    _reset_peak()
    baseline = _maxrss_bytes()
    run()
    return _maxrss_bytes() - baseline


def _fit(variant, X, y, sampler, params) -> None:
    import numpy as np

    from skmedimg import CNNClassifier

    size = X.shape[1]
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
          "peak RSS of a fit on the whole set (extra) and on 512 images (fixed);\n"
          "what grows with the data (extra - fixed) over the data set's bytes (ratio)")
    print(f"{'variant':>22} {'extra peak MB':>14} {'fixed MB':>9} {'data-dep. MB':>13} "
          f"{'data MB':>8} {'ratio':>7}")
    for variant in args.variants.split(","):
        cmd = [sys.executable, __file__, "--variant", variant, "--n", str(args.n),
               "--size", str(args.size), "--epochs", str(args.epochs)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            print(f"{variant:>22} failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        grows = result["extra"] - result["fixed"]
        mb = 2**20
        print(f"{variant:>22} {result['extra'] / mb:14.1f} {result['fixed'] / mb:9.1f} "
              f"{grows / mb:13.1f} {result['data'] / mb:8.1f} {grows / result['data']:6.2f}x"
              + ("  (target <= 1.5x)" if variant == "online" else ""))


if __name__ == "__main__":
    main()
