"""The documentation's machinery: docstrings, user-guide links, inventories, conf.py.

- Every public docstring passes numpydoc's validation for the codes in ``CHECKED`` and has
  no unsubstituted ``{placeholder}`` (the ``AugmentingOverSampler`` page once showed
  ``{sampling_strategy}`` as a parameter name; neither ``sphinx-build -W`` nor a test
  noticed).
- The attributes a fit sets are listed in the class's Attributes section.
- Every public class links to its section of the user guide, as scikit-learn's do.
- The intersphinx inventories committed in ``docs/_inventories`` are what
  ``make_inventories.py`` writes, and ``conf.py`` uses them (the build has no network).
- The gallery is executed by default (the README's docs command) and skipped with
  ``SKMEDIMG_DOCS_PLOT=0`` (CI).
- The bad-input table of the user guide is read from ``tests/test_hardening.py`` without
  importing or running it, and reads exactly what the tests assert.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import runpy
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PUBLIC_MODULES = ("skmedimg", "skmedimg.metrics", "skmedimg.samplers", "skmedimg.datasets")
# scikit-learn's own functions re-exported for convenience (documented there).
REEXPORTS = {"skmedimg.metrics.fbeta", "skmedimg.metrics.fbeta_score"}


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being created
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


# ------------------------------------------------------------------ docstrings
def _members(cls) -> list[str]:
    """Public methods and properties of ``cls`` written in skmedimg (inherited ones from
    scikit-learn, imbalanced-learn, SciKeras or Keras are documented by them)."""
    names = []
    for attr in sorted(dir(cls)):
        if attr.startswith("_") or re.fullmatch(r"set_\w+_request", attr):
            continue
        raw = inspect.getattr_static(cls, attr)
        func = raw.fget if isinstance(raw, property) else getattr(cls, attr, None)
        if not callable(func) or inspect.isclass(func):
            continue  # data attributes, nested classes
        if (getattr(func, "__module__", None) or "").startswith("skmedimg"):
            names.append(attr)
    return names


def _public_objects() -> list[str]:
    """Qualified names of the public functions, classes and their methods."""
    names = []
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        for name in module.__all__:
            obj = getattr(module, name)
            qualname = f"{modname}.{name}"
            if qualname in REEXPORTS or not callable(obj):
                continue  # constants are described in api.rst
            names.append(qualname)
            if inspect.isclass(obj):
                names += [f"{qualname}.{attr}" for attr in _members(obj)]
    return names


# The numpydoc validation codes that fail the test: a missing docstring or summary,
# parameters missing, unknown, out of order, without type or description, a missing or
# empty Returns/Yields section, unknown sections or sections out of order. Style codes
# (ES01 extended summary, SA01 See Also, EX01 examples, SS05/SS06 summary wording,
# RT02 return names, GL01/GL02 blank lines) are not checked.
CHECKED = {
    "GL06", "GL07", "GL08", "SS01", "SS03",
    "PR01", "PR02", "PR03", "PR04", "PR05", "PR06", "PR07", "PR10",
    "RT01", "RT03", "YD01",
}
# A ``{name}`` or doubled ``{{``/``}}`` outside the examples: a template that was never
# substituted (e.g. a @Substitution decorator on the wrong class).
PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}|\{\{|\}\}")

# Docstrings that fail today, with the codes: the lead fixes them in skmedimg/ and
# deletes the entry (strict: a fixed docstring fails here until its entry is gone).
DOCSTRING_FAILURES: dict = {}


def _docstring_params():
    names = _public_objects()
    return [pytest.param(name, id=name, marks=pytest.mark.xfail(
        reason=f"numpydoc {DOCSTRING_FAILURES[name]}", strict=True))
        if name in DOCSTRING_FAILURES else pytest.param(name, id=name) for name in names]


def _resolve(qualname: str):
    """The object (for a property: its getter) behind a public qualified name."""
    modname = max((m for m in PUBLIC_MODULES if qualname.startswith(m + ".")), key=len)
    obj = importlib.import_module(modname)
    for part in qualname[len(modname) + 1:].split("."):
        raw = inspect.getattr_static(obj, part) if inspect.isclass(obj) else None
        obj = raw.fget if isinstance(raw, property) else getattr(obj, part)
    return obj


@pytest.mark.parametrize("qualname", _docstring_params())
def test_public_docstring_passes_numpydoc_validation(qualname):
    validate = pytest.importorskip("numpydoc.validate")
    errors = [f"{code} {message}" for code, message in validate.validate(qualname)["errors"]
              if code in CHECKED]
    doc = inspect.getdoc(_resolve(qualname)) or ""
    prose = "\n".join(line for line in doc.splitlines()
                      if not line.lstrip().startswith((">>>", "...")))
    errors += [f"unsubstituted placeholder {m!r}" for m in PLACEHOLDER.findall(prose)]
    assert not errors, "\n".join(errors)


def test_docstring_failures_name_existing_objects():
    """A stale entry (renamed or removed object) would silently stop meaning anything."""
    assert set(DOCSTRING_FAILURES) <= set(_public_objects())


def test_placeholder_check_finds_an_unsubstituted_template():
    class Sampler:
        """Resample.

        Parameters
        ----------
        {sampling_strategy}
        flip : bool or {{"horizontal", "vertical"}}
            Mirror axes.
        """

    found = PLACEHOLDER.findall(inspect.getdoc(Sampler))
    assert found == ["{sampling_strategy}", "{{", "}}"]


# ---------------------------------------------------------- fitted attributes
def _flatten(X):
    return X.reshape(len(X), -1) / 255.0


def _fitted(name):
    """A fitted instance of a public estimator or sampler, on tiny data."""
    from imblearn.over_sampling import RandomOverSampler
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skmedimg import CNNClassifier, ThresholdTuner
    from skmedimg.datasets import make_lesion_images
    from skmedimg.samplers import (
        AugmentingOverSampler,
        ImageSamplerAdapter,
        MultilabelRandomOverSampler,
        RandomImageUnderSampler,
    )

    X, y = make_lesion_images(40, weights=(0.7, 0.3), image_size=8, random_state=0)
    if name == "CNNClassifier":
        return CNNClassifier(epochs=1, batch_size=16, validation_fraction=0.0, metrics=None,
                             random_state=0).fit(X, y)
    if name == "ThresholdTuner":
        logreg = make_pipeline(FunctionTransformer(_flatten), LogisticRegression())
        return ThresholdTuner(logreg, cv=2).fit(X, y)
    if name == "MultilabelRandomOverSampler":
        _, Y = make_lesion_images(40, multilabel=True, image_size=8, random_state=0)
        sampler = MultilabelRandomOverSampler(random_state=0)
        sampler.fit_resample(X, Y)
        return sampler
    sampler = {"AugmentingOverSampler": AugmentingOverSampler(random_state=0),
               "RandomImageUnderSampler": RandomImageUnderSampler(random_state=0),
               "ImageSamplerAdapter": ImageSamplerAdapter(RandomOverSampler(random_state=0)),
               }[name]
    sampler.fit_resample(X, y)
    return sampler


FITTED = ["CNNClassifier", "ThresholdTuner", "AugmentingOverSampler",
          "RandomImageUnderSampler", "ImageSamplerAdapter", "MultilabelRandomOverSampler"]
UNDOCUMENTED_ATTRIBUTES: dict = {}


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=UNDOCUMENTED_ATTRIBUTES[n], strict=True))
    if n in UNDOCUMENTED_ATTRIBUTES else n for n in FITTED])
def test_fitted_attributes_are_documented(name):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    fitted = _fitted(name)
    documented = set()
    for attribute in docscrape.ClassDoc(type(fitted))["Attributes"]:
        documented |= {part.strip() for part in attribute.name.split(",")}  # "a_, b_"
    set_by_fit = {a for a in vars(fitted) if a.endswith("_") and not a.startswith("_")}
    assert set_by_fit, "nothing fitted?"
    assert not set_by_fit - documented, f"undocumented: {sorted(set_by_fit - documented)}"


# ------------------------------------------------------ "Read more in the User Guide"
# The section of the user guide each public class links to, as scikit-learn's classes
# do: the docstring says "Read more in the :ref:`User Guide <label>`." after its summary.
USER_GUIDE = {
    "skmedimg.CNNClassifier": "remedies",
    "skmedimg.ThresholdTuner": "threshold_moving",
    "skmedimg.DecisionRule": "threshold_moving",
    "skmedimg.samplers.AugmentingOverSampler": "resampling",
    "skmedimg.samplers.RandomImageUnderSampler": "resampling",
    "skmedimg.samplers.MultilabelRandomOverSampler": "resampling",
    "skmedimg.samplers.ImageSamplerAdapter": "resampling",
    "skmedimg.samplers.BalancedBatchDataset": "resampling",
    "skmedimg.metrics.ClinicalReport": "imbalance_metrics",
    "skmedimg.metrics.OperatingPointDisplay": "threshold_moving",
    "skmedimg.metrics.ThresholdCurveDisplay": "threshold_moving",
    "skmedimg.datasets.LazyImageArray": "larger_than_memory",
}
# Exceptions and warnings need no user-guide link (scikit-learn's have none either).
NO_USER_GUIDE = {"skmedimg.ConstraintNotMetWarning", "skmedimg.datasets.ImageLoadError"}


def _doc_labels() -> set[str]:
    labels = set()
    for path in DOCS.rglob("*.rst"):
        if "_build" in path.parts or "generated" in path.parts:
            continue
        labels |= set(re.findall(r"^\.\. _([\w-]+):\s*$", path.read_text("utf-8"), re.M))
    return labels


def test_every_public_class_has_a_user_guide_section():
    classes = set()
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        classes |= {f"{modname}.{name}" for name in module.__all__
                    if inspect.isclass(getattr(module, name))}
    assert classes == set(USER_GUIDE) | NO_USER_GUIDE
    missing = {name: label for name, label in USER_GUIDE.items() if label not in _doc_labels()}
    assert not missing, f"labels missing from docs/user_guide: {missing}"


# Classes whose docstring does not link yet (strict: a fixed one fails until removed).
NOT_LINKED_YET: set = set()


@pytest.mark.parametrize("qualname", [
    pytest.param(name, id=name, marks=pytest.mark.xfail(
        reason=f"add 'Read more in the :ref:`User Guide <{label}>`.' to the docstring",
        strict=True)) if name in NOT_LINKED_YET else pytest.param(name, id=name)
    for name, label in USER_GUIDE.items()])
def test_public_class_links_to_the_user_guide(qualname):
    doc = inspect.getdoc(_resolve(qualname)) or ""
    label = USER_GUIDE[qualname]
    assert f"Read more in the :ref:`User Guide <{label}>`." in doc


# -------------------------------------------------------------------- intersphinx
def _inventories():
    return _load(DOCS / "_inventories" / "make_inventories.py", "make_inventories")


def test_committed_inventories_are_what_the_script_writes():
    inv = _inventories()
    for key, (project, _, objects) in inv.PROJECTS.items():
        committed = (DOCS / "_inventories" / f"{key}.inv").read_bytes()
        assert committed == inv.inventory_bytes(project, objects), (
            f"run python docs/_inventories/make_inventories.py ({key}.inv is stale)")


def test_inventory_lines_expand_to_the_listed_addresses():
    inv = _inventories()
    project, base, objects = inv.PROJECTS["sklearn"]
    data = inv.inventory_bytes(project, objects)
    header, _, body = data.partition(b"zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2\n# Project: scikit-learn\n")
    entries = {}
    for line in zlib.decompress(body).decode().splitlines():
        name, role, priority, uri, dispname = line.split(" ")
        entries[name] = (role, uri.replace("$", name) if uri.endswith("$") else uri)
    assert entries["sklearn.metrics.RocCurveDisplay.from_predictions"] == (
        "py:method", "modules/generated/sklearn.metrics.RocCurveDisplay.html"
                     "#sklearn.metrics.RocCurveDisplay.from_predictions")
    assert entries["sklearn.metrics"] == (
        "py:module", "api/sklearn.metrics.html#module-sklearn.metrics")
    assert len(entries) == len(objects)


# ------------------------------------------------------------------------ conf.py
@pytest.fixture
def run_conf(monkeypatch):
    """Execute docs/conf.py as Sphinx does, leaving sys.path as it was."""
    monkeypatch.setattr(sys, "path", list(sys.path))

    def run(plot: str | None):
        if plot is None:
            monkeypatch.delenv("SKMEDIMG_DOCS_PLOT", raising=False)
        else:
            monkeypatch.setenv("SKMEDIMG_DOCS_PLOT", plot)
        return runpy.run_path(str(DOCS / "conf.py"))

    return run


def test_conf_links_every_project_to_its_committed_inventory(run_conf):
    conf = run_conf(None)
    mapping = conf["intersphinx_mapping"]
    assert {"python", "numpy", "sklearn", "imblearn", "keras"} <= set(mapping)
    for key, (url, inventory) in mapping.items():
        assert url.startswith("https://") and url.endswith("/"), key
        assert Path(inventory).is_file() and Path(inventory).parent == DOCS / "_inventories"
    assert conf["nitpicky"] is True
    assert all(len(entry) == 2 for entry in conf["nitpick_ignore"])


@pytest.mark.parametrize("plot, executed", [(None, True), ("1", True), ("0", False),
                                            ("false", False), ("no", False)])
def test_gallery_is_executed_unless_switched_off(run_conf, plot, executed):
    gallery = run_conf(plot)["sphinx_gallery_conf"]
    assert gallery["plot_gallery"] is executed
    assert gallery["abort_on_example_error"] is True  # a broken example fails the build
    examples = sorted(p.name for p in (ROOT / "examples").glob("*.py"))
    assert examples and all(re.search(gallery["filename_pattern"], "/" + name)
                            for name in examples)


# ------------------------------------------------------------- the hardening table
def _hardening_rows():
    return _load(DOCS / "_ext" / "hardening_rows.py", "hardening_rows")


def test_hardening_table_reads_exactly_the_tests_rows():
    rows = _hardening_rows()
    tests = _load(ROOT / "tests" / "test_hardening.py", "_test_hardening_for_docs")
    want = [(r.kind, r.entry, None if r.error is None else r.error.__name__, r.match,
             getattr(r, "fast", False)) for r in tests.ROWS]
    got = [(r.kind, r.entry, r.error, r.match, r.fast) for r in rows.read_rows()]
    assert got == want
    entries, layouts = rows.read_layouts()
    assert entries == list(tests.LAYOUT_CALLS)
    assert layouts == list(tests._layouts(tests.np.zeros((2, 4, 4), tests.np.uint8)))
    assert rows.read_searches() == [(name, match) for name, (_, match)
                                    in tests.SEARCHES.items()]


FAKE_TESTS = '''
raise RuntimeError("the docs build imported the test module")
import pytest
PREFIX = "bad "
NDIM = PREFIX + "ndim={}"


def _same(reference):
    """Works like the array."""
    raise RuntimeError("called")


class Row:
    kind: str
    entry: str
    call: object
    error: object = None
    match: str = None
    check: object = None
    fast: bool = False


ROWS = [
    Row("wrong ndim", "f", lambda c: 1 / 0, ValueError, NDIM.format(2)),
    Row("huge", "g", lambda c: 1 / 0, MemoryError, r"asks for \\(1,000\\) .* GiB", fast=True),
    Row("list", "h", lambda c: 1 / 0, check=_same(lambda c: 1 / 0)),
    Row("column", "k", lambda c: 1 / 0, check=lambda c, out: out == 1),
]
'''


def test_hardening_table_is_read_without_importing_or_running_anything():
    rows = _hardening_rows()
    got = rows.read_rows(FAKE_TESTS)
    assert [(r.kind, r.entry, r.error, r.match, r.fast) for r in got] == [
        ("wrong ndim", "f", "ValueError", "bad ndim=2", False),
        ("huge", "g", "MemoryError", r"asks for \(1,000\) .* GiB", True),
        ("list", "h", None, None, False),
        ("column", "k", None, None, False),
    ]
    assert (got[2].check, got[2].check_is_code) == ("Works like the array.", False)
    assert (got[3].check, got[3].check_is_code) == ("out == 1", True)
    assert rows.readable(got[1].match) == "asks for (1,000) ... GiB"


def test_hardening_table_fails_loudly_when_the_table_is_gone():
    rows = _hardening_rows()
    with pytest.raises(rows.TableError, match="no module-level ROWS"):
        rows.read_rows(FAKE_TESTS.replace("ROWS = [", "OTHER = ["))
    with pytest.raises(rows.TableError, match="not a Row"):
        rows.read_rows(FAKE_TESTS.replace('Row("column"', 'dict("column"'))
