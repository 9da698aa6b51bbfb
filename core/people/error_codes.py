"""The codes of agencies, officers and regions, wherever a record names one."""

from zhifa.core.errors import ErrorCode


class PeopleErrorCode(ErrorCode):
    AGENCY_NOT_FOUND = "AGENCY_NOT_FOUND", "执法主体（机关）不存在"
    AGENCY_DOMAIN_MISMATCH = "AGENCY_DOMAIN_MISMATCH", "执法主体不承担该领域的执法职责"
    OFFICER_NOT_FOUND = "OFFICER_NOT_FOUND", "执法人员不存在"
    OFFICER_NOT_IN_AGENCY = "OFFICER_NOT_IN_AGENCY", "人员须是办案机关（本执法主体）的人员"
    REGION_NOT_FOUND = "REGION_NOT_FOUND", "行政区划不存在"
