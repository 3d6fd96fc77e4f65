"""The example notebook runs top to bottom: its code cells executed in order, in one namespace,
from the notebook's directory, with matplotlib's Agg backend (no display, no Jupyter needed)."""

from __future__ import annotations

import json
import os

import pytest

from conftest import CHECKOUT

NOTEBOOK = CHECKOUT / "python" / "examples" / "analyse-flip-flop.ipynb"


def test_the_notebook_is_small_with_outputs_cleared():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert NOTEBOOK.stat().st_size < 20_000


def test_the_notebook_runs_top_to_bottom(conformance, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(NOTEBOOK.parent)
    monkeypatch.setenv("MRNN4J_CONFORMANCE", str(conformance))
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__notebook__"}
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        exec(compile(source, f"{NOTEBOOK.name} cell {k}", "exec"), namespace)  # noqa: S102
    assert len(namespace["fps"]) == 27
    assert namespace["branches"]
    plt.close("all")
