"""The one place the version of convdot (package, site and citation) is written."""

__version__ = "0.1.0"
