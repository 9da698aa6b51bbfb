"""The codes of the enforcement catalog: items, their versions, discretion and township delegation."""

from zhifa.core.errors import ErrorCode


class CatalogErrorCode(ErrorCode):
    DOMAIN_UNKNOWN = "DOMAIN_UNKNOWN", "没有该代码的执法领域（或其插件未加载）"
    ITEM_NOT_FOUND = "ITEM_NOT_FOUND", "执法事项不存在"
    ITEM_NOT_IN_FORCE = "ITEM_NOT_IN_FORCE", "执法事项在该日不在有效期内"
    VERSION_NOT_FOUND = "VERSION_NOT_FOUND", "执法事项没有该版本"
    VERSION_NOT_DRAFT = "VERSION_NOT_DRAFT", "该版本已发布，不能再次发布"
    EFFECTIVE_DATE_IN_PAST = "EFFECTIVE_DATE_IN_PAST", "新版本的生效日期不能早于今天：已办案件适用的版本不能被改变"
    EFFECTIVE_DATE_TOO_EARLY = "EFFECTIVE_DATE_TOO_EARLY", "新版本的生效日期须晚于现行版本的生效日期"
    # Township delegation (行政处罚法第二十四条).
    NOT_A_TOWNSHIP_TEAM = "NOT_A_TOWNSHIP_TEAM", "只能向乡镇（街道）综合行政执法队赋权"
    ITEM_NOT_DELEGABLE = "ITEM_NOT_DELEGABLE", "该执法事项不可交由乡镇（街道）行使"
    ALREADY_DELEGATED = "ALREADY_DELEGATED", "该事项已赋权该执法队"
    NOT_DELEGATED = "NOT_DELEGATED", "该事项未赋权该执法队，无可收回"
    # Discretion (裁量基准).
    DISCRETION_TABLE_MISSING = "DISCRETION_TABLE_MISSING", "执法事项没有裁量基准（不是处罚类事项或尚未制定），不能计算处罚意见"
    FACTS_INVALID = "FACTS_INVALID", "裁量事实须为以事实名称为键的对象"
    FACT_UNKNOWN = "FACT_UNKNOWN", "执法事项没有该名称的裁量事实"
    FACT_REQUIRED = "FACT_REQUIRED", "缺少必填的裁量事实"
    FACT_INVALID = "FACT_INVALID", "裁量事实的取值不符合其类型或范围"
    PARTY_KIND_UNKNOWN = "PARTY_KIND_UNKNOWN", "当事人类型无效"
    DISCRETION_NO_TIER = "DISCRETION_NO_TIER", "所填事实不符合裁量基准的任何一档"
    DISCRETION_BASE_MISSING = "DISCRETION_BASE_MISSING", "按倍数计算罚款所需的基数（如货值金额、违法所得）未填写"
    DISCRETION_OUT_OF_RANGE = "DISCRETION_OUT_OF_RANGE", "拟处罚款超出所适用裁量档次的幅度"
    STATUTORY_MAXIMUM_EXCEEDED = "STATUTORY_MAXIMUM_EXCEEDED", "罚款超过处罚依据规定的最高额：理由只能在法定幅度内偏离裁量基准"
    FINE_NEGATIVE = "FINE_NEGATIVE", "拟处罚款金额不能为负数"
    FINE_NOT_ALLOWED = "FINE_NOT_ALLOWED", "执法事项的处罚种类中没有罚款，不能拟处罚款"
