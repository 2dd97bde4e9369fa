"""An independent one-time-code implementation, used as a second peer where oathtool has no
option: HOTP over SHA256/SHA512, 9 and 10 digits, and Steam Guard.

Reads one JSON case per line on stdin: {"key": hex, "algorithm": "SHA1", "digits": n,
"steam": bool} with either "counter": n (HOTP) or "time": unix_seconds and "period": seconds
(TOTP and Steam, whose counter is worked out here, RFC 6238 section 4.2). Prints one line per
case: the code, a space, and the counter it was computed for.
"""
import hashlib
import hmac
import json
import struct
import sys

STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"


def counter_of(case):
    if "counter" in case:
        return case["counter"]
    # T = floor((Current Unix time - T0) / X), with T0 = 0.
    return case["time"] // case["period"]


def code(case, counter):
    digest = hmac.new(
        bytes.fromhex(case["key"]),
        struct.pack(">Q", counter),
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
        case = json.loads(line)
        counter = counter_of(case)
        print(code(case, counter), counter)
