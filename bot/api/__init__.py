"""The JSON admin API (`/api/v1`), tenant-scoped, authenticated by bearer API keys."""
