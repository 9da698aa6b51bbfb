"""Who is asking: the roles of the system and the jurisdiction each one reaches (pure rules).

An officer sees the records of its own agency and of the agencies below it (a closed agency counts
as below the successor that took it over); a supervisor (a justice bureau) sees every agency whose
region lies at or below its own region; the provincial platform's service account reads the
regions its scopes name; the public sees only what is published. Rules take plain data (the agency tree) and return plain sets.
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from zhifa.core.labels import LabeledEnum


class Role(LabeledEnum):
    OFFICER = "officer", "执法人员"
    AUXILIARY = "auxiliary", "辅助人员"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核员"
    AGENCY_HEAD = "agency_head", "负责人"
    # 人事（法制）机构: registers staff and keeps their certificates, for its agency and those below.
    STAFF_ADMIN = "staff_admin", "人事（法制）管理员"
    SUPERVISOR = "supervisor", "执法监督人员（司法行政机关）"
    PROVINCIAL = "provincial", "省一体化平台服务账号"
    PUBLIC_SECURITY = "public_security", "公安机关行刑衔接平台服务账号"
    PUBLIC = "public", "公众"


STAFF = {Role.OFFICER, Role.AUXILIARY, Role.LEGAL_REVIEWER, Role.AGENCY_HEAD}
# Roles that see resident ID numbers and phone numbers in clear (every such read is recorded).
CLEAR_PERSONAL_DATA = {Role.OFFICER, Role.LEGAL_REVIEWER, Role.AGENCY_HEAD}
# Roles that may perform enforcement acts (auxiliary staff never act alone: APL Art. 42).
ENFORCERS = {Role.OFFICER, Role.AGENCY_HEAD}
# Service accounts of other systems: they read the regions their token names, within its scopes.
SERVICE_ACCOUNTS = {Role.PROVINCIAL, Role.PUBLIC_SECURITY}


class Scope(enum.Enum):
    """Read scopes a service account may hold."""

    CASES = "read:cases"
    ENTITIES = "read:entities"
    OFFICERS = "read:officers"
    PERSONAL_DATA = "read:personal-data"


@dataclass(frozen=True)
class Viewer:
    subject: str  # "officer:<uuid>", "service:<name>" or "anonymous"
    roles: frozenset[Role]
    agency_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None
    region_codes: tuple[str, ...] = ()  # service accounts: the regions they may read
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_public(self) -> bool:
        return not self.roles or self.roles == {Role.PUBLIC}

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    @property
    def sees_personal_data(self) -> bool:
        return self.has(*CLEAR_PERSONAL_DATA) or (self.has(Role.PROVINCIAL) and Scope.PERSONAL_DATA.value in self.scopes)


PUBLIC = Viewer(subject="anonymous", roles=frozenset({Role.PUBLIC}))


@dataclass(frozen=True)
class AgencyNode:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    region_id: uuid.UUID
    successor_id: uuid.UUID | None = None  # a closed agency: read through the agency that took it over

    @property
    def above(self) -> uuid.UUID | None:
        """Where the agency hangs in the tree of reach: a closed one below its successor."""
        return self.successor_id or self.parent_id


@dataclass(frozen=True)
class RegionNode:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    code: str


def descendants(root_ids: Iterable[uuid.UUID], parent_of: dict[uuid.UUID, uuid.UUID | None]) -> set[uuid.UUID]:
    """The roots and everything below them in a parent-linked tree."""
    children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for child, parent in parent_of.items():
        if parent is not None:
            children[parent].append(child)
    found, stack = set(), [r for r in root_ids if r in parent_of]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(children[node])
    return found


@dataclass(frozen=True)
class Jurisdiction:
    """What a viewer reaches: agency ids and region ids (None = everything, empty = nothing), and
    the agencies seated at or above the viewer's region, whose work plans (a supervision campaign)
    concern it."""

    agencies: frozenset[uuid.UUID] | None
    regions: frozenset[uuid.UUID] | None
    overseers: frozenset[uuid.UUID] = frozenset()


def jurisdiction(viewer: Viewer, agencies: list[AgencyNode], regions: list[RegionNode]) -> Jurisdiction:
    region_parent = {r.id: r.parent_id for r in regions}
    agency_by_id = {a.id: a for a in agencies}
    if viewer.has(*SERVICE_ACCOUNTS):
        roots = [r.id for r in regions if r.code in viewer.region_codes]
        return _by_regions(descendants(roots, region_parent), agencies, _overseers(roots, region_parent, agencies))
    own = agency_by_id.get(viewer.agency_id) if viewer.agency_id else None
    if own is None:
        return Jurisdiction(frozenset(), frozenset())
    overseers = _overseers([own.region_id], region_parent, agencies)
    if viewer.has(Role.SUPERVISOR):
        return _by_regions(descendants([own.region_id], region_parent), agencies, overseers)
    reach = descendants([own.id], {a.id: a.above for a in agencies})
    reach_regions = descendants({agency_by_id[a].region_id for a in reach}, region_parent)
    return Jurisdiction(frozenset(reach), frozenset(reach_regions), overseers)


def _by_regions(region_ids: set[uuid.UUID], agencies: list[AgencyNode], overseers: frozenset[uuid.UUID]) -> Jurisdiction:
    return Jurisdiction(frozenset(a.id for a in agencies if a.region_id in region_ids), frozenset(region_ids), overseers)


def _overseers(region_ids: Iterable[uuid.UUID], region_parent: dict[uuid.UUID, uuid.UUID | None], agencies: list[AgencyNode]) -> frozenset[uuid.UUID]:
    """The agencies seated in these regions or any region above them."""
    above: set[uuid.UUID] = set()
    for region in region_ids:
        while region is not None and region not in above:
            above.add(region)
            region = region_parent.get(region)
    return frozenset(a.id for a in agencies if a.region_id in above)
