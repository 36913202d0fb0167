"""État des lieux du numérique éducatif: data, indicators, charts and report builder."""

__version__ = "0.1.0"
