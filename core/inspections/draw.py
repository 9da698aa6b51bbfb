"""The double-random draw (双随机): reproducible, verifiable, with recusal. Pure functions.

Algorithm `zhifa-draw` version 1, so that anyone holding the recorded snapshot can re-run it:

1. The generator is Python's `random.Random` (MT19937) seeded with the integer value of the SM3
   digest (GB/T 32905) of the seed text in UTF-8. Only `getrandbits(64)` is used.
2. Targets are sorted by id (as text). With a count quota they form one stratum; with
   percentages, one stratum per risk class in class order, drawing ceil(pool x percent / 100).
   In each stratum every candidate, in id order, receives a 64-bit key; the smallest keys
   (ties by id) are drawn.
3. The drawn targets are taken in id order. For each one every inspector in the pool, in id
   order, receives a 64-bit key; inspectors with a conflict with that target are set aside;
   the rest are ordered by (tasks already assigned in this draw, key, id) and taken while they
   add a domain that still needs inspectors, until every plan domain has `per_task` certified
   inspectors. A task that cannot be staffed stops the draw.

The snapshot (candidates, conflicts, parameters) and the result are canonical JSON with SM3
digests (core.audit.chain), so a verification checks both that the inputs are the recorded
ones and that they give the recorded result.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zhifa.core.audit.chain import canonical, sm3_hex

ALGORITHM = "zhifa-draw"
ALGORITHM_VERSION = 1
MIN_INSPECTORS = 2  # 双随机 practice and APL Art. 42: at least two officers
RISK_CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Target:
    id: str
    risk_class: str = "B"


@dataclass(frozen=True)
class Inspector:
    id: str
    domains: tuple[str, ...]  # the plan's domains that the inspector's valid certificate covers


@dataclass(frozen=True)
class Conflict:
    officer: str
    entity: str
    reason: str  # "declared:relative", "rotation", ...


@dataclass(frozen=True)
class Quota:
    count: int | None = None
    percents: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DrawInput:
    seed: str
    domains: tuple[str, ...]
    per_task: int
    quota: Quota
    targets: tuple[Target, ...]
    inspectors: tuple[Inspector, ...]
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True)
class Task:
    entity: str
    risk_class: str
    inspectors: tuple[str, ...]


@dataclass(frozen=True)
class Stratum:
    risk_class: str  # "*" for a count quota
    pool: int
    drawn: int


@dataclass(frozen=True)
class DrawResult:
    tasks: tuple[Task, ...]
    strata: tuple[Stratum, ...]
    recused: tuple[Conflict, ...]  # conflicts that concerned a drawn target


class DrawError(Exception):
    def __init__(self, entity: str, short: Mapping[str, int]):
        self.entity, self.short = entity, dict(short)
        super().__init__(f"target {entity}: not enough inspectors for {dict(short)}")


def generator(seed: str) -> random.Random:
    return random.Random(int(sm3_hex(seed.encode("utf-8")), 16))


def draw(inp: DrawInput) -> DrawResult:
    rng = generator(inp.seed)
    targets = sorted(inp.targets, key=lambda t: t.id)
    chosen: list[Target] = []
    strata: list[Stratum] = []
    for label, pool, wanted in _strata(targets, inp.quota):
        keys = {t.id: rng.getrandbits(64) for t in pool}
        picked = sorted(pool, key=lambda t: (keys[t.id], t.id))[:wanted]
        chosen += picked
        strata.append(Stratum(label, len(pool), len(picked)))
    chosen.sort(key=lambda t: t.id)

    inspectors = sorted(inp.inspectors, key=lambda i: i.id)
    conflicted = {(c.officer, c.entity) for c in inp.conflicts}
    load = {i.id: 0 for i in inspectors}
    tasks = []
    for target in chosen:
        keys = {i.id: rng.getrandbits(64) for i in inspectors}
        eligible = [i for i in inspectors if (i.id, target.id) not in conflicted]
        eligible.sort(key=lambda i: (load[i.id], keys[i.id], i.id))
        team, short = staff(eligible, inp.domains, inp.per_task)
        if short:
            raise DrawError(target.id, short)
        for officer in team:
            load[officer] += 1
        tasks.append(Task(target.id, target.risk_class, tuple(team)))
    drawn = {t.id for t in chosen}
    recused = tuple(sorted((c for c in inp.conflicts if c.entity in drawn), key=lambda c: (c.entity, c.officer, c.reason)))
    return DrawResult(tuple(tasks), tuple(strata), recused)


def _strata(targets: list[Target], quota: Quota) -> list[tuple[str, list[Target], int]]:
    if quota.count is not None:
        return [("*", targets, min(quota.count, len(targets)))]
    out = []
    for cls in RISK_CLASSES:
        percent = int(quota.percents.get(cls, 0))
        if percent <= 0:
            continue
        pool = [t for t in targets if t.risk_class == cls]
        out.append((cls, pool, min(len(pool), -(-len(pool) * percent // 100))))
    return out


def staff(ordered: list[Inspector], domains: tuple[str, ...], per_domain: int) -> tuple[list[str], dict[str, int]]:
    """Take inspectors in the given order while they add a domain still short of `per_domain`;
    return the team and what is still missing (empty when every domain is covered)."""
    need = {d: per_domain for d in domains}
    team: list[str] = []
    for inspector in ordered:
        if not any(need.get(d, 0) > 0 for d in inspector.domains):
            continue
        team.append(inspector.id)
        for d in inspector.domains:
            if need.get(d, 0) > 0:
                need[d] -= 1
        if not any(need.values()):
            break
    return team, {d: n for d, n in need.items() if n}


# The recorded form: canonical JSON, digested part by part.


def input_json(inp: DrawInput) -> dict[str, Any]:
    return {
        "parameters": {
            "domains": sorted(inp.domains),
            "per_task": inp.per_task,
            "quota": {"count": inp.quota.count, "percents": {k: int(v) for k, v in sorted(inp.quota.percents.items())}},
        },
        "targets": [{"id": t.id, "risk_class": t.risk_class} for t in sorted(inp.targets, key=lambda t: t.id)],
        "inspectors": [{"id": i.id, "domains": sorted(i.domains)} for i in sorted(inp.inspectors, key=lambda i: i.id)],
        "conflicts": [
            {"officer": c.officer, "entity": c.entity, "reason": c.reason}
            for c in sorted(inp.conflicts, key=lambda c: (c.officer, c.entity, c.reason))
        ],
    }


def input_from_json(seed: str, data: Mapping[str, Any]) -> DrawInput:
    params = data["parameters"]
    quota = params["quota"]
    return DrawInput(
        seed=seed,
        domains=tuple(params["domains"]),
        per_task=int(params["per_task"]),
        quota=Quota(quota.get("count"), {k: int(v) for k, v in (quota.get("percents") or {}).items()}),
        targets=tuple(Target(t["id"], t["risk_class"]) for t in data["targets"]),
        inspectors=tuple(Inspector(i["id"], tuple(i["domains"])) for i in data["inspectors"]),
        conflicts=tuple(Conflict(c["officer"], c["entity"], c["reason"]) for c in data["conflicts"]),
    )


def result_json(result: DrawResult) -> dict[str, Any]:
    return {
        "tasks": [{"entity": t.entity, "risk_class": t.risk_class, "inspectors": list(t.inspectors)} for t in result.tasks],
        "strata": [{"risk_class": s.risk_class, "pool": s.pool, "drawn": s.drawn} for s in result.strata],
        "recused": [{"officer": c.officer, "entity": c.entity, "reason": c.reason} for c in result.recused],
    }


def digest(value: Any) -> str:
    return sm3_hex(canonical(value))


def digests(snapshot: Mapping[str, Any]) -> dict[str, str]:
    """One SM3 digest per recorded part (parameters, targets, inspectors, conflicts, excluded...)."""
    return {key: digest(value) for key, value in sorted(snapshot.items())}


@dataclass(frozen=True)
class Verification:
    ok: bool
    recorded_digest: str
    recomputed_digest: str | None
    problems: tuple[str, ...]


def verify(seed: str, algorithm: str, version: int, snapshot: Mapping[str, Any], recorded: Mapping[str, str],
           result: Mapping[str, Any], result_digest: str) -> Verification:
    """Re-run a recorded draw: the inputs must be the recorded ones and must give the recorded result."""
    problems = []
    if (algorithm, version) != (ALGORITHM, ALGORITHM_VERSION):
        return Verification(False, result_digest, None, (f"不支持的抽取算法 {algorithm} v{version}",))
    for key, value in digests(snapshot).items():
        if recorded.get(key) != value:
            problems.append(f"“{key}”与抽取时记录的摘要不符（名录被改动）")
    for key in sorted(set(recorded) - set(snapshot)):
        problems.append(f"抽取时记录的“{key}”缺失")
    if digest(result) != result_digest:
        problems.append("记录的抽取结果与其摘要不符（结果被改动）")
    try:
        recomputed = digest(result_json(draw(input_from_json(seed, snapshot))))
    except DrawError as exc:
        return Verification(False, result_digest, None, (*problems, f"按记录的名录重新抽取失败：{exc}"))
    if recomputed != result_digest:
        problems.append("按记录的种子和名录重新抽取，结果与记录不一致")
    return Verification(not problems, result_digest, recomputed, tuple(problems))
