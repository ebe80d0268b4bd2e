"""The private Keras and TensorFlow pieces skmedimg relies on, in one place.

Everything here reaches into ``keras.src`` or ``tensorflow.python``; no other module of
skmedimg does (``tests/test_samplers_conformance.py`` checks the imports). The Keras
pieces sit behind one version gate (:data:`SUPPORTED_KERAS`); outside it, or when a
module moved, each helper falls back to what plain Keras does:

- :func:`keras_default_seeds_from`: per-thread default layer seeds (below).
- :func:`backend_seed_state` / :func:`restore_backend_seed_state`: the global seed state
  that ``keras.utils.set_random_seed`` changes, saved and restored around a seeded fit.
- :func:`array_data_adapter`: Keras' array pipeline, reused for lazy arrays.

Keras draws the seed of every layer and initializer created without one from Python's
global ``random`` (``keras/src/random/seed_generator.py``: ``make_default_seed`` calls
``python_random.randint``). Any other thread may draw from that module too -- a Dask
worker's event loop does -- so a seeded fit of a network whose layers skmedimg does not
create itself (a ``keras.applications`` backbone, a user's architecture) could get
other initial weights in such a process than anywhere else. ``small_cnn`` and the output
layer get explicit seeds and do not need this.

:func:`keras_default_seeds_from` makes the fitting thread draw those default seeds from
its own ``random.Random`` for the duration of a seeded fit only: the stand-in is
installed into that private module when the first seeded fit starts and removed when the
last one ends; other threads keep drawing from the global ``random`` through it.
``tests/test_classifier_conformance.py`` fails when a supported Keras changes the module.
Outside the supported versions nothing is patched and seeded fits are repeatable only
when no other thread draws from ``random`` during the build, as with plain Keras.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading

import keras

logger = logging.getLogger(__name__)

# Keras versions whose private modules are those used here -- seed_generator draws default
# seeds from ``python_random`` (checked against the installed version by the conformance
# tests): [3.0, 4.0).
SUPPORTED_KERAS = ((3, 0), (4, 0))


def _keras_version() -> tuple[int, int]:
    major, minor = keras.__version__.split(".")[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


def keras_supported() -> bool:
    """Whether the installed Keras is one whose private modules skmedimg uses."""
    low, high = SUPPORTED_KERAS
    return low <= _keras_version() < high


class _ThreadRandom:
    """Stands in for the ``random`` module inside Keras' ``seed_generator``: threads in a
    seeded fit draw from their own generator, all others from the global module."""

    def __init__(self):
        self.local = threading.local()

    def __getattr__(self, name):
        return getattr(getattr(self.local, "rng", None) or random, name)


_STAND_IN = _ThreadRandom()
_LOCK = threading.Lock()
_users = 0  # seeded fits running now (in any thread); guarded by _LOCK


def _seed_module():
    """Keras' seed_generator module when it can be patched, else None."""
    if not keras_supported():
        return None
    try:
        from keras.src.random import seed_generator
    except ImportError:  # pragma: no cover - guarded by the version gate and the tests
        return None
    return seed_generator if hasattr(seed_generator, "python_random") else None


def _install() -> None:
    global _users
    with _LOCK:
        _users += 1
        module = _seed_module()
        if module is None or module.python_random is _STAND_IN:
            return
        if module.python_random is random:
            module.python_random = _STAND_IN
        else:  # someone else replaced it: leave it alone
            logger.debug("keras seed_generator.python_random is %r; not patched",
                         module.python_random)


def _uninstall() -> None:
    global _users
    with _LOCK:
        _users -= 1
        module = _seed_module()
        if _users == 0 and module is not None and module.python_random is _STAND_IN:
            module.python_random = random


@contextlib.contextmanager
def keras_default_seeds_from(rng: random.Random | None):
    """Within the block, Keras layers created in this thread without a seed draw their
    default seed from ``rng`` (``None``: Keras' usual global ``random``)."""
    if rng is None:
        yield
        return
    local = _STAND_IN.local
    previous = getattr(local, "rng", None)
    _install()
    local.rng = rng
    try:
        yield
    finally:
        local.rng = previous
        _uninstall()


def backend_seed_state() -> dict:
    """What ``keras.utils.set_random_seed`` changes besides Python's and NumPy's RNGs:
    Keras' global seed and seed generator, and TensorFlow's eager global seed with the
    generator of its op seeds (private attributes; left out where they are missing)."""
    state = {}
    if keras_supported():
        try:
            from keras.src.backend.common import global_state
            from keras.src.random.seed_generator import GLOBAL_SEED_GENERATOR
            from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED
        except ImportError:  # pragma: no cover - guarded by the version gate
            pass
        else:
            state["keras"] = (global_state, {
                name: global_state.get_global_attribute(name)
                for name in (GLOBAL_RANDOM_SEED, GLOBAL_SEED_GENERATOR)
            })
    try:
        from tensorflow.python.eager import context

        ctx = context.context()
        state["tf"] = (ctx, ctx._seed, getattr(ctx, "_rng", None))
    except (ImportError, AttributeError):  # pragma: no cover - another TensorFlow
        pass
    return state


def restore_backend_seed_state(state: dict) -> None:
    """Put back what :func:`backend_seed_state` saved."""
    if "keras" in state:
        global_state, attributes = state["keras"]
        for name, value in attributes.items():
            global_state.set_global_attribute(name, value)
    if "tf" in state:
        ctx, seed, rng = state["tf"]
        # _set_global_seed also clears the kernel cache, so no kernel seeded during the
        # fit is reused; the saved op-seed generator then continues where it stood.
        ctx._set_global_seed(seed)
        ctx._rng = rng


def array_data_adapter():
    """Keras' internal ``ArrayDataAdapter`` (the pipeline ``Model.fit`` builds for arrays)
    with the TensorFlow backend of a supported Keras, else None."""
    if keras.backend.backend() != "tensorflow" or not keras_supported():
        return None
    try:
        from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
    except ImportError:  # pragma: no cover - another Keras layout
        return None
    return ArrayDataAdapter
