"""The codes of case documents (执法文书)."""

from zhifa.core.errors import ErrorCode


class DocumentErrorCode(ErrorCode):
    DOCUMENT_TYPE_UNKNOWN = "DOCUMENT_TYPE_UNKNOWN", "没有该类型的执法文书"
    DOCUMENT_NOT_ISSUED = "DOCUMENT_NOT_ISSUED", "案件尚未办理到可出具该文书的步骤"
    DOCUMENT_NOT_IN_PROCEDURE = "DOCUMENT_NOT_IN_PROCEDURE", "案件适用的程序不制作该文书（如简易程序不立案，没有立案审批表）"
