"""One module per target kind; each ends with ``KIND = Kind(...)`` (see codemods.registry)."""
