"""The call overhead of mrnn4j from Python: ``m.jacobian`` at n = 64 and n = 512 timed with
``timeit`` (JIT warm) beside the same Java call (``FlatArrays.jacobian``) timed in a loop inside
the JVM, in the same process; and the transfer of a 512 x 512 array each way.

    /usr/bin/python3 python/benchmarks/overhead.py      # from the checkout, after the Maven build

Needs ``javac`` (a JDK) to compile the small Java timing class beside this file. Networks: one
region of n units, tanh, random weights (the bundled example's config with n units). Prints one
line per size (each timing the best of 15 repeats, interleaved with the others' so that a busy
spell of a shared machine does not fall on one alone); the targets (issue 31) are Python <= 1.3 x
Java at n = 512 and at most 0.2 ms more at n = 64.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import mrnn4j  # noqa: E402
from mrnn4j import _jvm  # noqa: E402


#: Repeats of each timing (interleaved); the best counts.
REPEATS = 15


def _compile(out: Path) -> None:
    jars = os.pathsep.join(_jvm.classpath())
    subprocess.run(["javac", "-d", str(out), "-cp", jars, str(HERE / "JacobianTiming.java")],
                   check=True)


def _config(n: int) -> dict:
    return {"model": {"type": "leaky", "activation": "tanh", "dt": 10, "tau": 50,
                      "rec_constrained": False, "inp_constrained": False},
            "recurrent_regions": [{"name": "a", "num_units": n, "sign": "pos",
                                   "base_firing": 0, "init": 0}],
            "input_regions": [{"name": "in", "num_units": 2, "sign": "pos"}],
            "recurrent_connections": [{"src_region": "a", "dst_region": "a"}],
            "input_connections": [{"src_region": "in", "dst_region": "a"}]}


def main() -> None:
    classes = Path(tempfile.mkdtemp(prefix="mrnn4j-bench-"))
    _compile(classes)
    os.environ["MRNN4J_CLASSPATH"] = os.pathsep.join(_jvm.classpath() + [str(classes)])
    import jpype

    rng = np.random.default_rng(0)
    for n in (64, 512):
        sd = {"W_rec": rng.normal(scale=1 / np.sqrt(n), size=(n, n)), "W_rec_mask": np.ones((n, n)),
              "W_rec_sign_matrix": np.ones((n, n)), "W_inp": rng.normal(size=(n, 2)),
              "W_inp_mask": np.ones((n, 2)), "W_inp_sign_matrix": np.ones((n, 2))}
        with mrnn4j.from_state_dict(sd, _config(n), backend="ejml") as m:
            x = rng.normal(size=n)
            u = np.array([0.3, -0.1])
            calls = 2000 if n == 64 else 100
            for _ in range(3):  # warm the JIT on both paths
                m.jacobian(x, u)
                timing = jpype.JClass("JacobianTiming")
                lin = m._linearization(None)
                jx = jpype.JArray(jpype.JDouble)(x)
                ju = jpype.JArray(jpype.JDouble)(u)
                timing.best(lin, jx, ju, calls, 3)
            # the repeats of the three timings interleaved, so that a busy spell of a shared
            # machine falls on all of them, not on one; the best of each
            flat = m._flat
            py = java = call = float("inf")
            for _ in range(REPEATS):
                py = min(py, timeit.timeit(lambda: m.jacobian(x, u), number=calls) / calls)
                java = min(java, float(timing.best(lin, jx, ju, calls, 1)))
                call = min(call, timeit.timeit(lambda: flat.jacobian(lin, jx, ju),
                                               number=calls) / calls)
            print(json.dumps({"n": n, "python_ms": round(py * 1e3, 4),
                              "java_ms": round(java * 1e3, 4),
                              "java_call_through_jpype_ms": round(call * 1e3, 4),
                              "ratio": round(py / java, 3),
                              "extra_ms": round((py - java) * 1e3, 4), "backend": m.backend}))
    a = rng.normal(size=(512, 512))
    from mrnn4j._arrays import from_java, to_java

    j = to_java(a)
    t_in = min(timeit.repeat(lambda: to_java(a), number=50, repeat=5)) / 50
    t_out = min(timeit.repeat(lambda: from_java(j, (512, 512)), number=50, repeat=5)) / 50
    print(json.dumps({"transfer": "512x512 float64 (2 MiB)", "to_java_ms": round(t_in * 1e3, 4),
                      "from_java_ms": round(t_out * 1e3, 4)}))


if __name__ == "__main__":
    main()
