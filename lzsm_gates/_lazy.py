"""Lazy re-exports for the package ``__init__`` modules (PEP 562).

A package lists, for each of its submodules, the names it re-exports; the
submodule is imported the first time one of those names is looked up, so
``import lzsm_gates`` imports none of the heavy dependencies (qiskit,
qiskit-dynamics, xarray, scipy.optimize, ...) until they are used.
``from lzsm_gates import X``, ``lzsm_gates.X``, ``dir(lzsm_gates)`` and
``from lzsm_gates import *`` behave as with eager imports, and the names stay
the very objects defined in their modules.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping, Sequence

__all__: list[str] = []


def lazy_exports(
    package: str, namespace: dict[str, Any], exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` of a package that re-exports names lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    namespace : dict
        The package's ``globals()``: a name, once imported, is stored there so
        that later look-ups cost nothing.
    exports : mapping of str to sequence of str
        Submodule (relative to ``package``, dotted for deeper modules) to the
        names the package re-exports from it.

    Returns
    -------
    __getattr__, __dir__
        To be bound to those names in the package.  ``__getattr__`` also
        imports a submodule looked up as an attribute (``lzsm_gates.maps``), as
        eager imports did.  A name equal to the name of its own submodule
        (``lzsm_gates.devices.leakage``, the function) is bound at once:
        importing the submodule from anywhere would otherwise bind the module
        under that name.

    Raises
    ------
    ValueError
        If one name is listed for two submodules.
    """
    home: dict[str, str] = {}
    for module, names in exports.items():
        for name in names:
            if name in home:
                raise ValueError(f"{package}: {name!r} is re-exported from both {home[name]!r} and {module!r}")
            home[name] = module
    for name, module in home.items():
        if name == module:
            namespace[name] = getattr(importlib.import_module(f"{package}.{module}"), name)

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is not None:
            value = getattr(importlib.import_module(f"{package}.{module}"), name)
            namespace[name] = value
            return value
        if not name.startswith("__"):
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(home))

    return __getattr__, __dir__
