"""Supervision in GraphQL: 案件回访、特邀监督员和企业联系点."""

from __future__ import annotations

import strawberry

KINDS: tuple = ()  # the planner kinds this module adds to `node`


@strawberry.type
class VisitQueries:
    pass


@strawberry.type
class VisitMutations:
    pass
