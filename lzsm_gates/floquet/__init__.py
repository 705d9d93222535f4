r"""Floquet states, Floquet-Born-Markov rates and steady states of periodically driven models.

Modules (one concept each):

* :mod:`~lzsm_gates.floquet.options`: :class:`FloquetOptions` (``kmax``, ``n_times``,
  ``sideband_tol``, ``chunk_size``), :class:`FloquetWarning`, :func:`default_kmax`, the
  ``(operator, Bath)`` :data:`Coupling` and its validation;
* :mod:`~lzsm_gates.floquet.modes`: the numerics of the Floquet modes and quasienergies
  (sampled propagators, mode ordering, compiled overlaps);
* :mod:`~lzsm_gates.floquet.basis`: :class:`FloquetBasis` (sidebands :math:`X_{ab,k}`, secular
  rates, the non-secular Q = 0 tensor, period averages) and :class:`FloquetRates`;
* :mod:`~lzsm_gates.floquet.rates`: :func:`floquet_rates` on grids of drive points (chunked,
  threaded) and the driven qubit's rates (:func:`qubit_rates`, :func:`chrw_qubit_rates`);
* :mod:`~lzsm_gates.floquet.steady_state`: stationary populations and states,
  :func:`floquet_steady_state`, :func:`population_dynamics`.

Every public name is importable from :mod:`lzsm_gates.floquet` (and from :mod:`lzsm_gates`).
"""

from .options import Coupling, FloquetOptions, FloquetWarning, default_kmax
from .basis import FloquetBasis, FloquetRates, floquet_basis
from .rates import QubitRates, chrw_qubit_rates, floquet_rates, qubit_rates
from .steady_state import (
    FloquetSteadyState,
    floquet_steady_state,
    population_dynamics,
    stationary_populations,
    stationary_state,
)

# shared with lzsm_gates.redfield and lzsm_gates.o3l (module-private, kept at this import path)
from .options import SIDEBAND_TOL, _couplings, _default_times, _warn_truncation  # noqa: F401

__all__ = [
    "Coupling",
    "FloquetWarning",
    "FloquetBasis",
    "FloquetOptions",
    "FloquetRates",
    "FloquetSteadyState",
    "QubitRates",
    "default_kmax",
    "floquet_basis",
    "floquet_rates",
    "floquet_steady_state",
    "stationary_populations",
    "stationary_state",
    "population_dynamics",
    "qubit_rates",
    "chrw_qubit_rates",
]
