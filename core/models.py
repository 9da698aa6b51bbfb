"""Every core table, imported in one place so migrations and tests see the whole schema."""

from core.audit.models import AuditHead, AuditRecord
from core.audit.reads import PersonalDataRead
from core.cases.models import Case, CaseEvent, CaseOfficer, NumberSequence
from core.catalog.models import CatalogItemVersion, Delegation, Domain
from core.db import Base
from core.entities.models import Entity
from core.people.models import Agency, AgencyDomain, Officer, OfficerDomain, Posting, Region
from core.ratelimit import RateWindow

__all__ = [
    "Agency",
    "AgencyDomain",
    "AuditHead",
    "AuditRecord",
    "Base",
    "Case",
    "CaseEvent",
    "CaseOfficer",
    "CatalogItemVersion",
    "Delegation",
    "Domain",
    "Entity",
    "NumberSequence",
    "Officer",
    "OfficerDomain",
    "PersonalDataRead",
    "Posting",
    "RateWindow",
    "Region",
]
