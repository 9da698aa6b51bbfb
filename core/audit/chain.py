"""Pure hash-chain arithmetic (SM3, GB/T 32905): digests of states and the links between records."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(value: Any) -> bytes:
    """Stable bytes for any JSON-like value: sorted keys, no whitespace, UUIDs/dates as text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def state_digest(state: Mapping[str, Any] | None) -> str | None:
    return None if state is None else sm3_hex(canonical(state))


@dataclass(frozen=True)
class Link:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: uuid.UUID | None
    before_digest: str | None
    after_digest: str | None
    detail: str
    prev_hash: str

    def hash(self) -> str:
        fields = {
            "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before_digest,
            "after": self.after_digest,
            "detail": self.detail,
            "prev": self.prev_hash,
        }
        return sm3_hex(canonical(fields))


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


class ChainWalker:
    """Checks links one at a time, in sequence order, so a long chain streams through in batches."""

    def __init__(self) -> None:
        self.expected_prev, self.expected_seq = GENESIS, 1

    def check(self, link: Link, stored_hash: str) -> Break | None:
        if link.seq != self.expected_seq:
            return Break(self.expected_seq, f"第 {self.expected_seq} 条记录缺失（下一条为第 {link.seq} 条）")
        if link.prev_hash != self.expected_prev:
            return Break(link.seq, f"第 {link.seq} 条记录的前序哈希与第 {link.seq - 1} 条不符")
        if link.hash() != stored_hash:
            return Break(link.seq, f"第 {link.seq} 条记录的内容与其哈希不符（记录被改动）")
        self.expected_prev, self.expected_seq = stored_hash, self.expected_seq + 1
        return None

    def check_tip(self, head_seq: int, head_hash: str) -> Break | None:
        checked = self.expected_seq - 1
        if head_seq != checked or (checked and head_hash != self.expected_prev):
            return Break(head_seq, f"链头指向第 {head_seq} 条，与实际的 {checked} 条记录不符")
        return None
