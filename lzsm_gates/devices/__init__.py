"""Multi-level devices: scqubits spectra, analytic ladders, leakage, N-level design and open-system ranking.

scqubits is imported lazily inside the device builders, and the names are
re-exported lazily (a module is imported with the first name used from it),
so importing this package is cheap.  The function ``leakage`` shares its
name with its module and is bound at import (``lzsm_gates.devices.leakage``
is the function, as before).
"""

from .._lazy import lazy_exports as _lazy_exports

#: submodule -> the names re-exported from it (imported on first use, PEP 562)
_EXPORTS: dict[str, tuple[str, ...]] = {
    "spectrum": ("MultilevelSpectrum", "compare_spectra", "eigenbasis_spectrum"),
    "scqubits_models": ("CUTOFF_TOL", "composite_qubit", "coupled_fluxoniums", "fluxonium"),
    "ladder": ("kerr_ladder",),
    "leakage": (
        "leakage", "leakage_bound", "leakage_map", "leakage_onset", "perturbative_leakage", "pattern_search", "seepage",
        "subspace_block", "subspace_gate_error", "virtual_z_phases",
    ),
    "design": ("MultilevelDesign", "MultilevelDesignResult", "design_multilevel", "evaluate_pulse"),
    "noise": (
        "DielectricSpectralDensity", "OpenSystemScore", "device_couplings", "open_system_score", "rank_open_system",
        "subspace_channel_error",
    ),
    "config": ("load_device",),
    "two_qubit": ("COMPUTATIONAL_LABELS", "BSwapMultilevel", "design_bswap_multilevel", "two_qubit_model"),
}

__getattr__, __dir__ = _lazy_exports(__name__, globals(), _EXPORTS)

__all__ = [name for names in _EXPORTS.values() for name in names]
