"""Every core table, imported in one place so migrations and tests see the whole schema."""

from zhifa.core.audit.models import AuditHead, AuditRecord
from zhifa.core.audit.reads import PersonalDataRead
from zhifa.core.cases.models import Case, CaseDeadline, CaseEvent, CaseOfficer, CaseRecipient, NumberSequence
from zhifa.core.catalog.models import CatalogItemVersion, Delegation, Domain
from zhifa.core.complaints.models import Complaint, ComplaintEvent, ComplaintIdentityRead, ComplaintLink
from zhifa.core.db import Base
from zhifa.core.entities.models import Entity
from zhifa.core.evidence.models import CustodyEvent, Evidence
from zhifa.core.publication.models import CreditRecord, CreditRepair, Publication
from zhifa.core.inspections.models import (
    Inspection,
    InspectionDraw,
    InspectionInspector,
    InspectionPlan,
    InspectionResult,
    MergedVisit,
    RecusalDeclaration,
    RiskRating,
)
from zhifa.core.people.models import Agency, AgencyDomain, Officer, OfficerDomain, Posting, Region
from zhifa.core.ratelimit import RateWindow
from zhifa.core.supervision.models import (
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
    "CaseRecipient",
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
