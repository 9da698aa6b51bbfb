"""Personal data at rest: SM4-GCM encryption (GB/T 32907) and a keyed SM3 digest for exact lookups.

Level-3 government systems (等保三级, 密评) require national cryptography for personal data at
rest. The key comes from configuration (ZHIFA_DATA_KEY, 32 hex digits), never from the
repository; the lookup digest uses a key derived from it, so equal values can be found and kept
unique without decrypting anything.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NONCE_BYTES = 12
VERSION = b"\x01"  # lets a later key rotation or algorithm change read old values


class DataKeyError(ValueError):
    pass


@dataclass(frozen=True)
class DataKey:
    key: bytes

    @classmethod
    def from_hex(cls, text: str) -> DataKey:
        try:
            key = bytes.fromhex(text.strip())
        except ValueError:
            raise DataKeyError("ZHIFA_DATA_KEY 必须是 32 位十六进制数（128 位 SM4 密钥）") from None
        if len(key) != 16:
            raise DataKeyError("ZHIFA_DATA_KEY 必须是 32 位十六进制数（128 位 SM4 密钥）")
        return cls(key)

    @staticmethod
    def generate_hex() -> str:
        return os.urandom(16).hex()

    def _lookup_key(self) -> bytes:
        digest = hmac.HMAC(self.key, hashes.SM3())
        digest.update(b"zhifa lookup digest")
        return digest.finalize()

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self.key), modes.GCM(nonce)).encryptor()
        body = encryptor.update(plain.encode()) + encryptor.finalize()
        return base64.b64encode(VERSION + nonce + body + encryptor.tag).decode()

    def decrypt(self, stored: str) -> str:
        raw = base64.b64decode(stored)
        if raw[:1] != VERSION:
            raise DataKeyError("无法识别的密文版本")
        nonce, body, tag = raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES : -16], raw[-16:]
        decryptor = Cipher(algorithms.SM4(self.key), modes.GCM(nonce, tag)).decryptor()
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except InvalidTag:
            raise DataKeyError("密文校验失败：密钥不符或数据被篡改") from None

    def lookup(self, plain: str) -> str:
        digest = hmac.HMAC(self._lookup_key(), hashes.SM3())
        digest.update(plain.encode())
        return digest.finalize().hex()
