"""WeCom's callback encryption (加解密方案, the algorithm of its WXBizMsgCrypt libraries), on the
``cryptography`` package's AES:

- signature: SHA-1 over the sorted token, timestamp, nonce and ciphertext, hex;
- key: base64 of the 43-character EncodingAESKey plus "=" (32 bytes); IV: its first 16 bytes;
- AES-256-CBC, PKCS#7 padded to 32 bytes;
- plaintext: 16 random bytes, the message's length (4 bytes, big-endian), the message, the
  receive id (the corp id), which must be ours.

Anything that does not check out raises ``Refused`` (the caller answers nothing to it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_BITS = 256  # WeCom pads to 32 bytes, not AES's 16
MAX_CIPHERTEXT = 1 << 20  # a callback is small; anything larger is not WeCom's


class Refused(Exception):
    """A callback that is not WeCom's: a bad signature, a ciphertext that does not decrypt, or
    another corp's message. Its reason is for the log only."""


def signature(token: str, timestamp: str, nonce: str, ciphertext: str) -> str:
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, ciphertext))).encode("utf-8")).hexdigest()


class Crypto:
    def __init__(self, token: str, aes_key: str, receive_id: str) -> None:
        try:
            key = base64.b64decode(aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("the EncodingAESKey is not 43 characters of base64") from error
        if len(aes_key) != 43 or len(key) != 32:
            raise ValueError("the EncodingAESKey is not 43 characters of base64")
        self.token, self.receive_id = token, receive_id
        self._cipher = Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def verify(self, msg_signature: str, timestamp: str, nonce: str, ciphertext: str) -> None:
        expected = signature(self.token, timestamp, nonce, ciphertext)
        if not hmac.compare_digest(expected, (msg_signature or "").lower()):
            raise Refused("bad signature")

    def decrypt(self, ciphertext: str) -> bytes:
        """The message of a ciphertext, its receive id checked."""
        if len(ciphertext) > MAX_CIPHERTEXT:
            raise Refused("ciphertext too long")
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError) as error:
            raise Refused("ciphertext is not base64") from error
        if not raw or len(raw) % 16:
            raise Refused("ciphertext is not whole AES blocks")
        decryptor = self._cipher.decryptor()
        padded = decryptor.update(raw) + decryptor.finalize()
        unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
        try:
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError as error:
            raise Refused("bad padding") from error
        if len(plain) < 20:
            raise Refused("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        message, receive_id = plain[20 : 20 + length], plain[20 + length :]
        if len(message) != length:
            raise Refused("message length out of range")
        if not hmac.compare_digest(receive_id, self.receive_id.encode("utf-8")):
            raise Refused("another receiver's message")
        return message

    def open(self, msg_signature: str, timestamp: str, nonce: str, ciphertext: str) -> bytes:
        """Verify, then decrypt."""
        self.verify(msg_signature, timestamp, nonce, ciphertext)
        return self.decrypt(ciphertext)

    def encrypt(self, message: bytes, *, random: bytes | None = None) -> str:
        """The ciphertext of ``message`` for our receive id (WeCom's side: the emulator, tests)."""
        body = (random or os.urandom(16)) + struct.pack(">I", len(message)) + message + self.receive_id.encode("utf-8")
        padder = padding.PKCS7(BLOCK_BITS).padder()
        encryptor = self._cipher.encryptor()
        return base64.b64encode(encryptor.update(padder.update(body) + padder.finalize()) + encryptor.finalize()).decode("ascii")

    def seal(self, message: bytes, timestamp: str, nonce: str) -> tuple[str, str]:
        """(ciphertext, msg_signature) of a callback, as WeCom sends it."""
        ciphertext = self.encrypt(message)
        return ciphertext, signature(self.token, timestamp, nonce, ciphertext)
