"""Audit and compliance use cases: event history replay, point-in-time state,
the PHI access log, tamper evidence (hash chains, signed checkpoints) and
audio retention."""
