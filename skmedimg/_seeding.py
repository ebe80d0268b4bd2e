"""Process-wide TensorFlow state that a fit touches: the sizes of TensorFlow's thread
pools (from ``OMP_NUM_THREADS``). The backend's global seed state, saved before a seeded
fit and restored after it by :func:`skmedimg._classifier._seeded`, is read through
private attributes, so it lives in :mod:`skmedimg._keras_compat`."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)

_thread_limits_applied = False


def _respect_thread_limits() -> None:
    """Size TensorFlow's thread pools from ``OMP_NUM_THREADS`` when it is set and nobody
    has sized them yet; called when a fit starts, never at import.

    joblib's process backend (``GridSearchCV(n_jobs=k)``) and Dask's workers set
    ``OMP_NUM_THREADS`` (``cpu_count // k``, 1) in their processes, but TensorFlow sizes
    its pools from the core count, so k workers would each start one thread per core
    and oversubscribe the machine. TensorFlow fixes its pools when it runs its first op:
    pools sized by the caller (``tf.config.threading``, ``TF_NUM_INTRAOP_THREADS``) are
    kept, and so are pools TensorFlow already started with.
    """
    global _thread_limits_applied
    n = os.environ.get("OMP_NUM_THREADS", "")
    if _thread_limits_applied or not n.isdigit() or int(n) < 1:
        return
    _thread_limits_applied = True  # one attempt per process: TF keeps its first pools
    if os.environ.get("TF_NUM_INTRAOP_THREADS") or os.environ.get("TF_NUM_INTEROP_THREADS"):
        return
    import tensorflow as tf

    threading_config = tf.config.threading
    if (threading_config.get_intra_op_parallelism_threads()
            or threading_config.get_inter_op_parallelism_threads()):
        return
    try:
        threading_config.set_intra_op_parallelism_threads(int(n))
        threading_config.set_inter_op_parallelism_threads(min(int(n), 2))
    except RuntimeError:  # TensorFlow already ran an op in this process: keep its pools
        logger.debug("TensorFlow's thread pools are already in use; OMP_NUM_THREADS=%s "
                     "not applied to them", n)
