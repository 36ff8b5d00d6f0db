#!/usr/bin/env python3
"""Regenerate the deliberately broken streams in testdata/broken/ from the
golden streams in testdata/golden/.  Needs xxhsum (Debian package xxhash)
to recompute checksums where a break must get past them.  The files are
committed; tests never run this script.

    python3 testdata/make-broken.py build/ferry-cat
"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.join(HERE, "golden")
OUT = os.path.join(HERE, "broken")
FH = 28  # frame header size


def xxh3(data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["xxhsum", "-H3", f.name], check=True,
                             capture_output=True, text=True).stdout
    return int(out.split("=")[1].strip(), 16)


def frames(data):
    """(offset, kind, flags, stored_len, raw_len, count) of each frame."""
    off = 16
    res = []
    while off < len(data):
        kind, flags, _, stored, raw, count = struct.unpack_from(
            "<BBHIII", data, off)
        res.append((off, kind, flags, stored, raw, count))
        off += FH + stored
    return res


def reseal(data, off):
    """Recompute the payload checksum (uncompressed frames) and header check
    of the frame at off."""
    b = bytearray(data)
    kind, flags, _, stored, raw, count = struct.unpack_from("<BBHIII", b, off)
    assert not flags & 2, "reseal works on uncompressed frames"
    payload = bytes(b[off + FH:off + FH + stored])
    struct.pack_into("<Q", b, off + 16, xxh3(payload))
    struct.pack_into("<I", b, off + 24, xxh3(bytes(b[off:off + 24])) & 0xffffffff)
    return bytes(b)


def frame_header(kind, flags, payload):
    h = struct.pack("<BBHIIIQ", kind, flags, 0, len(payload), len(payload), 0,
                    xxh3(payload))
    return h + struct.pack("<I", xxh3(h) & 0xffffffff)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    cat = sys.argv[1] if len(sys.argv) > 1 else "build/ferry-cat"
    os.makedirs(OUT, exist_ok=True)
    stored = open(os.path.join(GOLD, "chat-stored.ferry"), "rb").read()
    packed = open(os.path.join(GOLD, "messages-zstd.ferry"), "rb").read()
    fr = frames(stored)
    zfr = frames(packed)
    rows = [f for f in fr if f[1] == 2]
    zrows = [f for f in zfr if f[1] == 2 and f[2] & 2]

    write("empty.ferry", b"")
    write("garbage.ferry", b"id,body\n1,hello\n")
    write("version-2.ferry", stored[:10] + b"\x02" + stored[11:])
    write("version-3.ferry", stored[:10] + b"\x03" + stored[11:])
    # text-mode conversion: every LF becomes CR LF
    write("crlf.ferry", stored.replace(b"\n", b"\r\n"))
    # cut in the middle of the payload of the messages batch
    off = rows[2][0]
    write("truncated-batch.ferry", stored[:off + FH + rows[2][3] // 2])
    # cut inside a frame header
    write("truncated-header.ferry", stored[:off + 10])
    # everything but the stream-end frame
    last = fr[-1]
    assert last[1] == 4
    write("no-stream-end.ferry", stored[:last[0]])
    # one flipped byte in the middle of a compressed payload
    off, _, _, st, _, _ = zrows[1]
    b = bytearray(packed)
    b[off + FH + st // 2] ^= 0x01
    write("flipped-zstd-payload.ferry", bytes(b))
    # one flipped byte in an uncompressed payload
    off, _, _, st, _, _ = rows[0]
    b = bytearray(stored)
    b[off + FH + st // 2] ^= 0x20
    write("flipped-payload.ferry", bytes(b))
    # one flipped byte in a frame header (the row count)
    b = bytearray(stored)
    b[rows[1][0] + 12] ^= 0x01
    write("flipped-header.ferry", bytes(b))
    # a value changed and the batch resealed: only the digest can tell
    off, _, _, st, _, _ = rows[0]
    b = bytearray(stored)
    i = b.index(b"alice", off + FH)
    b[i] = ord("A")
    write("digest-mismatch.ferry", reseal(bytes(b), off))
    # the table-end frame of users claims one row more, resealed
    tend = [f for f in fr if f[1] == 3][0]
    b = bytearray(stored)
    n = struct.unpack_from("<Q", b, tend[0] + FH)[0]
    struct.pack_into("<Q", b, tend[0] + FH, n + 1)
    write("count-mismatch.ferry", reseal(bytes(b), tend[0]))
    # an unknown frame kind without the skippable flag, before the stream end
    junk = b"future frame payload"
    write("unknown-frame.ferry",
          stored[:last[0]] + frame_header(0x70, 0, junk) + junk + stored[last[0]:])
    # the same frame marked skippable: a good stream (stream-end counts it)
    good = stored[:last[0]] + frame_header(0x70, 1, junk) + junk
    endp = bytearray(stored[last[0] + FH:])
    struct.pack_into("<Q", endp, 16, struct.unpack_from("<Q", endp, 16)[0] + 1)
    end = frame_header(4, 0, bytes(endp)) + bytes(endp)
    with open(os.path.join(GOLD, "skippable-frame.ferry"), "wb") as f:
        f.write(good + end)
    # a frame header that claims a payload past the 64 MiB limit
    b = bytearray(stored)
    off = rows[0][0]
    struct.pack_into("<II", b, off + 4, 80 << 20, 80 << 20)
    struct.pack_into("<I", b, off + 24, xxh3(bytes(b[off:off + 24])) & 0xffffffff)
    write("frame-too-large.ferry", bytes(b))
    # good stream followed by junk
    write("trailing-garbage.ferry", stored + b"junk\n")
    # a zstd-compressed stream file
    z = subprocess.run(["zstd", "-q", "-c"], input=stored, check=True,
                       capture_output=True).stdout
    write("zstd-file.ferry", z)
    subprocess.run([cat, "--check", "-q",
                    os.path.join(GOLD, "skippable-frame.ferry")], check=True)


if __name__ == "__main__":
    main()
