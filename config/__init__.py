"""Settings for every layer: read once from the environment (and an optional ``.env``)."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
