"""The compiled forward pass CNNClassifier's ``predict_proba`` runs: one
``tf.function`` per network and input dtype, cached without keeping the network alive."""

from __future__ import annotations

import functools
import weakref

import keras
import numpy as np


def _forward(model_ref, x):
    return model_ref()(x, training=False)


# One compiled forward pass per network and input dtype, traced once for any batch size.
# Keras' model.predict shares one tf.function body among all models and retraces it per
# model and per batch shape, so TensorFlow warns about "retracing" after a few models
# (a fold ensemble, a grid search); TensorFlow counts the traces of these functions per
# network. The function holds the network by a weak reference, so the entry goes when
# the network does. Its graph is the one Keras' predict runs: outputs are bit-identical.
_FORWARD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _compiled_forward(model: keras.Model, dtype: np.dtype):
    import tensorflow as tf

    per_dtype = _FORWARD.setdefault(model, {})
    forward = per_dtype.get(dtype)
    if forward is None:
        spec = tf.TensorSpec((None, *model.input_shape[1:]), tf.as_dtype(dtype))
        forward = tf.function(functools.partial(_forward, weakref.ref(model)),
                              input_signature=[spec])
        per_dtype[dtype] = forward
    return forward
