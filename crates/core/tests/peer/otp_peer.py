"""An independent one-time-code implementation, used as a second peer where oathtool has no
option: HOTP over SHA256/SHA512, 9 and 10 digits, and Steam Guard.

Reads one JSON case per line on stdin ({"key": hex, "algorithm": "SHA1", "counter": n,
"digits": n, "steam": bool}) and prints one code per line.
"""
import hashlib
import hmac
import json
import struct
import sys

STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"


def code(case):
    digest = hmac.new(
        bytes.fromhex(case["key"]),
        struct.pack(">Q", case["counter"]),
        getattr(hashlib, case["algorithm"].lower()),
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    if case.get("steam"):
        chars = []
        for _ in range(5):
            chars.append(STEAM_ALPHABET[value % 26])
            value //= 26
        return "".join(chars)
    return str(value % 10 ** case["digits"]).zfill(case["digits"])


for line in sys.stdin:
    if line.strip():
        print(code(json.loads(line)))
