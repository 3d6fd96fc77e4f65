"""The exceptions mrnn4j raises, and the translation of the Java library's exceptions to them.

Every message is the one line the command line prints after ``mrnn4j:`` (the Java library's
``Failures.describe``): the file and what is wrong with it, or what was expected.
"""

from __future__ import annotations

import contextlib
from typing import Iterator


class Mrnn4jError(RuntimeError):
    """A failure inside the Java library that is neither a bad argument nor a bad file."""


class SetupError(RuntimeError):
    """Java or mrnn4j's jars cannot be found: the message says what to install, build or set."""


class ModelFormatError(ValueError):
    """A model file (config, checkpoint, saved model) or state dict is malformed; the message
    names the file or key and what was expected."""


class BackendError(RuntimeError):
    """The compute backend asked for cannot run here (the message says why)."""


def _java_class_names(exc: object) -> list[str]:
    """The Java class names of ``exc`` and its superclasses."""
    names = []
    cls = exc.getClass()  # type: ignore[attr-defined]
    while cls is not None:
        names.append(str(cls.getName()))
        cls = cls.getSuperclass()
    return names


def translate(exc: BaseException) -> BaseException:
    """The Python exception for a Java exception raised through JPype (others unchanged).

    ``ModelFormatException`` becomes :class:`ModelFormatError`, ``NoSuchFileException``
    :class:`FileNotFoundError`, ``AccessDeniedException`` :class:`PermissionError`,
    ``IllegalArgumentException`` :class:`ValueError`, another ``IOException`` :class:`OSError`, a
    backend that cannot run :class:`BackendError`, anything else :class:`Mrnn4jError`; the message
    is ``Failures.describe``'s line.
    """
    import jpype

    if not isinstance(exc, jpype.JException):
        return exc
    from . import _jvm

    failures = _jvm.jclass("org.mrnn4j.app.Failures")
    target = exc
    names = _java_class_names(exc)
    if "java.io.UncheckedIOException" in names and exc.getCause() is not None:
        target = exc.getCause()
        names = _java_class_names(target)
    message = str(failures.describe(target))
    if "org.mrnn4j.models.io.ModelFormatException" in names:
        return ModelFormatError(message)
    if "java.nio.file.NoSuchFileException" in names:
        return FileNotFoundError(message)
    if "java.nio.file.AccessDeniedException" in names:
        return PermissionError(message)
    if "org.mrnn4j.core.BackendUnavailableException" in names:
        return BackendError(message)
    if "java.lang.IllegalArgumentException" in names:
        return ValueError(message)
    if "java.io.IOException" in names:
        return OSError(message)
    return Mrnn4jError(message)


@contextlib.contextmanager
def java_errors() -> Iterator[None]:
    """Runs the block, raising a Java exception as its Python counterpart (:func:`translate`),
    with the Java exception as its ``__cause__`` for the stack trace."""
    import jpype

    try:
        yield
    except jpype.JException as e:
        raise translate(e) from e
