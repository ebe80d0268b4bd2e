"""CNNClassifier overhead over raw Keras, side by side in one run.

Times ``CNNClassifier.fit`` / ``predict_proba`` against building, compiling and fitting
the very same network with plain ``keras.Model.fit`` / ``predict`` on the same uint8
images (medians of interleaved repeats). Target: both ratios <= 1.05.

    python benchmarks/bench_overhead.py [--n 4000] [--epochs 3] [--repeats 5]
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from skmedimg import CNNClassifier  # noqa: E402
from skmedimg._architectures import build_network  # noqa: E402
from skmedimg.datasets import make_lesion_images  # noqa: E402


def raw_keras_fit(X, y, *, epochs, batch_size, metrics):
    model = build_network(
        "small_cnn", input_shape=X.shape[1:] + (1,), n_outputs=1,
        output_activation="sigmoid", rescale_mode="dtype", rescale_scale=255.0,
        input_dtype="uint8",
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.BinaryCrossentropy(), metrics=metrics())
    model.fit(X[..., None], y.astype("float32").reshape(-1, 1), epochs=epochs,
              batch_size=batch_size, shuffle=True, verbose=0)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    X, y = make_lesion_images(args.n, weights=(0.9, 0.1), image_size=28, random_state=0)
    clf_params = dict(epochs=args.epochs, batch_size=32, validation_fraction=0.0)
    # The wrapper's default streaming metrics, so both sides log the same things.
    probe = CNNClassifier(**clf_params).initialize(X[:20], y[:20])

    def metrics():
        return probe._metrics()

    t_fit = {"keras": [], "skmedimg": []}
    t_pred = {"keras": [], "skmedimg": []}
    raw_keras_fit(X[:64], y[:64], epochs=1, batch_size=32, metrics=metrics)  # warm-up
    CNNClassifier(**{**clf_params, "epochs": 1}).fit(X[:64], y[:64])
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        model = raw_keras_fit(X, y, epochs=args.epochs, batch_size=32, metrics=metrics)
        t_fit["keras"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        clf = CNNClassifier(**clf_params).fit(X, y)
        t_fit["skmedimg"].append(time.perf_counter() - t0)
        for _ in range(3):
            t0 = time.perf_counter()
            model.predict(X[..., None], batch_size=32, verbose=0)
            t_pred["keras"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            clf.predict_proba(X)
            t_pred["skmedimg"].append(time.perf_counter() - t0)

    med = {k: statistics.median(v) for k, v in t_fit.items()}
    medp = {k: statistics.median(v) for k, v in t_pred.items()}
    print(f"data: {args.n} uint8 images 28x28, small_cnn, {args.epochs} epochs, "
          f"batch 32, {args.repeats} repeats (medians)")
    print(f"fit            keras {med['keras']:.3f}s   CNNClassifier {med['skmedimg']:.3f}s   "
          f"ratio {med['skmedimg'] / med['keras']:.3f}x  (target <= 1.05x)")
    print(f"predict_proba  keras {medp['keras']:.3f}s   CNNClassifier {medp['skmedimg']:.3f}s   "
          f"ratio {medp['skmedimg'] / medp['keras']:.3f}x  (target <= 1.05x)")
    assert np.isfinite(clf.predict_proba(X[:5])).all()


if __name__ == "__main__":
    main()
