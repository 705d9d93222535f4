"""lzsm_gates: fast gates on small-gap qubits with strong, non-resonant LZSM drives.

The public API is re-exported here; see the module docstrings for the physics.
"""

from .units import (
    DEFAULT_DEVICE,
    ConvergenceError,
    Device,
    LZSMInputError,
    check_finite,
    check_in_range,
    check_positive,
)
from .metrics import (
    average_gate_fidelity,
    check_unitary,
    concurrence,
    gate_error,
    gate_fidelity,
    log_negativity,
    negativity,
    partial_trace,
    partial_transpose,
    reduced_qubit_state,
    unitary_superoperator,
)
from .models import (
    PAULI_I,
    PAULI_X,
    PAULI_Y,
    PAULI_Z,
    DrivenModel,
    check_hermitian,
    check_matrix,
    coupled_qubits_model,
    qubit_model,
)
from .propagate import evolve, expm_hermitian, period_propagator, static_propagator, steps_per_period
from .chrw import (
    CHRWParameters,
    CHRWWarning,
    chrw_parameters,
    chrw_probability,
    chrw_propagator,
    chrw_quasienergies,
    chrw_xi,
    circular_drive_propagator,
    fold_quasienergies,
)
from .approximations import (
    APPROXIMATIONS,
    approximate_propagator,
    double_rotating_propagator,
    magnus_propagator,
    rwa_propagator,
)
from .pulses import LZSMPulse, rz
from .targets import SINGLE_QUBIT_NAMES, Target, idle_solution, resolve_target, to_special_unitary
from .sweeps import Axis, SweepError, load_result, run_sweep, save_result, sweep_failures
from .maps import DEFAULT_APPROXIMATIONS, lzsm_map
from .design import (
    DEFAULT_MISCALIBRATION,
    BSwapDesign,
    DesignResult,
    GateDesign,
    OperatingCurve,
    bswap_gap_mismatch,
    bswap_target,
    design_bswap,
    design_gate,
    design_identity,
    identity_curve,
    operating_curve,
    refine,
    sensitivity,
)

from .baths import Bath, OhmicSpectralDensity, SpectralDensity, bose_einstein, thermal_energy
from .floquet import (
    Coupling,
    FloquetBasis,
    FloquetRates,
    FloquetSteadyState,
    FloquetWarning,
    QubitRates,
    chrw_qubit_rates,
    default_kmax,
    floquet_basis,
    floquet_rates,
    floquet_steady_state,
    population_dynamics,
    qubit_rates,
    stationary_populations,
    stationary_state,
)

from .noise import (
    GateNoise,
    gate_channel,
    idle_channel,
    noisy_gate_error,
    open_system_error,
    periodic_channel,
    qubit_couplings,
)
from .lindblad import liouvillian, lindblad_model, lindblad_solver, steady_state, unvec, vec
from .cavity import (
    CavityDynamics,
    CavityOperators,
    CavityParams,
    CavitySteadyState,
    cavity_collapse_operators,
    cavity_dispersive_hamiltonian,
    cavity_driven_hamiltonian,
    cavity_dynamics,
    cavity_hamiltonian,
    cavity_initial_state,
    cavity_operators,
    cavity_steady_state,
    coupling_at_peak,
    drive_at_peak,
    entanglement_valley,
    max_excitation_transfer,
    mes_threshold,
    mes_threshold_analytic,
    peak_concurrence,
    steady_state_scan,
)
from .o3l import (
    DEFAULT_CUTOFF,
    O3LParams,
    O3LSteadyState,
    cut_detuning,
    cutoff_dependence,
    effective_rates,
    golden_rule_rates,
    map_amplitude_detuning,
    map_coupling_detuning,
    map_xi_amplitude,
    o3l_coupling,
    o3l_dynamics,
    o3l_eigenstates,
    o3l_floquet_rates,
    o3l_model,
    o3l_steady_state,
    o3l_sweep,
    perturbative_rates,
    rates_vs_xi,
    steady_state_concurrence,
)
from .circuits import (
    MAX_CHANNEL_QUBITS,
    CircuitSimulation,
    LZSMGate,
    LZSMGateSet,
    LZSMSqrtBSwapGate,
    LZSMUGate,
    NoisyCircuitSimulation,
    RabiGate,
    SqrtBSwapGate,
    Timeline,
    circuit_timeline,
    compare_with_rabi,
    design_gate_set,
    design_u_gate,
    lzsm_target,
    native_gates,
    play_instruction,
    rabi_gate,
    register_sqrt_bswap_equivalences,
    sample_counts,
    simulate_circuit,
    simulate_noisy_circuit,
)
from .schedules import (
    FrameChange,
    PulseProgram,
    circuit_program,
    gate_program,
    load_program,
    program_unitary,
    save_program,
    schedule_unitary,
    to_schedule,
)
from .maps import cavity_map, error_landscape, pulse_populations, rate_map

# gate design: typed results, operating curves, two-qubit entanglers (issue 15)
from .targets import GateTarget
from .pulses import PhysicalPulse
from .design_results import Optimality, Sensitivity
from .entanglers import EntanglerComparison, GapMismatch, compare_entanglers, design_xy_entangler, xy_entangler_target

__version__ = "0.1.0"
