"""The codes of publishing decisions (行政处罚信息公示) and credit repair."""

from zhifa.core.errors import ErrorCode


class PublicationErrorCode(ErrorCode):
    NOT_TO_BE_PUBLISHED = "NOT_TO_BE_PUBLISHED", "仅警告或不予处罚的决定不予公示（市场监督管理行政处罚信息公示规定第二条）"
    ALREADY_PUBLISHED = "ALREADY_PUBLISHED", "已公示，不能重复公示：处罚决定（如需更正请提交更正）、抽查计划或抽查结果"
    PUBLICATION_NOT_ACTIVE = "PUBLICATION_NOT_ACTIVE", "公示记录不存在或已撤下"
    CREDIT_RECORD_NOT_FOUND = "CREDIT_RECORD_NOT_FOUND", "信用记录不存在"
    ALREADY_REPAIRED = "ALREADY_REPAIRED", "该信用记录已修复"
    COMMITMENT_REQUIRED = "COMMITMENT_REQUIRED", "申请信用修复须提交信用承诺书"
    REPAIR_NOT_PENDING = "REPAIR_NOT_PENDING", "修复申请不存在或已有结论"
    REPAIR_PERIOD_NOT_OVER = "REPAIR_PERIOD_NOT_OVER", "最短公示期未满，不能申请或准予信用修复（国家发展改革委令2023年第58号）"
    PENALTY_NOT_PERFORMED = "PENALTY_NOT_PERFORMED", "行政处罚尚未履行完毕（案件未结案），不能申请或准予信用修复"
