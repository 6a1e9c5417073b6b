"""Outgoing webhooks: resolving callback hosts, signing and delivering (CONTRACT §13.3)."""
