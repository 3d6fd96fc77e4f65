"""Finding mrnn4j's jars and starting the JVM in this process (through JPype), once, on first use.

The jars are looked for, in this order:

1. ``MRNN4J_CLASSPATH``: a class path (entries joined by ``os.pathsep``; ``DIR/*`` takes every jar
   in DIR), used as given;
2. ``MRNN4J_HOME``: a checkout of mrnn4j where the Maven build ran;
3. the checkout this source tree is part of (the package imported from ``python/`` in a
   checkout);
4. the checkout the package was installed from (recorded in ``mrnn4j/_checkout.py`` at install).

In a checkout the jars are ``cli/target/mrnn4j.jar`` (the library and the EJML backend) and, when
built, the backend plugins ``backend-nd4j/target/plugin/*`` and ``backend-cuda/target/plugin/*``.
More JVM options come from ``MRNN4J_JAVA_OPTS`` (the heap defaults to 60 % of the memory, as the
launcher's).
"""

from __future__ import annotations

import glob
import os
import shlex
import threading
from pathlib import Path
from typing import Any, List, Optional, Tuple

from .errors import SetupError

#: The Maven command that builds the jars, run in the checkout.
BUILD_COMMAND = "mvn -q -B -DskipTests package -pl cli,backend-nd4j,backend-cuda -am"
#: The class the package needs; a jar without it is older than the package.
_PROBE = "org.mrnn4j.app.FlatArrays"

#: The oldest Java the jars run on (they are compiled for it).
JAVA_RELEASE = 17
#: Where the restart advice goes after a failed start: JPype starts one JVM per process, ever.
RESTART = "restart the Python interpreter (or the notebook kernel)"

_lock = threading.Lock()
_started = False
#: Why this package's own start of the JVM failed; the JVM cannot be started again here.
_failure: Optional[str] = None
#: Backend plugins left off the class path, with why (see :func:`_openblas_conflict`).
skipped_plugins: dict = {}


def _is_checkout(root: Path) -> bool:
    return (root / "pom.xml").is_file() and (root / "cli").is_dir()


def _openblas_conflict() -> Optional[str]:
    """Why ND4J cannot run in this process, or None: a system OpenBLAS without LAPACKE already
    loaded here (Debian's NumPy links ``libopenblas.so.0``); ND4J's own ``libjniopenblas`` would
    bind to it by name and the process would die with ``undefined symbol: LAPACKE_dgeev``."""
    import ctypes
    import re

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            maps = f.read()
    except OSError:
        return None
    for path in sorted(set(re.findall(r"(/\S*libopenblas[^/\s]*\.so[^/\s]*)", maps))):
        if ".javacpp" in path:
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if not hasattr(lib, "LAPACKE_dgeev"):
            return (f"this Python process already loaded {path} (NumPy's OpenBLAS), which has no"
                    " LAPACKE; ND4J's OpenBLAS would bind to it and crash the process. Use the"
                    " ejml backend here, or the command line for nd4j")
    return None


def _checkout_jars(root: Path) -> List[str]:
    jars = [str(root / "cli" / "target" / "mrnn4j.jar")]
    for plugin in ("backend-nd4j", "backend-cuda"):
        found = sorted(glob.glob(str(root / plugin / "target" / "plugin" / "*.jar")))
        if found and plugin == "backend-nd4j":
            reason = _openblas_conflict()
            if reason is not None:
                skipped_plugins["nd4j"] = reason
                continue
        jars.extend(found)
    return jars


def _installed_checkout() -> Optional[Path]:
    try:
        from . import _checkout  # type: ignore[attr-defined]
    except ImportError:
        return None
    return Path(_checkout.CHECKOUT)


def _missing_jars(root: Path, how: str) -> SetupError:
    return SetupError(
        f"mrnn4j's jars are not built in {root} ({how}): no {root / 'cli' / 'target' / 'mrnn4j.jar'};"
        f" build them there with './mrnn4j backends' (or '{BUILD_COMMAND}'), or set MRNN4J_HOME to"
        " a checkout where they are built, or MRNN4J_CLASSPATH to their class path")


def classpath() -> List[str]:
    """The jars the JVM starts with (see the module's documentation for where they are looked for).

    Returns:
        the class path entries, each an existing jar (or directory)

    Raises:
        SetupError: if no jars are found, saying what to build or set
    """
    given = os.environ.get("MRNN4J_CLASSPATH")
    if given:
        entries: List[str] = []
        for part in given.split(os.pathsep):
            if not part:
                continue
            if part.endswith("*"):
                entries.extend(sorted(glob.glob(part if part.endswith(".jar") else part + ".jar")))
            elif os.path.exists(part):
                entries.append(part)
        if not entries:
            raise SetupError(
                f"MRNN4J_CLASSPATH={given} names no jar that exists; set it to mrnn4j's jars (for"
                f" a checkout: CHECKOUT/cli/target/mrnn4j.jar, built with '{BUILD_COMMAND}'), or"
                " unset it and set MRNN4J_HOME to the checkout")
        return entries
    home = os.environ.get("MRNN4J_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        if not _is_checkout(root):
            raise SetupError(f"MRNN4J_HOME={home} is not a checkout of mrnn4j (no pom.xml and cli/"
                             " there); set it to the repository's root")
        how = "MRNN4J_HOME"
    else:
        source = Path(__file__).resolve().parent.parent.parent
        installed = _installed_checkout()
        if _is_checkout(source):
            root, how = source, "the checkout this package is in"
        elif installed is not None and _is_checkout(installed):
            root, how = installed, "the checkout the package was installed from"
        else:
            raise SetupError(
                "mrnn4j's jars were not found: this package is not inside a checkout of mrnn4j and"
                " records none; set MRNN4J_HOME to a checkout where the jars are built (with"
                f" './mrnn4j backends' or '{BUILD_COMMAND}'), or MRNN4J_CLASSPATH to the jars")
    jars = _checkout_jars(root)
    if not os.path.isfile(jars[0]):
        raise _missing_jars(root, how)
    return jars


def _jpype_support_jars() -> List[str]:
    """JPype's own jar when JPype does not find it by itself: PyPI's JPype1 ships
    ``org.jpype.jar`` beside its native module and loads it; Debian's python3-jpype puts it in
    ``/usr/share/java`` and needs it on the class path (else the JVM fails to start with
    ``ClassNotFoundException: org.jpype.classloader.DynamicClassLoader``)."""
    import _jpype

    beside = Path(_jpype.__file__).resolve().parent
    if (beside / "org.jpype.jar").is_file() or (beside / "jpype" / "org.jpype.jar").is_file():
        return []
    debian = Path("/usr/share/java/org.jpype.jar")
    return [str(debian)] if debian.is_file() else []


def _jvm_path() -> str:
    import jpype

    try:
        return jpype.getDefaultJVMPath()
    except Exception as e:  # JVMNotFoundException and friends
        raise SetupError(
            "no Java runtime found (" + str(e).strip().rstrip(".") + "); install a Java 17 (or"
            " newer) runtime, or set JAVA_HOME to one") from e


def java_major(version: str) -> Optional[int]:
    """The major release of a Java version string (``"1.8.0_292"`` -> 8, ``"11.0.2"`` -> 11,
    ``"17"`` -> 17, ``"25-ea"`` -> 25), or None if it is not one."""
    import re

    m = re.match(r"\s*(\d+)(?:\.(\d+))?", version)
    if m is None:
        return None
    major = int(m.group(1))
    if major == 1 and m.group(2) is not None:
        return int(m.group(2))
    return major


def _java_home_version(jvm: str) -> Optional[Tuple[str, Path]]:
    """The version in the ``release`` file of the Java installation ``jvm`` (its libjvm) belongs
    to, and that installation's directory; None if there is no such file."""
    import re

    for home in list(Path(jvm).parents)[:5]:
        release = home / "release"
        if release.is_file():
            try:
                text = release.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            m = re.search(r'^JAVA_VERSION="?([^"\n]+)"?', text, re.MULTILINE)
            return (m.group(1), home) if m else None
    return None


def _too_old(version: str, where: str) -> str:
    return (f"mrnn4j needs Java {JAVA_RELEASE} or newer; found Java {version} at {where}: install"
            f" a Java {JAVA_RELEASE} (or newer) runtime and set JAVA_HOME to it")


def _failed(message: str) -> SetupError:
    """Records that this process's start of the JVM failed, and the error to raise."""
    global _failure
    _failure = message
    return SetupError(f"{message}; then {RESTART}: a JVM starts once per process")


def start() -> None:
    """Starts the JVM with mrnn4j's jars, once per process; later calls return at once.

    Raises:
        SetupError: if Java or the jars cannot be found, Java is older than 17, the JVM was
            started by someone else without them, or this process's start failed before (then
            the message says to restart the interpreter: a JVM starts once per process)
    """
    global _started
    if _started:
        return
    with _lock:
        if _started:
            return
        try:
            import jpype
        except ImportError as e:
            raise SetupError("the Python package JPype is missing: install it (pip install JPype1,"
                             " or Debian's python3-jpype)") from e
        if _failure is not None:
            raise SetupError(f"the JVM failed to start earlier in this process ({_failure}); it"
                             f" cannot be started again: {RESTART}")
        if jpype.isJVMStarted():
            try:
                jpype.JClass(_PROBE)
            except Exception as e:
                raise SetupError(
                    "a JVM was already started in this process without mrnn4j's jars; import"
                    " mrnn4j (and use it) before starting the JVM, or start it with"
                    " classpath=mrnn4j._jvm.classpath()") from e
            _started = True
            return
        jars = classpath()
        path = _jvm_path()
        found = _java_home_version(path)
        if found is not None:
            major = java_major(found[0])
            if major is not None and major < JAVA_RELEASE:
                raise SetupError(_too_old(found[0], str(found[1])))
        support = _jpype_support_jars()
        options = ["-XX:MaxRAMPercentage=60", "-Djava.awt.headless=true"]
        extra = shlex.split(os.environ.get("MRNN4J_JAVA_OPTS", ""))
        if any(o.startswith(("-Xmx", "-XX:MaxRAMPercentage")) for o in extra):
            options = options[1:]
        try:
            jpype.startJVM(path, *options, *extra, classpath=jars + support,
                           convertStrings=False)
        except (OSError, SystemError, RuntimeError) as e:
            raise _failed(f"the Java runtime {path} could not be started ({e}); install a Java"
                          f" {JAVA_RELEASE} (or newer) runtime, or set JAVA_HOME to one") from e
        try:
            jpype.JClass(_PROBE)
        except Exception as e:
            version = str(jpype.JClass("java.lang.System").getProperty("java.version"))
            major = java_major(version)
            if (major is not None and major < JAVA_RELEASE) or "UnsupportedClassVersion" in repr(e):
                home = str(jpype.JClass("java.lang.System").getProperty("java.home"))
                raise _failed(_too_old(version, home)) from e
            raise _failed(
                f"the jars {jars[0]} do not hold {_PROBE}: they are older than this package;"
                f" rebuild them with '{BUILD_COMMAND}'") from e
        _started = True


def jclass(name: str) -> Any:
    """The Java class ``name``, starting the JVM first if needed."""
    start()
    import jpype

    return jpype.JClass(name)
