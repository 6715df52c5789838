"""Alembic migrations, shipped in the package and run by `adtrace init` (never by hand)."""
