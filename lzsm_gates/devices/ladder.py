r"""Analytic anharmonic ladder (Duffing / Kerr oscillator) for quick leakage studies.

.. math::

    E_k = k\,\omega_{01} + \frac{\alpha}{2}\,k(k-1), \qquad
    V = a + a^\dagger,\quad V_{k,k+1} = \sqrt{k+1},

with qubit frequency :math:`\omega_{01}` and anharmonicity :math:`\alpha`
(:math:`E_2 - 2E_1 + E_0 = \alpha`; negative for a transmon).  The spectrum
is a :class:`~lzsm_gates.devices.spectrum.MultilevelSpectrum` in GHz with the
qubit frequency as gap, so its driven model is
:math:`\sum_k (E_k - \bar E)/\Delta\,|k\rangle\langle k| + A\sin(\omega t)(a + a^\dagger)`.
The third level lies at :math:`(E_2 - \bar E)/\Delta = 3/2 + \alpha/\omega_{01}`.
"""

from __future__ import annotations

import numpy as np

from ..units import LZSMInputError, check_finite, check_integer, check_positive
from .spectrum import MultilevelSpectrum

__all__ = ["kerr_ladder"]


def kerr_ladder(anharmonicity: float, *, levels: int = 6, gap_ghz: float = 1.0, name: str | None = None) -> MultilevelSpectrum:
    r"""Duffing ladder with the qubit gap ``gap_ghz`` and anharmonicity :math:`\alpha` = ``anharmonicity`` (units of the gap).

    Parameters
    ----------
    anharmonicity : float
        :math:`\alpha/\omega_{01}`; must keep the levels ascending
        (:math:`\alpha/\omega_{01} > -1/(N-2)`).
    levels : int
        Number of levels :math:`N \ge 2`.
    gap_ghz : float
        :math:`\omega_{01}/2\pi` in GHz (sets physical units only).

    Raises
    ------
    LZSMInputError
        If the levels would not be ascending.
    """
    alpha = float(check_finite("anharmonicity", anharmonicity))
    gap = float(check_positive("gap_ghz", gap_ghz))
    levels = check_integer("levels", levels, minimum=2)
    k = np.arange(levels, dtype=float)
    energies = gap * (k + 0.5 * alpha * k * (k - 1))
    if np.any(np.diff(energies) <= 0):
        raise LZSMInputError(
            f"anharmonicity must exceed {-1.0 / max(levels - 2, 1):.4g} for {levels} ascending levels, got {alpha!r}"
        )
    lowering = np.diag(np.sqrt(k[1:]), 1)
    return MultilevelSpectrum(
        energies,
        {"x": lowering + lowering.T, "number": np.diag(k)},
        "x",
        name or f"kerr_ladder(alpha={alpha:g} gap)",
        {"anharmonicity": alpha, "gap_ghz": gap, "levels": int(levels)},
    )
