"""The threshold tuner, as a private package (public names: :mod:`skmedimg`).

* :mod:`._base` - the meta-estimator shell: ``fit`` template -> ``_fit``, metadata,
  delegation, tags;
* :mod:`._tuner` - :class:`ThresholdTuner` (parameters, ``_fit`` steps, ``predict``);
* :mod:`._cv` - splits, deployment modes, the cross-fit;
* :mod:`._objectives` - native objectives, scorer names and scorers (count formulas);
* :mod:`._search` - tuning per task, pooled and per fold;
* :mod:`._binary` - the binary/multilabel sweep;
* :mod:`._multiclass` - per-class weights;
* :mod:`._ensemble` - the fold ensemble and its score alignment;
* :mod:`._scores` - reading scores from estimators;
* :mod:`._rule` - the JSON :class:`DecisionRule` and its schema.

Nothing here imports the package root (``skmedimg/__init__``) or TensorFlow/Keras.
"""

from ._binary import ConstraintNotMetWarning, _TuneSpec
from ._ensemble import _FoldEnsemble, _ScoreAlignment
from ._multiclass import _macro_from_counts, _tune_class_weights
from ._rule import DecisionRule
from ._scores import _get_scores
from ._tuner import ThresholdTuner

__all__ = ["ConstraintNotMetWarning", "DecisionRule", "ThresholdTuner"]

# private names the tests (and older callers) import from skmedimg._threshold
_PRIVATE = (_TuneSpec, _FoldEnsemble, _ScoreAlignment, _macro_from_counts,
            _tune_class_weights, _get_scores)
