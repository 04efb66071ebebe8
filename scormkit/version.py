"""scormkit's version, in a module of its own: what ``--version`` prints and what cached results
are keyed by (scormkit/cache.py), readable without importing the rest of the package."""

__version__ = "0.1.0"
