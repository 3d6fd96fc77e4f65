"""Flow fields and continuation against the step: a field's velocity is the step's displacement
projected on the plane; every point of a branch is a fixed point at its input."""

from __future__ import annotations

import numpy as np
import pytest


def test_flow_field_velocity_is_the_projected_step(leaky):
    u = np.array([1.0, 0.0, 0.0])
    f = leaky.flow_field(u, steps=(0, 50), grid=5, fixed_points=True)
    assert f.velocity_x.shape == (2, 5, 5) and f.linear_velocity_x.shape == (2, 5, 5)
    assert f.labels[0] == "initial condition"
    axes, mean = f.plane_axes, f.plane_mean
    np.testing.assert_allclose(axes @ axes.T, np.eye(2), atol=1e-9)  # orthonormal
    # the explained fractions: the path's variance along each axis over the trajectory's total
    # (the path is the trajectory on the plane; the plane spans all units here)
    assert f.explained.shape == (2,) and 0 < f.explained[1] <= f.explained[0] <= 1
    np.testing.assert_allclose(f.explained[0] / f.explained[1],
                               np.var(f.path[:, 0]) / np.var(f.path[:, 1]), rtol=1e-9)
    for s in range(2):
        for i in (0, 2, 4):
            for j in (1, 3):
                point = mean + f.x[s, i] * axes[0] + f.y[s, j] * axes[1]
                move = leaky.step(point, u) - point
                np.testing.assert_allclose(
                    [f.velocity_x[s, i, j], f.velocity_y[s, i, j]], axes @ move, atol=1e-9)
    assert f.fixed_points.shape[1] == 2 and f.fixed_points.shape[0] == f.fixed_point_stable.size
    assert f.fixed_points.shape[0] > 0


def test_continuation_branches_are_fixed_points_along_the_input(leaky):
    d = np.array([1.0, 0.0, 0.0])
    branches = leaky.continue_(d, to=0.3)
    assert branches
    for b in branches[:4]:
        assert b.states.shape == (b.parameter.size, 30)
        for k in range(0, b.parameter.size, max(1, b.parameter.size // 5)):
            x, s = b.states[k], b.parameter[k]
            assert np.max(np.abs(leaky.step(x, s * d) - x)) < 1e-8
            assert b.unstable_modes[k] == int(np.sum(np.abs(b.eigenvalues[k]) > 1 + 1e-12))
    kinds = {f["kind"] for b in branches for f in b.bifurcations}
    assert "fold" in kinds  # the flip-flop's memories vanish in folds as the input grows
    with pytest.raises(ValueError, match="give one parameter"):
        leaky.continue_(to=1.0)
