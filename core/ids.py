"""Time-ordered UUIDs (v7): county databases merge into the provincial platform without clashes."""

import uuid

import uuid6


def new_id() -> uuid.UUID:
    return uuid.UUID(int=uuid6.uuid7().int)
