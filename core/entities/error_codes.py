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
    ENTITY_UNCHANGED = "ENTITY_UNCHANGED", "变更内容与现有信息相同，无须登记新版本"
    ENTITY_DEREGISTERED = "ENTITY_DEREGISTERED", "相对人已注销：不再变更其信息，也不对注销之后的行为立案"
    ENTITY_MERGED = "ENTITY_MERGED", "该记录为重复登记，已并入存续记录：不再变更，请对存续记录办理"
    ENTITY_LICENCE_REVOKED = "ENTITY_LICENCE_REVOKED", "营业执照已被吊销，不能再次吊销"
    ENTITY_NOT_A_BUSINESS = "ENTITY_NOT_A_BUSINESS", "自然人不是登记的市场主体，无营业执照可注销或吊销"
    MERGE_SAME_ENTITY = "MERGE_SAME_ENTITY", "重复记录与存续记录不能是同一相对人"
    MERGE_KIND_MISMATCH = "MERGE_KIND_MISMATCH", "自然人与组织不能合并：重复记录与存续记录须同为自然人或同为组织"
    MERGE_NOT_FOUND = "MERGE_NOT_FOUND", "合并记录不存在或不在本机关管辖范围内"
    MERGE_ALREADY_REVERSED = "MERGE_ALREADY_REVERSED", "该合并已经撤销"
    MERGE_SUPERSEDED = "MERGE_SUPERSEDED", "存续记录此后又并入其他记录：须先撤销后一次合并"
