r"""A virtual LZSM device: hidden true parameters, pulse-level noise, readout errors.

The user designs pulses for the *nominal* :class:`~lzsm_gates.units.Device`
(gap :math:`\Delta`, internal units :math:`\Delta = 1`).  The virtual device
plays them on a *true* device that differs from it (:class:`DeviceTruth`):

* gap offsets: qubit :math:`q` has gap :math:`\Delta_q = \Delta(1 + \delta_q)`;
* amplitude transfer: a drive line ``l`` (``d{q}`` for qubit :math:`q`, ``u{k}``
  for the :math:`k`-th coupler) delivers
  :math:`A_\mathrm{true} = s_l\,|H(\omega)|\,A` with the scale :math:`s_l`
  and the first-order low-pass response
  :math:`|H(\omega)| = 1/\sqrt{1 + (\omega/\omega_c)^2}`;
* timing skew: the drive period of a pulse on line ``l`` starts :math:`\tau_l \ge 0`
  later in its slot than the controller intends (at most the slot guard,
  :class:`~lzsm_gates.qiskit.target.SlotDurations`);
* readout assignment errors :math:`p(1|0)_q`, :math:`p(0|1)_q`.

The controller tracks every qubit's frame at the *nominal* gap: after each
continuous idle interval of length :math:`\tau` (lab-frame evolution at the
true gap) it applies :math:`R_z(\Delta\tau)`, which leaves the coherent rotation
:math:`e^{+i(\Delta_q - \Delta)\tau\sigma_z/2}` (the Ramsey signature of a
gap offset).  With ``noise`` on, every pulse is the Floquet-Born-Markov
channel of the true pulse (:func:`~lzsm_gates.noise.gate_channel`) and every
idle the Bloch-Redfield channel (:func:`~lzsm_gates.noise.idle_channel`),
with one independent bath per qubit coupled through :math:`\sigma_x`: there
is no crosstalk, a qubit is disturbed only by its own drive, its couplers and
its own bath.  Readout errors apply only with ``noise`` on.

Multi-level physics (optional, ``multilevel``): every single-qubit pulse is
played on the :math:`N`-level model of the qubit
(:meth:`~lzsm_gates.devices.MultilevelSpectrum.model`: levels in units of the
gap, drive normalised to :math:`V_{01} = 1`, energies scaled by the true gap
:math:`1 + \delta_q`), :math:`U_N` its exact propagator.  The qubit sees the
channel

.. math::

    \rho \mapsto P U_N P\, \rho\, (P U_N P)^\dagger
    + \sum_{k \ge 2} |1\rangle\langle k| U_N P\, \rho\, P U_N^\dagger |k\rangle\langle 1| ,

with :math:`P` the projector on :math:`\{|0\rangle, |1\rangle\}`: the
computational block acts coherently, and the population leaked to level
:math:`k \ge 2` is **counted as** :math:`|1\rangle` (a leaked qubit reads
out as 1, as in a dispersive readout that does not resolve the higher levels),
incoherently and at once.  It stays in :math:`|1\rangle` afterwards: exact
for the counts when the leaking pulse is a qubit's last one, a model of a
reset-to-1 leak otherwise (the leaked amplitude does not come back, no seepage).
Entangler pulses stay two-level, and multi-level pulses are closed
(no bath during pulses: ``multilevel`` with ``baths`` is refused).

The truth is reachable only through simulated measurements and, for tests,
through the explicit accessor :meth:`VirtualDevice.reveal_truth`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from ..baths import Bath
from ..devices.spectrum import MultilevelSpectrum
from ..metrics import unitary_superoperator
from ..models import DrivenModel, coupled_qubits_model, qubit_model
from ..noise import gate_channel, idle_channel
from ..pulses import LZSMPulse
from ..units import DEFAULT_DEVICE, Device, LZSMInputError, check_integer
from .gates import _SWAP

__all__ = ["DeviceTruth", "VirtualDevice", "MAX_SKEW_NS", "leak_to_one_channel"]


#: Largest timing skew (ns) of a drive line: the default slot guard of :class:`~lzsm_gates.qiskit.target.SlotDurations`.
MAX_SKEW_NS = 0.5


@dataclass(frozen=True)
class DeviceTruth:
    r"""Hidden true parameters of a virtual device (module docstring).

    Attributes
    ----------
    gap_offset : tuple of float
        :math:`\delta_q` per qubit (relative, :math:`|\delta_q| < 0.5`).
    amplitude_scale : dict
        :math:`s_l > 0` per line name (``"d0"``, ``"u0"``, ...); missing lines: 1.
    cutoff : float
        Line cutoff :math:`\omega_c` (units of :math:`\Delta`), ``inf`` for a flat response.
    skew_ns : dict
        :math:`\tau_l \in [0, 0.5]` ns per line name; missing lines: 0.
    readout : tuple of (float, float)
        :math:`(p(1|0), p(0|1))` per qubit, each in :math:`[0, 0.5)`.
    """

    gap_offset: tuple[float, ...]
    amplitude_scale: dict
    cutoff: float = float("inf")
    skew_ns: dict | None = None
    readout: tuple[tuple[float, float], ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.gap_offset)
        if n < 1 or not all(np.isfinite(d) and abs(d) < 0.5 for d in self.gap_offset):
            raise LZSMInputError(f"gap_offset must be finite relative offsets in (-0.5, 0.5), got {self.gap_offset}")
        if not all(np.isfinite(s) and s > 0 for s in self.amplitude_scale.values()):
            raise LZSMInputError(f"amplitude_scale values must be finite and > 0, got {self.amplitude_scale}")
        if not self.cutoff > 0:
            raise LZSMInputError(f"cutoff must be > 0 (inf: flat line), got {self.cutoff}")
        if not all(0 <= s <= MAX_SKEW_NS for s in (self.skew_ns or {}).values()):
            raise LZSMInputError(f"skew_ns values must lie in [0, {MAX_SKEW_NS}] ns, got {self.skew_ns}")
        readout = self.readout or ((0.0, 0.0),) * n
        if len(readout) != n or not all(0 <= p < 0.5 for pair in readout for p in pair):
            raise LZSMInputError(f"readout must give (p(1|0), p(0|1)) in [0, 0.5) for each of the {n} qubits, got {self.readout}")
        object.__setattr__(self, "readout", tuple(tuple(float(p) for p in pair) for pair in readout))

    @classmethod
    def ideal(cls, num_qubits: int) -> "DeviceTruth":
        """The nominal device itself: no offsets, flat lines, no skew, perfect readout."""
        return cls((0.0,) * int(num_qubits), {})

    @classmethod
    def random(cls, num_qubits: int, seed: int | None = None, *, spread: float = 1.0) -> "DeviceTruth":
        r"""A reproducible random truth.

        :math:`\delta_q \sim N(0, 0.003)`, :math:`s_l \sim N(1, 0.02)`, :math:`\omega_c = 30\Delta`,
        :math:`\tau_l \sim U(0, 0.2)` ns, readout errors :math:`U(0.01, 0.04)`; ``spread \ge 0`` scales
        the offsets from nominal (skews capped at :data:`MAX_SKEW_NS`, cutoff :math:`30\Delta/\mathrm{spread}`).
        """
        if not (np.isfinite(spread) and spread >= 0):
            raise LZSMInputError(f"spread must be finite and >= 0, got {spread}")
        n = check_integer("num_qubits", num_qubits, minimum=1)
        rng = np.random.default_rng(seed)
        lines = [f"d{q}" for q in range(n)] + [f"u{k}" for k in range(max(n - 1, 0))]
        return cls(
            tuple(spread * rng.normal(0, 0.003, n)),
            {line: 1.0 + spread * rng.normal(0, 0.02) for line in lines},
            30.0 / spread if spread > 0 else float("inf"),
            {line: float(min(spread * rng.uniform(0, 0.2), MAX_SKEW_NS)) for line in lines},
            tuple((float(a), float(b)) for a, b in rng.uniform(0.01, 0.04, (n, 2))),
        )

    @property
    def num_qubits(self) -> int:
        return len(self.gap_offset)

    def gap(self, qubit: int) -> float:
        """True gap of ``qubit`` in units of the nominal gap."""
        return 1.0 + self.gap_offset[qubit]

    def transfer(self, line: str, frequency: float) -> float:
        r"""Amplitude transfer :math:`s_l |H(\omega)|` of ``line`` at drive ``frequency``."""
        return self.amplitude_scale.get(line, 1.0) / np.sqrt(1.0 + (frequency / self.cutoff) ** 2)

    def skew(self, line: str, device: Device) -> float:
        """Timing skew of ``line`` in internal units (1/Delta of the nominal device)."""
        return float(device.time_from_ns((self.skew_ns or {}).get(line, 0.0)))



class VirtualDevice:
    r"""The simulated hardware behind :class:`~lzsm_gates.qiskit.backend.LZSMBackend` (module docstring).

    Parameters
    ----------
    nominal : Device
        What the user designs with.
    num_qubits : int
    couplers : sequence of (int, int)
        Coupled pairs; the ``k``-th one is driven by line ``u{k}``.
    truth : DeviceTruth, optional
        Hidden parameters (default :meth:`DeviceTruth.ideal`: the nominal device).
    baths : Bath or sequence of Bath, optional
        One bath for every qubit (independent copies) or one per qubit; ``None``: no bath
        (``noise`` on then means readout errors only).
    multilevel : MultilevelSpectrum, optional
        Play single-qubit pulses on this multi-level spectrum (module docstring; e.g.
        :func:`~lzsm_gates.devices.kerr_ladder` or :func:`~lzsm_gates.devices.fluxonium`); ``None``: two levels.
        Only its shape enters (levels and drive elements in units of its own gap and :math:`V_{01}`):
        the qubit gap is the nominal device's, times :math:`1 + \delta_q`.
    levels : int, optional
        Levels :math:`N \ge 3` of ``multilevel`` kept (default all of them).
    """

    def __init__(
        self,
        nominal: Device = DEFAULT_DEVICE,
        num_qubits: int = 2,
        couplers: Sequence[tuple[int, int]] = (),
        *,
        truth: DeviceTruth | None = None,
        baths: Bath | Sequence[Bath] | None = None,
        multilevel: MultilevelSpectrum | None = None,
        levels: int | None = None,
    ) -> None:
        self.nominal = nominal
        self.num_qubits = check_integer("num_qubits", num_qubits, minimum=1)
        self.couplers = tuple(tuple(sorted(int(q) for q in c)) for c in couplers)
        truth = DeviceTruth.ideal(self.num_qubits) if truth is None else truth
        if truth.num_qubits != self.num_qubits:
            raise LZSMInputError(f"truth describes {truth.num_qubits} qubits, the device has {self.num_qubits}")
        self.__truth = truth
        if baths is None:
            self.baths: list[Bath] | None = None
        else:
            self.baths = [baths] * self.num_qubits if isinstance(baths, Bath) else list(baths)
            if len(self.baths) != self.num_qubits or not all(isinstance(b, Bath) for b in self.baths):
                raise LZSMInputError(f"noise must be one Bath or one Bath per physical qubit ({self.num_qubits}), got {baths!r}")
        if multilevel is None:
            if levels is not None:
                raise LZSMInputError("levels needs a multilevel spectrum (multilevel=...)")
            self._multilevel: DrivenModel | None = None
        else:
            if not isinstance(multilevel, MultilevelSpectrum):
                raise LZSMInputError(f"multilevel must be a MultilevelSpectrum, got {type(multilevel).__name__}")
            if self.baths is not None:
                raise LZSMInputError("multilevel pulses are simulated closed: give baths=None with multilevel")
            n = multilevel.levels if levels is None else levels
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 3 <= n <= multilevel.levels:
                raise LZSMInputError(f"levels must be an integer in [3, {multilevel.levels}] (the spectrum's levels), got {levels!r}")
            self._multilevel = multilevel.model(int(n))
        self._cache: dict[tuple, np.ndarray] = {}

    @property
    def levels(self) -> int:
        """Levels of the model single-qubit pulses are played on (2 without ``multilevel``)."""
        return 2 if self._multilevel is None else self._multilevel.dim

    def reveal_truth(self) -> DeviceTruth:
        """The hidden parameters.  For tests and for judging calibrations only: nothing else reads them."""
        return self.__truth

    def _line(self, qubits: tuple[int, ...]) -> str:
        if len(qubits) == 1:
            return f"d{qubits[0]}"
        pair = tuple(sorted(qubits))
        if pair not in self.couplers:
            raise LZSMInputError(f"qubits {qubits} are not coupled on this device (couplers {self.couplers})")
        return f"u{self.couplers.index(pair)}"

    def true_pulse(self, pulse: LZSMPulse, qubits: tuple[int, ...]) -> LZSMPulse:
        """What the hardware plays for the nominal ``pulse`` on ``qubits``: scaled amplitude, skewed drive."""
        truth, line = self.__truth, self._line(qubits)
        return replace(
            pulse,
            amplitude=pulse.amplitude * truth.transfer(line, pulse.frequency),
            idle_before=pulse.idle_before + truth.skew(line, self.nominal),
        )

    def idle(self, qubit: int, seconds: float, noise: bool) -> np.ndarray:
        r"""Lab-frame superoperator (4x4, column stacking) of ``qubit`` idling for ``seconds`` at its true gap.

        Free precession :math:`e^{+i\Delta_q\tau\sigma_z/2}`, or with ``noise`` the Bloch-Redfield channel
        of its bath.  Idles compose (:math:`S(a)S(b) = S(a + b)`); the frame change :meth:`frame` is applied
        once per continuous idle interval, so how an interval is sliced does not matter.
        """
        key = ("idle", qubit, round(seconds, 18), noise)
        if key not in self._cache:
            tau = float(self.nominal.time_from_ns(seconds * 1e9))
            gap = self.__truth.gap(qubit)
            if noise and self.baths is not None:
                self._cache[key] = idle_channel(qubit_model(gap), tau, self.baths[qubit])
            else:
                self._cache[key] = unitary_superoperator(np.diag(np.exp([0.5j * gap * tau, -0.5j * gap * tau])))
        return self._cache[key]

    def frame(self, seconds: float) -> np.ndarray:
        r"""The controller's frame change after an idle of ``seconds``: :math:`R_z(\Delta\tau)` undoing the
        precession at the *nominal* gap (4x4 superoperator)."""
        tau = float(self.nominal.time_from_ns(seconds * 1e9))
        return unitary_superoperator(np.diag(np.exp([-0.5j * tau, 0.5j * tau])))

    def pulse(self, pulse: LZSMPulse, qubits: tuple[int, ...], noise: bool) -> tuple[np.ndarray, float]:
        r"""Lab-frame superoperator of the nominal ``pulse`` played on ``qubits`` (Qiskit order), and its true length (s).

        The true pulse is :meth:`true_pulse`; the slot it is played in is the caller's business
        (:mod:`~lzsm_gates.qiskit.execution`: the rest of the slot is idle time).
        """
        key = ("pulse", tuple(pulse.to_dict().values()), qubits, noise)
        if key in self._cache:
            return self._cache[key]
        played = self.true_pulse(pulse, qubits)
        gaps = [self.__truth.gap(q) for q in qubits]
        open_system = noise and self.baths is not None
        if len(qubits) == 1 and self._multilevel is not None:  # N levels, true gap: leaked population read as 1
            model = replace(self._multilevel, static=self._multilevel.static * gaps[0])
            sup = leak_to_one_channel(played.propagator(model))
        elif len(qubits) == 1:
            model = qubit_model(gaps[0])
            sup = (gate_channel(played, self.baths[qubits[0]], model=model) if open_system
                   else unitary_superoperator(played.propagator(model)))
        else:  # the coupled-qubits model puts the first qarg on the left factor: swap to Qiskit order
            model = coupled_qubits_model(*gaps)
            swap = unitary_superoperator(_SWAP)
            sup = swap @ (gate_channel(played, [self.baths[q] for q in qubits], model=model) if open_system
                          else unitary_superoperator(played.propagator(model))) @ swap
        self._cache[key] = (sup, float(self.nominal.time_to_ns(played.duration)) * 1e-9)
        return self._cache[key]

    def readout(self, qubit: int, noise: bool) -> np.ndarray:
        r"""Assignment matrix :math:`M[r, m] = p(\text{record } r | \text{outcome } m)` of ``qubit``."""
        if not noise:
            return np.eye(2)
        p10, p01 = self.__truth.readout[qubit]
        return np.array([[1 - p10, p01], [p10, 1 - p01]])


def leak_to_one_channel(u: np.ndarray) -> np.ndarray:
    r"""The qubit channel of an :math:`N`-level unitary whose leaked population is counted as :math:`|1\rangle`.

    Kraus operators :math:`K_0 = P U P` and :math:`K_k = |1\rangle\langle k| U P` for
    :math:`k \ge 2` (module docstring); trace preserving because :math:`\sum_j K_j^\dagger K_j = P U^\dagger U P = P`.

    Parameters
    ----------
    u : ndarray, shape (N, N)
        Unitary in the eigenbasis, qubit levels first.

    Returns
    -------
    ndarray, shape (4, 4)
        Column-stacking Liouville matrix :math:`\sum_j \bar K_j \otimes K_j`.
    """
    u = np.asarray(u, dtype=complex)
    if u.ndim != 2 or u.shape[0] != u.shape[1] or u.shape[0] < 2:
        raise LZSMInputError(f"u must be a square N x N unitary with N >= 2, got shape {u.shape}")
    kraus = [u[:2, :2]]
    for k in range(2, u.shape[0]):
        leak = np.zeros((2, 2), dtype=complex)
        leak[1] = u[k, :2]
        kraus.append(leak)
    return sum(np.kron(k.conj(), k) for k in kraus)
