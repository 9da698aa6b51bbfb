"""Supervision in GraphQL: 问题预警（按规则计算，链接到原始记录）与专项说明."""

from __future__ import annotations

import strawberry

KINDS: tuple = ()  # the planner kinds this module adds to `node`


@strawberry.type
class AlertQueries:
    pass


@strawberry.type
class AlertMutations:
    pass
