"""NumPy arrays to and from Java's ``double[]`` in one copy each way (JPype's buffer support), and
the early checks of array arguments."""

from __future__ import annotations

import math
import sys
import threading
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

ArrayLike = Union[np.ndarray, Sequence[float], Sequence[Sequence[float]], float]


#: Arrays from this many elements cross through a direct buffer over the NumPy array's memory;
#: smaller ones through JPype's array conversion and buffer (fewer calls, less overhead).
_DIRECT_FROM = 4096
_native_order: Any = None
_double_array: Any = None  # JPype's double[] class, once the JVM runs


def doubles_over(a: np.ndarray) -> Any:
    """A Java ``DoubleBuffer`` over the memory of the C-contiguous float64 array ``a`` (no copy)."""
    global _native_order
    import jpype
    import jpype.nio

    if _native_order is None:
        _native_order = jpype.JClass("java.nio.ByteOrder").nativeOrder()
    return jpype.nio.convertToDirectBuffer(a.view(np.uint8)).order(_native_order).asDoubleBuffer()


class OutputPool:
    """Output arrays that Java writes into, each with its Java ``DoubleBuffer`` made once, and
    handed out again once the caller has dropped every reference to one.

    Why: a direct buffer over a NumPy array (``jpype.nio.convertToDirectBuffer``) keeps the array
    alive until Java's garbage collector drops the buffer, so a fresh array per call would leave
    each call's memory held until the next collection and take new pages from the system every
    call (about 500 page faults, 0.5 ms, for a 2 MiB Jacobian: more than the copy). An array is
    reused only when nothing but the pool and its own buffer refer to it (CPython's reference
    count; on other interpreters nothing is reused), so a result the caller kept, or a view of
    it, is never overwritten. At most ``keep`` arrays per shape, each at most ``max_bytes``, are
    kept (larger ones are made fresh: NumPy backs them with huge pages where the system allows).
    """

    def __init__(self, keep: int = 2, max_bytes: int = 8 << 20) -> None:
        self._keep = keep
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: list = []  # [array, buffer, references when free]
        self._reuse = sys.implementation.name == "cpython"

    def take(self, shape: Tuple[int, ...]) -> Tuple[np.ndarray, Any]:
        """A float64 C-contiguous array of ``shape`` that no one else refers to, and a Java
        ``DoubleBuffer`` over its memory positioned at 0 (its contents are undefined)."""
        size = int(np.prod(shape)) * 8
        if not self._reuse or size > self._max_bytes:
            out = np.empty(shape, dtype=np.float64)
            return out, doubles_over(out)
        with self._lock:
            for entry in self._entries:
                if entry[0].shape == shape and sys.getrefcount(entry[0]) == entry[2]:
                    entry[1].clear()
                    return entry[0], entry[1]
            out = np.empty(shape, dtype=np.float64)
            entry = [out, doubles_over(out), 0]
            same = [e for e in self._entries if e[0].shape == shape]
            if len(same) >= self._keep:
                self._entries.remove(same[0])
            self._entries.append(entry)
            # the references while free, counted as the check counts them: the entry's, the
            # buffer's and getrefcount's argument (not this function's name ``out``)
            entry[2] = sys.getrefcount(out) - 1
            return out, entry[1]

    def clear(self) -> None:
        """Drops every kept array."""
        with self._lock:
            self._entries.clear()


def to_java(a: Any) -> Any:
    """A Java ``double[]`` holding ``a``'s values in C order, in one bulk copy (no per-element
    loop): large arrays are read by Java from a direct buffer over the NumPy memory
    (``DoubleBuffer.get``), small ones converted by JPype."""
    global _double_array
    if _double_array is None:
        import jpype

        _double_array = jpype.JArray(jpype.JDouble)
    if (type(a) is np.ndarray and a.dtype == np.float64 and a.ndim == 1
            and a.size < _DIRECT_FROM and a.flags.c_contiguous):
        return _double_array(a)  # the common case (a checked vector), with the fewest calls
    flat = np.ascontiguousarray(a, dtype=np.float64).ravel()
    if flat.size >= _DIRECT_FROM:
        out = _double_array(flat.size)
        doubles_over(flat).get(out)
        return out
    return _double_array(flat)


def from_java(j: Any, shape: Optional[Tuple[int, ...]] = None) -> np.ndarray:
    """A new, writable float64 NumPy array holding a Java ``double[]``, reshaped to ``shape``, in
    one bulk copy: large arrays are written by Java into the new NumPy array through a direct
    buffer over its memory (``DoubleBuffer.put``); small ones copied from JPype's buffer of the
    array. (``np.array(memoryview(j), copy=True)`` takes a slower path: about 2 ms at 512 x 512
    against 0.3 ms.)"""
    if j is None:
        raise ValueError("no array")
    n = len(j)
    if n >= _DIRECT_FROM:
        out = np.empty(n, dtype=np.float64)
        doubles_over(out).put(j)
    else:
        out = np.asarray(memoryview(j))
        out = out.copy() if out.dtype == np.float64 else out.astype(np.float64)
    return out.reshape(shape) if shape is not None else out


def vector(value: Any, length: int, name: str) -> np.ndarray:
    """``value`` as a float64 vector of ``length`` finite values (a scalar fills it only when
    ``length`` is 1).

    Raises:
        ValueError: ``name must have N values, got M`` (or a non-finite value, by index)
    """
    if type(value) is np.ndarray and value.dtype == np.float64 and value.shape == (length,):
        # the common case, checked with the fewest calls: a sum is finite when every value is
        # (an overflowing sum of finite values falls through to the full check)
        if not math.isfinite(value.sum()):
            finite(value, name)
        return value
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
