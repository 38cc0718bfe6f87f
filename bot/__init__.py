"""Fivefold's platform-neutral engine."""
