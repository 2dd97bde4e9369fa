"""A second reader and writer of Tessera's backups, written from docs/backup-format.md and sharing
no code with Tessera: if the page leaves something out or says it otherwise than Tessera does it,
the tests that run this fail. It uses Debian's python3-cryptography (AES-GCM) and python3-argon2
(argon2-cffi, over the reference Argon2 in C); HKDF (RFC 5869), the recovery code and the layout
are written here from the document.

    backup_peer.py read TEXT < backup > accounts.json
        Opens the backup with TEXT (a recovery code or the password), prints
        {"opened_by": "recovery" | "password", "accounts": [...]} where each account is the
        backup's JSON object with "secret" replaced by "secret_hex" (the decoded bytes in hex).
        Exit 2: wrong password or code; 3: a newer version; 4: damaged.

    backup_peer.py write [--password PW --m KIB --t PASSES] [--recovery-code CODE] < body.json > backup
        Writes a backup of the JSON object on stdin ({"accounts": [...]}, as the document gives it).
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"TSRABKUP"
VERSION = 1
PASSWORD, RECOVERY = 1, 2
CONTEXT = {PASSWORD: b"tessera/backup/1/password", RECOVERY: b"tessera/backup/1/recovery"}
WRAPPED = 12 + 32 + 16
SALT = 16
PADDING = 4096
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PARAMS = re.compile(rb"argon2id;v=19;m=([0-9]+);t=([0-9]+);p=([0-9]+);")
MEMBERS = ["issuer", "label_issuer", "name", "secret", "algorithm", "digits", "kind", "period",
           "counter", "extra_parameters", "icon", "note", "group"]


class Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def damaged(message):
    return Refused(4, "damaged: " + message)


def recovery_code(text):
    """The 15 bytes of a recovery code, or None if the text is not one."""
    cleaned = "".join(c for c in text if c not in " \t\r\n-").upper()
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != 24 or any(c not in CROCKFORD for c in cleaned):
        return None
    value = 0
    for c in cleaned:
        value = (value << 5) | CROCKFORD.index(c)
    return value.to_bytes(15, "big")


def hkdf_sha256(salt, ikm, info, length=32):
    """RFC 5869."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def argon2id(password, salt, m, t, p):
    return hash_secret_raw(password.encode("utf-8"), salt, time_cost=t, memory_cost=m,
                           parallelism=p, hash_len=32, type=Type.ID, version=19)


def parse_header(data):
    if data[:8] != MAGIC:
        raise damaged("not a Tessera backup")
    if len(data) < 10:
        raise damaged("cut short")
    (version,) = struct.unpack(">H", data[8:10])
    if version > VERSION:
        raise Refused(3, "made by a newer Tessera (version %d)" % version)
    if version == 0:
        raise damaged("version 0")
    if len(data) < 11 or data[10] not in (1, 2):
        raise damaged("count")
    at, keys = 11, {}
    for _ in range(data[10]):
        if at + 3 > len(data):
            raise damaged("cut short in a key")
        kind = data[at]
        (length,) = struct.unpack(">H", data[at + 1:at + 3])
        body = data[at + 3:at + 3 + length]
        if len(body) != length:
            raise damaged("cut short in a key's data")
        at += 3 + length
        if kind in keys:
            raise damaged("two keys of one kind")
        if kind == RECOVERY:
            if length != SALT + WRAPPED:
                raise damaged("recovery key length")
            keys[kind] = {"salt": body[:SALT], "wrapped": body[SALT:]}
        elif kind == PASSWORD:
            if length < SALT + WRAPPED:
                raise damaged("password key length")
            text, salt, wrapped = body[:-SALT - WRAPPED], body[-SALT - WRAPPED:-WRAPPED], body[-WRAPPED:]
            match = PARAMS.fullmatch(text)
            if not match:
                raise damaged("password parameters")
            m, t, p = (int(group) for group in match.groups())
            if not (8 <= m <= 65536 and 1 <= t <= 64 and p == 1):
                raise damaged("password parameters out of bounds")
            keys[kind] = {"m": m, "t": t, "p": p, "salt": salt, "wrapped": wrapped}
        else:
            raise damaged("unknown kind %d" % kind)
    return data[:at], keys, data[at:]


def open_sealed(key, sealed, aad):
    if len(sealed) < 28:
        raise InvalidTag()
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad)


def read(text, data):
    header, keys, body = parse_header(data)
    data_key, opened_by = None, None
    code = recovery_code(text)
    if code is not None and RECOVERY in keys:
        key = keys[RECOVERY]
        try:
            data_key = open_sealed(hkdf_sha256(key["salt"], code, b"tessera recovery slot"),
                                   key["wrapped"], CONTEXT[RECOVERY])
            opened_by = "recovery"
        except InvalidTag:
            pass
    if data_key is None and PASSWORD in keys:
        key = keys[PASSWORD]
        try:
            data_key = open_sealed(argon2id(text, key["salt"], key["m"], key["t"], key["p"]),
                                   key["wrapped"], CONTEXT[PASSWORD])
            opened_by = "password"
        except InvalidTag:
            pass
    if data_key is None:
        raise Refused(2, "wrong password or recovery code")
    try:
        plaintext = open_sealed(data_key, body, header)
    except InvalidTag:
        raise damaged("the body does not open")
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except ValueError:
        raise damaged("the body is not JSON")
    if not isinstance(document, dict) or list(document) != ["accounts"]:
        raise damaged("the body's object")
    accounts = []
    for account in document["accounts"]:
        if not set(account) <= set(MEMBERS):
            raise damaged("an unknown member")
        secret = account.pop("secret")
        account["secret_hex"] = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
        for member in ("issuer", "label_issuer", "icon", "group"):
            account.setdefault(member, None)
        accounts.append(account)
    return {"opened_by": opened_by, "accounts": accounts}


def seal(key, plaintext, aad):
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def write(document, password, m, t, code):
    data_key = os.urandom(32)
    keys = []
    if password is not None:
        salt = os.urandom(SALT)
        params = b"argon2id;v=19;m=%d;t=%d;p=1;" % (m, t)
        wrapped = seal(argon2id(password, salt, m, t, 1), data_key, CONTEXT[PASSWORD])
        keys.append((PASSWORD, params + salt + wrapped))
    if code is not None:
        salt = os.urandom(SALT)
        code_bytes = recovery_code(code)
        if code_bytes is None:
            raise Refused(1, "not a recovery code")
        wrapped = seal(hkdf_sha256(salt, code_bytes, b"tessera recovery slot"), data_key,
                       CONTEXT[RECOVERY])
        keys.append((RECOVERY, salt + wrapped))
    header = MAGIC + struct.pack(">HB", VERSION, len(keys))
    for kind, body in keys:
        header += struct.pack(">BH", kind, len(body)) + body
    plaintext = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    plaintext += b" " * (-len(plaintext) % PADDING)
    return header + seal(data_key, plaintext, header)


def main(argv):
    if argv[:1] == ["read"] and len(argv) == 2:
        print(json.dumps(read(argv[1], sys.stdin.buffer.read())))
    elif argv[:1] == ["write"]:
        options = dict(zip(argv[1::2], argv[2::2]))
        password = options.get("--password")
        m, t = int(options.get("--m", "65536")), int(options.get("--t", "3"))
        document = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        sys.stdout.buffer.write(write(document, password, m, t, options.get("--recovery-code")))
    else:
        raise Refused(1, __doc__)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Refused as refused:
        print(refused, file=sys.stderr)
        sys.exit(refused.status)
