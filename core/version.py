"""The engine version written into every render's provenance. Bump when output pixels change."""

ENGINE_VERSION = "0.1.0"
