"""Every core table, imported in one place so migrations and tests see the whole schema."""

from core.audit.models import AuditHead, AuditRecord
from core.audit.reads import PersonalDataRead
from core.cases.models import Case, CaseDeadline, CaseEvent, CaseOfficer, NumberSequence
from core.catalog.models import CatalogItemVersion, Delegation, Domain
from core.complaints.models import Complaint, ComplaintEvent, ComplaintIdentityRead, ComplaintLink
from core.db import Base
from core.entities.models import Entity
from core.evidence.models import CustodyEvent, Evidence
from core.publication.models import CreditRecord, CreditRepair, Publication
from core.inspections.models import (
    Inspection,
    InspectionDraw,
    InspectionInspector,
    InspectionPlan,
    InspectionResult,
    MergedVisit,
    RecusalDeclaration,
    RiskRating,
)
from core.people.models import Agency, AgencyDomain, Officer, OfficerDomain, Posting, Region
from core.ratelimit import RateWindow
from core.supervision.models import (
    CaseReview,
    LegalChallenge,
    LetterEvent,
    OutsideSupervisor,
    Problem,
    RectificationCampaign,
    ReturnVisit,
    ReviewFinding,
    SpecialExplanation,
    SupervisionLetter,
    SupervisionSample,
)

__all__ = [
    "Inspection",
    "InspectionDraw",
    "InspectionInspector",
    "InspectionPlan",
    "InspectionResult",
    "MergedVisit",
    "RecusalDeclaration",
    "RiskRating",
    "Agency",
    "AgencyDomain",
    "AuditHead",
    "AuditRecord",
    "Base",
    "Case",
    "CaseDeadline",
    "CaseEvent",
    "CaseOfficer",
    "CatalogItemVersion",
    "Complaint",
    "ComplaintEvent",
    "ComplaintIdentityRead",
    "ComplaintLink",
    "CreditRecord",
    "CreditRepair",
    "CustodyEvent",
    "Delegation",
    "Domain",
    "Entity",
    "Evidence",
    "NumberSequence",
    "Officer",
    "OfficerDomain",
    "PersonalDataRead",
    "Posting",
    "Publication",
    "RateWindow",
    "Region",
    "CaseReview",
    "LegalChallenge",
    "LetterEvent",
    "OutsideSupervisor",
    "Problem",
    "RectificationCampaign",
    "ReturnVisit",
    "ReviewFinding",
    "SpecialExplanation",
    "SupervisionLetter",
    "SupervisionSample",
]
