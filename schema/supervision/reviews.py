"""Supervision in GraphQL: 案卷评查（抽样、评分、各单位合格率）."""

from __future__ import annotations

import strawberry

KINDS: tuple = ()  # the planner kinds this module adds to `node`


@strawberry.type
class ReviewQueries:
    pass


@strawberry.type
class ReviewMutations:
    pass
