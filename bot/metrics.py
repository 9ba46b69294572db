"""Prometheus metrics (`GET /metrics`): counts and timings only, never content or identities."""

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES = Counter("sanad_messages_total", "Messages processed", ["channel"], registry=REGISTRY)
DUPLICATES = Counter(
    "sanad_duplicates_total", "Redelivered messages ignored", ["channel"], registry=REGISTRY
)
RISK = Counter("sanad_risk_total", "Messages by risk level", ["risk"], registry=REGISTRY)
TICKETS = Counter(
    "sanad_tickets_total", "Tickets opened or raised", ["priority"], registry=REGISTRY
)
TURN_SECONDS = Histogram(
    "sanad_turn_seconds",
    "Time to process one message (lock wait included)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
