"""Campaigns: scheduled messages to an audience, materialised into outbox deliveries."""
