"""Multi-level devices: scqubits spectra, analytic ladders, leakage, N-level design and open-system ranking.

scqubits is imported lazily inside the device builders, so importing this
package is cheap.
"""

from .spectrum import MultilevelSpectrum, compare_spectra, eigenbasis_spectrum
from .scqubits_models import CUTOFF_TOL, composite_qubit, coupled_fluxoniums, fluxonium
from .ladder import kerr_ladder
from .leakage import (
    leakage,
    leakage_bound,
    leakage_map,
    leakage_onset,
    perturbative_leakage,
    pattern_search,
    seepage,
    subspace_block,
    subspace_gate_error,
    virtual_z_phases,
)
from .design import MultilevelDesign, MultilevelDesignResult, design_multilevel, evaluate_pulse
from .noise import (
    DielectricSpectralDensity,
    OpenSystemScore,
    device_couplings,
    open_system_score,
    rank_open_system,
    subspace_channel_error,
)
from .config import load_device
from .two_qubit import COMPUTATIONAL_LABELS, BSwapMultilevel, design_bswap_multilevel, two_qubit_model

__all__ = [
    "MultilevelSpectrum",
    "compare_spectra",
    "eigenbasis_spectrum",
    "CUTOFF_TOL",
    "composite_qubit",
    "fluxonium",
    "kerr_ladder",
    "leakage",
    "leakage_map",
    "leakage_onset",
    "leakage_bound",
    "perturbative_leakage",
    "pattern_search",
    "seepage",
    "subspace_block",
    "subspace_gate_error",
    "virtual_z_phases",
    "MultilevelDesign",
    "MultilevelDesignResult",
    "design_multilevel",
    "evaluate_pulse",
    "DielectricSpectralDensity",
    "OpenSystemScore",
    "device_couplings",
    "open_system_score",
    "rank_open_system",
    "subspace_channel_error",
    "load_device",
    "coupled_fluxoniums",
    "COMPUTATIONAL_LABELS",
    "BSwapMultilevel",
    "design_bswap_multilevel",
    "two_qubit_model",
]
