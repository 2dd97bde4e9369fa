#!/usr/bin/env python3
"""Generate the QR-code benchmark corpus (pictures + manifest) deterministically.

Usage:
    python3 generate_corpus.py OUT_DIR [--per-class N] [--jobs J]

Writes N pictures (default 30) for each class below into OUT_DIR, named
``<class>_<index>.png`` (or ``.jpg``), plus ``OUT_DIR/manifest.jsonl`` with one
JSON object per picture::

    {"file": "blur_007.png", "class": "blur", "payload_hex": "6f7470...", "ec": "Q"}

``payload_hex`` is the hex of the exact bytes encoded (8-bit mode), ``ec`` the
error-correction level. The corpus itself is not committed: rerun this script.

Requirements (Debian 12): Python 3.11 stdlib, ``qrencode`` 4.1.1, ImageMagick 6
(``convert``). ``apt-get install -y qrencode imagemagick`` (add ``zbar-tools``
to cross-check with ``zbarimg -q --raw -Sbinary FILE``). The ``convert`` and
``qrencode`` binaries can be overridden with $CONVERT and $QRENCODE.

Payloads, cycled by picture index within a class (error-correction level
round-robin L, M, Q, H by the same index, so 12 pictures cover every mix):
  * otpauth:// links whose label/issuer contain non-ASCII text, percent-encoded
    (``Caf%C3%A9%20M%C3%BCller:zo%C3%AB@example.com``);
  * the same with raw UTF-8 (``otpauth://totp/東京銀行:山田?...``);
  * Google Authenticator export links ``otpauth-migration://offline?data=...``
    (hand-built MigrationPayload protobuf, 1-8 accounts, 100-600 chars).

Classes (every class but ``clean`` is meant to be hard; some pictures may be
unreadable by any decoder, but every distortion is one a phone camera or a
screenshot produces):
  clean          4-8 px modules, nothing else
  small_modules  2 px modules, or 3 px scaled to 2.0-2.7 px with smoothing
  rotation       2-5 px modules turned by any angle 5-355 degrees, white fill
  perspective    -distort Perspective, one side foreshortened by 5-25 %
  blur           gaussian blur sigma 0.6-2.0 at 4-6 px modules
  noise          gaussian noise (attenuate 0.5-2.5) on a grey-levelled code
  jpeg           2-5 px modules, often scaled down (modules stay >= 2 px),
                 JPEG quality 5-20 (a screenshot sent through a messenger)
  low_contrast   dark modules grey 90-150 on a background 25-60 levels lighter, plus
                 faint sensor noise (sigma 2-6 grey levels)
  uneven_light   multiplied by a linear/radial gradient or a soft shadow
                 (3-20 % light in the dark corner), faint sensor noise
  inverted       light modules on black or dark grey (dark-mode screenshot),
                 half of them saved as JPEG quality 20-60
  frame_1080p    1920x1080 cluttered scene, code 8-40 % of the height (2-8 px modules),
                 sometimes rotated up to 10 degrees, sometimes a decoy nearby
  screen_photo   1280x960 photo of a monitor, code 2-5 px modules, 25-60 %
                 of the screen height: mild perspective (2-8 %), blur sigma
                 0.5-1.2, noise, JPEG quality 60-80

Determinism: picture i of class c uses ``random.Random(seed)`` with
``seed = BASE_SEED + 10000 * class_number + i`` for every parameter (payload
included) and passes the same seed to ImageMagick (``-seed``) for its random
operators (+noise). PNG date/time chunks are left out, so a rerun with the
same tool versions and fonts gives byte-identical files. Rerunning overwrites
the corpus and removes pictures of ours that the new run does not make.
"""

import argparse
import base64
import json
import math
import os
import re
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from random import Random

BASE_SEED = 20_240_611
EC_LEVELS = "LMQH"
CONVERT = os.environ.get("CONVERT", "convert")
QRENCODE = os.environ.get("QRENCODE", "qrencode")
# The clutter's text is drawn with a named font file (Debian's fonts-dejavu-core, which the test
# command installs), not a font name: ImageMagick installed without its recommended packages has
# no font behind a name such as "helvetica", and the corpus must not depend on what happens to be
# installed.
FONT = os.environ.get("QR_CORPUS_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# One thread per ImageMagick call: we run several in parallel ourselves.
TOOL_ENV = dict(os.environ, MAGICK_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
GREY_PNG = ["-colorspace", "Gray", "-depth", "8",
            "-define", "png:color-type=0", "-define", "png:bit-depth=8"]
RGB_PNG = ["-type", "TrueColor", "-depth", "8", "-define", "png:color-type=2"]
PNG_STABLE = ["-strip", "-define", "png:exclude-chunks=date,time"]

# --------------------------------------------------------------------------
# Payloads
# --------------------------------------------------------------------------

ISSUERS = [
    "Café Müller", "東京銀行", "Zoë", "GitHub", "ACME Corp", "Société Générale",
    "Ωmega Bank", "Banco Ñandú", "Москва Банк", "İş Bankası", "北京云",
    "한국은행", "Straße & Co", "Crédit Agricole", "Łódź Online", "Ærø Færge",
    "Dvořák Audio", "🔐 Vault", "Example", "Ελληνική Τράπεζα",
]
ACCOUNTS = [
    "zoë@example.com", "山田", "😀@x.nl", "alice@example.com",
    "françois.dupont@exemple.fr", "jürgen@beispiel.de", "ivan@пример.рф",
    "josé+2fa@example.es", "søren@eksempel.dk", "李小龙", "김민준", "admin",
    "Ελένη", "user 42", "ołówek@poczta.pl", "bob",
]
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
MIGRATION_PREFIX = "otpauth-migration://offline?data="


def pct(text):
    """Percent-encode everything but unreserved ASCII and '@'."""
    return urllib.parse.quote(text, safe="@")


def raw_utf8(text):
    """Like pct() but keep non-ASCII characters as raw UTF-8."""
    return "".join(c if ord(c) > 127 else pct(c) for c in text)


def otpauth_link(rng, encode):
    """An otpauth:// link with a random label, base32 secret and parameters."""
    issuer, account = rng.choice(ISSUERS), rng.choice(ACCOUNTS)
    kind = "hotp" if rng.random() < 0.1 else "totp"
    label = encode(account)
    if rng.random() < 0.8:
        label = encode(issuer) + ":" + label
    params = [("secret", "".join(rng.choice(BASE32) for _ in range(rng.randint(16, 52))))]
    if rng.random() < 0.85:
        params.append(("issuer", encode(issuer)))
    if rng.random() < 0.3:
        params.append(("algorithm", rng.choice(["SHA1", "SHA256", "SHA512"])))
    if rng.random() < 0.3:
        params.append(("digits", rng.choice(["6", "8"])))
    if kind == "hotp":
        params.append(("counter", str(rng.randint(0, 10**6))))
    elif rng.random() < 0.3:
        params.append(("period", rng.choice(["30", "60"])))
    rng.shuffle(params)
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"otpauth://{kind}/{label}?{query}".encode("utf-8")


def varint(n):
    """Protobuf varint; negative int32/int64 as 10-byte two's complement."""
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_varint(field, value):
    return varint(field << 3) + varint(value)


def pb_bytes(field, data):
    return varint(field << 3 | 2) + varint(len(data)) + data


def otp_parameters(rng):
    """One MigrationPayload.OtpParameters message."""
    issuer, account = rng.choice(ISSUERS), rng.choice(ACCOUNTS)
    name = account if rng.random() < 0.5 else f"{issuer}:{account}"
    hotp = rng.random() < 0.15
    msg = pb_bytes(1, rng.randbytes(rng.choice([10, 20])))
    msg += pb_bytes(2, name.encode("utf-8"))
    if rng.random() < 0.8:
        msg += pb_bytes(3, issuer.encode("utf-8"))
    msg += pb_varint(4, 1 if rng.random() < 0.85 else 2)  # SHA1, sometimes SHA256
    msg += pb_varint(5, 1 if rng.random() < 0.85 else 2)  # six, sometimes eight
    msg += pb_varint(6, 1 if hotp else 2)                  # HOTP / TOTP
    if hotp:
        msg += pb_varint(7, rng.randint(1, 10**6))
    return msg


def migration_link(rng):
    """A Google Authenticator export link of 100-600 characters."""
    accounts = [otp_parameters(rng) for _ in range(rng.randint(1, 8))]
    batch_size = rng.choice([1, 1, 1, 2, 3])
    batch_index = rng.randrange(batch_size)
    batch_id = rng.randint(-2**31, 2**31 - 1)

    def link():
        body = b"".join(pb_bytes(1, a) for a in accounts)
        body += pb_varint(2, 1) + pb_varint(3, batch_size)
        if batch_index:  # proto3 leaves zero fields out
            body += pb_varint(4, batch_index)
        body += pb_varint(5, batch_id)
        data = urllib.parse.quote(base64.b64encode(body).decode("ascii"), safe="")
        return (MIGRATION_PREFIX + data).encode("ascii")

    while len(link()) > 600 and len(accounts) > 1:
        accounts.pop()
    while len(link()) < 100:
        accounts.append(otp_parameters(rng))
    if len(link()) > 600:  # a big account tipped it over: rebuild from scratch
        return migration_link(rng)
    return link()


def make_payload(rng, index):
    kind = index % 3
    if kind == 0:
        return otpauth_link(rng, pct)
    if kind == 1:
        return otpauth_link(rng, raw_utf8)
    return migration_link(rng)


# --------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------


def qr_png(payload, ec, module_px):
    """PNG bytes of the code (8-bit mode, 4-module quiet zone), via stdin."""
    cmd = [QRENCODE, "-8", "-l", ec, "-s", str(module_px), "-m", "4", "-o", "-"]
    return subprocess.run(cmd, input=payload, stdout=subprocess.PIPE,
                          check=True, env=TOOL_ENV).stdout


def png_size(png):
    """(width, height) from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def magick(seed, args, png, out):
    """convert -seed SEED png:- ARGS... OUT, the code PNG on stdin."""
    fmt = "jpeg:" if out.endswith(".jpg") else "png:"
    cmd = [CONVERT, "-seed", str(seed)] + args + PNG_STABLE + [fmt + out]
    subprocess.run(cmd, input=png, check=True, env=TOOL_ENV)


def grey(level):
    """An ImageMagick grey colour from 0-255."""
    return f"gray({level * 100 / 255:.2f}%)"


def fit_module_px(rng, payload, ec, lo, hi, target_px):
    """Module size in [lo, hi] closest to making the code ~target_px tall."""
    modules = png_size(qr_png(payload, ec, 1))[0]
    best = min(max(round(target_px / modules), lo), hi)
    return best if rng.random() < 0.7 else min(max(best + rng.choice([-1, 1]), lo), hi)


# --------------------------------------------------------------------------
# Classes: each returns (convert args reading png:- from stdin, extension)
# --------------------------------------------------------------------------


def cls_clean(rng, payload, ec):
    return qr_png(payload, ec, rng.randint(4, 8)), ["png:-"] + GREY_PNG, "png"


def cls_small_modules(rng, payload, ec):
    # Half exactly 2 px; half a 3 px code scaled down to 2.0-2.7 px modules with smoothing, as
    # a screenshot taken on a high-density screen and scaled for sharing.
    if rng.random() < 0.5:
        return qr_png(payload, ec, 2), ["png:-"] + GREY_PNG, "png"
    args = ["png:-", "-colorspace", "Gray", "-filter", "Triangle",
            "-resize", f"{rng.uniform(67, 90):.1f}%"]
    return qr_png(payload, ec, 3), args + GREY_PNG, "png"


def cls_rotation(rng, payload, ec):
    angle = rng.uniform(5, 355)
    args = ["png:-", "-background", "white", "-rotate", f"{angle:.2f}"]
    return qr_png(payload, ec, rng.randint(2, 5)), args + GREY_PNG, "png"


def perspective_corners(rng, w, h, frac, jitter):
    """Corner pairs for -distort Perspective: one side shrunk by frac, all
    corners jittered inwards by up to jitter (fractions of the size)."""
    src = [(0, 0), (w, 0), (w, h), (0, h)]          # TL, TR, BR, BL
    inward = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
    dst = [[x + ix * rng.uniform(0, jitter) * w, y + iy * rng.uniform(0, jitter) * h]
           for (x, y), (ix, iy) in zip(src, inward)]
    far = rng.randrange(4)                           # top, right, bottom, left
    for corner in (far, (far + 1) % 4):
        axis = 0 if far in (0, 2) else 1             # shrink along the side
        dst[corner][axis] += inward[corner][axis] * frac * (w if axis == 0 else h)
    return " ".join(f"{sx},{sy} {dx:.1f},{dy:.1f}" for (sx, sy), (dx, dy) in zip(src, dst))


def cls_perspective(rng, payload, ec):
    png = qr_png(payload, ec, rng.randint(4, 7))
    w, h = png_size(png)
    frac = rng.uniform(0.05, 0.25)
    corners = perspective_corners(rng, w, h, frac, frac / 3)
    args = ["png:-", "-virtual-pixel", "white", "-distort", "Perspective", corners]
    return png, args + GREY_PNG, "png"


def cls_blur(rng, payload, ec):
    sigma = rng.uniform(0.6, 2.0)
    args = ["png:-", "-gaussian-blur", f"0x{sigma:.2f}"]
    return qr_png(payload, ec, rng.randint(4, 6)), args + GREY_PNG, "png"


def cls_noise(rng, payload, ec):
    dark, light = rng.randint(20, 60), rng.randint(180, 235)
    # attenuate 1 is a noise sigma of ~20 grey levels; skewed towards the low end
    attenuate = 0.5 + 2.0 * rng.random() ** 2
    args = ["png:-", "-colorspace", "Gray", "+level", f"{dark / 2.55:.1f}%,{light / 2.55:.1f}%",
            "-attenuate", f"{attenuate:.2f}", "+noise", "Gaussian"]
    return qr_png(payload, ec, rng.randint(3, 6)), args + GREY_PNG, "png"


def cls_jpeg(rng, payload, ec):
    # A screenshot passed through a messenger: scaled (modules stay at least 2 px) and
    # recompressed hard.
    px = rng.randint(2, 5)
    args = ["png:-", "-colorspace", "Gray"]
    if px >= 3 and rng.random() < 0.6:
        args += ["-resize", f"{rng.uniform(200 / px, 100):.1f}%"]
    args += ["-quality", str(rng.randint(5, 20))]
    return qr_png(payload, ec, px), args, "jpg"


def cls_low_contrast(rng, payload, ec):
    dark = rng.randint(90, 150)
    light = dark + rng.randint(25, 60)
    # plus the faint sensor noise of a photo (sigma 2-6 grey levels)
    args = ["png:-", "-colorspace", "Gray",
            "+level", f"{dark / 2.55:.2f}%,{light / 2.55:.2f}%",
            "-attenuate", f"{rng.uniform(0.1, 0.3):.2f}", "+noise", "Gaussian"]
    return qr_png(payload, ec, rng.randint(3, 6)), args + GREY_PNG, "png"


def light_layer(rng, w, h):
    """A multiplicative light map: white where lit, down to 6-30 % in shade."""
    shade = grey(round(rng.uniform(0.03, 0.20) * 255))
    style = rng.choice(["linear", "radial", "shadow"])
    if style == "linear":  # dark towards a corner, +-20 degrees
        angle = rng.choice([45, 135, 225, 315]) + rng.uniform(-20, 20)
        return ["-size", f"{w}x{h}", "-define", f"gradient:angle={angle:.1f}",
                f"gradient:white-{shade}"]
    if style == "radial":  # lamp near one corner, the opposite corner dark
        cx, cy = rng.choice([0, w]), rng.choice([0, h])
        radius = math.hypot(w, h) * rng.uniform(0.8, 1.1)
        return ["-size", f"{w}x{h}", "-define", f"gradient:center={cx},{cy}",
                "-define", f"gradient:radii={radius:.0f},{radius:.0f}",
                f"radial-gradient:white-{shade}"]
    # a soft-edged shadow (hand, phone) over one corner
    x, y = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    corner = rng.randrange(4)
    xs = [x, w * 2, w * 2, x] if corner in (1, 2) else [-w, x, x, -w]
    ys = [-h, -h, y, y] if corner in (0, 1) else [y, y, h * 2, h * 2]
    xs = [xx + (rng.uniform(-0.2, 0.2) * w if i % 2 else 0) for i, xx in enumerate(xs)]
    poly = " ".join(f"{a:.0f},{b:.0f}" for a, b in zip(xs, ys))
    soft = rng.uniform(0.02, 0.08) * w
    return ["-size", f"{w}x{h}", "xc:white", "-fill", shade,
            "-draw", f"polygon {poly}", "-blur", f"0x{soft:.1f}"]


def cls_uneven_light(rng, payload, ec):
    png = qr_png(payload, ec, rng.randint(4, 6))
    w, h = png_size(png)
    args = ["png:-", "-colorspace", "Gray", "+level", "4%,94%",
            "(", *light_layer(rng, w, h), "-colorspace", "Gray", ")",
            "-compose", "Multiply", "-composite",
            "-attenuate", f"{rng.uniform(0.1, 0.2):.2f}", "+noise", "Gaussian"]
    return png, args + GREY_PNG, "png"


def cls_inverted(rng, payload, ec):
    # A dark-mode screenshot: light modules on black or dark grey, often shared as a JPEG.
    dark = 0 if rng.random() < 0.4 else rng.randint(18, 60)
    light = rng.randint(150, 255)
    args = ["png:-", "-negate", "+level", f"{dark / 2.55:.2f}%,{light / 2.55:.2f}%"]
    if rng.random() < 0.5:
        return qr_png(payload, ec, rng.randint(2, 5)), args + ["-quality", str(rng.randint(20, 60))], "jpg"
    return qr_png(payload, ec, rng.randint(2, 7)), args + GREY_PNG, "png"


# ---- cluttered scenes -----------------------------------------------------

WORDS = ["Invoice", "Total", "Login", "Settings", "Scan me", "Account", "2FA",
         "Backup", "Next", "Cancel", "Welcome back", "Order #4711", "Help",
         "Security", "Verify", "Password", "Sign in", "Menu", "12:45", "OK"]


def rgb(rng, lo=0, hi=255):
    return "rgb({},{},{})".format(*(rng.randint(lo, hi) for _ in range(3)))


def clutter(rng, w, h, count, colour=lambda r: rgb(r)):
    """-draw arguments for random rectangles, circles, lines and text."""
    args = []
    for _ in range(count):
        x, y = rng.randint(-w // 10, w), rng.randint(-h // 10, h)
        kind = rng.choice(["rect", "rect", "circle", "line", "text", "text"])
        if kind == "rect":
            x2, y2 = x + rng.randint(20, w // 3), y + rng.randint(20, h // 3)
            shape = f"rectangle {x},{y} {x2},{y2}"
            args += ["-draw", f"fill {colour(rng)} stroke none {shape}"]
        elif kind == "circle":
            shape = f"circle {x},{y} {x + rng.randint(8, h // 6)},{y}"
            args += ["-draw", f"fill {colour(rng)} stroke none {shape}"]
        elif kind == "line":
            x2, y2 = x + rng.randint(-w // 3, w // 3), y + rng.randint(-h // 3, h // 3)
            args += ["-draw", f"stroke {colour(rng)} stroke-width {rng.randint(1, 6)} "
                              f"fill none line {x},{y} {x2},{y2}"]
        else:
            args += ["-draw", f"fill {colour(rng)} stroke none font '{FONT}' font-size {rng.randint(14, 60)} "
                              f"text {x},{y} '{rng.choice(WORDS)}'"]
    return args


def decoy(rng, x, y, size):
    """-draw arguments for a small non-QR thing: a random module grid, a 1D
    barcode, or a concentric-squares icon that looks like a finder pattern."""
    kind = rng.choice(["grid", "barcode", "squares"])
    draws = []
    if kind == "grid":
        n = rng.randint(10, 18)
        cell = max(size // n, 2)
        cells = [f"rectangle {x + c * cell},{y + r * cell} {x + c * cell + cell - 1},"
                 f"{y + r * cell + cell - 1}"
                 for r in range(n) for c in range(n)
                 if c == 0 or r == n - 1 or (r == 0 and c % 2 == 0) or
                 (c == n - 1 and r % 2 == 0) or rng.random() < 0.45]
        draws.append(f"fill white rectangle {x - cell},{y - cell} {x + (n + 1) * cell},"
                     f"{y + (n + 1) * cell}")
        draws.append("fill black " + " ".join(cells))
    elif kind == "barcode":
        h = size // 2
        draws.append(f"fill white rectangle {x - 10},{y - 10} {x + size + 10},{y + h + 10}")
        bx, bars = x, []
        while bx < x + size:
            bw = rng.randint(1, 4) * 2
            bars.append(f"rectangle {bx},{y} {bx + bw - 1},{y + h}")
            bx += bw + rng.randint(1, 4) * 2
        draws.append("fill black " + " ".join(bars))
    else:
        s = size // 7
        for i, colour in enumerate(["black", "white", "black"]):
            a, b = x + i * s, x + (7 - i) * s
            c, d = y + i * s, y + (7 - i) * s
            draws.append(f"fill {colour} rectangle {a},{c} {b - 1},{d - 1}")
    return [arg for d in draws for arg in ("-draw", d)]


def overlaps(a, b, margin=20):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return not (ax + aw + margin < bx or bx + bw + margin < ax or
                ay + ah + margin < by or by + bh + margin < ay)


def cls_frame_1080p(rng, payload, ec):
    W, H = 1920, 1080
    px = fit_module_px(rng, payload, ec, 2, 8, rng.uniform(0.08, 0.40) * H)
    png = qr_png(payload, ec, px)
    w, h = png_size(png)
    angle = rng.uniform(-10, 10) if rng.random() < 0.5 else 0.0
    rad = math.radians(abs(angle))
    rw = int(w * math.cos(rad) + h * math.sin(rad)) + 2
    rh = int(h * math.cos(rad) + w * math.sin(rad)) + 2
    qx, qy = rng.randint(0, max(W - rw, 0)), rng.randint(0, max(H - rh, 0))
    args = ["-size", f"{W}x{H}", f"xc:{rgb(rng, 60, 230)}"]
    args += clutter(rng, W, H, rng.randint(40, 90))
    if rng.random() < 0.5:
        size = rng.randint(h // 4, h // 2)
        for _ in range(20):
            dx, dy = rng.randint(0, W - size - 20), rng.randint(0, H - size - 20)
            if not overlaps((dx, dy, size, size), (qx, qy, rw, rh)):
                args += decoy(rng, dx, dy, size)
                break
    args += ["(", "png:-", "-alpha", "set", "-background", "none"]
    if angle:
        args += ["-rotate", f"{angle:.2f}"]
    args += [")", "-geometry", f"+{qx}+{qy}", "-compose", "Over", "-composite",
             "-alpha", "off"]
    if rng.random() < 0.5:
        return png, args + RGB_PNG, "png"
    return png, args + ["-quality", "85"], "jpg"


def cls_screen_photo(rng, payload, ec):
    W, H = 1280, 960
    # the monitor: bezel and screen, within a grey desk scene
    mx0, my0 = rng.randint(40, 200), rng.randint(30, 150)
    mx1, my1 = W - rng.randint(40, 200), H - rng.randint(30, 150)
    bezel = rng.randint(14, 40)
    sx0, sy0, sx1, sy1 = mx0 + bezel, my0 + bezel, mx1 - bezel, my1 - bezel
    sh = sy1 - sy0
    px = fit_module_px(rng, payload, ec, 2, 5, rng.uniform(0.25, 0.6) * sh)
    png = qr_png(payload, ec, px)
    w, h = png_size(png)
    title = rng.randint(20, 40)
    qx = rng.randint(sx0, max(sx0, sx1 - w))
    qy = rng.randint(sy0 + title, max(sy0 + title, sy1 - h))
    screen = "rgb({},{},{})".format(rng.randint(215, 240), rng.randint(220, 245),
                                    rng.randint(230, 255))
    args = ["-size", f"{W}x{H}", f"xc:{grey(rng.randint(70, 170))}"]
    args += clutter(rng, W, H, rng.randint(10, 30), lambda r: grey(r.randint(30, 220)))
    args += ["-draw", f"fill {grey(rng.randint(10, 40))} roundrectangle "
                      f"{mx0},{my0} {mx1},{my1} 12,12",
             "-draw", f"fill {screen} rectangle {sx0},{sy0} {sx1},{sy1}"]
    args += ["-draw", f"fill {grey(rng.randint(60, 120))} rectangle "
                      f"{sx0},{sy0} {sx1},{sy0 + title}"]  # a title bar
    args += ["(", "png:-", "+level-colors",
             f"{grey(rng.randint(10, 40))},{screen}", ")",
             "-geometry", f"+{qx}+{qy}", "-compose", "Over", "-composite"]
    frac = rng.uniform(0.02, 0.08)
    args += ["-virtual-pixel", "edge", "-distort", "Perspective",
             perspective_corners(rng, W, H, frac, frac / 2),
             "-gaussian-blur", f"0x{rng.uniform(0.5, 1.2):.2f}",
             "-attenuate", f"{rng.uniform(0.2, 0.8):.2f}", "+noise", "Gaussian",
             "-quality", str(rng.randint(60, 80))]
    return png, args, "jpg"


CLASSES = {
    "clean": cls_clean,
    "small_modules": cls_small_modules,
    "rotation": cls_rotation,
    "perspective": cls_perspective,
    "blur": cls_blur,
    "noise": cls_noise,
    "jpeg": cls_jpeg,
    "low_contrast": cls_low_contrast,
    "uneven_light": cls_uneven_light,
    "inverted": cls_inverted,
    "frame_1080p": cls_frame_1080p,
    "screen_photo": cls_screen_photo,
}

# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def make_picture(out_dir, class_number, name, index):
    """Render one picture; return its manifest entry."""
    seed = BASE_SEED + 10_000 * class_number + index
    rng = Random(seed)
    payload = make_payload(rng, index)
    ec = EC_LEVELS[index % 4]
    png, args, ext = CLASSES[name](rng, payload, ec)
    file = f"{name}_{index:03d}.{ext}"
    magick(seed, args, png, os.path.join(out_dir, file))
    return {"file": file, "class": name, "payload_hex": payload.hex(), "ec": ec}


def remove_stale(out_dir, keep):
    """Delete pictures of ours (by name) that this run did not make."""
    ours = re.compile(r"^(%s)_\d{3,}\.(png|jpg)$" % "|".join(CLASSES))
    for entry in os.listdir(out_dir):
        if ours.match(entry) and entry not in keep:
            os.remove(os.path.join(out_dir, entry))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--per-class", type=int, default=30, metavar="N")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="parallel ImageMagick processes (default: CPU count)")
    opts = parser.parse_args()
    if not 1 <= opts.per_class < 10_000:
        parser.error("--per-class must be between 1 and 9999")

    if not os.path.isfile(FONT):
        parser.error(f"the font file {FONT} is missing: install fonts-dejavu-core "
                     "or set QR_CORPUS_FONT to another font file")

    start = time.monotonic()
    os.makedirs(opts.out_dir, exist_ok=True)
    jobs = [(opts.out_dir, number, name, index)
            for number, name in enumerate(CLASSES)
            for index in range(opts.per_class)]
    with ThreadPoolExecutor(max_workers=max(opts.jobs, 1)) as pool:
        entries = list(pool.map(lambda job: make_picture(*job), jobs))

    manifest = os.path.join(opts.out_dir, "manifest.jsonl")
    with open(manifest + ".tmp", "w", encoding="utf-8") as f:
        for entry in entries:
            f.write(json.dumps(entry) + "\n")
    os.replace(manifest + ".tmp", manifest)
    remove_stale(opts.out_dir, {e["file"] for e in entries})

    print(f"made {len(entries)} pictures ({len(CLASSES)} classes x {opts.per_class}) "
          f"in {opts.out_dir} in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
