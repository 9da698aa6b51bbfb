"""The codes of evidence: its upload, its metadata and its chain of custody."""

from zhifa.core.errors import ErrorCode


class EvidenceErrorCode(ErrorCode):
    EVIDENCE_NOT_FOUND = "EVIDENCE_NOT_FOUND", "证据不存在或不在本机关管辖范围内"
    CASE_CLOSED = "CASE_CLOSED", "案件已结案归档，不能再添加证据"
    # The upload (POST /evidence, multipart/form-data).
    FORM_INVALID = "FORM_INVALID", "上传的 multipart/form-data 格式错误、不完整、字段过多或不是 UTF-8 文本"
    FORM_FIELD_UNKNOWN = "FORM_FIELD_UNKNOWN", "上传表单中有未知的字段（文件字段须名为 file）"
    FORM_FIELD_AFTER_FILE = "FORM_FIELD_AFTER_FILE", "文件须放在最后：其他字段应在文件之前发送"
    FORM_ONE_FILE = "FORM_ONE_FILE", "每次只能上传一个文件"
    FIELD_REQUIRED = "FIELD_REQUIRED", "上传表单缺少必填字段"
    EVIDENCE_FILE_REQUIRED = "EVIDENCE_FILE_REQUIRED", "须附上证据文件"
    EVIDENCE_EMPTY = "EVIDENCE_EMPTY", "证据文件为空"
    EVIDENCE_TOO_LARGE = "EVIDENCE_TOO_LARGE", "证据文件超过大小上限"
    EVIDENCE_TYPE_NOT_ALLOWED = "EVIDENCE_TYPE_NOT_ALLOWED", "不接受该类型的文件（按文件内容识别，不看扩展名）"
    EVIDENCE_DUPLICATE = "EVIDENCE_DUPLICATE", "内容完全相同的文件已作为本案证据上传过"
    EVIDENCE_FILE_MISSING = "EVIDENCE_FILE_MISSING", "证据文件在存储中缺失或与登记的摘要不符"
    # What is recorded about it.
    EVIDENCE_KIND_INVALID = "EVIDENCE_KIND_INVALID", "证据种类不是行政处罚法第四十六条所列种类之一"
    EVIDENCE_TITLE_REQUIRED = "EVIDENCE_TITLE_REQUIRED", "须填写证据名称"
    EVIDENCE_FIELD_TOO_LONG = "EVIDENCE_FIELD_TOO_LONG", "证据的文字说明超过长度上限"
    DATETIME_INVALID = "DATETIME_INVALID", "时间不是 ISO 8601 格式"
    DATETIME_NEEDS_ZONE = "DATETIME_NEEDS_ZONE", "采集或录制时间须带时区（如 +08:00）"
    EVIDENCE_TIME_IN_FUTURE = "EVIDENCE_TIME_IN_FUTURE", "采集或录制时间不能晚于当前时间"
    RECORDING_PERIOD_INVALID = "RECORDING_PERIOD_INVALID", "录制结束时间不能早于开始时间"
    COLLECTORS_TOO_MANY = "COLLECTORS_TOO_MANY", "采集人员超过人数上限"
    # The chain of custody.
    CUSTODY_ACTION_NOT_MANUAL = "CUSTODY_ACTION_NOT_MANUAL", "该保管环节由系统自动记录，不能手工登记"
    CUSTODY_NOTE_REQUIRED = "CUSTODY_NOTE_REQUIRED", "移交、退还等保管环节须注明接收人或去向"
    EVIDENCE_ALREADY_SEALED = "EVIDENCE_ALREADY_SEALED", "证据已封存，不能再次封存"
    EVIDENCE_NOT_SEALED = "EVIDENCE_NOT_SEALED", "证据未封存，无需启封"
