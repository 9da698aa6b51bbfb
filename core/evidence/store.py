"""Content-addressed evidence files on disk: `<root>/sha256/ab/cd/<hex>`, written once, never changed.

A file is streamed into a temporary file under `<root>/incoming/` (same file system, so the final
rename is atomic) while its SHA-256 is computed; the size limit is enforced as the bytes arrive,
and a file over it is deleted at once. Its type is decided by its own bytes (magic numbers), never
by what the client claims. The same bytes stored twice are kept once (`Stored.duplicate`).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import uuid
import zipfile
from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import anyio.to_thread

from zhifa.core.errors import UserError
from zhifa.core.evidence.error_codes import EvidenceErrorCode

ENV_DIR = "ZHIFA_EVIDENCE_DIR"
ENV_MAX_BYTES = "ZHIFA_EVIDENCE_MAX_BYTES"
DEFAULT_DIR = Path("var/evidence")
MB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MB  # a body-camera clip
MAX_POSSIBLE = 2**31 - 1  # sizes travel as GraphQL Int

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
MP4, MOV = "video/mp4", "video/quicktime"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_UTF8, TEXT_GB18030 = "text/plain; charset=utf-8", "text/plain; charset=gb18030"

# The largest file accepted of each type (the overall limit applies on top).
TYPE_LIMITS: dict[str, int] = {
    JPEG: 50 * MB,
    PNG: 50 * MB,
    PDF: 100 * MB,
    DOCX: 50 * MB,
    TEXT_UTF8: 10 * MB,
    TEXT_GB18030: 10 * MB,
    MP4: DEFAULT_MAX_BYTES,
    MOV: DEFAULT_MAX_BYTES,
}
TYPE_NAMES = {JPEG: "JPEG 图片", PNG: "PNG 图片", PDF: "PDF 文档", DOCX: "Word 文档（.docx）", MP4: "MP4 视频", MOV: "MOV 视频", TEXT_UTF8: "纯文本", TEXT_GB18030: "纯文本"}
ACCEPTED = "JPEG、PNG 图片，MP4、MOV 视频，PDF、Word（.docx）文档和纯文本"

HEX64 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024
HEAD = 64  # bytes kept to recognise the type
VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"3gp4", b"3gp5", b"3g2a", b"dash", b"MSNV", b"XAVC"}
# Text that is in fact active content: scripts, markup a browser would render.
ACTIVE_TEXT = (b"#!", b"<")
TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    media_type: str
    duplicate: bool  # the store already held these exact bytes; nothing new was written


def too_large(limit: int, what: str = "文件") -> UserError:
    return UserError(EvidenceErrorCode.EVIDENCE_TOO_LARGE, f"{what}超过大小上限（{_human(limit)}）", "file")


def not_allowed(media_type: str | None) -> UserError:
    shown = "无法识别" if media_type in (None, "zip") else media_type
    return UserError(EvidenceErrorCode.EVIDENCE_TYPE_NOT_ALLOWED, f"不接受该类型的文件（{shown}）；只接受{ACCEPTED}", "file")


def _human(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{size} 字节"


class EvidenceStore:
    def __init__(self, root: Path | str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES, type_limits: Mapping[str, int] | None = None):
        if not 0 < max_bytes <= MAX_POSSIBLE:
            raise ValueError(f"max_bytes must be between 1 and {MAX_POSSIBLE}")
        self.root = Path(root) if root is not None else DEFAULT_DIR
        self.max_bytes = max_bytes
        self.type_limits = dict(TYPE_LIMITS if type_limits is None else type_limits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> EvidenceStore:
        """ZHIFA_EVIDENCE_DIR (default ./var/evidence) and ZHIFA_EVIDENCE_MAX_BYTES (default 200 MB)."""
        env = os.environ if env is None else env
        return cls(env.get(ENV_DIR) or DEFAULT_DIR, max_bytes=int(env.get(ENV_MAX_BYTES) or DEFAULT_MAX_BYTES))

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.type_limits)

    def limit_for(self, media_type: str) -> int:
        return min(self.max_bytes, self.type_limits.get(media_type, self.max_bytes))

    # Writing.

    def incoming(self) -> Incoming:
        """A new file being received: `write` chunks, then `finish` (or `abort`)."""
        folder = self.root / "incoming"
        folder.mkdir(parents=True, exist_ok=True)
        return Incoming(self, folder / f"{uuid.uuid4().hex}.part")

    def put(self, chunks: Iterable[bytes]) -> Stored:
        with self.incoming() as incoming:
            for chunk in chunks:
                incoming.write(chunk)
            return incoming.finish()

    async def put_stream(self, chunks: AsyncIterable[bytes]) -> Stored:
        """Stream an async source to disk; file writes run in a worker thread."""
        with self.incoming() as incoming:
            async for chunk in chunks:
                await anyio.to_thread.run_sync(incoming.write, chunk)
            return await anyio.to_thread.run_sync(incoming.finish)

    # Reading.

    def path(self, digest: str) -> Path:
        if not HEX64.fullmatch(digest):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / "sha256" / digest[:2] / digest[2:4] / digest

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def open(self, digest: str) -> BinaryIO:
        return self.path(digest).open("rb")

    def verify(self, digest: str) -> bool:
        """Recompute the file's hash: False when it is missing or its bytes changed on disk."""
        try:
            with self.open(digest) as f:
                hasher = hashlib.sha256()
                while block := f.read(CHUNK):
                    hasher.update(block)
        except FileNotFoundError:
            return False
        return hasher.hexdigest() == digest


@dataclass
class Incoming:
    store: EvidenceStore
    temp: Path
    size: int = 0
    head: bytes = b""
    hasher: Any = field(default_factory=hashlib.sha256)
    texts: dict[str, codecs.IncrementalDecoder | None] = field(default_factory=lambda: {
        TEXT_UTF8: codecs.getincrementaldecoder("utf-8-sig")(), TEXT_GB18030: codecs.getincrementaldecoder("gb18030")()
    })
    limit: int = 0
    done: bool = False

    def __post_init__(self) -> None:
        self.limit = self.store.max_bytes
        self.file = self.temp.open("xb")

    def __enter__(self) -> Incoming:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.done:
            self.abort()

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self.size + len(chunk) > self.limit:
            self.abort()
            raise too_large(self.limit)
        self.size += len(chunk)
        self.hasher.update(chunk)
        self._feed_text(chunk, final=False)
        self.file.write(chunk)
        if len(self.head) < HEAD:
            self.head += chunk[: HEAD - len(self.head)]
            if len(self.head) >= HEAD:
                self._narrow()

    def _narrow(self) -> None:
        """Once the first bytes are in: refuse a type that is not allowed, and apply the limit of
        the types still possible (an oversized photo stops here, not at the end)."""
        kind = _by_magic(self.head)
        if kind is not None:
            self.texts = dict.fromkeys(self.texts)  # recognised by its magic: not text
            candidates = [DOCX] if kind == "zip" else [kind]
        elif _active(self.head):
            candidates = []
        else:
            candidates = [name for name, decoder in self.texts.items() if decoder is not None]
        allowed = [c for c in candidates if c in self.store.type_limits]
        if not allowed:
            self.abort()
            raise not_allowed(kind)
        self.limit = max(self.store.limit_for(c) for c in allowed)
        if self.size > self.limit:
            self.abort()
            raise too_large(self.limit, TYPE_NAMES.get(allowed[0], "文件"))

    def finish(self) -> Stored:
        """Decide the type, enforce its limit, and move the file into place (or keep the existing copy)."""
        try:
            if self.size == 0:
                raise UserError(EvidenceErrorCode.EVIDENCE_EMPTY, "文件为空", "file")
            self._feed_text(b"", final=True)
            media_type = self._media_type()
            if media_type not in self.store.type_limits:
                raise not_allowed(media_type)
            if self.size > (limit := self.store.limit_for(media_type)):
                raise too_large(limit, TYPE_NAMES.get(media_type, "文件"))
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            digest = self.hasher.hexdigest()
            target = self.store.path(digest)
            duplicate = target.is_file()
            if duplicate:
                self.temp.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                self.temp.chmod(0o444)
                os.replace(self.temp, target)  # atomic: readers see all of it or nothing
                _fsync_folder(target.parent)
            self.done = True
            return Stored(sha256=digest, size=self.size, media_type=media_type, duplicate=duplicate)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        self.done = True
        self.file.close()
        self.temp.unlink(missing_ok=True)

    def _feed_text(self, chunk: bytes, *, final: bool) -> None:
        for name, decoder in self.texts.items():
            if decoder is None:
                continue
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError:
                self.texts[name] = None
                continue
            if TEXT_CONTROLS.search(text):
                self.texts[name] = None

    def _media_type(self) -> str | None:
        if kind := _by_magic(self.head):
            if kind == "zip":
                self.file.flush()
                return _zip_kind(self.temp)
            return kind
        if _active(self.head):
            return "text/x-active-content"
        return next((name for name, decoder in self.texts.items() if decoder is not None), None)


def _active(head: bytes) -> bool:
    return head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(ACTIVE_TEXT)


def _by_magic(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return MOV if brand == b"qt  " else MP4 if brand in VIDEO_BRANDS else f"application/x-isobmff-{brand.decode('latin-1').strip()}"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"MZ"):
        return "application/x-msdownload"
    if head.startswith((b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return "application/x-executable"
    return None


def _zip_kind(path: Path) -> str:
    """A .docx is a zip holding word/document.xml; one with macros (vbaProject.bin) is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "application/zip"
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return "application/vnd.ms-word.document.macroEnabled.12"
        return DOCX
    return "application/zip"


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
