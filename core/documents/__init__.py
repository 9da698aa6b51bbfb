"""Standard enforcement documents (立案审批表, 事先告知书, 决定书, 不予处罚决定书, 送达回证) as DOCX.

See `core.documents.render` for the data, the numbering rule and the legal sources, and
`core.documents.build_templates` for how the templates are made.
"""

from core.documents.render import (
    DocumentCase,
    DocumentError,
    DocumentOfficer,
    DocumentParty,
    DocumentType,
    NoPenalty,
    Payment,
    PenaltyLine,
    Remedies,
    ServedDocument,
    Service,
    amount_in_words,
    chinese_count,
    chinese_date,
    document_number,
    document_prefix,
    render,
    template_bytes,
    yuan_text,
)

__all__ = [
    "DocumentCase",
    "DocumentError",
    "DocumentOfficer",
    "DocumentParty",
    "DocumentType",
    "NoPenalty",
    "Payment",
    "PenaltyLine",
    "Remedies",
    "ServedDocument",
    "Service",
    "amount_in_words",
    "chinese_count",
    "chinese_date",
    "document_number",
    "document_prefix",
    "render",
    "template_bytes",
    "yuan_text",
]
