"""A FastAPI project whose route names come from prefixes, constants and registrations."""
