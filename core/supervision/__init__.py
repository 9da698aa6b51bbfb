"""Enforcement supervision (执法监督): case-file review, alerts, letters and rectification, return
visits and outside supervisors, the annual responsibility ledger."""
