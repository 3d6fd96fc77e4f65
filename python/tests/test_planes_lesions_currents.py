"""The eigen-plane and the plane's passage of flow fields, lesions, region currents and the
continuation towards another network, against values computed here in NumPy: eigenvectors of the
Jacobian (np.linalg.eig), the leaky update written out from the checkpoint's weights with the
lesioned block changed by hand, and the simulation's own states."""

from __future__ import annotations

import numpy as np
import pytest


def _weights(case):
    """The flip-flop's effective W_rec, W_inp, bias and alpha from the conformance case."""
    sd, model = case["state_dict"], case["model"]

    def effective(w, mask, sign, constrained):
        w, mask, sign = (np.asarray(a, dtype=np.float64) for a in (w, mask, sign))
        return mask * np.abs(w) * sign if constrained else w * mask

    w = effective(sd["W_rec"], sd["W_rec_mask"], sd["W_rec_sign_matrix"], model["rec_constrained"])
    w_in = effective(sd["W_inp"], sd["W_inp_mask"], sd["W_inp_sign_matrix"],
                     model["inp_constrained"])
    b = np.concatenate([np.full(r["num_units"], r.get("base_firing", 0.0))
                        for r in case["config"]["recurrent_regions"]])
    return w, w_in, b, model["dt"] / model["tau"]


def _step(w, w_in, b, alpha, x, u):
    return x + alpha * (-x + w @ np.tanh(x) + w_in @ u + b)


def test_eigen_plane_spans_the_leading_eigenvector_at_the_fixed_point(leaky):
    u = np.zeros(3)
    fp1 = leaky.fixed_points(u).fixed_points[0].state
    f = leaky.flow_field(u, steps=(0, 50), grid=5, plane="eigen:1")
    axes = f.plane_axes
    np.testing.assert_allclose(axes @ axes.T, np.eye(2), atol=1e-9)
    np.testing.assert_allclose(f.plane_mean, fp1, atol=1e-9)  # through the fixed point
    values, vectors = np.linalg.eig(leaky.jacobian(fp1, u))
    lead = int(np.argmax(np.abs(values)))
    v = vectors[:, lead] / np.linalg.norm(vectors[:, lead])
    assert np.linalg.norm(axes @ v) == pytest.approx(1.0, abs=1e-8)  # v lies in the plane
    assert f.plane_eigenvalues[0] == pytest.approx(values[lead], abs=1e-9)
    for i, j in ((0, 1), (2, 2), (4, 3)):
        point = f.plane_mean + f.x[0, i] * axes[0] + f.y[0, j] * axes[1]
        move = leaky.step(point, u) - point
        np.testing.assert_allclose([f.velocity_x[0, i, j], f.velocity_y[0, i, j]], axes @ move,
                                   atol=1e-9)


def _velocity_through(m, f, s, i, j, point, u):
    """The step's move projected on the plane at grid point (i, j) of state s's field, the plane
    moved (same directions, same coordinates) to pass through ``point``."""
    axes = f.plane_axes
    p = axes @ (point - f.plane_mean)
    q = point + (f.x[s, i] - p[0]) * axes[0] + (f.y[s, j] - p[1]) * axes[1]
    return axes @ (m.step(q, u) - q)


def test_plane_through_a_fixed_point_or_each_state(leaky):
    u = np.array([1.0, 0.0, 0.0])  # at zero input the trajectory from zero does not move
    fps = leaky.fixed_points(u).fixed_points
    k = len(fps)
    f = leaky.flow_field(u, steps=(0, 50), grid=4, through=f"fp:{k}", linear=False)
    e = leaky.flow_field(u, steps=(0, 50), grid=4, through="state", linear=False)
    after50 = leaky.simulate(u=u, steps=50).xs[0, -1]
    for i, j in ((0, 1), (3, 2)):
        np.testing.assert_allclose([f.velocity_x[1, i, j], f.velocity_y[1, i, j]],
                                   _velocity_through(leaky, f, 1, i, j, fps[-1].state, u),
                                   atol=1e-9)
        np.testing.assert_allclose([e.velocity_x[1, i, j], e.velocity_y[1, i, j]],
                                   _velocity_through(leaky, e, 1, i, j, after50, u), atol=1e-9)
    np.testing.assert_allclose(e.off_plane, 0, atol=1e-12)
    for bad, arg in (("eigen:0", "plane"), ("fp:1", "plane"), ("eigen:x", "plane"),
                     ("fp:", "through"), ("pca", "through")):
        with pytest.raises(ValueError, match=f"{arg}: expected"):
            leaky.flow_field(u, grid=3, **{arg: bad})
    with pytest.raises(ValueError, match="asks for fixed point 99"):
        leaky.flow_field(u, grid=3, plane="eigen:99")


@pytest.mark.parametrize("spec", ["silence:exc", "cut:exc->inhib", "scale:exc->inhib=0.5"])
def test_lesioned_step_is_the_update_with_the_block_changed_by_hand(leaky, flipflop_case, spec):
    w, w_in, b, alpha = _weights(flipflop_case)
    exc, inhib = leaky.regions["exc"], leaky.regions["inhib"]
    lesioned_w = w.copy()
    if spec == "silence:exc":
        lesioned_w[:, exc] = 0
    elif spec == "cut:exc->inhib":
        lesioned_w[inhib, exc] = 0
    else:
        lesioned_w[inhib, exc] *= 0.5
    rng = np.random.default_rng(5)
    x, u = rng.normal(scale=0.5, size=30), np.array([1.0, -0.5, 0.0])
    with leaky.lesion(spec) as lesioned:
        assert spec in repr(lesioned) and lesioned.lesions == [spec]
        np.testing.assert_allclose(lesioned.step(x, u), _step(lesioned_w, w_in, b, alpha, x, u),
                                   atol=1e-12)
    np.testing.assert_allclose(leaky.step(x, u), _step(w, w_in, b, alpha, x, u), atol=1e-12)
    with pytest.raises(ValueError, match="unknown recurrent region 'nope'"):
        leaky.lesion("silence:nope")


def test_a_lesioned_model_outlives_its_intact_model(checkpoints):
    import mrnn4j

    m = mrnn4j.load(checkpoints / "flip_flop_rnn_leaky.pth")
    lesioned = m.lesion("cut:exc->inhib")
    x = np.full(30, 0.1)
    before = lesioned.step(x)
    m.close()  # the backend stays open for the lesioned model
    np.testing.assert_allclose(lesioned.step(x), before, atol=0)
    lesioned.close()


def test_currents_summed_over_sources_are_the_leaky_drive(leaky):
    u, steps = np.array([1.0, 0.0, -1.0]), 12
    c = leaky.currents(u=u, steps=steps)
    assert c.sources == ["exc", "inhib", "inp", "bias"] and c.destinations == ["exc", "inhib"]
    assert c.unit_currents.shape == (steps, 30, 4) and c.currents.shape == (steps, 2, 4)
    xs = leaky.simulate(u=u, steps=steps).xs[0]
    alpha = 0.5  # dt / tau of the flip-flop's config
    before = np.vstack([np.zeros(30), xs[:-1]])  # the initial condition (init 0), then xs
    drive = (xs - (1 - alpha) * before) / alpha
    np.testing.assert_allclose(c.unit_currents.sum(axis=2), drive, atol=1e-12)
    for a, name in enumerate(c.destinations):
        units = c.unit_currents[:, leaky.regions[name], :]
        np.testing.assert_allclose(c.currents[:, a], units.mean(axis=1), atol=1e-12)
        np.testing.assert_allclose(c.currents_rms[:, a], np.sqrt((units ** 2).mean(axis=1)),
                                   atol=1e-12)
    np.testing.assert_allclose(c.average_rms, c.currents_rms.mean(axis=0), atol=1e-12)
    assert leaky.currents(np.tile(u, (3, 1)), units=False).unit_currents is None


def test_continuation_towards_another_network_is_fixed_points_of_the_mixed_weights(
        leaky, flipflop_case, checkpoints):
    w, w_in, b, alpha = _weights(flipflop_case)
    inhib, exc = leaky.regions["inhib"], leaky.regions["exc"]
    half = w.copy()
    half[inhib, exc] *= 0.5
    with leaky.lesion("scale:exc->inhib=0.5") as other:
        branches = leaky.continue_(checkpoint=other, to=0.5)
    assert branches
    u = np.zeros(3)
    for br in branches[:4]:
        for k in range(0, br.parameter.size, max(1, br.parameter.size // 4)):
            s, x = br.parameter[k], br.states[k]
            mixed = (1 - s) * w + s * half
            assert np.max(np.abs(_step(mixed, w_in, b, alpha, x, u) - x)) < 1e-8
    # a file: the same network at both ends, so every point is a fixed point of the intact one
    same = leaky.continue_(checkpoint=checkpoints / "flip_flop_rnn_leaky.pth", to=0.1)
    assert same and all(np.max(np.abs(leaky.step(x) - x)) < 1e-8 for x in same[0].states)
