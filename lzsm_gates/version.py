"""The package version, recorded in every result, checkpoint and saved file (the single source).

Result classes record it by deriving from :class:`Provenance` (a frozen
dataclass with one keyword-only field, ``version``, defaulting to the
version of the running package); sweep results record it in their
``attrs["lzsm_gates_version"]``, checkpoints and files in their headers.
"""

from dataclasses import dataclass, field

__version__ = "0.1.0"

__all__ = ["__version__", "Provenance"]


@dataclass(frozen=True)
class Provenance:
    """Mixin of the frozen result dataclasses: the package version that produced the result.

    A keyword-only field with a default, so deriving from it changes neither
    the positional arguments nor the repr of a result.

    Attributes
    ----------
    version : str
        ``lzsm_gates.__version__`` of the package that computed the result.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Answer(Provenance):
    ...     value: float
    >>> Answer(42.0).version == __version__
    True
    """

    version: str = field(default=__version__, kw_only=True, repr=False)
