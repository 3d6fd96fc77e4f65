"""NumPy arrays to and from Java's ``double[]`` in one copy each way (JPype's buffer support), and
the early checks of array arguments."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

ArrayLike = Union[np.ndarray, Sequence[float], Sequence[Sequence[float]], float]


def to_java(a: np.ndarray) -> Any:
    """A Java ``double[]`` holding ``a``'s values in C order (one bulk copy, no per-element loop)."""
    import jpype

    flat = np.ascontiguousarray(a, dtype=np.float64).ravel()
    return jpype.JArray(jpype.JDouble)(flat)


def from_java(j: Any, shape: Optional[Tuple[int, ...]] = None) -> np.ndarray:
    """A new, writable float64 NumPy array holding a Java ``double[]``, reshaped to ``shape``:
    JPype's buffer of the array viewed by NumPy, then copied once with ``ndarray.copy`` (a memcpy;
    ``np.array(memoryview, copy=True)`` takes a slower path, measured 2 ms at 512 x 512)."""
    if j is None:
        raise ValueError("no array")
    out = np.asarray(memoryview(j))
    out = out.copy() if out.dtype == np.float64 else out.astype(np.float64)
    return out.reshape(shape) if shape is not None else out


def vector(value: Any, length: int, name: str) -> np.ndarray:
    """``value`` as a float64 vector of ``length`` finite values (a scalar fills it only when
    ``length`` is 1).

    Raises:
        ValueError: ``name must have N values, got M`` (or a non-finite value, by index)
    """
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} must be numbers, got {value!r}") from e
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a vector of {length} values, got an array of shape"
                         f" {a.shape}")
    if a.shape[0] != length:
        raise ValueError(f"{name} must have {length} values, got {a.shape[0]}")
    finite(a, name)
    return a


def finite(a: np.ndarray, name: str) -> None:
    """Raises ValueError naming the first non-finite element of ``a``."""
    bad = np.flatnonzero(~np.isfinite(a))
    if bad.size:
        index = np.unravel_index(bad[0], a.shape)
        raise ValueError(f"{name}[{', '.join(map(str, index))}] is {a.flat[bad[0]]}; expected"
                         " finite values")
