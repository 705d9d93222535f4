r"""Off-resonance three-level (O3L) steady-state entanglement of two driven qubits.

Model (docs: Physics, Sec. 6.1; O3L paper Sec. II, Eq. 1), energies and rates in
units of the drive frequency :math:`\omega` (:math:`\omega = 1` internally,
times in units of :math:`1/\omega`, so :math:`t/\tau = t/2\pi`):

.. math::

    H_0 = \sum_{i=1,2}\Big(-\frac{\varepsilon_0}{2}\sigma_z^{(i)} - \frac{\Delta_i}{2}\sigma_x^{(i)}\Big)
          - \frac J2\big(\sigma_+^{(1)}\sigma_-^{(2)} + \sigma_-^{(1)}\sigma_+^{(2)}\big),
    \qquad
    V(t) = -A\cos(\omega t)\,\frac{\sigma_z^{(1)} + \sigma_z^{(2)}}2 ,

basis ``|00>, |01>, |10>, |11>`` with :math:`\sigma_z|0\rangle = |0\rangle`,
:math:`\sigma_+ = |0\rangle\langle 1|`.  The bath couples through
:math:`X = \gamma_1\sigma_z^{(1)} + \gamma_2\sigma_z^{(2)}`, :math:`\gamma_1 = 1`,
:math:`\gamma_2 = \xi`, to Ohmic bath fluctuations :math:`J(\Omega) = \kappa\Omega
e^{-|\Omega|/\omega_c}` at temperature :math:`T_b \ge 0` (:math:`T_b = 0`: vacuum), by default one
common bath; a correlation coefficient :math:`c \in [-1, 1]` between the baths seen by the two
qubits describes independent (:math:`c = 0`) and partly correlated baths (:func:`o3l_coupling`).
Paper values (common bath):
:math:`\Delta_1 = 0.1`, :math:`\Delta_2/\Delta_1 = 1.5`, :math:`J = -2.5`,
:math:`\kappa = 10^{-3}`, :math:`T_b = 0.00467`.

Reconstruction notes (the extracted paper text lost most equation layout):

* With this sign convention and :math:`J < 0` the entangled level
  :math:`|e_-\rangle = (|01\rangle - |10\rangle)/\sqrt2` lies at
  :math:`-|J|/2` and is the first excited state :math:`|1\rangle` for
  :math:`\varepsilon_0 > |J|/2`, as the paper's text says (its "E_e± ≈ ∓|J|/2"
  holds literally only for J > 0; labels of the Bell states do not affect
  the concurrence).
* The bath cutoff :math:`\omega_c` is not given in the paper.  Default
  :data:`DEFAULT_CUTOFF` = 50 ω: the transitions that matter carry energies up to
  :math:`\varepsilon_0 + |J|/2 + A \approx 10\,\omega` (plus sidebands with
  Bessel-suppressed weight), so :math:`\omega_c = 50\omega` keeps
  :math:`J(\Omega)` Ohmic to within ~20 % over that window while still
  damping the far sidebands.  :func:`cutoff_dependence` quantifies the
  (small, see the tests) dependence of :math:`C_\infty` on it.
* Eq. (C2) (perturbative golden-rule rates) is reconstructed in
  :func:`perturbative_rates`; :func:`golden_rule_rates` evaluates Eq. (C1)
  exactly between numerically diagonalised eigenstates.

Numerics: the steady state is by default the secular Floquet-Born-Markov one
(the paper's Q = 0 tensor with the secular approximation; its population block
does not involve pure dephasing, hence is identical to QuTiP's):
:math:`\rho_\infty = \sum_a p_a\overline{|u_a(t)\rangle\langle u_a(t)|}`;
with ``secular=False`` it is the kernel of the full (non-secular) Q = 0 tensor
:meth:`~lzsm_gates.floquet.FloquetBasis.redfield_tensor`, coherences between Floquet
states included.  The secular approximation needs the quasienergy spacings to be large
against the rates; where the ratio ``secular_parameter`` exceeds ``secular_tol`` (default 1)
the secular solver warns (:class:`O3LSecularWarning`).  :math:`C_\infty` is the Wootters
concurrence of :math:`\rho_\infty`.  The detuning enters as a static offset of the
drive coefficient, :math:`H_0(\varepsilon_0) = H_0(0) + \varepsilon_0 V`, so all
points with the same :math:`(J, \Delta_1, \Delta_2/\Delta_1)` share one model
(one cached Magnus algebra) and are propagated in one batch over
:math:`(A, \varepsilon_0)`; the bath parameters
(:math:`\xi, \kappa, T_b, \omega_c`) reuse the same Floquet basis.

Modules: :mod:`~lzsm_gates.o3l.params` (parameters), :mod:`~lzsm_gates.o3l.model`
(Hamiltonian, bath coupling, eigenstates), :mod:`~lzsm_gates.o3l.steady_state`
(steady states, concurrence, dynamics), :mod:`~lzsm_gates.o3l.rates` (transition
rates) and :mod:`~lzsm_gates.o3l.maps` (maps through the sweep engine).  Every name
is importable from :mod:`lzsm_gates.o3l` (and from :mod:`lzsm_gates`); the
re-exports are lazy (a module is imported with the first name used from it).

"""

from .._lazy import lazy_exports as _lazy_exports

#: submodule -> the names re-exported from it (imported on first use, PEP 562)
_EXPORTS: dict[str, tuple[str, ...]] = {
    "params": ("DEFAULT_CUTOFF", "O3LParams",),
    "model": ("O3LSecularWarning", "o3l_model", "o3l_coupling", "o3l_eigenstates",),
    "steady_state": ("O3LSteadyState", "o3l_steady_state", "steady_state_concurrence", "o3l_dynamics",),
    "rates": ("golden_rule_rates", "perturbative_rates", "o3l_floquet_rates", "effective_rates", "rates_vs_xi", "rates_vs_parameter",),
    "maps": ("o3l_sweep", "map_amplitude_detuning", "map_xi_amplitude", "cut_detuning", "map_coupling_detuning", "cutoff_dependence",),
}

__getattr__, __dir__ = _lazy_exports(__name__, globals(), _EXPORTS)

__all__ = [name for names in _EXPORTS.values() for name in names]
