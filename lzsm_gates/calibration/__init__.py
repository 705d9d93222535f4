r"""Calibration of LZSM gates in a handful of measurements (optional extra ``lzsm_gates[calibration]``).

Experiments on Qiskit Experiments' framework (:mod:`~lzsm_gates.calibration.experiments`) fit a
device model (:mod:`~lzsm_gates.calibration.model`) by maximum likelihood (:mod:`~lzsm_gates.calibration.likelihood`);
:func:`calibrate_gate` (:mod:`~lzsm_gates.calibration.calibrate`) identifies the device, re-designs
the gate on it, calibrates the idle frame and fine-tunes by error
amplification, and returns a :class:`CalibrationReport`.

``import lzsm_gates`` does not import this subpackage; importing it needs
``qiskit-experiments`` (``pip install lzsm_gates[calibration]``).
"""

try:
    import qiskit_experiments  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "lzsm_gates.calibration needs qiskit-experiments: install the extra with pip install 'lzsm_gates[calibration]'"
    ) from exc

from .calibrate import CalibrationReport, CalibrationStep, calibrate_bswap, calibrate_gate, estimated_error, redesign, slot_model_of, true_gate_error
from .experiments import (
    DeviceIdentification,
    DeviceModelAnalysis,
    ErrorAmplification,
    FrameCalibration,
    SequenceExperiment,
)
from .likelihood import LikelihoodFit, fit_binomial
from .model import PARAMETERS, Delay, Pulse, SlotModel, VirtualZ

__all__ = [
    "CalibrationReport",
    "CalibrationStep",
    "calibrate_gate",
    "calibrate_bswap",
    "estimated_error",
    "redesign",
    "slot_model_of",
    "true_gate_error",
    "DeviceIdentification",
    "DeviceModelAnalysis",
    "ErrorAmplification",
    "FrameCalibration",
    "SequenceExperiment",
    "LikelihoodFit",
    "fit_binomial",
    "PARAMETERS",
    "Delay",
    "Pulse",
    "SlotModel",
    "VirtualZ",
]
