"""mrnn4j from Python: load an mRNNTorch checkpoint and analyse it (Jacobians, eigen-analysis,
fixed points, simulations) with NumPy arrays in and out. The Java library runs in this process
through JPype; the JVM starts on first use with the jars the Maven build made.

    >>> import mrnn4j
    >>> m = mrnn4j.load("flip_flop_rnn_leaky.pth")      # its .json beside it
    >>> fps = m.fixed_points(u=[0, 0, 0])
    >>> print(fps)                                       # the command line's table
    >>> J = m.jacobian(fps.states[0], [0, 0, 0])         # numpy [N, N]
"""

from .errors import BackendError, ModelFormatError, Mrnn4jError, SetupError
from .model import Model, backends, from_state_dict, load
from .results import (Branch, Currents, FixedPoint, FixedPoints, FlowField, Linearization,
                      Simulation)

__all__ = ["load", "from_state_dict", "backends", "Model", "Simulation", "Linearization",
           "FixedPoint", "FixedPoints", "FlowField", "Branch", "Currents", "Mrnn4jError",
           "SetupError",
           "ModelFormatError", "BackendError"]
__version__ = "0.1.0"
