"""Enforcement supervision (执法监督) in GraphQL: one module per concept, composed in `api`."""
