"""The codes of complaints and reports (投诉举报), after the SAMR interim measures."""

from zhifa.core.errors import ErrorCode


class ComplaintErrorCode(ErrorCode):
    COMPLAINT_NOT_FOUND = "COMPLAINT_NOT_FOUND", "投诉举报不存在或不在本机关管辖范围内"
    # Registration.
    CONTENT_REQUIRED = "CONTENT_REQUIRED", "须填写投诉举报的具体内容（事实和请求）"
    SUBJECT_REQUIRED = "SUBJECT_REQUIRED", "须填写被投诉举报对象的名称（姓名）"
    SUBJECT_INVALID = "SUBJECT_INVALID", "被投诉举报对象名称超过 200 字或地址超过 300 字"
    COMPLAINANT_REQUIRED = "COMPLAINANT_REQUIRED", "投诉须提供投诉人的姓名和电话（市场监督管理投诉举报处理暂行办法第九条）；匿名反映按举报登记"
    CONFIDENTIAL_ANONYMOUS = "CONFIDENTIAL_ANONYMOUS", "匿名件没有需要保密的身份信息"
    EXTERNAL_NUMBER_REQUIRED = "EXTERNAL_NUMBER_REQUIRED", "12345 热线件须填写工单编号"
    EXTERNAL_NUMBER_TAKEN = "EXTERNAL_NUMBER_TAKEN", "该渠道的工单编号已登记，不能重复登记"
    # The steps (check_action: the most specific refusal).
    COMPLAINT_CLOSED = "COMPLAINT_CLOSED", "投诉举报已销号，不能再办理"
    ALREADY_ACCEPTED = "ALREADY_ACCEPTED", "已作出受理答复的投诉举报不能再交办"
    ALREADY_ASSIGNED = "ALREADY_ASSIGNED", "投诉举报已由该机关承办；本机关内交办须指定承办人"
    AGENCY_NOT_COMPETENT = "AGENCY_NOT_COMPETENT", "承办机关不承担执法职责或不承担该领域的执法职责"
    HANDLER_NOT_IN_AGENCY = "HANDLER_NOT_IN_AGENCY", "承办人须是承办机关的工作人员"
    ALREADY_REPLIED = "ALREADY_REPLIED", "已作出受理答复，不能重复答复"
    REPLY_TEXT_REQUIRED = "REPLY_TEXT_REQUIRED", "须填写答复内容；不予受理的须说明理由和依据"
    REPLY_REQUIRED = "REPLY_REQUIRED", "办结前须先作出受理或者不予受理的答复（暂行办法第十四条）"
    RESULT_REQUIRED = "RESULT_REQUIRED", "办结须填写办理结果"
    ALREADY_RESOLVED = "ALREADY_RESOLVED", "已办结，不能重复办结；不满意的经回访退回重办"
    NOT_RESOLVED = "NOT_RESOLVED", "尚未办结，不能回访评价或销号"
    FEEDBACK_ANONYMOUS = "FEEDBACK_ANONYMOUS", "匿名件无法回访，办结后可直接销号"
    COMMENT_REQUIRED = "COMMENT_REQUIRED", "投诉举报人不满意的，须记录其具体理由"
    FEEDBACK_UNSATISFIED = "FEEDBACK_UNSATISFIED", "不满意且重办次数已用完的，须由负责人审核并说明已依法处理的理由后方可销号"
    LINK_TARGET_REQUIRED = "LINK_TARGET_REQUIRED", "须指定关联的案件或检查（二选一）"
    ALREADY_LINKED = "ALREADY_LINKED", "已关联该案件或检查，不能重复关联"
