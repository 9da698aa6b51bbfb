"""Supervision in GraphQL: 行政执法责任制落实情况统计台账与复议诉讼结果."""

from __future__ import annotations

import strawberry

KINDS: tuple = ()  # the planner kinds this module adds to `node`


@strawberry.type
class LedgerQueries:
    pass


@strawberry.type
class LedgerMutations:
    pass
