"""lzsm_gates: fast gates on small-gap qubits with strong, non-resonant LZSM drives."""

from .units import (
    DEFAULT_DEVICE,
    ConvergenceError,
    Device,
    LZSMInputError,
    check_finite,
    check_in_range,
    check_positive,
)
from .metrics import check_unitary, gate_error, gate_fidelity

__version__ = "0.1.0"
