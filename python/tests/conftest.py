"""Shared fixtures: the mRNNTorch conformance data (checkpoints and reference cases) beside the
checkout (``../shared/conformance``) or where ``MRNN4J_CONFORMANCE`` points. Tests that need it
skip with a message when it is absent, and fail instead under CI (``CI`` set)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

#: The checkout these tests are part of (python/tests -> the repository root).
CHECKOUT = Path(__file__).resolve().parents[2]

# the installed package when there is one (.ci/python-tests), else the source tree
if importlib.util.find_spec("mrnn4j") is None:
    sys.path.insert(0, str(CHECKOUT / "python"))


def conformance_dir() -> Path:
    given = os.environ.get("MRNN4J_CONFORMANCE")
    return Path(given) if given else CHECKOUT.parent / "shared" / "conformance"


@pytest.fixture(scope="session")
def conformance() -> Path:
    d = conformance_dir()
    if not (d / "checkpoints").is_dir():
        message = (f"the mRNNTorch conformance data is absent: expected {d}/checkpoints (set"
                   " MRNN4J_CONFORMANCE)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return d


@pytest.fixture(scope="session")
def checkpoints(conformance: Path) -> Path:
    return conformance / "checkpoints"


@pytest.fixture(scope="session")
def flipflop_case(conformance: Path) -> dict:
    with open(conformance / "cases" / "real-flipflop-leaky-tanh.json", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def leaky(checkpoints: Path):
    import mrnn4j

    m = mrnn4j.load(checkpoints / "flip_flop_rnn_leaky.pth", readout="out_layer")
    yield m
    m.close()


@pytest.fixture(scope="session")
def elman(checkpoints: Path):
    import mrnn4j

    m = mrnn4j.load(checkpoints / "flip_flop_rnn_elman.pth")
    yield m
    m.close()
