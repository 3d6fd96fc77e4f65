"""A state dict given in memory (NumPy arrays, or torch tensors when torch is installed) gives the
same model as the checkpoint file holding those weights."""

from __future__ import annotations

import numpy as np
import pytest

import mrnn4j


def _arrays(case: dict, prefix: str = "") -> dict:
    return {prefix + k: np.asarray(v, dtype=np.float32) for k, v in case["state_dict"].items()}


def test_numpy_state_dict_is_the_checkpoints_model(leaky, flipflop_case, checkpoints):
    sd = _arrays(flipflop_case, "rnn.")
    sd["out_layer.weight"] = np.asarray(flipflop_case["readout"]["weight"], dtype=np.float32)
    sd["out_layer.bias"] = np.asarray(flipflop_case["readout"]["bias"], dtype=np.float32)
    with mrnn4j.from_state_dict(sd, checkpoints / "flip_flop_rnn_leaky.json",
                                readout="out_layer") as m:
        rng = np.random.default_rng(5)
        x, u = rng.normal(size=30), np.array([0.0, 1.0, 0.0])
        np.testing.assert_allclose(m.step(x, u), leaky.step(x, u), atol=1e-12)
        np.testing.assert_allclose(m.jacobian(x, u), leaky.jacobian(x, u), atol=1e-12)
        np.testing.assert_allclose(m.readout[0], leaky.readout[0], atol=0)
        assert m.unused_keys == []


def test_config_as_a_dict_and_arguments_as_keywords(flipflop_case, leaky):
    config = dict(flipflop_case["config"])  # regions and connections only, no model block
    model = flipflop_case["model"]
    with pytest.raises(ValueError, match=r"missing model parameters: .*dt \(dt=\)"):
        mrnn4j.from_state_dict(_arrays(flipflop_case), config)
    with mrnn4j.from_state_dict(_arrays(flipflop_case), config, kind="leaky",
                                activation="tanh", dt=model["dt"], tau=model["tau"],
                                rec_constrained=True, inp_constrained=False) as m:
        x = np.linspace(-1, 1, 30)
        np.testing.assert_allclose(m.step(x, [1, 0, 0]), leaky.step(x, [1, 0, 0]), atol=1e-12)


def test_a_missing_or_misshapen_tensor_names_the_key(flipflop_case, checkpoints):
    cfg = checkpoints / "flip_flop_rnn_leaky.json"
    sd = _arrays(flipflop_case)
    del sd["W_inp"]
    with pytest.raises(mrnn4j.ModelFormatError, match="W_inp"):
        mrnn4j.from_state_dict(sd, cfg)
    sd = _arrays(flipflop_case)
    sd["W_rec"] = np.zeros((2, 2))
    with pytest.raises(mrnn4j.ModelFormatError, match=r"\[2, 2\].*\[30, 30\]"):
        mrnn4j.from_state_dict(sd, cfg)
    with pytest.raises(ValueError, match="not numeric"):
        mrnn4j.from_state_dict({"W_rec": np.array(["a"])}, cfg)


def test_torch_state_dict_in_memory(checkpoints, leaky):
    torch = pytest.importorskip("torch")
    sd = torch.load(checkpoints / "flip_flop_rnn_leaky.pth", map_location="cpu")
    with mrnn4j.from_state_dict(sd, checkpoints / "flip_flop_rnn_leaky.json",
                                readout="out_layer") as m:
        x = np.linspace(-0.5, 0.5, 30)
        np.testing.assert_array_equal(m.jacobian(x, [0, 0, 1]), leaky.jacobian(x, [0, 0, 1]))
        # the leaky update by hand from the torch tensors
        w = (sd["rnn.W_rec_mask"] * sd["rnn.W_rec"].abs() * sd["rnn.W_rec_sign_matrix"]).double()
        w_in = (sd["rnn.W_inp"] * sd["rnn.W_inp_mask"]).double()
        xt = torch.tensor(x)
        ut = torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64)
        want = xt + 0.5 * (-xt + w @ torch.tanh(xt) + w_in @ ut)
        np.testing.assert_allclose(m.step(x, [0, 0, 1]), want.numpy(), atol=1e-12)
