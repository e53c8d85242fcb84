"""Dagster resources: the DuckDB warehouse, mail transports and the archive."""
