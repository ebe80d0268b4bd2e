"""scikit-learn's estimator checks on CNNClassifier.

The checks feed 2-D feature matrices, which CNNClassifier rejects by design (images
only): a test-only subclass sees each row as an (n_features, 1, 1) image so that the
checks exercise the wrapper's scikit-learn behaviour (cloning, fitted state, classes_,
predict_proba, pickling, error messages…). Checks that cannot apply are listed below
with the reason.
"""

import keras
import numpy as np
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmedimg import CNNClassifier


def dense_net(meta):
    inputs = keras.Input(meta["input_shape_"])
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(16, activation="relu")(x)
    outputs = keras.layers.Dense(meta["n_outputs_"], activation=meta["output_activation_"])(x)
    return keras.Model(inputs, outputs)


class RowsAsImagesCNN(CNNClassifier):
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags

    def _check_X(self, X, *, reset):
        if hasattr(X, "toarray") or hasattr(X, "tocsr"):
            raise TypeError("Sparse data is not supported: pass dense image arrays.")
        X = np.asarray(X)
        if X.ndim == 2:
            X = X[:, :, np.newaxis, np.newaxis]
        return super()._check_X(X, reset=reset)


EXPECTED_FAILED = {
    "check_estimator_tags_renamed": "scikeras' BaseWrapper defines _more_tags (old tags API)",
    "check_mixin_order": (
        "scikeras' KerasClassifier puts BaseWrapper before ClassifierMixin; reordering the "
        "bases raises 'Cannot create a consistent method resolution order'"
    ),
    "check_estimators_empty_data_messages": (
        "a (n, 0) matrix becomes images with a zero-length axis; the message says so "
        "instead of scikit-learn's '0 feature(s)' wording"
    ),
    "check_fit2d_1sample": "a single image cannot be split for training; the message differs",
    "check_sample_weight_equivalence_on_dense_data": (
        "stochastic gradient training: weighting is not equivalent to repetition"
    ),
    "check_methods_sample_order_invariance": "batched float32 inference differs in the last bits",
    "check_methods_subset_invariance": "batched float32 inference differs in the last bits",
    "check_supervised_y_2d": "a column vector y is accepted as single-output labels",
    "check_n_features_in_after_fitting": "n_features_in_ counts pixels; messages talk images",
    "check_dtype_object": "object arrays are rejected: images must hold real numbers",
}


def _expected_failed(estimator):
    return EXPECTED_FAILED


@parametrize_with_checks(
    [RowsAsImagesCNN(dense_net, epochs=2, validation_fraction=0.0, random_state=0)],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
