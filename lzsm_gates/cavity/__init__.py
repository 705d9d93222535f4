r"""Cavity-mediated entanglement of two qubits with asymmetric couplings.

Model of the cavity paper (docs: Physics, Sec. 6.2): two qubits of transition frequency :math:`\epsilon` in
one cavity mode of frequency :math:`\omega`, couplings :math:`g_1, g_2`,

.. math::

    H = \omega\, a^\dagger a + \epsilon \sum_{i=1}^{2} s^z_i
        + \sum_{i=1}^{2} g_i \left(a^\dagger s^-_i + a\, s^+_i\right)
    \qquad \text{(paper Eq. 1)} .

.. rubric:: Conventions and units

* Everything is in units of :math:`g_1` (:math:`g_1 = 1`, :math:`\hbar = 1`):
  ``g2`` is the ratio :math:`g_2/g_1`, times are in :math:`1/g_1`.
* :math:`s^z = \sigma_z/2` and :math:`s^\pm` are spin-1/2 operators with
  :math:`s^z|1\rangle = +\tfrac12|1\rangle` (:math:`|1\rangle` excited,
  :math:`|0\rangle` ground, as the paper), so :math:`\epsilon` is the qubit
  transition frequency and :math:`\delta = \epsilon - \omega` the
  qubit-cavity detuning.  (This labelling is opposite to the Pauli
  convention of the gate problems, :math:`\sigma_z|0\rangle = +|0\rangle`;
  entanglement measures do not depend on it.)
* Tensor order: qubit 1 :math:`\otimes` qubit 2 :math:`\otimes` cavity, dims
  ``[2, 2, n_fock]``; a basis state is :math:`|q_1 q_2\rangle|n\rangle`
  (the paper writes :math:`|q_1\, n\, q_2\rangle`).

Paper parameters (Figs. 2-5), the defaults of :class:`~lzsm_gates.cavity.model.CavityParams`:
:math:`\kappa = g_1`, :math:`\gamma = 0.005 g_1`, :math:`\omega = 50 g_1`,
:math:`\epsilon = 10 g_1`, :math:`\omega_d = 9.99 g_1`.  The figures quote
:math:`N_\mathrm{ph} = 1`, which only sets the initial state of Fig. 2; the
driven-dissipative steady state is unique and does not depend on it.

.. rubric:: Modules

* :mod:`lzsm_gates.cavity.model`: parameters, operators, Hamiltonians
  (full, dispersive, driven), collapse operators, initial state.
* :mod:`lzsm_gates.cavity.dynamics`: closed-system exchange dynamics, the
  largest excitation transfer and the maximally-entangled-state threshold.
* :mod:`lzsm_gates.cavity.steady_state`: the driven-dissipative steady state,
  its scans and the peak / valley searches.
* :mod:`lzsm_gates.cavity.open_dynamics`: the driven-dissipative time
  evolution (paper Fig. 2).

Every name is importable from :mod:`lzsm_gates.cavity` (and from
:mod:`lzsm_gates`); the re-exports are lazy (a module is imported with the
first name used from it).
"""

from .._lazy import lazy_exports as _lazy_exports

#: submodule -> the names re-exported from it (imported on first use, PEP 562)
_EXPORTS: dict[str, tuple[str, ...]] = {
    "dynamics": (
        "CavityDynamics", "cavity_dynamics", "max_excitation_transfer", "mes_threshold", "mes_threshold_analytic",
        "peak_concurrence",
    ),
    "model": (
        "CavityOperators", "CavityParams", "cavity_collapse_operators", "cavity_dispersive_hamiltonian",
        "cavity_driven_hamiltonian", "cavity_hamiltonian", "cavity_initial_state", "cavity_memory_estimate",
        "cavity_operators",
    ),
    "open_dynamics": ("CavityOpenDynamics", "cavity_open_dynamics"),
    "steady_state": (
        "CavitySteadyState", "cavity_steady_state", "coupling_at_peak", "drive_at_peak", "entanglement_valley",
        "steady_state_scan",
    ),
}

__getattr__, __dir__ = _lazy_exports(__name__, globals(), _EXPORTS)

__all__ = [name for names in _EXPORTS.values() for name in names]
