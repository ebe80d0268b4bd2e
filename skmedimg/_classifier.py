"""CNNClassifier: a scikit-learn classifier for image arrays, on top of scikeras."""

from __future__ import annotations

import contextlib
import logging
import numbers
import os
import random
import threading
import warnings

import keras
import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn.base import ClassifierMixin, clone
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import ClassifierTags, compute_sample_weight
from sklearn.utils.validation import _check_sample_weight, check_consistent_length, check_is_fitted

from ._architectures import (
    ARCHITECTURES,
    build_network,
    check_architecture_name,
    min_image_size,
    resolve_rescale,
)
from ._losses import LOSS_NAMES, SURROGATE_LOSSES, make_loss
from ._targets import TargetEncoder, per_label_weights
from ._validation import check_images, check_random_seed, image_shape

logger = logging.getLogger(__name__)


def _respect_thread_limits() -> None:
    """Size TensorFlow's thread pools from ``OMP_NUM_THREADS`` when it is set.

    joblib's process backend (``GridSearchCV(n_jobs=k)``) sets ``OMP_NUM_THREADS`` to
    ``cpu_count // k`` in its workers, but TensorFlow sizes its pools from the core
    count, so k workers would each start one thread per core and oversubscribe the
    machine. This must run before TensorFlow executes its first op in the process.
    """
    n = os.environ.get("OMP_NUM_THREADS", "")
    if not n.isdigit() or int(n) < 1:
        return
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(int(n))
        tf.config.threading.set_inter_op_parallelism_threads(min(int(n), 2))
    except RuntimeError:  # TensorFlow already initialised in this process: keep its pools
        logger.debug("TensorFlow thread pools already initialised; OMP_NUM_THREADS ignored")


_respect_thread_limits()


class _ThreadRandom:
    """Stands in for the ``random`` module inside Keras' ``seed_generator``.

    Keras draws the seed of every unseeded initializer and dropout layer from Python's
    global ``random``, which any other thread may draw from too: in a Dask worker the
    event loop does, and a seeded fit there got other initial weights than the same fit
    anywhere else (ROC AUC 0.51 instead of 0.64 on a near-untrained network). During a
    seeded fit the fitting thread draws from its own ``random.Random(seed)``, which gives
    the numbers ``random.seed(seed)`` would have; other threads and unseeded fits use the
    global module as before.
    """

    def __init__(self):
        self.local = threading.local()

    def __getattr__(self, name):
        return getattr(getattr(self.local, "rng", None) or random, name)


def _install_thread_random() -> _ThreadRandom:
    # A private Keras module (keras/src/random/seed_generator.py, Keras 3.0 to 3.15 at
    # least); without it seeded fits are only repeatable when no other thread uses
    # ``random``, as before, and the returned stand-in is simply never consulted.
    try:
        from keras.src.random import seed_generator
    except ImportError:  # pragma: no cover - a Keras without that module
        return _ThreadRandom()
    current = getattr(seed_generator, "python_random", None)
    if isinstance(current, _ThreadRandom):  # installed by an earlier import
        return current
    stand_in = _ThreadRandom()
    if current is random:  # otherwise Keras changed: leave it alone
        seed_generator.python_random = stand_in
    return stand_in


_THREAD_RANDOM = _install_thread_random()


@contextlib.contextmanager
def _seeded(seed: int | None):
    """Seed Python, NumPy and Keras/TensorFlow for one fit, then give Python and NumPy
    their global state back.

    scikeras' own ``tensorflow_random_state`` switches TensorFlow op determinism on and
    can leave it on, after which an unseeded fit raises ``RuntimeError``; on a CPU the
    seeds alone make training repeatable, so determinism is never touched here.
    """
    if seed is None:
        yield
        return
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    keras.utils.set_random_seed(seed)
    local = _THREAD_RANDOM.local
    previous = getattr(local, "rng", None)
    local.rng = random.Random(seed)
    try:
        yield
    finally:
        local.rng = previous
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


def _to_4d(X: np.ndarray) -> np.ndarray:
    """Add the channel axis to (n, H, W) images; a view, never a copy."""
    return X[..., np.newaxis] if X.ndim == 3 else X


class CNNClassifier(KerasClassifier):
    """Convolutional network classifier for (imbalanced) medical images.

    A :class:`scikeras.wrappers.KerasClassifier` for image arrays that behaves like any
    scikit-learn classifier: it clones, pickles, runs in ``Pipeline``,
    ``GridSearchCV``, ``cross_validate`` and ``TunedThresholdClassifierCV``, and its
    ``predict_proba`` follows scikit-learn's layout. Images stay in their stored dtype
    until a batch enters the network, where an :class:`IntensityRescaling` layer casts
    and normalises them.

    Parameters
    ----------
    architecture : str, callable or keras.Model, default="small_cnn"
        ``"small_cnn"`` (three conv blocks; trains on 28x28 images on a CPU in
        seconds), a ``keras.applications`` backbone by name (``"resnet50"``,
        ``"mobilenet_v2"``, ``"vgg16"``, ``"vgg19"``, ``"efficientnet_b0"``,
        ``"densenet121"``), a callable ``f(meta, **model__kwargs)`` returning a
        ``keras.Model`` that maps rescaled images to ``meta["n_outputs_"]`` outputs
        with activation ``meta["output_activation_"]``, or such a ``keras.Model``
        (it is cloned, never trained in place).
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
    epochs : int, default=30
        Maximum number of epochs.
    batch_size : int, default=32
        Images per gradient step.
    validation_fraction : float, default=0.1
        Stratified fraction of the training set held out for early stopping and for
        halving the learning rate on plateaus. ``0`` trains on everything for
        ``epochs`` epochs.
    patience : int, default=5
        Epochs without improvement of ``monitor`` before training stops; the best
        weights are restored.
    monitor : str, default="val_loss"
        Validation quantity watched by early stopping (e.g. ``"val_auc"``).
    rescale : {"auto", "dtype", "minmax", "zscore", "none"}, default="auto"
        Intensity normalisation inside the network: ``"dtype"`` divides integer images
        by their dtype's maximum (255 for uint8, 65535 for uint16), ``"minmax"`` maps
        each image to [0, 1], ``"zscore"`` standardises each image (usual for MRI),
        ``"none"`` only casts. ``"auto"`` is ``"dtype"`` for integer and ``"minmax"``
        for floating-point images.
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
    image_shape_ : tuple of int
        (height, width, channels) of the training images.
    n_features_in_ : int
        Pixels per image, ``height * width * channels``.
    history_ : dict
        Per-epoch training log (loss, recall, precision, auc, f2 and ``val_*``).
    n_epochs_ : int
        Epochs actually run (early stopping may end training before ``epochs``).

    See Also
    --------
    skmedimg.ThresholdTuner : Move the decision threshold to a clinical objective.
    skmedimg.samplers.AugmentingOverSampler : Oversample by image augmentation.

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
        epochs=30,
        batch_size=32,
        validation_fraction=0.1,
        patience=5,
        monitor="val_loss",
        rescale="auto",
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
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.monitor = monitor
        self.rescale = rescale
        self.sampler = sampler
        self.metrics = metrics
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        vars(self).update(**kwargs)
        if kwargs:
            self._user_params = set(kwargs)

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        # scikeras 0.13 predates scikit-learn's tags API: without this, is_classifier is
        # False and GridSearchCV(cv=3) silently uses KFold instead of StratifiedKFold.
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_label=True, poor_score=True)
        tags.target_tags.required = True
        tags.target_tags.two_d_labels = True
        tags.non_deterministic = True
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags

    def __sklearn_is_fitted__(self) -> bool:
        # scikeras sets classes_ = None before training, so a failed fit or a bare
        # initialize() would pass check_is_fitted; only a completed fit counts here.
        return bool(getattr(self, "fitted_", False))

    # ------------------------------------------------------------ parameters
    def _routed(self, destination: str) -> dict:
        prefix = destination + "__"
        return {k[len(prefix):]: v for k, v in self.get_params().items() if k.startswith(prefix)}

    def _check_params(self) -> None:
        def positive_int(name):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int; got {value!r}.")

        positive_int("epochs")
        positive_int("batch_size")
        if isinstance(self.architecture, str):
            check_architecture_name(self.architecture)
        if self.weights is not None and (
            not isinstance(self.architecture, str) or self.architecture == "small_cnn"
        ):
            name = self.architecture if isinstance(self.architecture, str) else "custom"
            raise ValueError(
                f"weights={self.weights!r} applies to the keras.applications backbones "
                f"only, not to the {name!r} architecture, which would silently ignore it; "
                "load weights into model_ after initialize() instead."
            )
        if isinstance(self.loss, str) and self.loss not in LOSS_NAMES:
            raise ValueError(
                f"Unknown loss {self.loss!r}; expected one of {LOSS_NAMES} or a Keras loss."
            )
        if not isinstance(self.learning_rate, numbers.Real) or not self.learning_rate > 0:
            raise ValueError(
                f"learning_rate must be a positive number; got {self.learning_rate!r}."
            )
        vf = self.validation_fraction
        if not isinstance(vf, numbers.Real) or not 0 <= vf < 1:
            raise ValueError(f"validation_fraction must be in [0, 1); got {vf!r}.")
        if self.patience is not None and (
            not isinstance(self.patience, numbers.Integral) or self.patience < 0
        ):
            raise ValueError(f"patience must be None or an int >= 0; got {self.patience!r}.")
        cw = self.class_weight
        if not (cw is None or cw == "balanced" or isinstance(cw, (dict, list, tuple))):
            raise ValueError(
                f"class_weight must be None, 'balanced', a dict or a list of dicts; got {cw!r}."
            )
        if self.sampler is not None and not hasattr(self.sampler, "fit_resample"):
            raise TypeError(
                f"sampler must be an imbalanced-learn sampler with fit_resample; got "
                f"{type(self.sampler).__name__}."
            )
        if self.metrics not in ("auto", None) and not isinstance(self.metrics, (list, tuple)):
            raise ValueError(f"metrics must be 'auto', None or a list; got {self.metrics!r}.")

    # ---------------------------------------------------------------- checks
    def _check_X(self, X, *, reset: bool) -> np.ndarray:
        X = check_images(X, min_size=min_image_size(self.architecture))
        X = _to_4d(X)
        if reset:
            return X
        if tuple(X.shape[1:]) != self.image_shape_:
            raise ValueError(
                f"X has images of shape {tuple(X.shape[1:])} (height, width, channels), but "
                f"this {type(self).__name__} was fitted on {self.image_shape_}."
            )
        if X.dtype != self.X_dtype_ and not np.can_cast(X.dtype, self.X_dtype_):
            warnings.warn(
                f"X has dtype {X.dtype} but the model was fitted on {self.X_dtype_}; "
                "intensities may be scaled differently.",
                UserWarning,
                stacklevel=3,
            )
        return X

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        # scikeras' own hook; kept so that inherited code paths see image-aware checks.
        if X is not None:
            X = self._check_X(X, reset=reset)
        return X, y

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
        if isinstance(cw, dict):
            unknown = set(cw) - set(enc.classes_.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight names classes {sorted(unknown, key=str)} that are not in y "
                    f"(classes: {enc.classes_.tolist()})."
                )
            cw_labels = {i: cw.get(c, 1.0) for i, c in enumerate(enc.classes_.tolist())}
        return loss, compute_sample_weight(cw_labels, labels)

    def _build_keras_model(self) -> keras.Model:
        meta = self._get_metadata()
        enc = self.target_encoder_
        meta.update(
            n_outputs_=enc.n_outputs,
            output_activation_=enc.output_activation,
            input_shape_=self.image_shape_,
        )
        mode, scale = resolve_rescale(self.rescale, self.X_dtype_)
        return build_network(
            self.architecture,
            input_shape=self.image_shape_,
            n_outputs=enc.n_outputs,
            output_activation=enc.output_activation,
            rescale_mode=mode,
            rescale_scale=scale,
            input_dtype=str(self.X_dtype_) if self.X_dtype_.kind in "uif" else "float32",
            weights=self.weights,
            meta=meta,
            model_kwargs=self._routed("model"),
        )

    def _compile(self, loss) -> None:
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = keras.optimizers.get(optimizer).__class__
        if isinstance(optimizer, type):
            optimizer = optimizer(learning_rate=self.learning_rate, **self._routed("optimizer"))
        self.model_.compile(optimizer=optimizer, loss=loss, metrics=self._metrics())

    # ------------------------------------------------------------------ fit
    def _initialize(self, X, y, classes=None):
        self._check_params()
        X = self._check_X(X, reset=True)
        self.target_encoder_ = TargetEncoder().fit(y, classes=classes)
        self.classes_ = self.target_encoder_.classes_
        self.n_classes_ = len(self.classes_)
        self.target_type_ = self.target_encoder_.target_type_
        self.image_shape_ = image_shape(X)
        self.n_features_in_ = int(np.prod(self.image_shape_))
        self.X_dtype_ = X.dtype
        self.model_ = self._build_keras_model()
        self._initialize_callbacks()
        return X

    def initialize(self, X, y) -> CNNClassifier:
        """Build and compile the network without training it.

        The result can predict (e.g. after loading weights into ``model_``) but does
        not count as fitted for :func:`~sklearn.utils.validation.check_is_fitted`.
        """
        self.fitted_ = False
        with _seeded(check_random_seed(self.random_state)):
            self._initialize(X, y)
            labels = self.target_encoder_.labels(y)
            loss, _ = self._loss_and_weights(labels)
            self._compile(loss)
        return self

    def fit(self, X, y, sample_weight=None, **kwargs) -> CNNClassifier:
        """Train the network on images ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width) or (n_samples, height, width, channels)
            Images, uint8, uint16 or float; never copied to float32 as a whole.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Binary or multiclass labels (ints or strings) or a multilabel indicator
            matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-image weights; not modified.
        **kwargs
            Extra arguments for ``keras.Model.fit``.

        Returns
        -------
        self : CNNClassifier
            The fitted classifier.
        """
        kwargs.setdefault("epochs", self.epochs)
        self._fit(X, y, sample_weight, warm_start=self.warm_start, initial_epoch=0, **kwargs)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs) -> CNNClassifier:
        """Train for one more epoch, keeping the network's current weights."""
        self._fit(
            X, y, sample_weight, warm_start=True, epochs=1, initial_epoch=self.current_epoch,
            classes=classes, **kwargs,
        )
        return self

    def _fit(self, X, y, sample_weight, *, warm_start, epochs, initial_epoch, classes=None,
             **kwargs):
        self.fitted_ = False
        if y is None:
            raise ValueError(
                "CNNClassifier requires y to be passed, but the target y is None."
            )
        seed = check_random_seed(self.random_state)
        with _seeded(seed):
            if warm_start and getattr(self, "model_", None) is not None:
                self._check_params()
                X = self._check_X(X, reset=False)
            else:
                X = self._initialize(X, y, classes=classes)
                initial_epoch = 0
            check_consistent_length(X, y)
            labels = self.target_encoder_.labels(y)
            if sample_weight is not None:
                # A copy: scikeras multiplies the caller's array in place.
                sample_weight = np.array(
                    _check_sample_weight(sample_weight, X, ensure_non_negative=True),
                    dtype=np.float32,
                )
            loss, class_sw = self._loss_and_weights(labels)
            if class_sw is not None:
                sample_weight = class_sw if sample_weight is None else sample_weight * class_sw
            if not (warm_start and getattr(self.model_, "compiled", False)):
                self._compile(loss)
            history = self._fit_network(
                X, labels, sample_weight, epochs=epochs, initial_epoch=initial_epoch,
                seed=seed, **kwargs,
            )
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
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
        if not vf or n * vf < 2:
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

    def _fit_callbacks_for(self, has_validation: bool):
        callbacks = list(self._fit_callbacks)
        if has_validation and self.patience is not None:
            higher_is_better = ("auc", "recall", "precision", "f2", "acc")
            mode = "max" if any(k in self.monitor for k in higher_is_better) else "min"
            callbacks += [
                _MonitorCheck(self.monitor),
                keras.callbacks.EarlyStopping(
                    monitor=self.monitor, mode=mode, patience=self.patience,
                    restore_best_weights=True,
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
            callbacks=self._fit_callbacks_for(validation_data is not None),
        )
        if self.sampler is not None:
            from .samplers import BalancedBatchDataset

            dataset = BalancedBatchDataset(
                X, labels, sampler=clone(self.sampler), batch_size=self.batch_size,
                y_encoded=Y, sample_weight=sample_weight, random_state=seed,
            )
            return self.model_.fit(dataset, **fit_args)
        fit_args.setdefault("batch_size", self.batch_size)
        fit_args.setdefault("shuffle", True)
        return self.model_.fit(X, Y, sample_weight=sample_weight, **fit_args)

    # -------------------------------------------------------------- predict
    def _predict_raw(self, X, **kwargs):
        # An initialize()d network may predict (e.g. with loaded weights) although it
        # does not count as fitted for check_is_fitted.
        if getattr(self, "model_", None) is None or not hasattr(self, "target_encoder_"):
            check_is_fitted(self)
        X = self._check_X(X, reset=False)
        args = {"batch_size": self.batch_size, "verbose": 0, **self._routed("predict"), **kwargs}
        return self.model_.predict(X, **args)

    def predict_proba(self, X, **kwargs) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes) — binary included — or
        (n_samples, n_labels) for multilabel targets; 2-D even for one image."""
        raw = self._predict_raw(X, **kwargs)
        return self.target_encoder_.proba(raw)

    def predict(self, X, **kwargs) -> np.ndarray:
        """Most probable class (binary/multiclass) or the 0/1 matrix at 0.5 (multilabel)."""
        proba = self.predict_proba(X, **kwargs)
        return self.target_encoder_.predict(proba)

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy (subset accuracy for multilabel), as in scikit-learn."""
        return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)


class _MonitorCheck(keras.callbacks.Callback):
    """Fail on a ``monitor`` the model does not log, after the first epoch.

    Keras' EarlyStopping only warns and then never stops, and the logged names depend on
    the compiled metrics, so they can only be checked against a real epoch's logs.
    """

    def __init__(self, monitor: str):
        super().__init__()
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            logged = sorted(k for k in logs if k.startswith("val_"))
            raise ValueError(
                f"monitor={self.monitor!r} is not logged by this model; its validation "
                f"quantities are {logged}. Pass one of them (metrics='auto' logs val_auc, "
                "val_recall, val_precision and val_f2)."
            )


def _binary_dict(class_weight, classes):
    """A binary class_weight dict keyed by label, as {0: w_neg, 1: w_pos}."""
    if not isinstance(class_weight, dict):
        raise ValueError(
            f"class_weight must be None, 'balanced' or a dict for binary targets; got "
            f"{class_weight!r}."
        )
    return {i: float(class_weight.get(c, 1.0)) for i, c in enumerate(classes.tolist())}


__all__ = ["CNNClassifier", "ARCHITECTURES"]
