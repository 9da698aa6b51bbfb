"""The codes of regulated entities (行政相对人) and their identifiers."""

from zhifa.core.errors import ErrorCode


class EntityErrorCode(ErrorCode):
    ENTITY_NOT_FOUND = "ENTITY_NOT_FOUND", "行政相对人不存在或不在本机关管辖范围内"
    ENTITY_DUPLICATE = "ENTITY_DUPLICATE", "该统一社会信用代码或公民身份号码已登记为相对人"
    ADDRESS_INVALID = "ADDRESS_INVALID", "地址为空或超过 300 个字符"
    IDENTIFIER_REQUIRED = "IDENTIFIER_REQUIRED", "须填写统一社会信用代码（组织）或公民身份号码（自然人）"
    IDENTIFIER_KIND_MISMATCH = "IDENTIFIER_KIND_MISMATCH", "证件种类与相对人类型不符：自然人填身份号码，组织填统一社会信用代码"
    CREDIT_CODE_INVALID = "CREDIT_CODE_INVALID", "统一社会信用代码格式不正确（GB 32100-2015）"
    CREDIT_CODE_CHECKSUM = "CREDIT_CODE_CHECKSUM", "统一社会信用代码校验位不正确；确属登记机关核发的，可确认例外后登记"
    ID_NUMBER_INVALID = "ID_NUMBER_INVALID", "公民身份号码格式不正确（GB 11643-1999）"
    ID_NUMBER_CHECKSUM = "ID_NUMBER_CHECKSUM", "公民身份号码校验位不正确；确属公安机关核发的，可确认例外后登记"
