"""CNNClassifier: a scikit-learn classifier for image arrays, on top of scikeras.

Over ~500 lines for a reason: the module holds the one ``CNNClassifier`` class (with
its long numpydoc docstring and the seeded-fit context, ``_seeded``, which tests patch
here), and that class's methods share the fit state they build and roll back, so
splitting the class itself would scatter one estimator's contract. Its plain helpers
live in ``_classifier_checks`` (parameter and input checks), ``_seeding`` (thread pools),
``_keras_compat`` (the backend's seed state), ``_predict`` (the compiled forward pass) and
``_callbacks`` (training guards); the names are re-imported here.
"""

from __future__ import annotations

import contextlib
import copyreg
import numbers
import os
import random
import warnings
from collections.abc import Mapping
from numbers import Integral, Real

import keras
import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn import get_config
from sklearn.base import clone
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import ClassifierTags, compute_sample_weight
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from ._architectures import (
    ARCHITECTURES,
    RESCALE_MODES,
    build_network,
    check_augmentation,
    check_rescale_window,
    check_volume_architecture,
    min_image_size,
    resolve_input_size,
    resolve_rescale,
)
from ._callbacks import (  # noqa: F401 - re-exported for tests and callers of this module
    _check_finite_weights,
    _diverged_message,
    _MonitorCheck,
    _StopOnNonFinite,
)
from ._classifier_checks import (  # noqa: F401 - re-exported
    _BIT_DEPTHS,
    _OWNED_FIT_ARGS,
    _as_bit_depth,
    _binary_dict,
    _check_class_weight_values,
    _check_keras_kwargs,
    _check_label_columns,
    _check_positive_int,
    _check_weight_dict,
    _Range,
    _to_4d,
    _with_channel_axis,
)
from ._keras_compat import (
    backend_seed_state,
    keras_default_seeds_from,
    restore_backend_seed_state,
)
from ._losses import LOSS_NAMES, SURROGATE_LOSSES, make_loss
from ._predict import _FORWARD, _compiled_forward, _forward  # noqa: F401 - re-exported
from ._seeding import _respect_thread_limits
from ._sklearn_compat import HasMethods, StrOptions, _check_sample_weight, _fit_context
from ._targets import NetworkTargetEncoder, per_label_weights
from ._validation import (
    as_pixel_array,
    check_images,
    check_random_seed,
    image_shape,
    is_lazy_images,
    resolve_spatial_dims,
)
from ._weight_average import refresh_batch_norm_statistics

_AXES = {2: "height, width, channels", 3: "depth, height, width, channels"}
_KIND = {2: "images", 3: "volumes"}
# epochs="auto": about this many gradient steps, within this range of epochs.
AUTO_EPOCH_STEPS = 2000
AUTO_EPOCH_RANGE = (20, 60)
AUTO_EPOCH_PLAIN_MAX = 30  # the cap when no augmentation is in effect (e.g. volumes)
# ema_momentum="auto": the weights are averaged over at most this many last steps (0.99).
EMA_AUTO_MAX_WINDOW = 100


def _new_classifier(cls, *args):
    """An empty classifier for the unpickler, after TensorFlow's thread pools are sized
    (see ``CNNClassifier.__reduce_ex__``)."""
    _respect_thread_limits()
    return cls.__new__(cls, *args)


@contextlib.contextmanager
def _seeded(seed: int | None):
    """Seed Python, NumPy and Keras/TensorFlow for one fit, then give all of them their
    global state back; yields the ``random.Random(seed)`` the network's layer seeds are
    drawn from (``None`` when ``seed`` is None).

    TensorFlow's global seed must be set during the fit (Keras shuffles the training
    set with ``tf.random.shuffle``), but it must not outlive it: a caller's unseeded
    ``tf.random`` draws would otherwise repeat in every process after a seeded fit. The
    one trace left is TensorFlow's kernel cache, cleared as by any ``tf.random.set_seed``
    (ops given an explicit op seed start their sequence anew).

    The built-in architectures take their layer seeds from the yielded generator; layers
    created by Keras without a seed (inside a backbone or a custom architecture) draw
    theirs from the same generator in this thread only (see :mod:`._keras_compat`), so
    other threads drawing from Python's ``random`` cannot change the initial weights.

    scikeras' own ``tensorflow_random_state`` switches TensorFlow op determinism on and
    can leave it on, after which an unseeded fit raises ``RuntimeError``; on a CPU the
    seeds alone make training repeatable, so determinism is never touched here.
    """
    if seed is None:
        yield None
        return
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    backend_state = backend_seed_state()
    keras.utils.set_random_seed(seed)
    rng = random.Random(seed)
    try:
        with keras_default_seeds_from(rng):
            yield rng
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002
        restore_backend_seed_state(backend_state)


class CNNClassifier(KerasClassifier):
    """Convolutional network classifier for (imbalanced) medical images and volumes.

    A :class:`scikeras.wrappers.KerasClassifier` for image arrays (X-ray, dermoscopy,
    slices) and 3-D volumes (CT, MRI) that behaves like any scikit-learn classifier: it
    clones, pickles, runs in ``Pipeline``, ``GridSearchCV``, ``cross_validate`` and
    ``TunedThresholdClassifierCV``, and its ``predict_proba`` follows scikit-learn's
    layout. Images stay in their stored dtype until a batch enters the network, where an
    :class:`IntensityRescaling` layer casts and normalises them.

    Read more in the :ref:`User Guide <remedies>`.

    Parameters
    ----------
    architecture : str, callable or keras.Model, default="small_cnn"
        ``"small_cnn"`` (three conv blocks of 32, 64 and 128 filters, set with
        ``model__filters``; trains on 28x28 images on a CPU in seconds, and with 3-D
        convolutions on 28x28x28 volumes in minutes), a
        ``keras.applications`` backbone by name (``"resnet50"``, ``"mobilenet_v2"``,
        ``"vgg16"``, ``"vgg19"``, ``"efficientnet_b0"``, ``"densenet121"``; 2-D images
        only), a callable ``f(meta, **model__kwargs)`` returning a ``keras.Model`` that
        maps rescaled images of shape ``meta["input_shape_"]`` (``meta["spatial_dims_"]``
        spatial axes) to ``meta["n_outputs_"]`` outputs with activation
        ``meta["output_activation_"]``, or such a ``keras.Model`` (it is cloned, never
        trained in place).
    weights : None or str, default=None
        Backbone weights: ``None`` (random init) or the path of a local weights file.
        Nothing is ever downloaded.
    loss : str or keras loss, default="auto"
        ``"auto"`` (binary cross-entropy, or categorical for multiclass), ``"bce"``,
        ``"categorical_crossentropy"``, ``"weighted_bce"`` (per-label positive and
        negative weights from ``class_weight``; ``"balanced"`` when that is None),
        ``"focal"`` (Keras' focal losses), ``"recall_specificity"`` (a differentiable
        ``1 - (w * recall + (1 - w) * specificity)``, ``w`` set by
        ``loss__recall_weight``), ``"fbeta"`` (a differentiable ``1 - F_beta``, beta
        set by ``loss__beta``), or any Keras loss. Routed ``loss__*`` parameters
        (e.g. ``loss__gamma``) reach the loss.
    class_weight : None, "balanced", dict or list of dict, default=None
        Class weights. Binary/multiclass: scikit-learn's meaning, applied as sample
        weights. Multilabel: ``"balanced"`` or one ``{0: w_neg, 1: w_pos}`` dict per
        label, applied through the loss (Keras' ``class_weight`` cannot do that).
        Ignored, with a warning, by the surrogate losses, which balance by design.
    optimizer : str or keras optimizer class, default="adam"
        Optimizer; routed ``optimizer__*`` parameters reach it.
    learning_rate : float, default=1e-3
        Initial learning rate.
    ema_momentum : "auto", float in [0, 1) or None, default="auto"
        Deploy an exponential moving average of the weights met during training
        (Keras' ``use_ema``): after each step ``average = m * average + (1 - m) *
        weights``, and when ``fit`` ends the network holds ``average``. Trained at a
        constant learning rate without a validation split, the last step's weights are
        wherever the last few batches pushed them; their average over the final steps
        is a steadier network. ``"auto"`` averages over about the last tenth of the
        training steps, at most about 100 (``m = 1 - 1 / min(100, steps / 10)``). It is
        off when early stopping restores its best epoch instead (``validation_fraction
        > 0``), in ``partial_fit`` and when routed ``optimizer__use_ema`` or
        ``optimizer__ema_momentum`` are given (they take precedence). ``None`` keeps the
        last step's weights. Measured on brain MRI (glioma cut to 10:1, the source's
        test split): balanced accuracy at argmax 0.801 ± 0.009 against 0.735 ± 0.031
        without it, test AUC 0.948 against 0.940 (see :ref:`training_defaults`). The
        value used is ``ema_momentum_``.
    epochs : int or "auto", default="auto"
        Number of epochs (the maximum when early stopping). ``"auto"`` gives a budget
        of about 2 000 gradient steps, as ``ceil(2000 / steps per epoch)`` clipped to
        [20, 60]: small sets train longer (546 images at ``batch_size=32``: 60 epochs),
        large sets stop paying for epochs they do not need (5 708 images: 20). The
        budget follows what was measured with ``augmentation``: augmented images need
        more epochs to be learned (BUSI, 520 images: test AUC 0.837 after 30 epochs,
        0.878 after 60), while 20 epochs were enough for sets of thousands of images.
        Without augmentation (``augmentation=None``, or volumes) the cap is 30 epochs,
        as more epochs then only memorise the training set. The resolved number is
        ``epochs_``.
    batch_size : int, default=32
        Images per gradient step.
    validation_fraction : float, default=0.0
        Stratified fraction of the training set held out for early stopping and for
        halving the learning rate on plateaus. ``0`` (the default) trains on every
        image for ``epochs`` epochs: on small medical sets a held-out tenth is too
        few images to judge epochs by (on BreastMNIST, 55 images), and with
        ``augmentation`` training on everything for a fixed budget gave the better
        test AUC (BreastMNIST 0.882 ± 0.006 against 0.849 ± 0.012 with a 10% split
        and early stopping; see :ref:`training_defaults`). Set it (e.g. ``0.1``) on
        large sets to stop early.
    patience : int, default=5
        Used when ``validation_fraction > 0``: epochs without improvement of
        ``monitor`` before training stops; the best
        weights are restored. Early stopping starts judging after a warm-up of
        ``min(patience, epochs // 3)`` epochs, so the restored weights never come from
        the first epochs, whose validation loss is noise (batch-normalisation
        statistics still settling): on BreastMNIST, restoring the weights of epoch 1
        gave networks that called every test image malignant.
    monitor : str, default="val_loss"
        Validation quantity watched by early stopping (e.g. ``"val_auc"``).
    rescale : {"auto", "dtype", "minmax", "zscore", "none"} or (float, float), \
            default="auto"
        Intensity normalisation inside the network: ``"dtype"`` divides integer images
        by their bit depth's maximum (255 for 8-bit, 65535 for 16-bit images),
        ``"minmax"`` maps each image (volume) to [0, 1], ``"zscore"`` standardises each
        image (usual for MRI), ``"none"`` only casts, and a tuple ``(low, high)`` of
        finite numbers with ``low < high`` is an intensity window: values are clipped
        to [low, high] and mapped to [0, 1], the same for every image (e.g.
        ``(-1000, 400)`` for CT in Hounsfield units; the usual way to train on signed
        int16 CT volumes, which keep their dtype). ``"auto"`` is ``"dtype"`` for integer
        and ``"minmax"`` for floating-point images. The bit depth of uint8 and uint16
        images is their dtype; images of any other integer dtype (int16, int32, int64 —
        a nested list of ints —, uint32…) are read by the values seen in ``fit``: all in
        [0, 255] is treated exactly like the uint8 array of the same values, all in
        [0, 65535] like the uint16 one, and anything else (e.g. signed CT Hounsfield
        units) is refused by ``"auto"`` and ``"dtype"`` with a ``ValueError`` rather
        than guessed: pass a window ``(low, high)``, or ``"minmax"``/``"zscore"``.
        ``predict`` casts integer images to the dtype fixed in ``fit`` and refuses
        values that do not fit it, so both see the same scaling.
    spatial_dims : {"auto", 2, 3}, default="auto"
        How ``fit`` reads ``X``: ``2`` images ``(n, H, W)`` or ``(n, H, W, C)``, ``3``
        volumes ``(n, D, H, W)`` or ``(n, D, H, W, C)``. ``"auto"`` reads 3-D arrays
        as images, 5-D arrays as volumes and 4-D arrays as images when their last axis
        has 1 to 4 entries (channels); other 4-D arrays, e.g. ``(n, 28, 28, 28)``, are
        ambiguous and refused: pass ``spatial_dims=3`` (or add a channel axis,
        ``X[..., None]``). Volumes made or loaded by skmedimg are 5-D. ``predict``
        reads ``X`` as the kind fitted (``spatial_dims_``).
    input_size : "auto", None, int or (int, int), default="auto"
        Size at which the network sees 2-D images: they are resized inside the network
        (bilinear, anti-aliased), so ``X`` is never resized or copied. An int sets the
        longer side and keeps the aspect ratio; ``(height, width)`` sets both; ``None``
        keeps the images' own size. ``"auto"`` lets ``"small_cnn"`` see images whose
        longer side exceeds 64 pixels at 64 pixels (a 224x224 MRI slice costs the
        convolutions 12 times less; on the brain-MRI benchmark a fit of the 5 708
        training images at 224 px then takes minutes on two CPU cores) and leaves
        smaller images, the backbones and volumes as they are.
    augmentation : "auto", None or dict, default="auto"
        Random changes applied to every training batch, freshly each epoch, by Keras
        random layers inside the network; they are inactive in ``predict``, so the
        stored images are never copied and predictions are unaffected. ``"auto"``:
        rotation up to 10 degrees, shift up to 5% of the side, zoom up to 5%, no flip
        (laterality matters in medical images) for 2-D images; nothing for volumes
        (Keras has no 3-D random layers: augment volumes with a sampler). A dict sets
        some of ``"rotation"`` (degrees, in [0, 180]), ``"shift"`` and ``"zoom"``
        (fractions of the side, in [0, 1]) and ``"flip"`` (False, ``"horizontal"``,
        ``"vertical"``, ``"horizontal_and_vertical"``, or True for both); keys left
        out are off.
        ``None`` trains on the images as they are. Rotation, shift and zoom are fused
        into one warp that reads source pixels by nearest neighbour, so training
        images stay as sharp as those met at prediction. With training on every image
        (``validation_fraction=0``), ``"auto"`` raised the test AUC of BreastMNIST from
        0.849 ± 0.012 to 0.882 ± 0.006 and of a brain-MRI set with a rare class from
        0.912 ± 0.009 to 0.931 ± 0.012 (see :ref:`training_defaults`).
    sampler : imblearn sampler or None, default=None
        Balance every epoch on the fly: the sampler's indices are redrawn each epoch and
        augmenting samplers augment the drawn duplicates per batch, so the training set
        is never copied (see :class:`skmedimg.samplers.BalancedBatchDataset`).
    metrics : "auto", None or list, default="auto"
        Training-log metrics. ``"auto"``: Keras' streaming recall, precision, AUC and
        F2 (computed over the epoch, not averaged per batch).
    callbacks : list of keras callbacks, default=None
        Extra Keras callbacks.
    random_state : int, RandomState or None, default=None
        Seed for weight initialisation, shuffling and the validation split: the same
        seed gives identical ``predict_proba`` on a CPU.
    verbose : int, default=0
        Keras' progress output (0 silent, 1 progress bar, 2 one line per epoch).
    warm_start : bool, default=False
        Keep training the current network on the next ``fit``.
    **kwargs
        scikeras routed parameters (``model__*``, ``fit__*``, ``predict__*``,
        ``optimizer__*``, ``loss__*``).

    Attributes
    ----------
    model_ : keras.Model
        The trained network.
    classes_ : ndarray
        Class labels, or ``arange(n_labels)`` for multilabel targets.
    n_classes_ : int
        Number of classes (labels).
    target_type_ : str
        ``"binary"``, ``"multiclass"`` or ``"multilabel-indicator"``.
    target_encoder_ : NetworkTargetEncoder
        The fitted :attr:`target_encoder`: maps ``y`` to the network's training targets
        and its outputs back to ``classes_`` and ``predict_proba``'s layout.
    spatial_dims_ : int
        2 when fitted on images, 3 when fitted on volumes.
    image_shape_ : tuple of int
        (height, width, channels) of the training images, or (depth, height, width,
        channels) of the training volumes.
    n_features_in_ : int
        Values per image (volume): the product of ``image_shape_``.
    network_input_shape_ : tuple of int
        Shape of one image as the network body sees it, after ``input_size``'s
        resizing; ``image_shape_`` when nothing is resized.
    augmentation_ : dict
        The training-time augmentation in effect (``{}`` for none).
    X_dtype_ : numpy.dtype
        Dtype of the network's input: that of the training images, except that integer
        images of another dtype are stored as uint8 or uint16 by their values (see
        ``rescale``). ``predict`` casts integer images to it.
    history_ : dict
        Per-epoch training log (loss, recall, precision, auc, f2 and ``val_*``).
    epochs_ : int
        The epoch budget of the last ``fit`` (1 after ``partial_fit``): ``epochs``, or
        what ``"auto"`` resolved to.
    ema_momentum_ : float or None
        The momentum of the weight average deployed by the last ``fit`` (see
        ``ema_momentum``), or None when the network holds its last step's weights.
    n_epochs_ : int
        Epochs actually run (early stopping may end training before ``epochs``).
    fitted_ : bool
        True once ``fit`` (or ``partial_fit``) has completed; False after
        :meth:`initialize` alone, whose network can predict but is untrained.

    See Also
    --------
    skmedimg.ThresholdTuner : Move the decision threshold to a clinical objective.
    skmedimg.samplers.AugmentingOverSampler : Oversample by image augmentation.

    Notes
    -----
    A failed ``fit`` — an exception, divergence to a NaN loss, or an interruption such
    as ``KeyboardInterrupt`` — never leaves a half-trained network behind. The new
    network is built and trained on the side and replaces the fitted one only when
    training completed, so after a failed re-fit the classifier is exactly as it was
    before (still fitted, with the previous model; a failed first fit leaves it
    unfitted and ``predict`` raises ``NotFittedError``). The exception is training that
    continues the current network in place (``warm_start=True`` or ``partial_fit``):
    when it fails after training started, the classifier is left unfitted (all fitted
    attributes removed) rather than serving partly re-trained weights.

    Examples
    --------
    >>> from skmedimg import CNNClassifier
    >>> from skmedimg.datasets import make_lesion_images
    >>> X, y = make_lesion_images(120, weights=(0.7, 0.3), image_size=16, random_state=0)
    >>> clf = CNNClassifier(epochs=2, validation_fraction=0, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> clf.classes_
    array([0, 1])

    CT volumes in Hounsfield units train with an intensity window:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ct = rng.integers(-1024, 1500, size=(20, 8, 8, 8), dtype=np.int16)
    >>> clf = CNNClassifier(epochs=1, validation_fraction=0, rescale=(-1000, 400),
    ...                     spatial_dims=3, random_state=0).fit(ct, [0, 1] * 10)
    >>> clf.spatial_dims_, clf.image_shape_
    (3, (8, 8, 8, 1))
    """

    def __init__(
        self,
        architecture="small_cnn",
        *,
        weights=None,
        loss="auto",
        class_weight=None,
        optimizer="adam",
        learning_rate=1e-3,
        ema_momentum="auto",
        epochs="auto",
        batch_size=32,
        validation_fraction=0.0,
        patience=5,
        monitor="val_loss",
        rescale="auto",
        spatial_dims="auto",
        input_size="auto",
        augmentation="auto",
        sampler=None,
        metrics="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        **kwargs,
    ):
        # scikeras reads every attribute set here as a parameter; no super().__init__,
        # whose extra parameters (model, build_fn, validation_split…) do not apply.
        self.architecture = architecture
        self.weights = weights
        self.loss = loss
        self.class_weight = class_weight
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.ema_momentum = ema_momentum
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.monitor = monitor
        self.rescale = rescale
        self.spatial_dims = spatial_dims
        self.input_size = input_size
        self.augmentation = augmentation
        self.sampler = sampler
        self.metrics = metrics
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        vars(self).update(**kwargs)
        if kwargs:
            self._user_params = set(kwargs)

    # Simple constraints, checked by scikit-learn's machinery (InvalidParameterError)
    # when fit, partial_fit or initialize starts; what depends on other parameters, on
    # files or on Keras is checked in _check_params.
    _parameter_constraints: dict = {
        "architecture": [StrOptions(set(ARCHITECTURES)), callable],
        "weights": [str, os.PathLike, None],
        "loss": [StrOptions(set(LOSS_NAMES)), callable],
        "class_weight": [StrOptions({"balanced"}), dict, list, tuple, None],
        # A Keras name or Optimizer subclass, checked in _check_optimizer, which explains
        # why an instance is refused.
        "optimizer": "no_validation",
        "learning_rate": [_Range(Real, 0, None, closed="neither")],
        "ema_momentum": [StrOptions({"auto"}), _Range(Real, 0, 1, closed="left"), None],
        "epochs": [StrOptions({"auto"}), _Range(Integral, 1, None, closed="left")],
        "batch_size": [_Range(Integral, 1, None, closed="left")],
        "validation_fraction": [_Range(Real, 0, 1, closed="left")],
        "patience": [_Range(Integral, 0, None, closed="left"), None],
        "monitor": [str],
        # A window (low, high) is checked in _check_params.
        "rescale": [StrOptions(set(RESCALE_MODES)), tuple, list],
        "spatial_dims": [StrOptions({"auto"}), _Range(Integral, 2, 3, closed="both")],
        # Sizes and augmentation settings are checked in _check_params.
        "input_size": [StrOptions({"auto"}), Integral, tuple, list, None],
        "augmentation": [StrOptions({"auto"}), dict, None],
        "sampler": [HasMethods(["fit_resample"]), None],
        "metrics": [StrOptions({"auto"}), list, tuple, None],
        "callbacks": [list, Mapping, keras.callbacks.Callback, None],
        "random_state": ["random_state"],
        "verbose": ["verbose", StrOptions({"auto"})],
        "warm_start": ["boolean"],
    }

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        # scikeras 0.13 predates scikit-learn's tags API: without this, is_classifier is
        # False and GridSearchCV(cv=3) silently uses KFold instead of StratifiedKFold.
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_label=True, poor_score=True)
        tags.target_tags.required = True
        tags.non_deterministic = True
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        # scikeras sets classes_ = None before training, so a failed fit or a bare
        # initialize() would pass check_is_fitted; only a completed fit counts here.
        return bool(getattr(self, "fitted_", False))

    # ------------------------------------------------------------------ pickling
    def __reduce_ex__(self, protocol):
        # Unpickling rebuilds the Keras model, which runs TensorFlow ops, and TensorFlow
        # fixes its thread pools at its first op: size them first, as fit does, so that a
        # model loaded in a fresh process predicts with the pools it was fitted with (a
        # float sum split among other threads can differ in its last bit).
        reduced = super().__reduce_ex__(protocol)
        if not isinstance(reduced, tuple) or reduced[0] is not copyreg.__newobj__:
            return reduced
        return (_new_classifier, reduced[1]) + reduced[2:]

    # ------------------------------------------------- scikeras' extension points
    @property
    def initialized_(self) -> bool:
        """Whether the network can predict: after a completed :meth:`fit` or
        :meth:`initialize` (whose network is untrained), never after a failed fit."""
        return self.__sklearn_is_fitted__() or bool(getattr(self, "_initialized", False))

    @property
    def target_encoder(self) -> NetworkTargetEncoder:
        """The target encoder :meth:`fit` uses, unfitted (scikeras' extension point).

        Binary targets train one sigmoid unit, multiclass targets a softmax over one-hot
        rows, multilabel indicator targets one sigmoid unit per label; its
        ``inverse_transform`` maps network outputs back to labels, or with
        ``return_proba=True`` to ``predict_proba``'s layout. The fitted encoder is
        ``target_encoder_``.

        Returns
        -------
        NetworkTargetEncoder
            A new, unfitted encoder.
        """
        return NetworkTargetEncoder()

    @property
    def feature_encoder(self) -> FunctionTransformer:
        """The feature encoder (scikeras' extension point): the identity.

        Images reach the network as they are, with the checks of :meth:`fit` and
        :meth:`predict` (a channel axis added to 3-D input; integer images stored at
        their bit depth, see ``rescale``); their intensities are rescaled by the
        network's first layer, not by an encoder.

        Returns
        -------
        sklearn.preprocessing.FunctionTransformer
            A new, unfitted identity transformer.
        """
        return FunctionTransformer()

    @staticmethod
    def scorer(y_true, y_pred, **kwargs) -> float:
        """The scoring function of :meth:`score`: :func:`~sklearn.metrics.accuracy_score`
        (subset accuracy for multilabel targets).

        Parameters
        ----------
        y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels.
        **kwargs : dict
            Passed to :func:`~sklearn.metrics.accuracy_score` (e.g. ``sample_weight``).

        Returns
        -------
        score : float
            Accuracy.
        """
        return accuracy_score(y_true, y_pred, **kwargs)

    # ------------------------------------------------------------ parameters
    def _routed(self, destination: str) -> dict:
        prefix = destination + "__"
        return {k[len(prefix):]: v for k, v in self.get_params().items() if k.startswith(prefix)}

    def _check_params(self) -> None:
        """What ``_parameter_constraints`` cannot say: files, Keras names, class weight
        values, an intensity window and routed Keras arguments."""
        if not isinstance(self.rescale, str):
            check_rescale_window(self.rescale)
        if isinstance(self.augmentation, dict):
            check_augmentation(self.augmentation)
        self._check_weights()
        self._check_optimizer()
        _check_class_weight_values(self.class_weight)
        _check_keras_kwargs("fit", self._routed("fit"), routed=True)
        _check_keras_kwargs("predict", self._routed("predict"), routed=True)

    def _check_weights(self) -> None:
        weights = self.weights
        if weights is None:
            return
        if not isinstance(self.architecture, str) or self.architecture == "small_cnn":
            name = self.architecture if isinstance(self.architecture, str) else "custom"
            raise ValueError(
                f"weights={weights!r} applies to the keras.applications backbones "
                f"only, not to the {name!r} architecture, which would silently ignore it; "
                "load weights into model_ after initialize() instead."
            )
        if not isinstance(weights, (str, os.PathLike)):
            raise ValueError(
                f"weights must be None or the path of a local weights file; got {weights!r}."
            )
        if str(weights) == "imagenet":
            raise ValueError(
                "weights='imagenet' would download weights, which skmedimg never does; pass "
                "the path of a local weights file (e.g. the '*_notop.h5' file) instead."
            )
        if not os.path.isfile(weights):
            raise ValueError(
                f"weights={weights!r} is not an existing file; pass the path of a local "
                f"weights file for the {self.architecture!r} backbone (e.g. its "
                "'*_notop.h5' file)."
            )

    def _check_optimizer(self) -> None:
        opt = self.optimizer
        if isinstance(opt, str):
            try:
                keras.optimizers.get(opt)
            except ValueError:
                raise ValueError(
                    f"Unknown optimizer {opt!r}; pass the name of a Keras optimizer (e.g. "
                    "'adam', 'sgd', 'rmsprop', 'adamw') or a keras.optimizers class."
                ) from None
        elif isinstance(opt, keras.optimizers.Optimizer):
            raise ValueError(
                f"optimizer must be a name or a keras.optimizers class, not an instance "
                f"({type(opt).__name__}(...)): an instance would silently ignore "
                "learning_rate and optimizer__* and carry its state from one fit into the "
                f"next. Pass optimizer=keras.optimizers.{type(opt).__name__} and set its "
                "arguments as optimizer__<name>=..."
            )
        elif not (isinstance(opt, type) and issubclass(opt, keras.optimizers.Optimizer)):
            raise ValueError(
                f"optimizer must be the name of a Keras optimizer or a keras.optimizers "
                f"class; got {opt!r}."
            )

    def _check_class_weight(self) -> None:
        """class_weight against the classes of y (its values were checked in _check_params)."""
        cw = self.class_weight
        if cw is None or isinstance(cw, str):
            return
        enc = self.target_encoder_
        if enc.target_type_ == "multilabel-indicator":
            n_labels = len(enc.classes_)
            dicts = [cw] if isinstance(cw, dict) and n_labels == 1 else cw
            if not isinstance(dicts, (list, tuple)) or len(dicts) != n_labels:
                raise ValueError(
                    f"For multilabel targets class_weight must be 'balanced' or a list of "
                    f"{n_labels} dicts {{0: w_neg, 1: w_pos}}, one per label; got {cw!r}."
                )
            for k, d in enumerate(dicts):
                if not set(d) <= {0, 1}:
                    raise ValueError(
                        f"class_weight[{k}] must be a dict with keys 0 and/or 1 (negatives, "
                        f"positives of label {k}); got {d!r}."
                    )
            return
        if not isinstance(cw, dict):
            raise ValueError(
                f"class_weight must be None, 'balanced' or a dict {{class: weight}} for "
                f"{enc.target_type_} targets (lists of dicts are for multilabel targets); "
                f"got {cw!r}."
            )
        classes = enc.classes_.tolist()
        unknown = [c for c in cw if c not in classes]
        if unknown:
            raise ValueError(
                f"class_weight names classes {sorted(unknown, key=str)} that are not in y "
                f"(classes: {classes})."
            )
        if all(float(cw.get(c, 1.0)) == 0 for c in classes):
            raise ValueError(
                f"class_weight gives every class weight 0 ({cw!r}); nothing would be learned."
            )

    # ---------------------------------------------------------------- checks
    def _check_X(self, X, *, reset: bool) -> np.ndarray:
        X = as_pixel_array(X)
        if reset:
            dims = resolve_spatial_dims(X.shape, self.spatial_dims)
            if dims == 3:
                check_volume_architecture(self.architecture)
        else:
            dims = self.spatial_dims_
            if X.ndim == {2: 5, 3: 3}[dims]:  # unambiguously the other kind
                raise ValueError(
                    f"X of shape {X.shape} holds {_KIND[5 - dims]}, but this "
                    f"{type(self).__name__} was fitted on {_KIND[dims]} of shape "
                    f"{self.image_shape_} ({_AXES[dims]}); pass {_KIND[dims]} of that shape."
                )
        # At predict the fitted shape is checked instead, which says more than a size; an
        # explicit input_size is checked after resizing, in _initialize.
        explicit_size = not (isinstance(self.input_size, str) or self.input_size is None)
        min_size = (min_image_size(self.architecture, dims)
                    if reset and not explicit_size else None)
        X = check_images(X, min_size=min_size, spatial_dims=dims)
        X = _with_channel_axis(X, dims)
        if reset:
            if isinstance(self.rescale, str) and self.rescale in ("auto", "dtype"):
                return _as_bit_depth(X, self.rescale)
            return X
        if tuple(X.shape[1:]) != self.image_shape_:
            raise ValueError(
                f"X has {_KIND[dims]} of shape {tuple(X.shape[1:])} ({_AXES[dims]}), but "
                f"this {type(self).__name__} was fitted on {self.image_shape_}."
            )
        if X.dtype != self.X_dtype_ and X.dtype.kind in "ui" and self.X_dtype_.kind in "ui":
            # The network's input has the fitted dtype: integers that do not fit it would
            # wrap around or saturate in the cast; those that fit keep their meaning.
            info = np.iinfo(self.X_dtype_)
            lo, hi = int(X.min()), int(X.max())
            if lo < info.min or hi > info.max:
                raise ValueError(
                    f"X holds {X.dtype} pixel values in [{lo}, {hi}], outside the range "
                    f"[{info.min}, {info.max}] of the {self.X_dtype_} images this model was "
                    "fitted on; they would be scaled differently from the training images."
                )
            return X.astype(self.X_dtype_)
        if X.dtype != self.X_dtype_ and not np.can_cast(X.dtype, self.X_dtype_):
            warnings.warn(
                f"X has dtype {X.dtype} but the model was fitted on {self.X_dtype_}; "
                "intensities may be scaled differently.",
                UserWarning,
                stacklevel=3,
            )
        return X

    # ------------------------------------------------------------- building
    def _metrics(self):
        if self.metrics is None:
            return []
        if self.metrics != "auto":
            return list(self.metrics)
        t = self.target_encoder_.target_type_
        n = self.target_encoder_.n_outputs
        if t == "multiclass":
            return [
                keras.metrics.CategoricalAccuracy(name="accuracy"),
                keras.metrics.AUC(name="auc"),
                keras.metrics.FBetaScore(beta=2.0, average="macro", name="f2"),
            ]
        multilabel = t == "multilabel-indicator"
        return [
            keras.metrics.Recall(name="recall"),
            keras.metrics.Precision(name="precision"),
            keras.metrics.AUC(
                name="auc", multi_label=multilabel, num_labels=n if multilabel else None
            ),
            keras.metrics.FBetaScore(
                beta=2.0, threshold=0.5, average="macro" if multilabel else "micro", name="f2"
            ),
        ]

    def _loss_and_weights(self, labels: np.ndarray):
        """The Keras loss and the per-sample class weights (or None)."""
        try:
            return self._make_loss_and_weights(labels)
        except TypeError as exc:
            routed = sorted(f"loss__{k}" for k in self._routed("loss"))
            if not routed:
                raise
            verb = "does" if len(routed) == 1 else "do"
            raise ValueError(
                f"{', '.join(routed)} {verb} not fit loss={self.loss!r}: {exc}"
            ) from exc

    def _make_loss_and_weights(self, labels: np.ndarray):
        enc = self.target_encoder_
        cw = self.class_weight
        loss_kwargs = self._routed("loss")
        if not isinstance(self.loss, str):
            loss = self.loss
            if isinstance(loss, type):
                loss = loss(**loss_kwargs)
        elif self.loss in SURROGATE_LOSSES:
            if cw is not None:
                warnings.warn(
                    f"class_weight is ignored with loss={self.loss!r}: the surrogate is computed "
                    "per class and already balances them.",
                    UserWarning,
                    stacklevel=4,
                )
            return make_loss(self.loss, target_type=enc.target_type_, loss_kwargs=loss_kwargs), None
        else:
            label_weights = None
            if enc.target_type_ == "multilabel-indicator" and cw is not None:
                label_weights = per_label_weights(cw, labels)
            elif self.loss == "weighted_bce":
                if enc.target_type_ == "binary":
                    label_weights = per_label_weights(
                        "balanced" if cw is None else [_binary_dict(cw, enc.classes_)],
                        labels.reshape(-1, 1),
                    )
                else:
                    label_weights = per_label_weights(
                        "balanced" if cw is None else cw, labels
                    )
            loss = make_loss(
                self.loss,
                target_type=enc.target_type_,
                class_weights=label_weights,
                loss_kwargs=loss_kwargs,
            )
            if label_weights is not None:
                return loss, None
        if cw is None or enc.target_type_ == "multilabel-indicator":
            return loss, None
        cw_labels = cw
        if isinstance(cw, dict):  # its keys were checked against the classes in fit
            cw_labels = {i: cw.get(c, 1.0) for i, c in enumerate(enc.classes_.tolist())}
        return loss, compute_sample_weight(cw_labels, labels)

    def _build_keras_model(self, rng: random.Random | None = None) -> keras.Model:
        meta = self._get_metadata()
        enc = self.target_encoder_
        meta.update(
            n_outputs_=enc.n_outputs,
            output_activation_=enc.output_activation,
            input_shape_=self.network_input_shape_,
        )
        mode, scale = resolve_rescale(self.rescale, self.X_dtype_)
        return build_network(
            self.architecture,
            input_shape=self.image_shape_,
            n_outputs=enc.n_outputs,
            output_activation=enc.output_activation,
            rescale_mode=mode,
            rescale_scale=scale,
            rescale_window=check_rescale_window(self.rescale) if mode == "window" else None,
            input_dtype=str(self.X_dtype_) if self.X_dtype_.kind in "uif" else "float32",
            weights=self.weights,
            meta=meta,
            model_kwargs=self._routed("model"),
            rng=rng,
            input_size=(None if self.network_input_shape_ == self.image_shape_
                        else self.network_input_shape_[:-1]),
            augmentation=self.augmentation_,
        )

    def _resolve_ema_momentum(self, n_samples: int, epochs: int, *, stream: bool):
        """The momentum of the weight average for this fit, or None for none."""
        routed = self._routed("optimizer")
        if "use_ema" in routed or "ema_momentum" in routed:
            return None  # the routed settings reach the optimizer as given
        if self.ema_momentum is None or (self.ema_momentum == "auto" and stream):
            return None
        if self.validation_fraction > 0 and self.patience is not None:  # early stopping
            if self.ema_momentum != "auto":
                warnings.warn(
                    f"ema_momentum={self.ema_momentum!r} is not used: with "
                    f"validation_fraction={self.validation_fraction} early stopping "
                    "restores the weights of its best epoch instead of the average.",
                    UserWarning,
                    stacklevel=6,
                )
            return None
        if self.ema_momentum != "auto":
            return float(self.ema_momentum)
        steps = self._steps_per_epoch(n_samples) * epochs
        # Average over about the last tenth of training, never more than ~100 steps: a
        # longer memory would keep weights from early, worse epochs in the average.
        window = min(EMA_AUTO_MAX_WINDOW, steps / 10)
        return float(1.0 - 1.0 / window) if window > 1 else None

    def _compile(self, loss, ema_momentum: float | None = None) -> None:
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = keras.optimizers.get(optimizer).__class__
        routed = self._routed("optimizer")
        if ema_momentum is not None:
            routed = {"use_ema": True, "ema_momentum": ema_momentum, **routed}
        try:
            optimizer = optimizer(learning_rate=self.learning_rate, **routed)
        except (TypeError, ValueError) as exc:
            if not routed:
                raise
            names = ", ".join(sorted(f"optimizer__{k}" for k in routed))
            verb = "does" if len(routed) == 1 else "do"
            raise ValueError(
                f"{names} {verb} not fit optimizer={self.optimizer!r}: {exc}"
            ) from exc
        self.model_.compile(optimizer=optimizer, loss=loss, metrics=self._metrics())

    # ------------------------------------------------------------------ fit
    def _initialize(self, X, y, classes=None, rng=None):
        X = self._check_X(X, reset=True)
        self.target_encoder_ = self.target_encoder.fit(y, classes=classes)
        self.classes_ = self.target_encoder_.classes_
        self.n_classes_ = len(self.classes_)
        self.target_type_ = self.target_encoder_.target_type_
        self.spatial_dims_ = X.ndim - 2
        self.image_shape_ = image_shape(X, self.spatial_dims_)
        self.n_features_in_ = int(np.prod(self.image_shape_))
        self.X_dtype_ = X.dtype
        self.augmentation_ = check_augmentation(self.augmentation, self.spatial_dims_)
        self.network_input_shape_ = self._network_input_shape()
        self._check_class_weight()
        self.model_ = self._build_keras_model(rng)
        self._initialize_callbacks()
        return X

    def _steps_per_epoch(self, n_samples: int) -> int:
        n_train = n_samples - int(np.ceil(n_samples * self.validation_fraction))
        return int(np.ceil(max(n_train, 1) / self.batch_size))

    def _auto_epochs(self, n_samples: int, augmented: bool = True) -> int:
        steps = self._steps_per_epoch(n_samples)
        low, high = AUTO_EPOCH_RANGE
        # Without augmentation more epochs only memorise the training set.
        high = high if augmented else AUTO_EPOCH_PLAIN_MAX
        return int(np.clip(np.ceil(AUTO_EPOCH_STEPS / steps), low, high))

    def _network_input_shape(self) -> tuple[int, ...]:
        size = resolve_input_size(self.input_size, self.architecture, self.image_shape_)
        if size is None:
            return self.image_shape_
        min_size = min_image_size(self.architecture, self.spatial_dims_)
        if min(size) < min_size:
            raise ValueError(
                f"input_size={self.input_size!r} resizes images of shape "
                f"{self.image_shape_[:-1]} to {size}, smaller than the {min_size} pixels "
                f"per side that architecture={self.architecture!r} needs; pass a larger "
                "input_size, or input_size=None to keep the images' own size."
            )
        return (*size, self.image_shape_[-1])

    def _restore_on_failure(self, previous: dict, *, discard: bool) -> None:
        """Put back the state before a failed ``fit``/``initialize``; with ``discard``
        (the current network was being trained in place) drop the fitted state instead,
        so no partly trained weights can serve predictions."""
        vars(self).clear()
        vars(self).update(previous)
        if discard:
            for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
                delattr(self, name)
            self._initialized = False

    @_fit_context(prefer_skip_nested_validation=False)
    def initialize(self, X, y) -> CNNClassifier:
        """Build and compile the network without training it.

        The result can predict (e.g. after loading weights into ``model_``) but does
        not count as fitted for :func:`~sklearn.utils.validation.check_is_fitted`.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width[, channels]) or \
                (n_samples, depth, height, width[, channels])
            Images that fix the input shape and dtype of the network (see :meth:`fit`).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Targets that fix the classes and the output layer.

        Returns
        -------
        self : CNNClassifier
            The classifier with an untrained network.
        """
        _respect_thread_limits()
        previous = dict(vars(self))
        try:
            self._check_params()
            seed = check_random_seed(self.random_state)
            self.fitted_ = False
            with _seeded(seed) as rng:
                self._initialize(X, y, rng=rng)
                labels = self.target_encoder_.labels(y)
                loss, _ = self._loss_and_weights(labels)
                self.ema_momentum_ = None  # nothing is trained here
                self._compile(loss)
        except BaseException:
            self._restore_on_failure(previous, discard=False)
            raise
        self._initialized = True
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **kwargs) -> CNNClassifier:
        """Train the network on images ``X`` and targets ``y``.

        A fit that fails or is interrupted leaves the classifier as it was before (see
        Notes in the class documentation).

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width[, channels]) or \
                (n_samples, depth, height, width[, channels])
            Images or volumes (read as ``spatial_dims`` says), uint8, uint16, int16 or
            float; never copied to float32 as a whole. Other integer dtypes are read as
            8- or 16-bit images by their values, unless ``rescale`` is a window (see
            ``rescale``).
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Binary or multiclass labels (ints or strings) or a multilabel indicator
            matrix in which every label has positive and negative samples.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-image weights, finite and >= 0, not all 0; not modified.
        **kwargs
            Extra arguments for ``keras.Model.fit`` (e.g. ``steps_per_epoch``), and
            ``epochs``.

        Returns
        -------
        self : CNNClassifier
            The fitted classifier.
        """
        kwargs.setdefault("epochs", self.epochs)
        self._fit(X, y, sample_weight, warm_start=self.warm_start, initial_epoch=0, **kwargs)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs) -> CNNClassifier:
        """Train for one more epoch, keeping the network's current weights.

        The first call builds the network as :meth:`fit` does; a call that fails after
        training started leaves the classifier unfitted (see Notes in the class
        documentation).

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width[, channels]) or \
                (n_samples, depth, height, width[, channels])
            A batch of images (volumes), of the shape and (integer) bit depth of the
            first batch.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its targets.
        classes : array-like of shape (n_classes,), default=None
            All classes of the stream, required when the first batch lacks some.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-image weights, finite and >= 0, not all 0; not modified.
        **kwargs
            Extra arguments for ``keras.Model.fit``.

        Returns
        -------
        self : CNNClassifier
            The classifier, trained for one more epoch.
        """
        if self.__sklearn_is_fitted__() and not get_config()["skip_parameter_validation"]:
            # scikit-learn validates partial_fit's parameters on the first call only; a
            # set_params between calls (e.g. batch_size=0) must not reach Keras.
            self._validate_params()
        self._fit(
            X, y, sample_weight, warm_start=True, epochs=1, initial_epoch=self.current_epoch,
            classes=classes, batch_of_stream=True, **kwargs,
        )
        return self

    def _fit(self, X, y, sample_weight, *, warm_start, **kwargs):
        # scikit-learn's contract: a failed fit leaves no usable half-state. A fresh
        # network is trained on the side, so the previous state is simply put back; a
        # network trained in place (warm start) cannot be, so it is dropped.
        _respect_thread_limits()
        previous = dict(vars(self))
        in_place = bool(warm_start) and getattr(self, "model_", None) is not None
        progress = {"training": False}
        try:
            self._fit_checked(X, y, sample_weight, in_place=in_place, progress=progress,
                              **kwargs)
        except BaseException:
            self._restore_on_failure(previous, discard=in_place and progress["training"])
            raise

    def _fit_checked(self, X, y, sample_weight, *, in_place, progress, epochs, initial_epoch,
                     classes=None, batch_of_stream=False, **kwargs):
        if y is None:
            raise ValueError(
                "CNNClassifier requires y to be passed, but the target y is None."
            )
        self._check_params()
        if not (isinstance(epochs, str) and epochs == "auto"):
            _check_positive_int("epochs", epochs)
        _check_keras_kwargs("fit", kwargs, routed=False)
        seed = check_random_seed(self.random_state)
        self.fitted_ = False
        with _seeded(seed) as rng:
            if in_place:
                X = self._check_X(X, reset=False)
                self._initialize_callbacks()  # callbacks may have been set since
            else:
                X = self._initialize(X, y, classes=classes, rng=rng)
                initial_epoch = 0
            check_consistent_length(X, y)
            if isinstance(epochs, str):  # "auto", from the constructor or fit's kwargs
                epochs = self._auto_epochs(len(X), augmented=bool(self.augmentation_))
            self.epochs_ = epochs
            labels = self.target_encoder_.labels(y)
            if labels.ndim == 2 and not batch_of_stream:
                _check_label_columns(labels)
            if sample_weight is not None:
                # A copy: scikeras multiplies the caller's array in place.
                sample_weight = np.array(
                    _check_sample_weight(sample_weight, X, ensure_non_negative=True),
                    dtype=np.float32,
                )
            loss, class_sw = self._loss_and_weights(labels)
            if class_sw is not None:
                sample_weight = class_sw if sample_weight is None else sample_weight * class_sw
            if sample_weight is not None and not np.any(sample_weight > 0):
                raise ValueError(
                    "sample_weight is 0 for every image"
                    + (" once class_weight is applied" if class_sw is not None else "")
                    + "; nothing would be learned."
                )
            if not (in_place and getattr(self.model_, "compiled", False)):
                self.ema_momentum_ = self._resolve_ema_momentum(
                    len(X), epochs, stream=batch_of_stream)
                self._compile(loss, self.ema_momentum_)
            progress["training"] = True
            history = self._fit_network(
                X, labels, sample_weight, epochs=epochs, initial_epoch=initial_epoch,
                seed=seed, **kwargs,
            )
            _check_finite_weights(self.model_, self.learning_rate)
            if getattr(self.model_.optimizer, "use_ema", False):
                # Keras swapped the averaged weights in; the batch-norm statistics are
                # still those of the raw weights.
                refresh_batch_norm_statistics(self.model_, X, batch_size=self.batch_size,
                                              seed=seed)
        if not in_place or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = {}
        for key, values in history.history.items():
            self.history_.setdefault(key, []).extend(float(v) for v in values)
        self.n_epochs_ = len(self.history_.get("loss", []))
        self.fitted_ = True

    def _validation_split(self, labels: np.ndarray, seed):
        """Stratified train/validation indices, or None when no split is asked for or
        possible (too few samples per class)."""
        vf = self.validation_fraction
        n = len(labels)
        if not vf:
            return None
        if n * vf < 2:
            warnings.warn(
                f"validation_fraction={vf} of {n} images holds fewer than 2 images; "
                "training without a validation set (no early stopping).",
                UserWarning,
                stacklevel=5,
            )
            return None
        if labels.ndim == 2:
            from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

            splitter = MultilabelStratifiedShuffleSplit(
                n_splits=1, test_size=vf, random_state=seed
            )
        else:
            counts = np.bincount(labels)
            n_val = int(np.ceil(n * vf))
            if counts[counts > 0].min() < 2 or n_val < len(counts) or n - n_val < len(counts):
                warnings.warn(
                    f"validation_fraction={vf} leaves too few images per class for a "
                    "stratified validation split; training without early stopping.",
                    UserWarning,
                    stacklevel=5,
                )
                return None
            splitter = StratifiedShuffleSplit(n_splits=1, test_size=vf, random_state=seed)
        return next(splitter.split(np.zeros((n, 1)), labels))

    def _fit_callbacks_for(self, has_validation: bool, epochs: int):
        callbacks = [*self._fit_callbacks, _StopOnNonFinite(self.learning_rate)]
        if has_validation and self.patience is not None:
            higher_is_better = ("auc", "recall", "precision", "f2", "acc")
            mode = "max" if any(k in self.monitor for k in higher_is_better) else "min"
            callbacks += [
                _MonitorCheck(self.monitor),
                keras.callbacks.EarlyStopping(
                    monitor=self.monitor, mode=mode, patience=self.patience,
                    restore_best_weights=True,
                    start_from_epoch=min(self.patience, epochs // 3),
                ),
                keras.callbacks.ReduceLROnPlateau(
                    monitor=self.monitor, mode=mode, factor=0.5,
                    patience=max(1, self.patience // 2), min_lr=self.learning_rate / 64,
                ),
            ]
        return callbacks

    def _fit_network(self, X, labels, sample_weight, *, epochs, initial_epoch, seed, **kwargs):
        Y = self.target_encoder_.transform(labels if labels.ndim == 2 else self.classes_[labels])
        split = self._validation_split(labels, seed)
        validation_data = None
        if split is not None:
            train, val = split
            sw_val = None if sample_weight is None else sample_weight[val]
            validation_data = (X[val], Y[val]) if sw_val is None else (X[val], Y[val], sw_val)
            X, Y, labels = X[train], Y[train], labels[train]
            sample_weight = None if sample_weight is None else sample_weight[train]
        fit_args = {"verbose": self.verbose, **self._routed("fit"), **kwargs}
        fit_args.update(
            epochs=initial_epoch + epochs,
            initial_epoch=initial_epoch,
            validation_data=validation_data,
            callbacks=self._fit_callbacks_for(validation_data is not None, epochs),
        )
        lazy = is_lazy_images(X)
        if lazy:
            # Read one batch at a time, batched and shuffled as Keras does for arrays.
            from ._lazy_feed import lazy_fit_data

            batch_size = fit_args.pop("batch_size", self.batch_size)
            shuffle = fit_args.pop("shuffle", True)
            if validation_data is not None:
                fit_args["validation_data"] = lazy_fit_data(
                    *validation_data, shuffle=False,
                    batch_size=fit_args.pop("validation_batch_size", None) or batch_size,
                )
        if self.sampler is not None:
            from .samplers import BalancedBatchDataset

            dataset = BalancedBatchDataset(
                X, labels, sampler=clone(self.sampler), batch_size=self.batch_size,
                y_encoded=Y, sample_weight=sample_weight, random_state=seed,
            )
            return self.model_.fit(dataset, **fit_args)
        if lazy:
            data = lazy_fit_data(X, Y, sample_weight, batch_size=batch_size, shuffle=shuffle,
                                 seed=seed)
            return self.model_.fit(data, shuffle=False, **fit_args)
        fit_args.setdefault("batch_size", self.batch_size)
        fit_args.setdefault("shuffle", True)
        return self.model_.fit(X, Y, sample_weight=sample_weight, **fit_args)

    # -------------------------------------------------------------- predict
    def _predict_raw(self, X, **kwargs):
        # A completed fit or initialize() (e.g. to load weights into model_) may predict,
        # never the network of a fit that failed or was interrupted.
        if not self.initialized_:
            check_is_fitted(self)
        _check_keras_kwargs("predict", kwargs, routed=False)
        X = self._check_X(X, reset=False)
        args = {"batch_size": self.batch_size, "verbose": 0, **self._routed("predict"), **kwargs}
        batch_size = args["batch_size"]
        lazy = is_lazy_images(X)
        if (set(args) == {"batch_size", "verbose"} and args["verbose"] == 0
                and isinstance(batch_size, numbers.Integral) and batch_size >= 1
                and keras.backend.backend() == "tensorflow"):
            forward = _compiled_forward(self.model_, X.dtype)
            batches = (X.iter_batches(batch_size) if lazy else
                       (X[start:start + batch_size] for start in range(0, len(X), batch_size)))
            return np.concatenate([forward(batch).numpy() for batch in batches])
        if lazy:
            from ._lazy_feed import LazyBatches

            batches = LazyBatches(X, np.zeros(len(X)), batch_size=args.pop("batch_size"),
                                  shuffle=False)
            return self.model_.predict(batches, **args)
        # Progress bars, callbacks, steps, other backends: Keras' own loop.
        return self.model_.predict(X, **args)

    def predict_proba(self, X, **kwargs) -> np.ndarray:
        """Class probabilities, 2-D even for one image.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width[, channels]) or \
                (n_samples, depth, height, width[, channels])
            Images (or volumes) of the fitted kind and shape.
        **kwargs
            Extra arguments for ``keras.Model.predict`` (e.g. ``batch_size``).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            Probabilities in the order of ``classes_`` (two columns for binary targets),
            or one column per label for multilabel targets.
        """
        raw = self._predict_raw(X, **kwargs)
        return self.target_encoder_.inverse_transform(raw, return_proba=True)

    def predict(self, X, **kwargs) -> np.ndarray:
        """Most probable class (binary/multiclass) or the 0/1 matrix at 0.5 (multilabel).

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width[, channels]) or \
                (n_samples, depth, height, width[, channels])
            Images (or volumes) of the fitted kind and shape.
        **kwargs
            Extra arguments for ``keras.Model.predict`` (e.g. ``batch_size``).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels from ``classes_``, or the indicator matrix for multilabel targets.
        """
        proba = self.predict_proba(X, **kwargs)
        return self.target_encoder_.predict(proba)

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy (subset accuracy for multilabel), as in scikit-learn.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width[, channels]) or \
                (n_samples, depth, height, width[, channels])
            Images (or volumes) of the fitted kind and shape.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-image weights.

        Returns
        -------
        score : float
            :meth:`scorer` of ``y`` and ``predict(X)``.
        """
        return self.scorer(y, self.predict(X), sample_weight=sample_weight)


__all__ = ["CNNClassifier", "ARCHITECTURES"]
