"""Prometheus metrics exposed at `/metrics`."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

INTERACTIONS = Counter(
    "fivefold_interactions_total",
    "Interactions handled, by platform, kind and outcome.",
    ["platform", "kind", "outcome"],
)
INTERACTION_SECONDS = Histogram(
    "fivefold_interaction_seconds",
    "Time to handle one interaction (inside the request).",
    ["platform", "kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DELIVERIES = Counter(
    "fivefold_deliveries_total",
    "Outbox send attempts, by platform and outcome.",
    ["platform", "outcome"],
)
SEND_RATE = Gauge(
    "fivefold_send_rate_per_second",
    "The outbox send rate found for each tenant (raised while the platform accepts, cut on 429).",
    ["tenant"],
)
OUTBOX = Gauge(
    "fivefold_outbox_deliveries",
    "Deliveries pending, in flight and failed, by platform and lane (read from the database at each scrape).",
    ["platform", "lane", "status"],
)
