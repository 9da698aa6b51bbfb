"""Complaints and reports (投诉举报): registration, assignment to the competent agency, the
procedural reply and the substantive handling against deadlines, links to cases and inspections,
the complainant's protected identity, satisfaction feedback and the ledger (台账) in which an item
is closed only once it is resolved (不解决不销号).

- `models`: the tables (complaints, their timeline, their links, clear reads of identities).
- `policy`: the configurable numbers, each with its source.
- `rules`: pure rules — the state machine, the deadlines, closing, who sees the identity.
- `service`: the acts, each in the caller's transaction with its timeline event and audit record.
"""
