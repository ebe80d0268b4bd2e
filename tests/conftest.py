import os

# Quiet TensorFlow's C++ start-up chatter in test logs; set before TF is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# One TensorFlow thread per process (skmedimg sizes TF's pools from OMP_NUM_THREADS):
# joblib and Dask workers get OMP_NUM_THREADS=1 too, so a search gives bit-identical
# scores in the test process, in worker processes and on a Dask cluster.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

RND_SEED = 0


@pytest.fixture(scope="session")
def lesion_data():
    """Small imbalanced binary image set (uint8, 16x16)."""
    from skmedimg.datasets import make_lesion_images

    return make_lesion_images(240, weights=(0.8, 0.2), image_size=16, random_state=RND_SEED)

