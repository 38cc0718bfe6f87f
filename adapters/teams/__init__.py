"""The Microsoft Teams adapter (botbuilder-core; every import of it stays in this package)."""
