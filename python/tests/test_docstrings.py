"""Every public module, function, class, method and property of the package has a docstring
(issue 31): found by walking the modules with ``inspect``, so a new public name without one
fails here."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import mrnn4j


def _documented(obj: object) -> bool:
    doc = (getattr(obj, "__doc__", None) or "").strip()
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
        # a dataclass without a docstring gets its signature as one: that is not documentation
        return bool(doc) and not doc.startswith(obj.__name__ + "(")
    return bool(doc)


def _public_api():
    """(qualified name, object) for every public name the package defines."""
    modules = [mrnn4j] + [importlib.import_module(f"mrnn4j.{m.name}")
                          for m in pkgutil.iter_modules(mrnn4j.__path__)
                          if m.name != "_checkout"]  # written at install: a constant only
    for module in modules:
        yield module.__name__, module
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            yield f"{module.__name__}.{name}", obj
            if not inspect.isclass(obj):
                continue
            for member, value in vars(obj).items():
                if member.startswith("_"):
                    continue
                if isinstance(value, property):
                    yield f"{module.__name__}.{name}.{member}", value.fget
                elif isinstance(value, (staticmethod, classmethod)):
                    yield f"{module.__name__}.{name}.{member}", value.__func__
                elif inspect.isfunction(value):
                    yield f"{module.__name__}.{name}.{member}", value


def test_every_public_name_has_a_docstring():
    api = list(_public_api())
    names = {n for n, _ in api}
    # the walk sees the API the README documents (a walk that found nothing would pass)
    assert {"mrnn4j.model.load", "mrnn4j.model.Model.jacobian", "mrnn4j.model.Model.num_units",
            "mrnn4j.results.FixedPoints", "mrnn4j._jvm.start"} <= names
    missing = sorted(n for n, obj in api if not _documented(obj))
    assert not missing, "public names without a docstring: " + ", ".join(missing)


def test_everything_exported_is_documented():
    for name in mrnn4j.__all__:
        assert _documented(getattr(mrnn4j, name)), f"mrnn4j.{name} has no docstring"
