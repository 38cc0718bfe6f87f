"""Broadcasts: the engine's library for scheduled messages to an audience, materialised into outbox deliveries.

Any program uses it: a broadcast is a message + audience + schedule with a short
label its program gives it; audiences are the neutral kinds plus roles that
programs register on the `Installation`.
"""
