"""The codes of inspections: random-draw plans (双随机、一公开), joint inspections and results."""

from zhifa.core.errors import ErrorCode


class InspectionErrorCode(ErrorCode):
    # The plan.
    PLAN_NOT_FOUND = "PLAN_NOT_FOUND", "抽查计划不存在或不在本机关管辖范围内"
    DOMAINS_REQUIRED = "DOMAINS_REQUIRED", "抽查计划须指定涉及的执法领域"
    CHECKLISTS_REQUIRED = "CHECKLISTS_REQUIRED", "抽查计划须指定所用的检查清单"
    CHECKLIST_UNKNOWN = "CHECKLIST_UNKNOWN", "检查清单不存在"
    CHECKLIST_DOMAIN_MISMATCH = "CHECKLIST_DOMAIN_MISMATCH", "检查清单所属领域不在计划的领域中"
    WINDOW_INVALID = "WINDOW_INVALID", "期限无效：结束日期早于开始日期、抽查期限跨年，或回避有效期早于声明日期"
    QUOTA_INVALID = "QUOTA_INVALID", "须指定抽取户数（至少 1 户），或按风险分类（A–D）指定 1 至 100 的抽取比例，二者取一"
    INSPECTORS_PER_TASK_INVALID = "INSPECTORS_PER_TASK_INVALID", "每个检查任务配备的执法人员人数超出允许范围"
    CEILING_INVALID = "CEILING_INVALID", "对同一对象的年度检查次数上限应在 1 至 100 之间"
    ROTATION_INVALID = "ROTATION_INVALID", "轮换回避期应在 0 至 120 个月之间"
    FILTER_INVALID = "FILTER_INVALID", "检查对象的筛选条件中有未知的风险分类"
    REGION_OUT_OF_JURISDICTION = "REGION_OUT_OF_JURISDICTION", "检查对象的区域须在本执法主体的辖区内"
    NOTE_TOO_LONG = "NOTE_TOO_LONG", "回避声明的说明超过长度上限"
    # The draw and its publication.
    ALREADY_DRAWN = "ALREADY_DRAWN", "计划已经抽取，抽取结果不能重抽或改动"
    PLAN_EXPIRED = "PLAN_EXPIRED", "计划的检查期限已过，不能再抽取"
    SEED_INVALID = "SEED_INVALID", "随机种子超过长度上限"
    NO_TARGETS = "NO_TARGETS", "符合条件的检查对象为空（或均已达年度检查次数上限）"
    INSPECTORS_INSUFFICIENT = "INSPECTORS_INSUFFICIENT", "回避后可匹配的持证执法人员不足：每次检查、每个领域至少两名"
    RECUSAL_REQUIRED = "RECUSAL_REQUIRED", "已声明与检查对象存在利害关系的检查人员应当回避"
    NOT_DRAWN = "NOT_DRAWN", "计划尚未抽取，不能公示抽查结果"
    PLAN_NOT_PUBLISHED = "PLAN_NOT_PUBLISHED", "须先公示抽查计划，再公示抽查结果"
    RESULTS_INCOMPLETE = "RESULTS_INCOMPLETE", "还有检查任务或检查要点未录入结果"
    # Joint inspections (一件事).
    SCENARIO_UNKNOWN = "SCENARIO_UNKNOWN", "“一件事”场景不存在或所需领域未加载"
    SCENARIO_NOT_APPLICABLE = "SCENARIO_NOT_APPLICABLE", "“一件事”场景的适用对象（applies_to）不包括该检查对象的类别"
    NOTHING_TO_INSPECT = "NOTHING_TO_INSPECT", "没有适用于该对象的检查清单，无需联合检查"
    LEAD_AGENCY_REQUIRED = "LEAD_AGENCY_REQUIRED", "联合检查须指定牵头执法主体"
    REPLACED_VISIT_INVALID = "REPLACED_VISIT_INVALID", "被合并的单独检查不在本次检查内容中，或其执法主体不承担该领域职责"
    DATE_INVALID = "DATE_INVALID", "检查日期过远"
    # The results.
    INSPECTION_NOT_FOUND = "INSPECTION_NOT_FOUND", "检查记录不存在或不在本机关管辖范围内"
    ALREADY_RECORDED = "ALREADY_RECORDED", "该检查的结果已录入，不能改写"
    OUTSIDE_PLAN_WINDOW = "OUTSIDE_PLAN_WINDOW", "检查日期须在计划的检查期限内"
    POINT_UNKNOWN = "POINT_UNKNOWN", "检查要点不在本次检查内容中"
    POINT_DUPLICATE = "POINT_DUPLICATE", "同一检查要点重复录入"
    EVIDENCE_REQUIRED = "EVIDENCE_REQUIRED", "检查要点不符合的，须记录证据情况"
    EVIDENCE_TOO_LONG = "EVIDENCE_TOO_LONG", "检查要点的证据说明超过长度上限"
    POINT_NOT_FAILED = "POINT_NOT_FAILED", "只有结果为“不符合”的检查要点才能转为案源"
    LEAD_ALREADY_OPENED = "LEAD_ALREADY_OPENED", "该检查要点已转为案源"
    AGENCY_REQUIRED = "AGENCY_REQUIRED", "转为案源须指定承办该领域案件的执法主体"
