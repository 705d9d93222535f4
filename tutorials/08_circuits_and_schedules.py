# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---


# %% [markdown]
# # Circuits and pulse schedules
#
# LZSM designs as Qiskit gates: a `Target` whose native instructions are the
# LZSM $\sqrt{X}$ and $X$ designs, virtual $R_z$, and the $\sqrt{\mathrm{bSWAP}}$
# entangler on coupled pairs, with durations and errors from simulation.
# Qiskit's own transpiler compiles any circuit onto it (an equivalence-library
# entry expresses CX through two $\sqrt{\mathrm{bSWAP}}$); the compiled
# circuit is then simulated with the designed pulses' exact unitaries and
# exported as a pulse program (plain JSON/NPZ, and a `qiskit.pulse` schedule).
# The same circuit is then simulated as an open system (every gate the
# Floquet-Born-Markov channel of its pulse, qubits relaxing while idle, on an
# ALAP schedule).  Finally, the motivation of the project: resonant Rabi gates
# on the same 20 MHz qubit are slower for the same error, and lose more once
# decoherence counts.
#
# Caveat on virtual Z: with a single real drive line coupled through
# $\sigma_x$, a zero-duration frame change is a bookkeeping device of the
# control stack; the designs also offer the physical alternative (idles).

# %%
# %matplotlib inline
import tempfile
from pathlib import Path

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.quantum_info import Operator

from lzsm_gates import (
    Bath,
    Device,
    circuit_program,
    compare_with_rabi,
    lzsm_target,
    plotting,
    program_unitary,
    sample_counts,
    save_program,
    simulate_circuit,
    simulate_noisy_circuit,
)

device = Device.from_gap(20, "MHz")
target = lzsm_target(device, 2, [(0, 1)])
print(target)

# %%
bell = QuantumCircuit(2)
bell.h(0)
bell.cx(0, 1)
compiled = transpile(bell, target=target, optimization_level=1, seed_transpiler=1)
print(compiled.count_ops())
sim = simulate_circuit(compiled, target, Operator(bell))
print(f"1 - process fidelity = {sim.infidelity:.2e}, duration = {sim.duration_s * 1e9:.1f} ns")
assert sim.infidelity < 1e-6

# %%
measured = compiled.copy()
measured.measure_all()
print(sample_counts(measured, target, shots=2000, seed=7))

# %% [markdown]
# ## Open system: the same circuit under noise
#
# Each qubit couples through $\sigma_x$ to its own Ohmic bath
# ($\kappa = 10^{-4}$, temperature $0.05\,\Delta$).  Every gate becomes the
# Floquet-Born-Markov channel of its pulse (the entangler one 4-level
# channel); a qubit without a gate idles (Bloch-Redfield relaxation, free
# precession tracked in its frame) until the end of the circuit, so the
# schedule matters: ALAP keeps the qubits in $|0\rangle$ longest, serial
# execution is slowest.

# %%
bath = Bath.ohmic(1e-4, temperature=0.05)
for scheduling in ("alap", "asap", "serial"):
    noisy = simulate_noisy_circuit(compiled, target, bath, bell, scheduling=scheduling)
    print(f"{scheduling:>6}: {noisy.duration_s * 1e9:6.1f} ns, 1 - process fidelity = {noisy.infidelity:.2e}")
print(sample_counts(measured, target, shots=2000, seed=7, noise=bath))

# %% [markdown]
# ## The pulse program: samples and timing for any control stack

# %%
program = circuit_program(compiled, target)
print({name: len(samples) for name, samples in program.samples.items()}, "samples at dt =", device.dt_ns, "ns")
u_program = program_unitary(program)
# sampling error of the 0.1 ns AWG grid (gate edges rounded to whole samples; ~(Delta dt)^2 per edge)
print("program vs gate-level simulation, 1 - F:", 1 - abs(np.trace(u_program.conj().T @ sim.unitary)) ** 2 / 16)
path = save_program(program, Path(tempfile.mkdtemp()) / "bell_program.npz")
print("saved", path)

# %% [markdown]
# ## LZSM against resonant Rabi gates on the same small-gap qubit

# %%
comparison = compare_with_rabi(device, noise=bath)
print(comparison.table())
fig = plotting.plot_rabi_comparison(comparison)
