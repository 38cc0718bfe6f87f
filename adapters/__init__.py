"""Chat-platform adapters: translate platform requests to neutral interactions and back."""
