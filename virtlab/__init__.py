"""virtlab: a terminal learning lab for virtualization."""

__version__ = "0.1.0"
