"""sdc: the screenplay-to-video compiler."""

__version__ = "0.1.0"
