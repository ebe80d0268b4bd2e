"""
======================================
3-D volumes: a CNN on lesion volumes
======================================

CT and MRI scans are volumes. :class:`~skmedimg.CNNClassifier` builds a 3-D network for
arrays of shape ``(n, D, H, W, C)`` and the rest of the workflow -- threshold tuning,
clinical report -- is the same as for images. Here: synthetic MRI-like volumes from
:func:`~skmedimg.datasets.make_lesion_volumes`, 15 % of which carry a 3-D lesion.
"""

# %%
# Data: 5-D arrays
# ----------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skmedimg import CNNClassifier, ThresholdTuner
from skmedimg.datasets import make_lesion_volumes
from skmedimg.metrics import clinical_report

n_samples, epochs = 600, 10
# sphinx_gallery_start_ignore
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if os.environ.get("SKMEDIMG_EXAMPLES_QUICK") == "1":  # smoke test: tiny run
    n_samples, epochs = 120, 1
# sphinx_gallery_end_ignore

X, y = make_lesion_volumes(n_samples, volume_size=12, prevalence=0.15,
                           lesion_contrast=1.5, random_state=0)
print(f"X: {X.shape} {X.dtype}, {int(y.sum())} volumes with a lesion")

# %%
# Every other axial slice of one volume with a lesion and one without:
fig, axes = plt.subplots(2, 6, figsize=(9, 3.4))
for row, k in zip(axes, [np.flatnonzero(y == 1)[0], np.flatnonzero(y == 0)[0]]):
    for ax, z in zip(row, range(0, 12, 2)):
        ax.imshow(X[k, z, :, :, 0], cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"slice {z}", fontsize=8)
        ax.axis("off")
    row[0].text(-4, 6, "lesion" if y[k] else "normal", rotation=90, va="center")
fig.tight_layout()

# %%
# Images or volumes?
# ------------------
# A 5-D array is read as volumes. A 4-D array ``(n, D, H, W)`` without a channel axis
# could also be images with ``W`` channels; skmedimg refuses to guess and asks for
# ``spatial_dims``:
try:
    CNNClassifier(epochs=1).fit(X[..., 0], y)
except ValueError as exc:
    print(f"ValueError: {str(exc).splitlines()[0]}")

# %%
# ``spatial_dims=3`` (or ``X[..., None]``) settles it. Everything skmedimg makes or
# loads as volumes is already 5-D.
#
# A 3-D CNN, tuned to a sensitivity target
# ----------------------------------------
# ``architecture="small_cnn"`` (the default) uses ``Conv3D`` blocks for volumes. For CT
# in Hounsfield units (int16), add an intensity window, e.g.
# ``CNNClassifier(rescale=(-1000, 400))``; these uint8 volumes need none.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
cnn = CNNClassifier(class_weight="balanced", epochs=epochs, validation_fraction=0,
                    random_state=0)
tuner = ThresholdTuner(cnn, objective="max_specificity", min_recall=0.9, cv=2,
                       random_state=0).fit(X_train, y_train)
print(f"fitted on {tuner.estimators_[0].spatial_dims_}-D inputs of shape "
      f"{tuner.estimators_[0].image_shape_}; threshold {tuner.threshold_:.3f}")

# %%
# The clinical report on the held-out volumes, at the tuned threshold:
scores = tuner.predict_proba(X_test)[:, 1]
print(clinical_report(y_test, y_score=scores, threshold=tuner.threshold_, min_recall=0.9,
                      target_names=["normal", "lesion"], random_state=0))
