"""Command line: ``etat-des-lieux`` (also ``python -m analysis``)."""

from analysis.cli.app import main

__all__ = ["main"]
