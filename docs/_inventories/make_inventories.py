"""Write the intersphinx inventories of the projects this documentation links to.

Sphinx's intersphinx normally downloads each project's ``objects.inv``. This build has no
network (CI reaches package registries only), so ``docs/conf.py`` points intersphinx at
the small inventories in this folder instead: each lists the objects our pages and
docstrings reference (and a few they are about to), with their real addresses relative
to the project's base URL.

When a page starts referencing another object of these projects, the ``-W`` build fails
with "reference target not found"; add the object below (check the address on the
project's site) and run::

    python docs/_inventories/make_inventories.py

``tests/test_docs.py`` checks that the committed ``.inv`` files are what this script
writes.
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _sklearn(name: str, role: str = "py:class") -> tuple[str, str, str]:
    """An object of scikit-learn's API reference; methods live on their class's page."""
    page = name
    if role == "py:method":
        page = name.rsplit(".", 1)[0]
    return name, role, f"modules/generated/{page}.html#{name}"


def _imblearn(name: str, role: str = "py:class") -> tuple[str, str, str]:
    return name, role, f"references/generated/{name}.html#{name}"


# key: (project name, base URL, [(name, domain:role, address relative to the base URL)])
# Addresses ending in "#" + name are abbreviated to "#$" in the file, as Sphinx does.
PROJECTS: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "python": ("Python", "https://docs.python.org/3/", [
        # numpydoc's default type aliases (numpydoc.xref.DEFAULT_LINKS)
        ("None", "py:data", "library/constants.html#None"),
        ("True", "py:data", "library/constants.html#True"),
        ("False", "py:data", "library/constants.html#False"),
        ("bltin-boolean-values", "std:label", "library/stdtypes.html#bltin-boolean-values"),
        ("list", "py:class", "library/stdtypes.html#list"),
        ("tuple", "py:class", "library/stdtypes.html#tuple"),
        ("str", "py:class", "library/stdtypes.html#str"),
        ("dict", "py:class", "library/stdtypes.html#dict"),
        ("float", "py:class", "library/functions.html#float"),
        ("int", "py:class", "library/functions.html#int"),
        ("callable", "py:function", "library/functions.html#callable"),
        ("iterable", "std:term", "glossary.html#term-iterable"),
        ("sequence", "std:term", "glossary.html#term-sequence"),
        ("generator", "std:term", "glossary.html#term-generator"),
        ("contextlib.contextmanager", "py:function",
         "library/contextlib.html#contextlib.contextmanager"),
        ("collections.namedtuple", "py:function",
         "library/collections.html#collections.namedtuple"),
        ("os.PathLike", "py:class", "library/os.html#os.PathLike"),
        ("json.dumps", "py:function", "library/json.html#json.dumps"),
    ]),
    "numpy": ("NumPy", "https://numpy.org/doc/stable/", [
        ("numpy", "py:module", "reference/index.html#module-numpy"),
        ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html#numpy.ndarray"),
        ("array_like", "std:term", "glossary.html#term-array_like"),
        ("arrays.scalars", "std:label", "reference/arrays.scalars.html#arrays-scalars"),
        ("numpy.random.RandomState", "py:class",
         "reference/random/legacy.html#numpy.random.RandomState"),
        ("numpy.inf", "py:data", "reference/constants.html#numpy.inf"),
        ("numpy.nan", "py:data", "reference/constants.html#numpy.nan"),
    ]),
    "sklearn": ("scikit-learn", "https://scikit-learn.org/stable/", [
        ("estimator", "std:term", "glossary.html#term-estimator"),
        ("sklearn.metrics", "py:module", "api/sklearn.metrics.html#module-sklearn.metrics"),
        _sklearn("sklearn.pipeline.Pipeline"),
        _sklearn("sklearn.model_selection.GridSearchCV"),
        _sklearn("sklearn.model_selection.StratifiedGroupKFold"),
        _sklearn("sklearn.model_selection.TunedThresholdClassifierCV"),
        _sklearn("sklearn.model_selection.cross_validate", "py:function"),
        _sklearn("sklearn.metrics.accuracy_score", "py:function"),
        _sklearn("sklearn.metrics.fbeta_score", "py:function"),
        _sklearn("sklearn.metrics.make_scorer", "py:function"),
        _sklearn("sklearn.metrics.precision_score", "py:function"),
        _sklearn("sklearn.metrics.recall_score", "py:function"),
        _sklearn("sklearn.metrics.roc_auc_score", "py:function"),
        _sklearn("sklearn.metrics.ConfusionMatrixDisplay"),
        _sklearn("sklearn.metrics.ConfusionMatrixDisplay.from_predictions", "py:method"),
        _sklearn("sklearn.metrics.PrecisionRecallDisplay"),
        _sklearn("sklearn.metrics.PrecisionRecallDisplay.from_predictions", "py:method"),
        _sklearn("sklearn.metrics.RocCurveDisplay"),
        _sklearn("sklearn.metrics.RocCurveDisplay.from_predictions", "py:method"),
        _sklearn("sklearn.utils.Bunch"),
        _sklearn("sklearn.utils.metadata_routing.MetadataRouter"),
        _sklearn("sklearn.utils.validation.check_is_fitted", "py:function"),
    ]),
    "imblearn": ("imbalanced-learn", "https://imbalanced-learn.org/stable/", [
        ("imblearn.metrics", "py:module", "references/metrics.html#module-imblearn.metrics"),
        _imblearn("imblearn.pipeline.Pipeline"),
        _imblearn("imblearn.over_sampling.RandomOverSampler"),
        _imblearn("imblearn.over_sampling.SMOTE"),
        _imblearn("imblearn.under_sampling.RandomUnderSampler"),
        _imblearn("imblearn.metrics.geometric_mean_score", "py:function"),
    ]),
    # keras.io is not built with Sphinx: these are its pages and heading anchors.
    "keras": ("Keras", "https://keras.io/", [
        ("keras.Model", "py:class", "api/models/model/#model-class"),
        ("keras.Model.fit", "py:method", "api/models/model_training_apis/#fit-method"),
        ("keras.Model.compile", "py:method", "api/models/model_training_apis/#compile-method"),
        ("keras.applications", "py:module", "api/applications/"),
        ("keras.callbacks.EarlyStopping", "py:class",
         "api/callbacks/early_stopping/#earlystopping-class"),
        ("keras.utils.PyDataset", "py:class", "api/utils/python_utils/#pydataset-class"),
    ]),
    "scikeras": ("SciKeras", "https://adriangb.com/scikeras/stable/", [
        ("scikeras.wrappers.KerasClassifier", "py:class",
         "generated/scikeras.wrappers.KerasClassifier.html#scikeras.wrappers.KerasClassifier"),
    ]),
    "matplotlib": ("Matplotlib", "https://matplotlib.org/stable/", [
        ("matplotlib.axes.Axes", "py:class",
         "api/_as_gen/matplotlib.axes.Axes.html#matplotlib.axes.Axes"),
        ("matplotlib.figure.Figure", "py:class",
         "api/_as_gen/matplotlib.figure.Figure.html#matplotlib.figure.Figure"),
        ("matplotlib.lines.Line2D", "py:class",
         "api/_as_gen/matplotlib.lines.Line2D.html#matplotlib.lines.Line2D"),
    ]),
    "joblib": ("joblib", "https://joblib.readthedocs.io/en/stable/", [
        # a class used as a context manager; our pages call it with :func:
        ("joblib.parallel_config", "py:function",
         "generated/joblib.parallel_config.html#joblib.parallel_config"),
    ]),
}


def inventory_bytes(project: str, objects: list[tuple[str, str, str]]) -> bytes:
    """An ``objects.inv`` (Sphinx inventory version 2) listing ``objects``."""
    lines = []
    for name, role, uri in sorted(objects):
        if uri.endswith("#" + name):
            uri = uri[: -len(name)] + "$"
        # name, domain:role, priority (1: shown in search), address, display name ("-": name)
        lines.append(f"{name} {role} 1 {uri} -\n")
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        "# Version: stable\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    return header.encode() + zlib.compress("".join(lines).encode(), 9)


def intersphinx_mapping() -> dict[str, tuple[str, str]]:
    """``intersphinx_mapping`` for conf.py: each base URL with its local inventory."""
    return {key: (url, str(HERE / f"{key}.inv")) for key, (_, url, _) in PROJECTS.items()}


def main() -> None:
    for key, (project, _, objects) in PROJECTS.items():
        path = HERE / f"{key}.inv"
        path.write_bytes(inventory_bytes(project, objects))
        print(f"{path.relative_to(HERE.parent.parent)}: {len(objects)} objects")


if __name__ == "__main__":
    main()
