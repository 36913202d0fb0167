"""Command line: ``etat-des-lieux`` (also ``python -m analysis``)."""

from analysis.cli.main import main

__all__ = ["main"]
