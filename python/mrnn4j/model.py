"""Loading a model (from files or from a state dict in memory) and the analyses on it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _jvm
from ._arrays import OutputPool, finite, from_java, to_java, vector
from .errors import BackendError, java_errors, translate
from .results import (Branch, Currents, FixedPoint, FixedPoints, FlowField, Linearization,
                      Simulation)

PathLike = Union[str, "os.PathLike[str]"]

# each constructor argument's keyword, by its config key (for the refusal of a missing one)
_KEYWORD_OF = {"type": "kind", "activation": "activation", "softplus_beta": "softplus_beta",
               "dt": "dt", "tau": "tau", "rec_constrained": "rec_constrained",
               "inp_constrained": "inp_constrained"}


def _java_list(items: Optional[Sequence[str]]) -> Any:
    import jpype

    out = jpype.JClass("java.util.ArrayList")()
    for s in items or ():
        if not isinstance(s, str):
            raise ValueError(f"regions must be region names (strings), got {s!r}")
        out.add(jpype.JString(s))
    return out


def _positive(name: str, v: Optional[float]) -> Optional[float]:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: expected a positive number, got {v!r}") from e
    if not (f > 0 and np.isfinite(f)):
        raise ValueError(f"{name}: expected a positive number, got {v!r}")
    return f


def _boolean(name: str, v: Optional[bool]) -> Optional[bool]:
    if v is None or isinstance(v, (bool, np.bool_)):
        return None if v is None else bool(v)
    raise ValueError(f"{name}: expected True or False, got {v!r}")


def _request(kind: Optional[str], activation: Optional[str], softplus_beta: Optional[float],
             dt: Optional[float], tau: Optional[float], rec_constrained: Optional[bool],
             inp_constrained: Optional[bool], mrnntorch_defaults: bool, prefix: Optional[str],
             readout: Optional[PathLike], seed: int) -> Any:
    """The Java ``ModelLoader.Request`` of load's keyword arguments, checked as the command line
    checks its options (same messages, naming the keyword)."""
    import jpype

    kinds = _jvm.jclass("org.mrnn4j.models.ModelKind")
    activations = _jvm.jclass("org.mrnn4j.core.Activation")
    try:
        k = None if kind is None else kinds.fromName(jpype.JString(str(kind)))
    except jpype.JException as e:
        raise ValueError(f"kind: {e.getMessage()}") from None
    try:
        a = None if activation is None else activations.fromName(jpype.JString(str(activation)))
    except jpype.JException as e:
        raise ValueError(f"activation: {e.getMessage()}") from None
    beta = _positive("softplus_beta", softplus_beta)
    dt = _positive("dt", dt)
    tau = _positive("tau", tau)
    rec = _boolean("rec_constrained", rec_constrained)
    inp = _boolean("inp_constrained", inp_constrained)
    jd = jpype.JClass("java.lang.Double")
    jb = jpype.JClass("java.lang.Boolean")
    options = _jvm.jclass("org.mrnn4j.models.io.MrnnConfig$ModelOptions")(
        k, a, None if beta is None else jd(beta), None if rec is None else jb(rec),
        None if inp is None else jb(inp), None, None if dt is None else jd(dt),
        None if tau is None else jd(tau), None, None, None)
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed: expected an integer, got {seed!r}")
    return _jvm.jclass("org.mrnn4j.models.io.ModelLoader$Request")(
        options, bool(mrnntorch_defaults), None if prefix is None else jpype.JString(prefix),
        jpype.JLong(int(seed)), None if readout is None else jpype.JString(_path_text(readout, "readout")))


def _path_text(p: Any, name: str) -> str:
    """``p`` (a str or path-like) as text; ValueError naming ``name`` for anything else."""
    try:
        text = os.fspath(p)
    except TypeError:
        raise ValueError(f"{name}: expected a file path (str or os.PathLike), got"
                         f" {type(p).__name__}") from None
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\0" in text:
        raise ValueError(f"{name}: a file path cannot contain a NUL character, got {text!r}")
    return text


def _numbered(value: Any, prefix: str, name: str, expected: str) -> int:
    """K of ``"PREFIX:K"`` (a positive integer); ValueError naming ``name`` for anything else."""
    text = value if isinstance(value, str) else ""
    head, _, k = text.partition(":")
    if head == prefix and k.isdigit() and int(k) >= 1:
        return int(k)
    raise ValueError(f"{name}: expected {expected} (K a fixed point's number, from 1), got"
                     f" {value!r}")


def _missing_message(e: Any) -> str:
    missing = [str(k) for k in e.missing()]
    listed = ", ".join(f"{k} ({_KEYWORD_OF.get(k, k)}=)" for k in missing)
    where = f"{e.file()}: " if e.file() is not None else ""
    return (f"{where}missing model parameters: {listed}. mRNNTorch takes them as arguments of"
            " mRNN(...) / ElmanmRNN(...), not from its config: give them as keyword arguments,"
            " or set them in the config's \"model\" block, or pass mrnntorch_defaults=True to"
            " assume mRNNTorch's defaults")


def _load_with(loader: Any, units: int, backend: Optional[str]) -> "Model":
    """Selects the backend, runs ``loader(java_backend)`` and wraps the loaded model."""
    import jpype

    missing = _jvm.jclass("org.mrnn4j.models.io.ModelArguments$MissingModelArgumentsException")
    backends = _jvm.jclass("org.mrnn4j.core.Backends")
    if backend in _jvm.skipped_plugins:
        raise BackendError(f"backend {backend} cannot run in this process: "
                           f"{_jvm.skipped_plugins[backend]}")
    with java_errors():
        b = backends.select(None if backend is None else jpype.JString(backend), units)
    try:
        try:
            loaded = loader(b)
        except missing as e:
            raise ValueError(_missing_message(e)) from None
        except jpype.JException as e:
            raise translate(e) from e
    except BaseException:
        b.close()
        raise
    return Model(loaded, b)


def load(path: Optional[PathLike] = None, config: Optional[PathLike] = None, *,
         kind: Optional[str] = None, activation: Optional[str] = None,
         softplus_beta: Optional[float] = None, dt: Optional[float] = None,
         tau: Optional[float] = None, rec_constrained: Optional[bool] = None,
         inp_constrained: Optional[bool] = None, mrnntorch_defaults: bool = False,
         prefix: Optional[str] = None, readout: Optional[PathLike] = None,
         backend: Optional[str] = None, seed: int = 0) -> "Model":
    """Loads a model from its files, as the command line's FILE and options do.

    Args:
        path: an mRNNTorch JSON config, a PyTorch ``.pth`` checkpoint (``torch.save(
            model.state_dict())``; its config is the ``.json`` of the same name beside it unless
            ``config`` is given), or a model saved by mrnn4j; None for the bundled example
        config: the config, when ``path`` is a checkpoint (the command line's ``--config``)
        kind: ``"leaky"`` (mRNNTorch's ``mRNN``) or ``"elman"`` (``ElmanmRNN``); overrides the
            config's ``model.type``
        activation: ``relu``, ``tanh``, ``sigmoid``, ``softplus`` or ``linear``
        softplus_beta: mRNNTorch's ``softplus_beta`` (softplus only)
        dt: mRNNTorch's ``dt`` (leaky model)
        tau: mRNNTorch's ``tau`` (leaky model)
        rec_constrained: Dale's law on the recurrent weights
        inp_constrained: Dale's law on the input weights
        mrnntorch_defaults: let mRNNTorch's constructor defaults fill the arguments neither the
            config's ``model`` block nor a keyword gives (otherwise a missing one is an error)
        prefix: the key prefix of the weights in the checkpoint (default: detected)
        readout: a readout beside the mRNN: a checkpoint key prefix (``"out_layer"``), or a
            ``.npy`` ``[O, N]`` / ``.npz`` (``weight``, ``bias``); default ``readout.*`` when the
            checkpoint holds them
        backend: the compute backend (see :func:`backends`); default: the best for the size
        seed: the seed of the random initialisation of a config given without weights

    Returns:
        the model

    Raises:
        FileNotFoundError: ``no such file: PATH``
        ModelFormatError: a malformed file, naming it and the field or key
        ValueError: a bad or missing argument, or files that do not go together
        SetupError: Java or the jars cannot be found
    """
    import jpype

    request = _request(kind, activation, softplus_beta, dt, tau, rec_constrained,
                       inp_constrained, mrnntorch_defaults, prefix, readout, seed)
    paths = _jvm.jclass("java.nio.file.Paths")
    files = jpype.JClass("java.util.ArrayList")()
    resolver = _jvm.jclass("org.mrnn4j.app.ModelFilesResolver")
    with java_errors():  # an invalid path (a NUL byte) is a ValueError, not a Java exception
        if path is not None:
            files.add(paths.get(jpype.JString(_path_text(path, "path"))))
        cfg = None if config is None else paths.get(jpype.JString(_path_text(config, "config")))
        units = int(resolver.units(cfg, files, None))

    def loader(b: Any) -> Any:
        return resolver.load(cfg, files, None, request, b)

    return _load_with(loader, units, backend)


def _tensor_array(key: str, value: Any) -> Tuple[np.ndarray, bool]:
    """A state-dict value as a float64 array, and whether it was stored in single precision."""
    if hasattr(value, "detach"):  # a torch tensor, without importing torch
        value = value.detach().cpu().numpy()
    try:
        a = np.asarray(value)
    except Exception as e:  # noqa: BLE001 - anything NumPy cannot read
        raise ValueError(f"state_dict[{key!r}] is not an array: {type(value).__name__}") from e
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
        raise ValueError(f"state_dict[{key!r}] is not numeric (dtype {a.dtype})")
    single = a.dtype in (np.float32, np.float16)
    return np.ascontiguousarray(a, dtype=np.float64), single


def from_state_dict(state_dict: Mapping[str, Any], config: Union[Mapping[str, Any], PathLike],
                    *, kind: Optional[str] = None, activation: Optional[str] = None,
                    softplus_beta: Optional[float] = None, dt: Optional[float] = None,
                    tau: Optional[float] = None, rec_constrained: Optional[bool] = None,
                    inp_constrained: Optional[bool] = None, mrnntorch_defaults: bool = False,
                    prefix: Optional[str] = None, readout: Optional[PathLike] = None,
                    backend: Optional[str] = None) -> "Model":
    """Builds a model from a state dict in memory (no file written): ``model.state_dict()`` of a
    PyTorch mRNN (torch tensors) or a dict of NumPy arrays with the same keys (``W_rec``,
    ``W_inp``, ... under an optional prefix such as ``rnn.``).

    The keys, shapes, prefix, readout (``readout="out_layer"`` takes ``out_layer.weight`` and
    ``out_layer.bias`` from the dict) and constructor arguments are resolved and refused exactly
    as for a checkpoint file (see :func:`load`, whose keyword arguments these are). Torch is not
    needed.

    Args:
        state_dict: the tensors by key
        config: the mRNNTorch config, as a dict (``json.load``'s) or a JSON file's path

    Returns:
        the model

    Raises:
        ModelFormatError: a missing key, a wrong shape or a non-finite weight (naming the key)
        ValueError: a bad argument or value that is not an array
        FileNotFoundError: ``no such file: PATH`` for a config path that does not exist
    """
    import jpype

    if not isinstance(state_dict, Mapping):
        raise ValueError(f"state_dict must be a mapping of names to tensors, got"
                         f" {type(state_dict).__name__}")
    if isinstance(config, Mapping):
        text, source = json.dumps(config), "config"
    else:
        source = _path_text(config, "config")
        p = Path(source)
        if not p.is_file():
            raise FileNotFoundError(f"no such file: {source}")
        text = p.read_text(encoding="utf-8")
    request = _request(kind, activation, softplus_beta, dt, tau, rec_constrained,
                       inp_constrained, mrnntorch_defaults, prefix, readout, 0)
    dtypes = _jvm.jclass("org.mrnn4j.core.DType")
    stored = _jvm.jclass("org.mrnn4j.models.io.StoredTensor")
    tensors = jpype.JClass("java.util.LinkedHashMap")()
    for key, value in state_dict.items():
        a, single = _tensor_array(str(key), value)
        with java_errors():
            tensors.put(jpype.JString(str(key)), stored(
                jpype.JString(str(key)), dtypes.FLOAT32 if single else dtypes.FLOAT64,
                jpype.JArray(jpype.JInt)(list(a.shape)), to_java(a)))
    mrnn_config = _jvm.jclass("org.mrnn4j.models.io.MrnnConfig")
    with java_errors():
        cfg = mrnn_config.parse(jpype.JString(text), jpype.JString(source))
        checkpoint = _jvm.jclass("org.mrnn4j.models.io.TorchCheckpoint").of(
            jpype.JString("state_dict"), tensors)
    units = sum(int(r.units()) for r in cfg.recurrentRegions())
    loader_class = _jvm.jclass("org.mrnn4j.models.io.ModelLoader")

    def loader(b: Any) -> Any:
        return loader_class.fromStateDict(cfg, jpype.JString(source), checkpoint, request, b)

    return _load_with(loader, units, backend)


def backends() -> List[Dict[str, Any]]:
    """Every compute backend found (as ``mrnn4j backends`` lists them).

    Returns:
        one dict per backend: ``name``, ``available``, ``rank``, ``description``, ``detail``
        (why it cannot run, when it cannot) and ``default`` (the one used without ``backend=``)
    """
    selector = _jvm.jclass("org.mrnn4j.core.Backends").selector()
    with java_errors():
        infos = list(selector.list())
        requested = selector.requestedName(None)
    default = str(requested.get()) if requested.isPresent() else next(
        (str(i.name()) for i in infos if i.available()), "")
    out = [{"name": str(i.name()), "available": bool(i.available()), "rank": int(i.rank()),
            "description": None if i.description() is None else str(i.description()),
            "detail": None if i.detail() is None else str(i.detail()),
            "default": str(i.name()) == default} for i in infos]
    for name, why in _jvm.skipped_plugins.items():
        out.append({"name": name, "available": False, "rank": None, "description": None,
                    "detail": why, "default": False})
    return out


class Model:
    """A model loaded by :func:`load` or :func:`from_state_dict`, with its analyses.

    States are in the model's natural coordinates: the pre-activations ``x`` for the leaky model
    (``h = act(x)``), the activations ``h`` for the Elman model. Arrays in and out are float64
    NumPy arrays. Use it as a context manager, or call :meth:`close`, to free its memory at once.
    """

    def __init__(self, loaded: Any, backend: Any, *, lesions: Sequence[str] = (),
                 parent: Optional["Model"] = None) -> None:
        self._loaded = loaded
        self._java = loaded.model()
        self._backend = backend
        self._lesions = list(lesions)
        self._parent = parent  # a lesioned model runs on its intact model's backend
        self._children = 0  # open lesioned models on this model's backend
        self._backend_pending = False  # closed, but the backend waits for the children
        self._linearizations: Dict[Tuple[str, ...], Tuple[Any, int]] = {}
        self._flat = _jvm.jclass("org.mrnn4j.app.FlatArrays")
        self._outputs = OutputPool()
        import jpype

        self._jexception = jpype.JException
        self._n = int(self._java.numUnits())
        self._i = int(self._java.numInputs())
        layout = self._java.layout()
        self._regions = {str(r): slice(int(layout.recurrentRange(r).start()),
                                       int(layout.recurrentRange(r).end()))
                         for r in layout.recurrentRegionNames()}
        ro = loaded.readout()
        if ro is not None:
            self._readout_w = np.array([from_java(row) for row in ro.weight()]).reshape(
                int(ro.outputs()), self._n)
            self._readout_b = from_java(ro.bias())
        else:
            self._readout_w = None
            self._readout_b = None

    # ----------------------------------------------------------------- properties

    @property
    def num_units(self) -> int:
        """N, the number of recurrent units."""
        return self._n

    @property
    def num_inputs(self) -> int:
        """I, the number of input units."""
        return self._i

    @property
    def kind(self) -> str:
        """``"leaky"`` or ``"elman"``."""
        return str(self._java.kind().name()).lower()

    @property
    def activation(self) -> str:
        """The activation function's name."""
        return str(self._java.activation().name()).lower()

    @property
    def regions(self) -> Dict[str, slice]:
        """Each recurrent region's units, as a slice of the state."""
        return dict(self._regions)

    @property
    def backend(self) -> str:
        """The name of the compute backend the model runs on."""
        return str(self._backend.name())

    @property
    def description(self) -> str:
        """Where the model came from."""
        return str(self._loaded.description())

    @property
    def unused_keys(self) -> List[str]:
        """The checkpoint's keys the model does not use (``load_state_dict``'s unexpected keys)."""
        return [str(k) for k in self._loaded.unusedKeys()]

    @property
    def readout(self) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        """The readout's weight ``[O, N]`` and bias ``[O]`` (``y = W h + b``), or None."""
        if self._readout_w is None:
            return None
        return self._readout_w.copy(), self._readout_b.copy()

    @property
    def java(self) -> Any:
        """The Java ``RecurrentModel`` (for the library's full API through JPype)."""
        return self._java

    @property
    def lesions(self) -> List[str]:
        """The lesions applied (:meth:`lesion`), as their specs; empty for an intact model."""
        return list(self._lesions)

    def __repr__(self) -> str:
        # a lesioned model's description ends "lesioned silence:exc"
        return (f"<mrnn4j.Model {self.kind} {self.activation}, {self._n} units, {self._i} inputs,"
                f" regions {list(self._regions)}, from {self.description}, on {self.backend}>")

    def close(self) -> None:
        """Frees the model's and its backend's memory; the model cannot be used after."""
        if self._java is not None:
            self._outputs.clear()
            self._java.close()
            self._java = None
            if self._parent is not None:
                self._parent._child_closed()
            elif self._children:
                self._backend_pending = True
            else:
                self._backend.close()

    def _child_closed(self) -> None:
        self._children -= 1
        if self._children == 0 and self._backend_pending:
            self._backend_pending = False
            self._backend.close()

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _live(self) -> Any:
        if self._java is None:
            raise ValueError("the model is closed")
        return self._java

    def _state(self, x: Any, name: str = "x") -> np.ndarray:
        return vector(x, self._n, name)

    def _input(self, u: Any, name: str = "u") -> np.ndarray:
        if u is None:
            return np.zeros(self._i)
        return vector(u, self._i, name)

    def output(self, h: Any) -> np.ndarray:
        """The readout ``W h + b`` of activations ``[..., N]``.

        Raises:
            ValueError: if the model has no readout
        """
        if self._readout_w is None:
            raise ValueError("the model has no readout: load it with readout=\"out_layer\" (a"
                             " checkpoint key prefix) or a .npy/.npz")
        return np.asarray(h, dtype=np.float64) @ self._readout_w.T + self._readout_b

    # ----------------------------------------------------------------- dynamics

    def step(self, x: Any, u: Any = None) -> np.ndarray:
        """One noise-free step of the map: the next state from state ``x`` ``[N]`` under input
        ``u`` ``[I]`` (default zero)."""
        m = self._live()
        xs, us = self._state(x), self._input(u)
        with java_errors():
            return from_java(m.step(to_java(xs), to_java(us)))

    def simulate(self, inputs: Any = None, *, u: Any = None, steps: Optional[int] = None,
                 x0: Any = None, noise: bool = False,
                 noise_levels: Optional[Tuple[float, float]] = None,
                 seed: int = 0) -> Simulation:
        """Runs the dynamics, as ``mrnn4j simulate`` does.

        Args:
            inputs: input sequences ``[T, I]`` (one) or ``[B, T, I]`` (batch first); or None with
                ``u`` and ``steps``
            u: a constant input ``[I]``, with ``steps``
            steps: the number of steps of the constant input
            x0: the initial state ``[N]`` or ``[B, N]``; default the model's own
            noise: add the model's noise (``noise_levels`` overrides its two levels)
            noise_levels: (activation noise, input noise)
            seed: the noise's seed: the same seed gives the same states

        Returns:
            ``xs``, ``hs`` ``[B, T, N]`` (the states after each step) and ``ys`` with a readout
        """
        m = self._live()
        if inputs is None:
            if steps is None:
                raise ValueError("give inputs [T, I] or [B, T, I], or u and steps")
            if not isinstance(steps, (int, np.integer)) or steps < 1:
                raise ValueError(f"steps must be a positive integer, got {steps!r}")
            seq = np.broadcast_to(self._input(u), (1, int(steps), self._i))
        else:
            if u is not None or steps is not None:
                raise ValueError("give inputs, or u and steps, not both")
            seq = np.asarray(inputs, dtype=np.float64)
            if seq.ndim == 2:
                seq = seq[None]
            if seq.ndim != 3 or seq.shape[2] != self._i:
                raise ValueError(f"inputs must be [T, {self._i}] or [B, T, {self._i}], got an"
                                 f" array of shape {np.shape(inputs)}")
            finite(seq, "inputs")
        b, t = seq.shape[0], seq.shape[1]
        start = None
        if x0 is not None:
            start = np.asarray(x0, dtype=np.float64)
            if start.shape not in ((self._n,), (b, self._n)):
                raise ValueError(f"x0 must be [{self._n}] or [{b}, {self._n}], got an array of"
                                 f" shape {start.shape}")
            finite(start, "x0")
        act, inp = (float("nan"), float("nan")) if noise_levels is None else (
            float(noise_levels[0]), float(noise_levels[1]))
        with java_errors():
            r = self._flat.simulate(m, to_java(seq), b, t, None if start is None
                                    else to_java(start), bool(noise or noise_levels is not None),
                                    act, inp, int(seed))
        xs = from_java(r.xs(), (b, t, self._n))
        hs = from_java(r.hs(), (b, t, self._n))
        ys = self.output(hs) if self._readout_w is not None else None
        return Simulation(xs=xs, hs=hs, ys=ys)

    # ----------------------------------------------------------------- linear analysis

    def _linearization(self, regions: Optional[Sequence[str]]) -> Any:
        return self._linearization_and_size(regions)[0]

    def _linearization_and_size(self, regions: Optional[Sequence[str]]) -> Tuple[Any, int]:
        """The Java linearization over ``regions`` and its size M, made once per regions."""
        key = () if regions is None else tuple(regions)
        found = self._linearizations.get(key)
        if found is None:
            with java_errors():
                lin = self._flat.linearization(self._live(), _java_list(key))
            found = (lin, int(lin.size()))
            self._linearizations[key] = found
        elif self._java is None:
            self._live()  # a closed model: "the model is closed", not a Java error
        return found

    def jacobian(self, x: Any, u: Any = None, regions: Optional[Sequence[str]] = None
                 ) -> np.ndarray:
        """The Jacobian of the map at state ``x`` ``[N]`` and input ``u`` ``[I]`` (default zero),
        analytically, over ``regions`` (default all units): ``J[i, j] = d next_i / d x_j``,
        ``[M, M]`` with M the units of the regions, in the model's natural coordinates
        (mRNNTorch's ``mLinearization(rnn).jacobian(inp, x)``)."""
        lin, m = self._linearization_and_size(regions)
        xs, us = self._state(x), self._input(u)
        out, buffer = self._outputs.take((m, m))
        try:  # java_errors() inline: this call is timed against Java's (issue 31)
            # Java writes the Jacobian straight into out's memory: one copy, as a Java caller's
            self._flat.jacobian(lin, to_java(xs), to_java(us), buffer)
        except self._jexception as e:
            raise translate(e) from e
        return out

    def linearize(self, x: Any, u: Any = None, regions: Optional[Sequence[str]] = None,
                  modes: Optional[int] = None) -> Linearization:
        """The local linear analysis at ``(x, u)``: the Jacobian, its eigenvalues and
        eigenvectors, spectral radius, unstable modes and, with ``modes=K``, the K leading modes'
        participation per region (as ``analyze --modes K``).

        Args:
            x: the state ``[N]``
            u: the input ``[I]`` (default zero)
            regions: the regions linearized (default all)
            modes: how many leading modes to resolve by region, or None
        """
        m = self._live()
        lin = self._linearization(regions)
        xs, us = self._state(x), self._input(u)
        size = int(lin.size())
        op = _jvm.jclass("org.mrnn4j.analysis.OperatingPoint")
        summary = _jvm.jclass("org.mrnn4j.analysis.StabilitySummary")
        with java_errors():
            point = op.of(to_java(xs), to_java(us))
            j = from_java(self._flat.jacobian(lin, to_java(xs), to_java(us)), (size, size))
            e = lin.eigendecomposition(point)
            vec = self._flat.eigenvectors(e, False)
            s = summary.of(e)
        values = from_java(e.realParts()) + 1j * from_java(e.imagParts())
        vectors = from_java(vec[0], (size, size)) + 1j * from_java(vec[1], (size, size))
        names = [str(r) for r in lin.regions()] if regions else list(self._regions)
        right = left = mode_values = None
        if modes is not None:
            if not isinstance(modes, (int, np.integer)) or not 1 <= modes <= size:
                raise ValueError(f"modes must be between 1 and the {size} linearized units, got"
                                 f" {modes!r}")
            analysis = _jvm.jclass("org.mrnn4j.app.StabilityAnalysis")
            arrays = _jvm.jclass("java.util.List")
            with java_errors():
                rm = analysis.regionModes(m, arrays.of(point), _java_list(regions),
                                          int(modes)).modes().get(0)
                names = [str(r) for r in rm.regions()]
                k = int(rm.modes().size())
                right = from_java(self._flat.participation(rm, False), (k, len(names)))
                left = from_java(self._flat.participation(rm, True), (k, len(names)))
                mode_values = np.array([complex(float(md.real()), float(md.imag()))
                                        for md in rm.modes()])
        return Linearization(jacobian=j, eigenvalues=values, eigenvectors=vectors,
                             spectral_radius=float(s.spectralRadius()),
                             unstable_modes=int(s.unstableModes()), regions=names,
                             mode_eigenvalues=mode_values, right_participation=right,
                             left_participation=left)

    # ----------------------------------------------------------------- fixed points

    def fixed_points(self, u: Any = None, *, regions: Optional[Sequence[str]] = None,
                     starts: Optional[int] = None, seed: int = 0) -> FixedPoints:
        """Finds the fixed points under the constant input ``u`` (default zero), as
        ``mrnn4j fixed-points`` does (the same default starts from ``seed``, the same search,
        numbering and labels).

        Args:
            u: the input ``[I]``
            regions: search over these regions, the others held at zero (default all units)
            starts: the number of sampled starts (default the command line's)
            seed: the seed of the starts: the same seed gives the same search

        Returns:
            the fixed points, slow points and outliers with their stability, and the summary;
            ``print()`` it for the command line's table, ``.states`` for ``[P, N]``
        """
        m = self._live()
        us = self._input(u)
        if starts is not None and (not isinstance(starts, (int, np.integer)) or starts < 1):
            raise ValueError(f"starts must be a positive integer, got {starts!r}")
        fp = _jvm.jclass("org.mrnn4j.app.FixedPoints")
        status = _jvm.jclass("org.mrnn4j.analysis.fixedpoints.StartStatus")
        with java_errors():
            system = fp.system(m, to_java(us), _java_list(regions))
            search = (fp.find(m, system, int(seed), None) if starts is None
                      else fp.find(m, system, int(seed), int(starts), None))
        fixed = [self._point(p, k + 1) for k, p in enumerate(search.fixedPoints())]
        slow = [self._point(p, len(fixed) + k + 1) for k, p in enumerate(search.slowPoints())]
        out = [self._point(p, None) for p in search.outliers()]
        stable = int(search.stableCount())
        summary = {"starts": int(search.starts().size()),
                   "converged": int(search.count(status.CONVERGED)),
                   "slow_point_starts": int(search.count(status.SLOW_POINT)),
                   "max_iterations": int(search.count(status.MAX_ITERATIONS)),
                   "diverged": int(search.count(status.DIVERGED)),
                   "fixed_points": len(fixed), "stable": stable,
                   "with_unstable_modes": len(fixed) - stable, "slow_points": len(slow),
                   "outliers": len(out), "max_q": float(search.maxQ()),
                   "seconds": float(search.seconds())}
        return FixedPoints(input=us, regions=[str(r) for r in regions] if regions else list(
            self._regions), fixed_points=fixed, slow_points=slow, outliers=out, summary=summary)

    # ----------------------------------------------------------------- lesions and currents

    def lesion(self, *specs: str) -> "Model":
        """The network with lesions applied, as ``mrnn4j lesion --lesion SPEC`` makes it
        (``models.Lesion.apply``): a new model of the same kind and layout whose effective
        recurrent weights have the lesioned block (or columns) scaled; everything else (input
        weights, bias, readout) is unchanged, and this model is untouched.

        Args:
            specs: one or more of ``"silence:REGION"`` (the region's outgoing recurrent weights
                zeroed), ``"cut:SRC->DST"`` (the block from SRC to DST zeroed) or
                ``"scale:SRC->DST=F"`` (that block multiplied by F), applied in order

        Returns:
            the lesioned model (its ``repr`` and :attr:`lesions` name the lesions); it runs on
            this model's backend, which stays open until both are closed

        Raises:
            ValueError: a malformed spec, an unknown region, or a connection without weights
        """
        import jpype

        m = self._live()
        if not specs:
            raise ValueError("lesion: give at least one spec: silence:REGION, cut:SRC->DST or"
                             " scale:SRC->DST=F")
        lesion = _jvm.jclass("org.mrnn4j.models.Lesion")
        chosen = jpype.JClass("java.util.ArrayList")()
        for spec in specs:
            if not isinstance(spec, str):
                raise ValueError(f"lesion: expected a spec string such as 'silence:exc', got"
                                 f" {spec!r}")
            with java_errors():
                chosen.add(lesion.parse(jpype.JString(spec)))
        with java_errors():
            lesioned = lesion.apply(m, chosen)
            described = str(lesion.describe(chosen))
        old = self._loaded
        try:
            loaded = _jvm.jclass("org.mrnn4j.models.io.ModelLoader$Loaded")(
                lesioned, jpype.JString(f"{old.description()}, lesioned {described}"),
                old.checkpoint(), old.weights(), old.baseName(), old.arguments(),
                old.unusedKeys(), old.readout(), old.readoutHint())
        except BaseException:
            lesioned.close()
            raise
        child = Model(loaded, self._backend, lesions=self._lesions + [str(s) for s in specs],
                      parent=self)
        self._children += 1
        return child

    def currents(self, inputs: Any = None, *, u: Any = None, steps: Optional[int] = None,
                 units: bool = True) -> Currents:
        """The input currents into each recurrent region by source along a simulation from the
        model's initial condition, as ``mrnn4j currents`` computes them
        (``RegionCurrents.simulate``).

        Args:
            inputs: an input sequence ``[T, I]``; or None with ``u`` and ``steps``
            u: a constant input ``[I]`` (default zero), with ``steps``
            steps: T, the number of steps of the constant input
            units: keep the per-unit currents ``unit_currents`` ``[T, N, S]``

        Returns:
            the currents, named as the command's NumPy files (see :class:`Currents`)
        """
        m = self._live()
        if inputs is None:
            if steps is None:
                raise ValueError("give inputs [T, I], or u and steps")
            if not isinstance(steps, (int, np.integer)) or steps < 1:
                raise ValueError(f"steps must be a positive integer, got {steps!r}")
            seq = np.broadcast_to(self._input(u), (int(steps), self._i))
        else:
            if u is not None or steps is not None:
                raise ValueError("give inputs, or u and steps, not both")
            seq = np.asarray(inputs, dtype=np.float64)
            if seq.ndim != 2 or seq.shape[1] != self._i:
                raise ValueError(f"inputs must be [T, {self._i}] (one sequence), got an array of"
                                 f" shape {np.shape(inputs)}")
            finite(seq, "inputs")
        t = seq.shape[0]
        region_currents = _jvm.jclass("org.mrnn4j.app.RegionCurrents")
        with java_errors():
            c = region_currents.simulate(m, to_java(np.ascontiguousarray(seq).ravel()), int(t),
                                         bool(units))
            avg = c.averageRms()
        r, s = int(c.destinations().size()), int(c.numSources())
        return Currents(destinations=[str(d) for d in c.destinations()],
                        sources=[str(x) for x in c.sources()],
                        currents=from_java(c.mean(), (t, r, s)),
                        currents_rms=from_java(c.rms(), (t, r, s)),
                        unit_currents=None if c.unit() is None else from_java(c.unit(),
                                                                              (t, self._n, s)),
                        average_rms=np.array([from_java(row) for row in avg]).reshape(r, s))

    # ----------------------------------------------------------------- flow fields

    def flow_field(self, u: Any = None, *, steps: Sequence[int] = (0, 20, 200),
                   states: Any = None, regions: Optional[Sequence[str]] = None,
                   cancel_others: bool = False, grid: int = 20,
                   offset: Optional[Sequence[float]] = None,
                   center: Optional[Sequence[float]] = None, follow: bool = False,
                   nonlinear: bool = True, linear: bool = True, fixed_points: bool = False,
                   plane: str = "pca", through: str = "mean", seed: int = 0) -> FlowField:
        """Flow fields on a plane through state space, as ``mrnn4j flow-field`` draws them: by
        default the trajectory's two leading principal components, through the trajectory's
        mean; ``plane="eigen:K"`` and ``through=`` are ``--plane eigen:K`` and
        ``--plane-through``.

        Args:
            u: the constant input ``[I]`` (default zero)
            steps: the states: after these numbers of steps from the model's initial condition
                (0 is the initial condition); the trajectory, on which the plane is fitted,
                runs to the largest
            states: instead of ``steps``, the states ``[S, N]`` themselves (the plane is fitted
                on them; at least two distinct states)
            regions: the plane's regions (default all units)
            cancel_others: silence the other regions
            grid: grid points per axis, at least 2
            offset: the grid's half-widths (one value, or two); default from the trajectory
            center: the grid's fixed centre (two plane coordinates); default the trajectory's
            follow: centre each state's grid on the state
            nonlinear: compute the network's field
            linear: compute the linearized field
            fixed_points: find the fixed points at ``u`` and place them on the plane
            plane: ``"pca"`` (the trajectory's principal components), or ``"eigen:K"``: spanned
                by the two leading eigen-directions of the Jacobian at fixed point K at ``u``
                (numbered as in :meth:`fixed_points`' table; the real and imaginary parts of a
                leading complex eigenvector, else the leading eigenvector and the next one not
                parallel to it (the real part of a complex one), orthonormalised), through that
                fixed point
            through: where the plane passes: ``"mean"`` (the trajectory's mean, or the
                eigen-plane's fixed point), ``"state"`` (through each state: it lies on its own
                field's slice) or ``"fp:K"`` (through fixed point K)
            seed: the seed of the fixed-point starts

        Raises:
            ValueError: a malformed ``plane`` or ``through``, or a fixed point K that was not
                found at ``u``
        """
        import jpype

        m = self._live()
        us = self._input(u)
        analysis = _jvm.jclass("org.mrnn4j.app.FlowFieldAnalysis")
        if not (nonlinear or linear):
            raise ValueError("nothing to compute: nonlinear and linear are both False")
        if not isinstance(grid, (int, np.integer)) or grid < 2:
            raise ValueError(f"grid must be an integer of at least 2, got {grid!r}")
        eigen_point = 0 if plane == "pca" else _numbered(plane, "eigen", "plane",
                                                         '"pca" or "eigen:K"')
        if through in ("mean", "state"):
            through_point = 0
        else:
            through_point = _numbered(through, "fp", "through", '"mean", "state" or "fp:K"')
        with java_errors():
            if states is None:
                counts = sorted({int(k) for k in steps})
                if not counts or counts[0] < 0:
                    raise ValueError(f"steps must be non-negative step counts, got {steps!r}")
                tree = jpype.JClass("java.util.TreeSet")()
                for k in counts:
                    tree.add(jpype.JInt(k))
                st = analysis.States.simulated(m, to_java(us), tree)
            else:
                arr = np.atleast_2d(np.asarray(states, dtype=np.float64))
                if arr.ndim != 2 or arr.shape[1] != self._n:
                    raise ValueError(f"states must be [S, {self._n}], got an array of shape"
                                     f" {np.shape(states)}")
                finite(arr, "states")
                rows = jpype.JArray(jpype.JDouble, 2)([to_java(r) for r in arr])
                ins = jpype.JArray(jpype.JDouble, 2)([to_java(us) for _ in arr])
                labels = jpype.JClass("java.util.ArrayList")()
                files = jpype.JClass("java.util.ArrayList")()
                for k in range(arr.shape[0]):
                    labels.add(jpype.JString(f"state {k + 1}"))
                    files.add(jpype.JString(f"state{k + 1}"))
                st = analysis.States(rows, ins, labels, files, rows)
            doubles = jpype.JClass("java.util.ArrayList")

            def dlist(values: Optional[Sequence[float]]) -> Any:
                if values is None:
                    return None
                out = doubles()
                for v in np.atleast_1d(np.asarray(values, dtype=np.float64)):
                    out.add(jpype.JClass("java.lang.Double")(float(v)))
                return out

            bounds = _jvm.jclass("org.mrnn4j.analysis.flowfields.GridBounds").EXACT
            passage = (analysis.Through.STATE if through == "state" else
                       analysis.Through.FIXED_POINT if through_point else analysis.Through.MEAN)
            names = _java_list([f"plane={plane!r}", f"through={through!r}"])
            request = analysis.Request(_java_list(regions), bool(cancel_others), None,
                                       int(eigen_point), passage, int(through_point), int(grid),
                                       dlist(offset), dlist(center), bool(follow),
                                       bounds, bool(nonlinear), bool(linear), bool(fixed_points),
                                       jpype.JLong(int(seed)), names)
            r = analysis.run(m, self._backend, st, to_java(us), request, None)

        def fields(lst: Any, part: str) -> Optional[np.ndarray]:
            if lst is None:
                return None
            out = []
            for f in lst:
                a = getattr(f, part)()
                out.append(from_java(self._flat.flatten(a), (len(a), len(a[0]))))
            return np.stack(out)

        nl = r.nonlinear()
        li = r.linear()
        first = nl if nl is not None else li
        plane = r.finder().plane()
        marked = list(r.marked()[0]) if r.marked() is not None and len(r.marked()) else []
        path = r.path()
        return FlowField(
            labels=[str(s) for s in st.labels()],
            x=np.stack([from_java(f.xAxis()) for f in first]),
            y=np.stack([from_java(f.yAxis()) for f in first]),
            velocity_x=fields(nl, "xVelocity"), velocity_y=fields(nl, "yVelocity"),
            speed=fields(nl, "speed"),
            linear_velocity_x=fields(li, "xVelocity"), linear_velocity_y=fields(li, "yVelocity"),
            center=np.stack([from_java(f.center()) for f in first]),
            off_plane=np.array([float(f.offPlane()) for f in first]),
            plane_mean=from_java(plane.mean()),
            plane_axes=np.stack([from_java(plane.component(0)), from_java(plane.component(1))]),
            explained=np.array([float(v) for v in r.explained()]),
            path=(from_java(self._flat.flatten(path), (len(path), 2)) if path is not None
                  and len(path) else np.zeros((0, 2))),
            fixed_points=np.array([[float(k.x()), float(k.y())] for k in marked]).reshape(-1, 2),
            fixed_point_stable=np.array([bool(k.stable()) for k in marked], dtype=bool),
            plane_eigenvalues=None if r.eigenPlane() is None else (
                from_java(r.eigenPlane().real()) + 1j * from_java(r.eigenPlane().imag())))

    # ----------------------------------------------------------------- continuation

    def continue_(self, direction: Any = None, *, to: Optional[float] = None,
                  from_: float = 0.0, u0: Any = None, u1: Any = None,
                  gain: Optional[Tuple[str, str]] = None,
                  checkpoint: Union[PathLike, "Model", None] = None, also_from_end: bool = False,
                  seed: int = 0) -> List[Branch]:
        """Follows every fixed point as a parameter changes, as ``mrnn4j continue`` does
        (named with a trailing underscore: ``continue`` is a Python keyword).

        The parameter is one of:

        - the input ``u = u0 + s * direction`` (``direction`` ``[I]``), ``s`` from ``from_`` to
          ``to``;
        - the interpolation ``u = (1 - s) u0 + s u1`` (``u1`` ``[I]``), ``s`` from 0 to 1 unless
          ``to`` is given;
        - a connection's gain (``gain=("src", "dst")``, scaling that weight block by ``s``) at
          input ``u0``;
        - the interpolation of the weights towards another network of the same architecture,
          ``P(s) = (1 - s) P_0 + s P_1`` (``checkpoint=``, ``--parameter checkpoint:FILE``), at
          input ``u0``, ``s`` from 0 to 1 unless ``to`` is given.

        Args:
            direction: the input direction ``[I]``
            to: the end value of ``s``
            from_: the start value of ``s``
            u0: the base input ``[I]`` (default zero)
            u1: the second input, for the interpolation
            gain: the connection ``(source region, destination region)``
            checkpoint: the other network: a file (loaded as :func:`load` loads it with no
                keywords, then closed) or a :class:`Model` (kept open by the caller)
            also_from_end: also start branches at fixed points found at ``to`` that no branch
                reached
            seed: the seed of the fixed-point searches' starts

        Returns:
            the branches, in the order followed
        """
        m = self._live()
        base = self._input(u0, "u0")
        param = _jvm.jclass("org.mrnn4j.app.ContinuationParameter")
        given = sum(v is not None for v in (direction, u1, gain, checkpoint))
        if given != 1:
            raise ValueError("give one parameter: direction=[...] (with to=), u1=[...],"
                             " gain=(source, destination) (with to=), or checkpoint=FILE")
        if u1 is not None or checkpoint is not None:
            end = 1.0 if to is None else float(to)
        elif to is None:
            raise ValueError("to= is required: the end value of the parameter")
        else:
            end = float(to)
        analysis = _jvm.jclass("org.mrnn4j.app.ContinuationAnalysis")
        other: Optional[Model] = None
        if isinstance(checkpoint, Model):
            other_model, other_name = checkpoint._live(), checkpoint.description
        elif checkpoint is not None:
            other = load(checkpoint, backend=self.backend)
            other_model, other_name = other._live(), Path(_path_text(checkpoint,
                                                                     "checkpoint")).name
        try:
            r = self._continue(param, analysis, base, direction, u1, gain,
                               None if checkpoint is None else (other_model, other_name),
                               float(from_), end, bool(also_from_end), seed)
        finally:
            if other is not None:
                other.close()
        return self._branches(r)

    def _continue(self, param: Any, analysis: Any, base: np.ndarray, direction: Any, u1: Any,
                  gain: Any, other: Any, start: float, end: float, also_from_end: bool,
                  seed: int) -> Any:
        import jpype

        m = self._live()
        with java_errors():
            if other is not None:
                p = param.checkpoint(other[0], jpype.JString(other[1]), to_java(base))
            elif direction is not None:
                p = param.input(to_java(base), to_java(self._input(direction, "direction")))
            elif u1 is not None:
                p = param.inputs(to_java(base), to_java(self._input(u1, "u1")))
            else:
                if len(gain) != 2:
                    raise ValueError(f"gain must be (source region, destination region), got"
                                     f" {gain!r}")
                p = param.gain(jpype.JString(gain[0]), jpype.JString(gain[1]), to_java(base))
            return analysis.run(m, analysis.Request(p, start, end, also_from_end,
                                                    jpype.JLong(int(seed)), None))

    def _branches(self, r: Any) -> List[Branch]:
        out = []
        for b in r.branches():
            pts = list(b.points())
            out.append(Branch(
                parameter=np.array([float(q.parameter()) for q in pts]),
                states=np.stack([from_java(q.state()) for q in pts]),
                q=np.array([float(q.q()) for q in pts]),
                unstable_modes=np.array([int(q.unstable()) for q in pts]),
                eigenvalues=np.stack([from_java(q.eigenReal()) + 1j * from_java(q.eigenImag())
                                      for q in pts]),
                bifurcations=[{"kind": str(f.kind().label()), "located": bool(f.located()),
                               "parameter": float(f.parameter()),
                               "state": from_java(f.state()),
                               "note": None if f.note() is None else str(f.note())}
                              for f in b.bifurcations()],
                stop=str(b.stop().label()) + ("" if b.stopDetail() is None
                                              else f" ({b.stopDetail()})")))
        return out

    def _point(self, p: Any, number: Optional[int]) -> FixedPoint:
        full = from_java(p.fullState())
        e = p.eigen()
        state = from_java(p.state())
        jac = from_java(self._flat.flatten(p.jacobian()), (state.size, state.size))
        h = full if self.kind == "elman" else self._activation(full)
        return FixedPoint(number=number, stability=str(p.stability().label()),
                          unstable_modes=int(p.unstableModes()), q=float(p.q()),
                          spectral_radius=float(p.spectralRadius()), starts=int(p.starts()),
                          iterations=int(p.iterations()), state=state, full_state=full,
                          eigenvalues=from_java(e.realParts()) + 1j * from_java(e.imagParts()),
                          jacobian=jac,
                          output=self.output(h) if self._readout_w is not None else None)

    def _activation(self, x: np.ndarray) -> np.ndarray:
        analysis = _jvm.jclass("org.mrnn4j.app.ContinuationAnalysis")
        with java_errors():
            return from_java(analysis.activity(self._live(), to_java(x)))
