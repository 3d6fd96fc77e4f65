"""With torch and mRNNTorch importable (``MRNN4J_MRNNTORCH_SRC`` pointing at mRNNTorch's ``src``;
its analysis package also needs rnntoolkit, taken from ``MRNN4J_RNNTOOLKIT_SRC`` or the
``rnntoolkit/src`` beside mRNNTorch), mRNNTorch's own Jacobian of the same checkpoint equals
ours. Skipped otherwise."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import mrnn4j


def _mrnntorch():
    torch = pytest.importorskip("torch")
    src = os.environ.get("MRNN4J_MRNNTORCH_SRC")
    if not src:
        pytest.skip("MRNN4J_MRNNTORCH_SRC is not set (mRNNTorch's src directory)")
    toolkit = os.environ.get("MRNN4J_RNNTOOLKIT_SRC") or str(
        Path(src).resolve().parent.parent / "rnntoolkit" / "src")
    for p in (src, toolkit):
        if p not in sys.path:
            sys.path.insert(0, p)
    try:
        from mrnntorch import mRNN
        from mrnntorch.analysis import mLinearization
    except ImportError as e:
        pytest.skip(f"mRNNTorch cannot be imported: {e}")
    return torch, mRNN, mLinearization


def test_jacobian_equals_mrnntorchs_own(checkpoints, leaky):
    torch, mRNN, mLinearization = _mrnntorch()
    prior = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        rnn = mRNN(config=str(checkpoints / "flip_flop_rnn_leaky.json"), activation="tanh", dt=1,
                   tau=2, rec_constrained=True, inp_constrained=False, spectral_radius=None,
                   device="cpu")
        sd = torch.load(checkpoints / "flip_flop_rnn_leaky.pth", map_location="cpu")
        rnn.load_state_dict({k[len("rnn."):]: v.double() for k, v in sd.items()
                             if k.startswith("rnn.")})
        rng = np.random.default_rng(2)
        for _ in range(3):
            x = rng.normal(scale=0.7, size=30)
            u = rng.normal(size=3)
            want, want_inp = mLinearization(rnn).jacobian(torch.tensor(u), torch.tensor(x))
            np.testing.assert_allclose(leaky.jacobian(x, u), want.numpy(), atol=1e-12)
        sub = leaky.jacobian(x, u, regions=["inhib"])
        want_sub, _ = mLinearization(rnn, "inhib").jacobian(torch.tensor(u), torch.tensor(x))
        np.testing.assert_allclose(sub, want_sub.numpy(), atol=1e-12)
    finally:
        torch.set_default_dtype(prior)
