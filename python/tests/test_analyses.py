"""The analyses against values computed here in NumPy: finite differences of the step, the leaky
update written out from the checkpoint's weights, eigenpairs, and the mRNNTorch reference's fixed
points (the conformance case of the same checkpoint)."""

from __future__ import annotations

import numpy as np
import pytest

import mrnn4j


def _fd_jacobian(m: "mrnn4j.Model", x: np.ndarray, u: np.ndarray, h: float = 1e-6) -> np.ndarray:
    n = x.size
    j = np.empty((n, n))
    for c in range(n):
        e = np.zeros(n)
        e[c] = h
        j[:, c] = (m.step(x + e, u) - m.step(x - e, u)) / (2 * h)
    return j


@pytest.mark.parametrize("which", ["leaky", "elman"])
def test_jacobian_is_the_steps_central_finite_differences(which, request):
    m = request.getfixturevalue(which)
    rng = np.random.default_rng(3)
    x = rng.normal(scale=0.5, size=m.num_units)
    u = np.array([1.0, 0.0, -1.0])
    j = m.jacobian(x, u)
    assert j.shape == (m.num_units, m.num_units) and j.dtype == np.float64
    np.testing.assert_allclose(j, _fd_jacobian(m, x, u), atol=1e-7)


def test_jacobians_kept_by_the_caller_are_never_overwritten(leaky):
    # Model.jacobian hands out recycled output arrays once the caller dropped them: results (and
    # views of them) that are still held must keep their values through later calls, and a
    # recycled array must get the new point's values (both against finite differences)
    rng = np.random.default_rng(11)
    u = np.array([0.5, -1.0, 0.0])
    xs = [rng.normal(scale=0.5, size=leaky.num_units) for _ in range(5)]
    kept = [leaky.jacobian(x, u) for x in xs[:3]]
    view = leaky.jacobian(xs[3], u)[:, :4]  # only a view of the result is kept
    assert len({id(k) for k in kept}) == 3
    for _ in range(4):  # results dropped at once: their arrays are recycled
        leaky.jacobian(xs[4], u)
    again = leaky.jacobian(xs[4], u.tolist())  # lists go the general way
    for x, k in zip(xs[:3], kept):
        np.testing.assert_allclose(k, _fd_jacobian(leaky, x, u), atol=1e-7)
    np.testing.assert_allclose(view, _fd_jacobian(leaky, xs[3], u)[:, :4], atol=1e-7)
    np.testing.assert_allclose(again, _fd_jacobian(leaky, xs[4], u), atol=1e-7)
    assert all(again is not k for k in kept)


def test_jacobian_over_regions_is_the_block_of_the_included_units(checkpoints):
    with mrnn4j.load(checkpoints / "cbgtcl-leaky.pth") as m:
        rng = np.random.default_rng(1)
        x = rng.normal(size=m.num_units)
        u = np.full(m.num_inputs, 0.5)
        full = m.jacobian(x, u)
        idx = np.r_[m.regions["alm_exc"], m.regions["alm_inhib"]]
        sub = m.jacobian(x, u, regions=["alm_inhib", "alm_exc"])  # used in config order
        np.testing.assert_allclose(sub, full[np.ix_(idx, idx)], atol=1e-12)
        # and it is the finite differences of the step in those units alone
        h = 1e-6
        for k, c in enumerate(idx[:5]):
            e = np.zeros(m.num_units)
            e[c] = h
            fd = (m.step(x + e, u) - m.step(x - e, u)) / (2 * h)
            np.testing.assert_allclose(sub[:, k], fd[idx], atol=1e-6)


def _effective(w, mask, sign, constrained):
    w, mask, sign = (np.asarray(a, dtype=np.float64) for a in (w, mask, sign))
    return mask * np.abs(w) * sign if constrained else w * mask


def test_simulate_is_the_leaky_update_written_out(leaky, flipflop_case):
    sd = flipflop_case["state_dict"]
    model = flipflop_case["model"]
    w = _effective(sd["W_rec"], sd["W_rec_mask"], sd["W_rec_sign_matrix"],
                   model["rec_constrained"])
    w_in = _effective(sd["W_inp"], sd["W_inp_mask"], sd["W_inp_sign_matrix"],
                      model["inp_constrained"])
    b = np.asarray(flipflop_case["expect"]["tonic_inp"]) if "expect" in flipflop_case else \
        np.concatenate([np.full(r["num_units"], r.get("base_firing", 0.0))
                        for r in flipflop_case["config"]["recurrent_regions"]])
    alpha = model["dt"] / model["tau"]
    rng = np.random.default_rng(7)
    x0 = rng.normal(scale=0.3, size=30)
    inputs = rng.normal(size=(4, 3))
    sim = leaky.simulate(inputs, x0=x0)
    assert sim.xs.shape == (1, 4, 30) and sim.hs.shape == (1, 4, 30)
    x = x0
    tol = 1e-5  # the checkpoint is float32
    for t in range(4):
        x = x + alpha * (-x + w @ np.tanh(x) + w_in @ inputs[t] + b)
        np.testing.assert_allclose(sim.xs[0, t], x, atol=tol)
        np.testing.assert_allclose(sim.hs[0, t], np.tanh(x), atol=tol)
    # one step is the step
    np.testing.assert_allclose(leaky.step(x0, inputs[0]), sim.xs[0, 0], atol=1e-12)
    # the readout is applied to hs
    weight, bias = np.asarray(flipflop_case["readout"]["weight"]), np.asarray(
        flipflop_case["readout"]["bias"])
    np.testing.assert_allclose(sim.ys[0], sim.hs[0] @ weight.T + bias, atol=1e-5)


def test_simulate_a_batch_with_constant_input_and_noise_seed(leaky):
    a = leaky.simulate(u=[1, 0, 0], steps=6)
    b = leaky.simulate(np.tile([1.0, 0.0, 0.0], (6, 1)))
    np.testing.assert_array_equal(a.xs, b.xs)
    batch = leaky.simulate(np.zeros((2, 5, 3)), x0=np.zeros((2, 30)))
    assert batch.xs.shape == (2, 5, 30)
    n1 = leaky.simulate(u=[0, 0, 0], steps=5, noise_levels=(0.05, 0.0), seed=4)
    n2 = leaky.simulate(u=[0, 0, 0], steps=5, noise_levels=(0.05, 0.0), seed=4)
    n3 = leaky.simulate(u=[0, 0, 0], steps=5, noise_levels=(0.05, 0.0), seed=5)
    np.testing.assert_array_equal(n1.xs, n2.xs)
    assert not np.allclose(n1.xs, n3.xs)


def test_linearize_gives_eigenpairs_of_the_jacobian_and_participations(leaky):
    rng = np.random.default_rng(11)
    x = rng.normal(scale=0.5, size=30)
    u = np.zeros(3)
    lin = leaky.linearize(x, u, modes=3)
    np.testing.assert_allclose(lin.jacobian, leaky.jacobian(x, u), atol=0)
    ours = np.sort_complex(lin.eigenvalues)
    numpy = np.sort_complex(np.linalg.eigvals(lin.jacobian))
    np.testing.assert_allclose(ours, numpy, atol=1e-9)
    residual = lin.jacobian @ lin.eigenvectors - lin.eigenvectors * lin.eigenvalues
    assert np.max(np.abs(residual)) < 1e-9
    assert lin.spectral_radius == pytest.approx(np.max(np.abs(numpy)), abs=1e-12)
    assert lin.unstable_modes == int(np.sum(np.abs(numpy) > 1))
    assert lin.regions == ["exc", "inhib"]
    assert lin.right_participation.shape == (3, 2)
    # right participation by hand from the leading eigenvector
    v = lin.eigenvectors[:, 0]
    by_hand = [np.sum(np.abs(v[s]) ** 2) / np.sum(np.abs(v) ** 2)
               for s in leaky.regions.values()]
    np.testing.assert_allclose(lin.right_participation[0], by_hand, atol=1e-9)
    assert lin.participation("right")["exc"].shape == (3,)


def test_fixed_points_match_the_reference_finder(leaky, flipflop_case):
    ref = flipflop_case["fixed_points"]
    fps = leaky.fixed_points(u=ref["input"], seed=0)
    assert fps.states.shape == (len(fps), 30)
    for p in fps:
        # a fixed point: one step leaves it where it is
        assert np.max(np.abs(leaky.step(p.full_state, ref["input"]) - p.full_state)) < 1e-10
        assert p.unstable_modes == int(np.sum(np.abs(p.eigenvalues) > 1))
    # every accurate reference point (the reference's float32 gradient descent reached
    # qstar <= 5e-10 for 22 of its 27) is found within 1e-3 with the same number of unstable
    # modes; the 5 others stopped 2e-3 to 1.8e-2 away from a fixed point (see the Java
    # FlipFlopFixedPointsTest), so only their neighbourhood is checked
    accurate = 0
    for r in ref["unique"]:
        xstar = np.asarray(r["xstar"])
        d = np.linalg.norm(fps.states - xstar, axis=1)
        k = int(np.argmin(d))
        if r["qstar"] <= 5e-10:
            accurate += 1
            assert d[k] <= 1e-3, f"reference point not found (nearest at {d[k]})"
            assert fps[k].unstable_modes == r["n_unstable"]
        else:
            assert d[k] <= 2e-2, f"reference point not near ours (nearest at {d[k]})"
    assert accurate >= 20
    assert len(fps) == len(ref["unique"])
    assert fps.summary["stable"] == sum(1 for r in ref["unique"] if r["n_unstable"] == 0)
    assert "stable node" in repr(fps) and "SPECTRAL RADIUS" in repr(fps)
    assert fps[0].output is not None and fps[0].output.shape == (3,)


def test_model_properties(leaky, elman):
    assert leaky.num_units == 30 and leaky.num_inputs == 3
    assert leaky.kind == "leaky" and elman.kind == "elman"
    assert leaky.regions == {"exc": slice(0, 21), "inhib": slice(21, 30)}
    assert leaky.readout is not None and leaky.readout[0].shape == (3, 30)
    assert "30 units" in repr(leaky)
    names = [b["name"] for b in mrnn4j.backends()]
    assert "ejml" in names and any(b["default"] for b in mrnn4j.backends())


def test_slow_points_are_printed_apart_from_fixed_points():
    """The bundled example at zero input has 1 fixed point and 2 slow points (the command line's
    `./mrnn4j fixed-points` shows the same): the table puts the slow points under their own
    heading, as the command line does, so they are never read as fixed points."""
    import mrnn4j

    with mrnn4j.load() as m:
        fps = m.fixed_points(u=[0, 0])
        text = repr(fps).splitlines()
    assert len(fps.fixed_points) == 1 and len(fps.slow_points) == 2
    heading = [k for k, line in enumerate(text) if line.startswith("slow points (")]
    assert len(heading) == 1
    rows_before = [line for line in text[2:heading[0]]]
    assert len(rows_before) == 1 and "slow point" not in rows_before[0]
    assert all("slow point" in line for line in text[heading[0] + 1:heading[0] + 3])
    assert text[-1].startswith("1 fixed point (")
