"""The results of the analyses: small dataclasses of NumPy arrays, their fields named as the keys of
the command line's JSON reports (``docs/command-line.md#reports``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np


@dataclass(frozen=True)
class Simulation:
    """The states of :meth:`mrnn4j.Model.simulate`, batch first as ``simulate --npy`` writes them.

    Attributes:
        xs: the state after each step ``[B, T, N]`` (the initial one not included); the Elman
            model's are its activations
        hs: the activations after each step ``[B, T, N]``
        ys: the readout of ``hs`` ``[B, T, O]``, or None without a readout
    """

    xs: np.ndarray
    hs: np.ndarray
    ys: Optional[np.ndarray] = None


@dataclass(frozen=True)
class Linearization:
    """The local linear analysis at one point (:meth:`mrnn4j.Model.linearize`).

    Attributes:
        jacobian: the map's Jacobian ``[M, M]`` over the linearized units (natural coordinates)
        eigenvalues: its eigenvalues, complex ``[M]``, by descending modulus
        eigenvectors: the right eigenvectors as columns, complex ``[M, M]`` (``[:, k]`` goes with
            ``eigenvalues[k]``)
        spectral_radius: the largest modulus
        unstable_modes: how many eigenvalues have modulus above 1
        regions: the linearized regions, the columns of the participations
        mode_eigenvalues: the eigenvalues of the modes resolved by region ``[K]`` (with
            ``modes=K``), else None
        right_participation: per mode and region, ``sum_{i in A} |v_i|^2 / |v|^2`` ``[K, R]``
            (NaN where withheld: a repeated eigenvalue), else None
        left_participation: the same with the left vector ``[K, R]`` (NaN where none was found),
            else None
    """

    jacobian: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    spectral_radius: float
    unstable_modes: int
    regions: List[str]
    mode_eigenvalues: Optional[np.ndarray] = None
    right_participation: Optional[np.ndarray] = None
    left_participation: Optional[np.ndarray] = None

    def participation(self, which: str = "right") -> Dict[str, np.ndarray]:
        """The participations as ``{region: [K]}`` (``which`` is ``"right"`` or ``"left"``)."""
        p = self.right_participation if which == "right" else self.left_participation
        if p is None:
            raise ValueError("no participations: call linearize(..., modes=K)")
        return {r: p[:, k] for k, r in enumerate(self.regions)}


@dataclass(frozen=True)
class FixedPoint:
    """One fixed point (or slow point, or outlier), named as in ``STEM-fixed-points.json``.

    Attributes:
        number: its number in the table (from 1), None for an outlier
        stability: its label (``stable node``, ``saddle``, ...; ``slow point``)
        unstable_modes: eigenvalues with modulus above 1
        q: ``1/2 |F(s) - s|^2`` there
        spectral_radius: the largest eigenvalue modulus
        starts: how many starts ended here
        iterations: the kept start's iterations
        state: the point over the searched units
        full_state: the point over every unit
        eigenvalues: the map's Jacobian's eigenvalues there, complex, by descending modulus
        jacobian: the map's Jacobian there (searched x searched units)
        output: the readout there, or None without a readout
    """

    number: Optional[int]
    stability: str
    unstable_modes: int
    q: float
    spectral_radius: float
    starts: int
    iterations: int
    state: np.ndarray = field(repr=False)
    full_state: np.ndarray = field(repr=False)
    eigenvalues: np.ndarray = field(repr=False)
    jacobian: np.ndarray = field(repr=False)
    output: Optional[np.ndarray] = None

    @property
    def stable(self) -> bool:
        """Whether it is a fixed point with no unstable mode."""
        return self.unstable_modes == 0 and self.stability != "slow point"


@dataclass(frozen=True)
class FixedPoints:
    """A fixed-point search (:meth:`mrnn4j.Model.fixed_points`), as ``STEM-fixed-points.json``.

    Attributes:
        input: the constant input searched at
        regions: the searched regions (all when the search was over every unit)
        fixed_points: the fixed points, numbered as the command line's table
        slow_points: the slow points (local minima of q that are not fixed points)
        outliers: points dropped as outliers
        summary: ``starts``, ``converged``, ``slow_point_starts``, ``max_iterations``,
            ``diverged``, ``fixed_points``, ``stable``, ``with_unstable_modes``, ``slow_points``,
            ``outliers``, ``max_q``, ``seconds``
    """

    input: np.ndarray
    regions: List[str]
    fixed_points: List[FixedPoint]
    slow_points: List[FixedPoint]
    outliers: List[FixedPoint]
    summary: Dict[str, float]

    @property
    def states(self) -> np.ndarray:
        """Every unit's state at each fixed point ``[P, N]`` (``STEM-fixed-points.npy``)."""
        if not self.fixed_points:
            return np.zeros((0, 0))
        return np.stack([p.full_state for p in self.fixed_points])

    @property
    def stability(self) -> List[str]:
        """Each fixed point's label, in order."""
        return [p.stability for p in self.fixed_points]

    def __len__(self) -> int:
        return len(self.fixed_points)

    def __iter__(self):
        return iter(self.fixed_points)

    def __getitem__(self, k: int) -> FixedPoint:
        return self.fixed_points[k]

    def __repr__(self) -> str:
        s = self.summary
        points = self.fixed_points + self.slow_points
        width = max([22] + [len(_describe(p)) for p in points])
        has_out = any(p.output is not None for p in points)
        row = "{:>4}  {:<" + str(width) + "}  {:>8}  {:>15}  {:>10}  {:>6}{}"
        lines = [f"fixed points at input {np.array2string(self.input, separator=', ')}:"
                 f" {int(s['starts'])} starts, searched in {s['seconds']:.2f} s",
                 row.format("#", "TYPE", "UNSTABLE", "SPECTRAL RADIUS", "Q", "STARTS",
                            "  OUTPUT" if has_out else "")]
        for p in points:
            if self.slow_points and p is self.slow_points[0]:
                # as the command line: slow points apart, never read as fixed points
                lines.append("slow points (local minima of q above the tolerance; not fixed"
                             " points):")
            out = ("  " + np.array2string(p.output, precision=2, separator=", ")
                   if p.output is not None else "")
            lines.append(row.format(p.number, _describe(p), p.unstable_modes,
                                    f"{p.spectral_radius:.6g}", f"{p.q:.2e}", p.starts, out))
        count = len(self.fixed_points)
        lines.append(f"{count} fixed point{'' if count == 1 else 's'} ({int(s['stable'])} stable,"
                     f" {int(s['with_unstable_modes'])} with unstable modes), max q"
                     f" {s['max_q']:.2e}; {len(self.slow_points)} slow points;"
                     f" {len(self.outliers)} outliers dropped")
        return "\n".join(lines)

    __str__ = __repr__


def _describe(p: FixedPoint) -> str:
    if p.stability == "slow point" or p.unstable_modes == 0:
        return p.stability
    return f"{p.stability} ({p.unstable_modes} unstable)"


@dataclass(frozen=True)
class FlowField:
    """Flow fields on a plane through state space (:meth:`mrnn4j.Model.flow_field`), one per
    state, as ``mrnn4j flow-field`` computes them. Grid point ``[i, j]`` has plane coordinates
    ``(x[s, i], y[s, j])`` (mRNNTorch's ``meshgrid(..., indexing="ij")``).

    Attributes:
        labels: each state's label (``initial condition``, ``after 20 steps``, ``state 1``)
        x: each state's grid values along the first plane axis ``[S, G]``
        y: along the second ``[S, G]``
        velocity_x: the nonlinear field's step along the first axis ``[S, G, G]``, or None
        velocity_y: along the second ``[S, G, G]``, or None
        speed: the nonlinear field's speed, divided by its maximum over the grid ``[S, G, G]``,
            or None
        linear_velocity_x: the linearized field's, ``[S, G, G]``, or None
        linear_velocity_y: ``[S, G, G]``, or None
        center: each state's own plane coordinates ``[S, 2]``
        off_plane: each state's distance from the slice its field is drawn on ``[S]``
        plane_mean: the plane's origin in state space ``[M]`` (M the plane's units)
        plane_axes: the plane's two axes ``[2, M]``
        explained: the fraction of the trajectory's variance along each axis ``[2]`` (the
            axis labels ``PC1 (62%)`` of the command line's plots)
        path: the trajectory projected on the plane ``[T, 2]``
        fixed_points: with ``fixed_points=True``, the fixed points at the input projected on the
            plane ``[P, 2]`` (else ``[0, 2]``), numbered from 1 in order
        fixed_point_stable: whether each is stable ``[P]``
        plane_eigenvalues: with ``plane="eigen:K"``, the eigenvalues whose eigen-directions span
            the plane (the leading one and the next whose direction is not parallel), else None
    """

    labels: List[str]
    x: np.ndarray
    y: np.ndarray
    velocity_x: Optional[np.ndarray]
    velocity_y: Optional[np.ndarray]
    speed: Optional[np.ndarray]
    linear_velocity_x: Optional[np.ndarray]
    linear_velocity_y: Optional[np.ndarray]
    center: np.ndarray
    off_plane: np.ndarray
    plane_mean: np.ndarray
    plane_axes: np.ndarray
    explained: np.ndarray
    path: np.ndarray
    fixed_points: np.ndarray
    fixed_point_stable: np.ndarray
    plane_eigenvalues: Optional[np.ndarray] = None


@dataclass(frozen=True)
class Currents:
    """The input currents into each recurrent region by source (:meth:`mrnn4j.Model.currents`),
    named as the NumPy files of ``mrnn4j currents`` (``STEM-currents.npy``,
    ``STEM-currents-rms.npy``, ``STEM-unit-currents.npy``).

    The drive of a step is ``z_t = W_rec h_t + W_inp u_t + b`` (the leaky model moves by
    ``x_{t+1} = (1 - alpha) x_t + alpha z_t``); entry ``t`` is the drive of the step that produced
    the simulation's state ``t`` (``Simulation.xs[0, t]``), from the initial condition at ``t = 0``.

    Attributes:
        destinations: the recurrent regions, R of them, in config order
        sources: the S sources: the recurrent regions, then the input regions, then ``bias``
        currents: the mean over each destination region's units ``[T, R, S]`` (summed over
            sources: the region-mean drive)
        currents_rms: the root-mean-square over the destination region's units ``[T, R, S]``
        unit_currents: per destination unit ``[T, N, S]`` (summed over sources: the drive
            ``z_t``), or None with ``units=False``
        average_rms: the time average of ``currents_rms`` ``[R, S]`` (the report's
            ``average_rms``)
    """

    destinations: List[str]
    sources: List[str]
    currents: np.ndarray
    currents_rms: np.ndarray
    unit_currents: Optional[np.ndarray]
    average_rms: np.ndarray


@dataclass(frozen=True)
class Branch:
    """One branch of a continuation (:meth:`mrnn4j.Model.continue_`), as ``mrnn4j continue``
    follows it.

    Attributes:
        parameter: the parameter value at each point ``[P]``
        states: the fixed point at each point ``[P, N]``
        q: ``1/2 |F(s) - s|^2`` at each point ``[P]``
        unstable_modes: the unstable modes at each point ``[P]``
        eigenvalues: the map's eigenvalues at each point, complex ``[P, N]``
        bifurcations: one dict per bifurcation: ``kind`` (``fold``, ``branch point``,
            ``period doubling``, ``Neimark-Sacker``, ...), ``located``, ``parameter``, ``state``,
            ``note``
        stop: why the branch ended, in words
    """

    parameter: np.ndarray
    states: np.ndarray
    q: np.ndarray
    unstable_modes: np.ndarray
    eigenvalues: np.ndarray
    bifurcations: List[dict]
    stop: str

    @property
    def stable(self) -> np.ndarray:
        """Whether each point is stable ``[P]``."""
        return self.unstable_modes == 0
