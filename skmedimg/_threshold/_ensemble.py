"""Fold-ensemble deployment: the fold models averaged, and their scores aligned.

With ``ensemble=True`` the tuner deploys the fold models whose out-of-fold scores it
tuned on (:class:`_FoldEnsemble`, as ``CalibratedClassifierCV(ensemble=True)``), and
tunes on those scores put on one scale (:class:`_ScoreAlignment`).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if


class _FoldEnsemble(ClassifierMixin, BaseEstimator):
    """The fold models of a ``ThresholdTuner(ensemble=True)``; averages their outputs."""

    def __init__(self, estimators=None):
        self.estimators = estimators

    @property
    def classes_(self):
        return self.estimators[0].classes_

    @property
    def n_features_in_(self):
        return self.estimators[0].n_features_in_

    def _mean(self, method, X):
        outs = [getattr(est, method)(X) for est in self.estimators]
        if isinstance(outs[0], list):
            return [np.mean([o[k] for o in outs], axis=0) for k in range(len(outs[0]))]
        return np.mean([np.asarray(o, dtype=np.float64) for o in outs], axis=0)

    @available_if(lambda self: hasattr(self.estimators[0], "predict_proba"))
    def predict_proba(self, X):
        return self._mean("predict_proba", X)

    @available_if(lambda self: hasattr(self.estimators[0], "decision_function"))
    def decision_function(self, X):
        return self._mean("decision_function", X)

    def predict(self, X):
        proba = np.asarray(self.predict_proba(X))
        if proba.ndim == 2 and proba.shape[1] == len(self.classes_):
            return np.asarray(self.classes_)[np.argmax(proba, axis=1)]
        return (proba >= 0.5).astype(int)


class _ScoreAlignment:
    """Put the fold models' out-of-fold scores on one scale before the pooled sweep.

    A fold ensemble averages its models' scores at predict time, but each network's
    score scale moves from one training run to the next (one fold model puts positives
    at 0.9, the next at 0.3). Sweeping the raw out-of-fold scores pooled across folds
    then picks a threshold that means a different recall on the averaged scores: with
    one low-scale fold, a recall constraint drags it down to that fold's scale (every
    sample passes it after averaging); with one high-scale fold, an F-beta optimum sits
    at that fold's scale and the averaged scores of the positives fall below it.

    Each fold's scores (per label) are standardised on the link scale (logit of a
    probability, a decision function as is) by their median and inter-quartile range;
    the threshold ``z`` chosen on the pooled standardised scores maps back to the
    ensemble's scale as ``mean_k inv_link(loc_k + scale_k * z)``, the ensemble's score
    of a sample that sits at ``z`` in every fold model. When the fold models agree, the
    result is the pooled threshold.
    """

    _EPS = 1e-7

    def __init__(self, fold_scores, method):
        self.proba = method == "predict_proba"
        links = [self._link(np.asarray(s, dtype=np.float64)) for s in fold_scores]
        self.loc = np.stack([np.median(v, axis=0) for v in links])
        q75, q25 = zip(*(np.percentile(v, [75, 25], axis=0) for v in links))
        scale = np.asarray(q75) - np.asarray(q25)
        std = np.stack([np.std(v, axis=0) for v in links])
        scale = np.where(scale > 0, scale, std)
        self.scale = np.where(scale > 0, scale, 1.0)
        self.z = [(v - lo) / sc for v, lo, sc in zip(links, self.loc, self.scale)]

    def _link(self, s):
        if not self.proba:
            return s
        p = np.clip(s, self._EPS, 1 - self._EPS)
        return np.log(p) - np.log1p(-p)

    def to_ensemble(self, z, label=None):
        """Ensemble-scale threshold(s) for standardised threshold(s) ``z``."""
        z = np.asarray(z, dtype=np.float64)
        loc, scale = (self.loc, self.scale) if label is None else (
            self.loc[:, label], self.scale[:, label])
        v = loc.reshape((-1,) + (1,) * z.ndim) + scale.reshape((-1,) + (1,) * z.ndim) * z
        if self.proba:
            v = 0.5 * (1.0 + np.tanh(0.5 * v))  # sigmoid without overflow warnings
        out = v.mean(axis=0)
        return float(out) if out.ndim == 0 else out
