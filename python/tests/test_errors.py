"""Errors: the command line's one-line messages as Python exceptions, bad arguments caught early,
and the setup error when the jars are missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mrnn4j

from conftest import CHECKOUT


def test_a_missing_file_is_file_not_found(tmp_path):
    missing = tmp_path / "net.pth"
    with pytest.raises(FileNotFoundError) as e:
        mrnn4j.load(missing)
    assert str(e.value) == f"no such file: {missing}"
    with pytest.raises(FileNotFoundError, match="no such file"):
        mrnn4j.from_state_dict({}, tmp_path / "net.json")


def test_a_bad_checkpoint_is_a_model_format_error(tmp_path, checkpoints):
    bad = tmp_path / "flip_flop_rnn_leaky.pth"
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive at all")
    (tmp_path / "flip_flop_rnn_leaky.json").write_text(
        (checkpoints / "flip_flop_rnn_leaky.json").read_text())
    with pytest.raises(mrnn4j.ModelFormatError) as e:
        mrnn4j.load(bad)
    assert str(bad) in str(e.value) and "\n" not in str(e.value)
    broken = tmp_path / "broken.json"
    broken.write_text('{"recurrent_regions": [')
    with pytest.raises(mrnn4j.ModelFormatError, match="broken.json"):
        mrnn4j.load(broken)


def test_missing_model_parameters_name_the_keywords(tmp_path, checkpoints):
    config = json.loads((checkpoints / "flip_flop_rnn_leaky.json").read_text())
    del config["model"]
    path = tmp_path / "net.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ValueError) as e:
        mrnn4j.load(path)
    msg = str(e.value)
    assert "missing model parameters" in msg and "tau (tau=)" in msg
    assert "mrnntorch_defaults=True" in msg
    with mrnn4j.load(path, mrnntorch_defaults=True) as m:  # a random initialisation
        assert m.kind == "leaky"


def test_bad_arguments_are_value_errors(leaky, checkpoints):
    with pytest.raises(ValueError, match="^u must have 3 values, got 2$"):
        leaky.fixed_points(u=[0, 0])
    with pytest.raises(ValueError, match="^x must have 30 values, got 3$"):
        leaky.jacobian([0, 0, 0], [0, 0, 0])
    with pytest.raises(ValueError, match=r"u\[1\] is nan"):
        leaky.step(np.zeros(30), [0, np.nan, 0])
    with pytest.raises(ValueError, match="inputs must be"):
        leaky.simulate(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="give inputs"):
        leaky.simulate()
    with pytest.raises(ValueError, match="modes must be between 1 and the 30"):
        leaky.linearize(np.zeros(30), modes=31)
    with pytest.raises(ValueError, match="nosuch"):
        leaky.jacobian(np.zeros(30), regions=["nosuch"])
    ckpt = checkpoints / "flip_flop_rnn_leaky.pth"
    with pytest.raises(ValueError, match="^kind: "):
        mrnn4j.load(ckpt, kind="lstm")
    with pytest.raises(ValueError, match="^dt: expected a positive number, got -1"):
        mrnn4j.load(ckpt, dt=-1)
    with pytest.raises(ValueError, match="rec_constrained: expected True or False"):
        mrnn4j.load(ckpt, rec_constrained="yes")
    with pytest.raises(mrnn4j.BackendError):
        mrnn4j.load(ckpt, backend="nosuch")


def _run(code: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items()
            if k not in ("MRNN4J_CLASSPATH", "MRNN4J_HOME", "PYTHONPATH")}
    # the package under test (installed, or the source tree) is importable in the child
    full["PYTHONPATH"] = str(Path(mrnn4j.__file__).resolve().parent.parent)
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_missing_jars_give_one_setup_error(tmp_path):
    code = ("import mrnn4j\n"
            "try:\n    mrnn4j.load()\n"
            "except mrnn4j.SetupError as e:\n    print('SETUP:', e)\n")
    r = _run(code, {"MRNN4J_CLASSPATH": str(tmp_path / "nowhere" / "mrnn4j.jar")}, tmp_path)
    assert "SETUP: MRNN4J_CLASSPATH=" in r.stdout, r.stdout + r.stderr
    assert "names no jar that exists" in r.stdout
    # a checkout without built jars says what to run
    fake = tmp_path / "checkout"
    (fake / "cli").mkdir(parents=True)
    (fake / "pom.xml").write_text("<project/>")
    r = _run(code, {"MRNN4J_HOME": str(fake)}, tmp_path)
    assert "SETUP: mrnn4j's jars are not built in" in r.stdout, r.stdout + r.stderr
    assert "./mrnn4j backends" in r.stdout and "mvn -q -B -DskipTests package" in r.stdout


def test_the_source_tree_route(tmp_path):
    """The package imported from python/ in the checkout (no install) finds the checkout's jars."""
    code = ("import mrnn4j, numpy as np\n"
            "print(mrnn4j.__file__)\n"
            "m = mrnn4j.load()\n"
            "print(m.num_units, m.jacobian(np.zeros(m.num_units)).shape)\n")
    r = _run(code, {"PYTHONPATH": str(CHECKOUT / "python")}, tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(str(CHECKOUT / "python" / "mrnn4j"))
    assert lines[1] == "32 (32, 32)"


def test_missing_java_gives_one_setup_error(tmp_path):
    """No JVM to be found (simulated: JPype's lookup fails as it does without Java)."""
    code = ("import jpype, mrnn4j\n"
            "def none():\n    raise jpype.JVMNotFoundException('No JVM shared library file"
            " (libjvm.so) found. Try setting up the JAVA_HOME environment variable properly.')\n"
            "jpype.getDefaultJVMPath = none\n"
            "try:\n    mrnn4j.load()\n"
            "except mrnn4j.SetupError as e:\n    print('SETUP:', e)\n")
    r = _run(code, {}, tmp_path)
    assert "SETUP: no Java runtime found (" in r.stdout, r.stdout + r.stderr
    assert "install a Java 17 (or newer) runtime, or set JAVA_HOME" in r.stdout


def test_java_older_than_17_is_named_with_its_version_and_place(tmp_path):
    """A Java 11 installation (simulated: its release file and a libjvm that must never be
    loaded) is refused before the JVM starts, naming the version and where it is."""
    home = tmp_path / "jdk-11"
    (home / "lib" / "server").mkdir(parents=True)
    (home / "lib" / "server" / "libjvm.so").write_bytes(b"not a library")
    (home / "release").write_text('IMPLEMENTOR="Test"\nJAVA_VERSION="11.0.2"\n')
    code = ("import jpype, mrnn4j\n"
            f"jpype.getDefaultJVMPath = lambda: {str(home / 'lib' / 'server' / 'libjvm.so')!r}\n"
            "try:\n    mrnn4j.load()\n"
            "except mrnn4j.SetupError as e:\n    print('SETUP:', e)\n"
            "print('started:', jpype.isJVMStarted())\n")
    r = _run(code, {}, tmp_path)
    assert f"SETUP: mrnn4j needs Java 17 or newer; found Java 11.0.2 at {home}" in r.stdout, (
        r.stdout + r.stderr)
    assert "started: False" in r.stdout


def test_java_versions_are_read_as_java_writes_them():
    from mrnn4j._jvm import java_major

    assert [java_major(v) for v in ("1.8.0_292", "11.0.2", "17", "21.0.1+12", "25-ea")] == [
        8, 11, 17, 21, 25]
    assert java_major("unknown") is None


def test_after_a_failed_start_later_calls_say_to_restart(tmp_path):
    """Jars without mrnn4j's classes: the JVM starts and the probe fails; the JVM cannot be
    started again in this process, so every later call says to restart the interpreter."""
    import zipfile

    jar = tmp_path / "empty.jar"
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    code = ("import mrnn4j\n"
            "for _ in range(2):\n"
            "    try:\n        mrnn4j.load()\n"
            "    except mrnn4j.SetupError as e:\n        print('SETUP:', e)\n")
    r = _run(code, {"MRNN4J_CLASSPATH": str(jar)}, tmp_path)
    first, second = [line for line in r.stdout.splitlines() if line.startswith("SETUP:")]
    assert f"the jars {jar} do not hold org.mrnn4j.app.FlatArrays" in first, r.stdout + r.stderr
    assert "restart the Python interpreter (or the notebook kernel)" in first
    assert second.startswith("SETUP: the JVM failed to start earlier in this process (")
    assert second.endswith("cannot be started again: restart the Python interpreter (or the"
                           " notebook kernel)")
    assert "already started without mrnn4j's jars" not in second


def test_invalid_paths_are_value_errors_never_java_exceptions(tmp_path, checkpoints):
    import jpype

    ckpt = checkpoints / "flip_flop_rnn_leaky.pth"
    cases = [(lambda: mrnn4j.load("net\0.pth"), "path: a file path cannot contain a NUL"),
             (lambda: mrnn4j.load(ckpt, config="net\0.json"), "config: a file path cannot"),
             (lambda: mrnn4j.load(ckpt, readout="w\0.npy"), "readout: a file path cannot"),
             (lambda: mrnn4j.from_state_dict({}, "net\0.json"), "config: a file path cannot"),
             (lambda: mrnn4j.load(3), "path: expected a file path (str or os.PathLike), got int")]
    for call, message in cases:
        with pytest.raises(ValueError) as e:
            call()
        assert str(e.value).startswith(message), str(e.value)
        assert not isinstance(e.value, jpype.JException)
    # bytes paths are paths too: a missing one is FileNotFoundError
    missing = os.fsencode(tmp_path / "net.pth")
    with pytest.raises(FileNotFoundError, match="no such file"):
        mrnn4j.load(missing)
