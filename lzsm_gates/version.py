"""The package version, recorded in every result, checkpoint and saved file (the single source)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
