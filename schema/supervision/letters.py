"""Supervision in GraphQL: 行政执法监督函与整改活动、问题清单和整改台账."""

from __future__ import annotations

import strawberry

KINDS: tuple = ()  # the planner kinds this module adds to `node`


@strawberry.type
class LetterQueries:
    pass


@strawberry.type
class LetterMutations:
    pass
