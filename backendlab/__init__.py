"""Helper package of Backend Engineering Lab: services, checks, progress and self-check for the notebooks."""

__version__ = "0.1.0"
