"""Sổ vi phạm MXH: register of illegal social-network content handled by a local office."""

__version__ = "0.1.0"
