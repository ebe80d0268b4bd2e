"""Sphinx configuration for skmedimg.

Build (warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Set ``SKMEDIMG_DOCS_PLOT=0`` to build without executing the example gallery (CI).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # build from a checkout even if not installed

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quiet TensorFlow's C++ start-up logs

import skmedimg  # noqa: E402


def _load_module(path: Path):
    """Import a helper script of docs/ by path (docs/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- Project --------------------------------------------------------------------------
project = "skmedimg"
author = "skmedimg developers"
copyright = "skmedimg developers"  # noqa: A001
release = skmedimg.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions -----------------------------------------------------------------------
sys.path.insert(0, str(HERE / "_ext"))  # local extensions (hardening_table)

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "hardening_table",  # docs/_ext: the bad-input tables read from tests/test_hardening.py
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
default_role = "literal"

# -- Cross-references -----------------------------------------------------------------
# Links into scikit-learn, imbalanced-learn, NumPy, Keras... The build has no network, so
# intersphinx reads small committed inventories (docs/_inventories, written by
# make_inventories.py there) that list the objects we reference with their real URLs.
_inventories = _load_module(HERE / "_inventories" / "make_inventories.py")
intersphinx_mapping = _inventories.intersphinx_mapping()

# Every reference must resolve: a typo or a renamed object fails the -W build.
nitpicky = True
nitpick_ignore = [
    # Private helpers named in public docstrings; they are not part of the API reference.
    ("py:class", "IntensityRescaling"),  # CNNClassifier: the input layer of every network
]

# autodoc / autosummary / numpydoc
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"  # numpydoc already documents the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Link the types in Parameters/Returns sections (``ndarray``, ``array-like``, ``dict``,
# ``keras.Model``...). Only the words listed here and numpydoc's defaults become links
# ("all" other words stay text), so every linked type is in an inventory above.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    # (a role, because numpydoc leaves an alias that maps to itself unlinked)
    "keras.Model": ":class:`keras.Model`",
    "path-like": ":class:`path-like <os.PathLike>`",
    "estimator": ":term:`estimator <sklearn:estimator>`",
    "Axes": ":class:`~matplotlib.axes.Axes`",
    "Figure": ":class:`~matplotlib.figure.Figure`",
    "Line2D": ":class:`~matplotlib.lines.Line2D`",
    "Bunch": ":class:`~sklearn.utils.Bunch`",
    "sklearn.metrics.RocCurveDisplay": ":class:`sklearn.metrics.RocCurveDisplay`",
    "sklearn.metrics.PrecisionRecallDisplay": ":class:`sklearn.metrics.PrecisionRecallDisplay`",
    "sklearn.metrics.ConfusionMatrixDisplay": ":class:`sklearn.metrics.ConfusionMatrixDisplay`",
    # our own classes, as they appear in Returns sections
    "CNNClassifier": ":class:`~skmedimg.CNNClassifier`",
    "ThresholdTuner": ":class:`~skmedimg.ThresholdTuner`",
    "DecisionRule": ":class:`~skmedimg.DecisionRule`",
    "ClinicalReport": ":class:`~skmedimg.metrics.ClinicalReport`",
    "OperatingPointDisplay": ":class:`~skmedimg.metrics.OperatingPointDisplay`",
    "ThresholdCurveDisplay": ":class:`~skmedimg.metrics.ThresholdCurveDisplay`",
    "skmedimg.metrics.ThresholdCurveDisplay": ":class:`~skmedimg.metrics.ThresholdCurveDisplay`",
    "AugmentingOverSampler": ":class:`~skmedimg.samplers.AugmentingOverSampler`",
    "ImageLoadError": ":class:`~skmedimg.datasets.ImageLoadError`",
}

# -- Example gallery ------------------------------------------------------------------
# Executed by default, so the README's docs command publishes the figures; CI sets
# SKMEDIMG_DOCS_PLOT=0 (its test job already runs the examples).
_PLOT = os.environ.get("SKMEDIMG_DOCS_PLOT", "1").strip().lower() not in ("0", "false", "no")

sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": _PLOT,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skmedimg",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skmedimg": None},
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    "min_reported_time": 1,
}

# -- HTML -----------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skmedimg {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False


# -- Keep the API reference complete ----------------------------------------------------
# Every public class and function (a module's ``__all__``) must appear in api.rst; a
# missing one is a warning, hence a failed ``-W`` build.
_API_MODULES = ("skmedimg", "skmedimg.samplers", "skmedimg.metrics", "skmedimg.datasets")


def _check_api_complete(app):
    import importlib
    import inspect

    from sphinx.util import logging as sphinx_logging

    log = sphinx_logging.getLogger("skmedimg.docs")
    text = (HERE / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s{3}([A-Za-z_][\w]*)\s*$", text, flags=re.MULTILINE))
    for modname in _API_MODULES:
        try:
            module = importlib.import_module(modname)
        except Exception as exc:  # reported by autodoc as well
            log.warning("cannot import %s for the API check: %s", modname, exc)
            continue
        for name in getattr(module, "__all__", ()):
            if name.startswith("_"):
                continue
            try:
                obj = getattr(module, name)
            except Exception as exc:
                log.warning("%s.%s is in __all__ but cannot be imported: %s", modname, name, exc)
                continue
            if not (inspect.isclass(obj) or callable(obj)):
                continue  # constants are described in the narrative docs
            if not getattr(obj, "__module__", "").startswith("skmedimg"):
                continue  # re-exports of other libraries' objects (named in api.rst)
            if name not in listed:
                log.warning("%s.%s is public but missing from docs/api.rst", modname, name)


def _skip_member(app, what, name, obj, skip, options):
    # Methods inherited from scikit-learn's base classes (get_params, set_params,
    # get_metadata_routing, set_*_request, ClassifierMixin.score...) are scikit-learn's
    # generic estimator API, documented there; their docstrings point into
    # scikit-learn's own user guide, which is not part of this build.
    # Likewise the members BalancedBatchDataset inherits from keras.utils.PyDataset
    # (workers, use_multiprocessing, max_queue_size...): Keras documents them.
    if re.fullmatch(r"set_\w+_request", name):
        return True
    defined = getattr(obj, "fget", obj)  # a property's getter carries the module
    module = getattr(defined, "__module__", None) or ""
    if what == "class" and module.split(".")[0] in ("sklearn", "keras"):
        return True
    return None


def _drop_type_docstring(app, what, name, obj, options, lines):
    # autodata of a constant without its own doc comment shows the docstring of its type
    # ("Built-in immutable sequence..."); the text in api.rst describes it instead.
    from sphinx.util.docstrings import prepare_docstring

    if what == "data" and type(obj).__doc__:
        type_doc = prepare_docstring(type(obj).__doc__)
        while type_doc and not type_doc[-1].strip():
            type_doc.pop()
        if lines[: len(type_doc)] == type_doc:
            del lines[: len(type_doc)]


def setup(app):
    app.connect("builder-inited", _check_api_complete)
    app.connect("autodoc-process-docstring", _drop_type_docstring, priority=100)
    app.connect("autodoc-skip-member", _skip_member)
