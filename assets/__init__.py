"""Dagster assets, asset checks, partitions, schedules and sensors: thin functions over sql/ and the domain."""
