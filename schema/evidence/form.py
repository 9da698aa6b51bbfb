"""A streaming reader of the upload's multipart/form-data body."""

from __future__ import annotations

from collections import defaultdict

from python_multipart.multipart import MultipartParser, parse_options_header
from zhifa.core.errors import UserError as RuleError
from zhifa.core.evidence.error_codes import EvidenceErrorCode

MAX_FIELD_BYTES = 16 * 1024
MAX_FIELDS = 40
FIELDS = {
    "caseId", "kind", "title", "collectedAt", "collectedBy", "deviceId", "location", "notes",
    "recordingStartedAt", "recordingEndedAt", "interruptionNotes",
}  # fmt: skip


class UploadForm:
    """A streaming multipart/form-data reader: text fields are kept (small, bounded), the file
    part's bytes are handed out in `pending` as they arrive, never gathered."""

    def __init__(self, boundary: bytes):
        self.fields: dict[str, list[str]] = defaultdict(list)
        self.before_file: dict[str, list[str]] | None = None
        self.file_name, self.file_started, self.file_done = "", False, False
        self.pending: list[bytes] = []
        self._headers: dict[bytes, bytes] = {}
        self._header_name = self._header_value = b""
        self._name, self._is_file, self._buffer, self._count = "", False, bytearray(), 0
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_part,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
            },
        )

    def write(self, chunk: bytes) -> None:
        self.parser.write(chunk)

    def finalize(self) -> None:
        self.parser.finalize()

    def _part_begin(self) -> None:
        self._headers, self._name, self._is_file, self._buffer = {}, "", False, bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if name != "file":
                raise RuleError(EvidenceErrorCode.FORM_FIELD_UNKNOWN, f"文件字段应名为 file（收到 {name}）", name or None)
            if self.file_started:
                raise RuleError(EvidenceErrorCode.FORM_ONE_FILE, "每次只能上传一个文件", "file")
            self.file_started, self._is_file = True, True
            self.file_name = _basename(options[b"filename"].decode("utf-8", "replace"))
            self.before_file = {k: list(v) for k, v in self.fields.items()}
            return
        if name not in FIELDS:
            raise RuleError(EvidenceErrorCode.FORM_FIELD_UNKNOWN, f"未知的字段 {name!r}", name or None)
        if self.file_started:
            raise RuleError(EvidenceErrorCode.FORM_FIELD_AFTER_FILE, "文件须放在最后：其他字段应在文件之前发送", name)
        self._count += 1
        if self._count > MAX_FIELDS:
            raise RuleError(EvidenceErrorCode.FORM_INVALID, f"字段过多（最多 {MAX_FIELDS} 个）", None)
        self._name = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            self.pending.append(bytes(data[start:end]))
            return
        if len(self._buffer) + end - start > MAX_FIELD_BYTES:
            raise RuleError(EvidenceErrorCode.EVIDENCE_FIELD_TOO_LONG, f"字段 {self._name} 过长", self._name)
        self._buffer += data[start:end]

    def _part_end(self) -> None:
        if self._is_file:
            self.file_done = True
            return
        try:
            self.fields[self._name].append(self._buffer.decode("utf-8").strip())
        except UnicodeDecodeError:
            raise RuleError(EvidenceErrorCode.FORM_INVALID, f"字段 {self._name} 应为 UTF-8 文本", self._name) from None


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()
