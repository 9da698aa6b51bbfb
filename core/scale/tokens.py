"""The people of a scale data set that `zhifa demo load --scale` prints development tokens for:
officers of the first county (bureau, a township team, the county's justice bureau), the first
city's supervisor and the provincial justice department's supervisor."""

from __future__ import annotations

import sqlalchemy as sa

from zhifa.core.access.viewer import Role
from zhifa.core.people.models import Agency, AgencyKind, Officer, OfficerRole, Region, RegionLevel

# label, agency kind, the agency's level, the officer's role there, the token's role
TOKEN_PEOPLE = (
    ("首个县局执法人员", AgencyKind.COMPREHENSIVE_BUREAU, RegionLevel.COUNTY, OfficerRole.OFFICER, Role.OFFICER),
    ("首个县局负责人", AgencyKind.COMPREHENSIVE_BUREAU, RegionLevel.COUNTY, OfficerRole.AGENCY_HEAD, Role.AGENCY_HEAD),
    ("首个县局法制审核员", AgencyKind.COMPREHENSIVE_BUREAU, RegionLevel.COUNTY, OfficerRole.LEGAL_REVIEWER, Role.LEGAL_REVIEWER),
    ("首个县局人事（法制）管理员", AgencyKind.COMPREHENSIVE_BUREAU, RegionLevel.COUNTY, OfficerRole.STAFF_ADMIN, Role.STAFF_ADMIN),
    ("首个县专业执法队伍执法人员", AgencyKind.PROFESSIONAL_TEAM, RegionLevel.COUNTY, OfficerRole.OFFICER, Role.OFFICER),
    ("首个县乡镇执法队执法人员", AgencyKind.TOWNSHIP_TEAM, RegionLevel.TOWNSHIP, OfficerRole.OFFICER, Role.OFFICER),
    ("首个县司法局执法监督人员", AgencyKind.JUSTICE_BUREAU, RegionLevel.COUNTY, OfficerRole.OFFICER, Role.SUPERVISOR),
    ("首个地市司法局执法监督人员（全市可见）", AgencyKind.JUSTICE_BUREAU, RegionLevel.CITY, OfficerRole.OFFICER, Role.SUPERVISOR),
    ("省司法厅执法监督人员（全省可见）", AgencyKind.JUSTICE_BUREAU, RegionLevel.PROVINCE, OfficerRole.OFFICER, Role.SUPERVISOR),
)


async def token_people(session) -> list[tuple[str, Role, Officer, Agency]]:
    """The first officer of each TOKEN_PEOPLE row, in the first county and city (by region code)."""
    found = []
    for label, kind, level, officer_role, role in TOKEN_PEOPLE:
        row = (await session.execute(
            sa.select(Officer, Agency)
            .join(Agency, Agency.id == Officer.agency_id)
            .join(Region, Region.id == Agency.region_id)
            .where(Agency.kind == kind, Agency.level == level, Officer.role == officer_role)
            .order_by(Region.code, Agency.name, Officer.id)
            .limit(1)
        )).first()
        if row:
            found.append((label, role, *row))
    return found
