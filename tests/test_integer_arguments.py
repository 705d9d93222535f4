"""Integer arguments go through one check (``units.check_integer``) everywhere: a fractional count is
refused naming the parameter and its range, never silently truncated by ``int(...)``.

Each case below used to be accepted with the value truncated (or, for the sweep and Floquet counts,
refused with a message of its own); the checks run before any heavy work, so the cases are cheap.
"""

import numpy as np
import pytest

from lzsm_gates.cavity import CavityParams
from lzsm_gates.cavity.open_dynamics import cavity_open_dynamics
from lzsm_gates.models import qubit_model
from lzsm_gates.propagate import evolve
from lzsm_gates.qiskit.device import DeviceTruth, VirtualDevice
from lzsm_gates.qiskit.simulation import sample_counts
from lzsm_gates.qiskit.target import lzsm_target
from lzsm_gates.units import LZSMInputError

TRUNCATED_BEFORE = {
    "lzsm_target num_qubits": (lambda: lzsm_target(num_qubits=1.7), r"num_qubits must be an integer in \[1, inf\), got 1.7"),
    "sample_counts shots": (lambda: sample_counts(None, None, shots=2.5), r"shots must be an integer in \[1, inf\), got 2.5"),
    "evolve steps": (
        lambda: evolve(qubit_model(), 1.0, 2.0, steps=10.5),
        r"steps must be an integer in \[1, inf\), got 10.5",
    ),
    "cavity_open_dynamics n_fock": (
        lambda: cavity_open_dynamics(CavityParams(), [0.0, 1.0], n_fock=4.5),
        r"n_fock must be an integer in \[1, inf\), got 4.5",
    ),
    "DeviceTruth.random num_qubits": (lambda: DeviceTruth.random(2.5), r"num_qubits must be an integer in \[1, inf\)"),
    "VirtualDevice num_qubits": (lambda: VirtualDevice(num_qubits=2.5), r"num_qubits must be an integer in \[1, inf\)"),
}


@pytest.mark.parametrize("case", list(TRUNCATED_BEFORE))
def test_fractional_counts_are_refused_not_truncated(case):
    call, message = TRUNCATED_BEFORE[case]
    with pytest.raises(LZSMInputError, match=message):
        call()


def test_integral_values_still_work_and_count_exactly():
    # check_integer accepts an integral float (3.0) as the integer it is: the same result as 3
    u_int = evolve(qubit_model(), 1.0, 2.0, steps=64)
    u_float = evolve(qubit_model(), 1.0, 2.0, steps=64.0)
    np.testing.assert_array_equal(u_int, u_float)
    assert VirtualDevice(num_qubits=np.int64(3)).num_qubits == 3
