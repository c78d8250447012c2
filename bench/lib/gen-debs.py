#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# gen-debs.py OUT SOURCE COUNT PER: COUNT tiny .debs (ar + tar.gz written here:
# dpkg-deb takes ~10 ms a package) in OUT and one unsigned .changes
# (Distribution bench) per PER of them. PER 1: each package is its own source
# (OUT/PKG_1.0_amd64.changes); else of source SOURCE (OUT/SOURCE-NNNN_1.0_amd64.changes).
# For the benchmarks in bench/.
import hashlib, io, os, sys, tarfile, gzip
out, src, count, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(out, exist_ok=True)
def targz(members):
    bio = io.BytesIO()
    with gzip.GzipFile(fileobj=bio, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tf:
            for name, data in members:
                ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 0
                tf.addfile(ti, io.BytesIO(data))
    return bio.getvalue()
def ar(members):
    b = b"!<arch>\n"
    for name, data in members:
        b += b"%-16s%-12d%-6d%-6d%-8s%-10d`\n" % (name.encode(), 0, 0, 0, b"100644", len(data))
        b += data + (b"\n" if len(data) % 2 else b"")
    return b
files = []
for i in range(count):
    pkg = "%s-%05d" % (src, i)
    ctl = ("Package: %s\n%sVersion: 1.0\nArchitecture: amd64\n"
           "Maintainer: Bench <bench@example.invalid>\nInstalled-Size: 1\nSection: misc\n"
           "Priority: optional\nDescription: benchmark package %d\n generated.\n"
           % (pkg, "Source: %s\n" % src if per > 1 else "", i))
    deb = ar([("debian-binary", b"2.0\n"), ("control.tar.gz", targz([("./control", ctl.encode())])),
              ("data.tar.gz", targz([("./usr/share/doc/%s/x" % pkg, b"x\n")]))])
    name = "%s_1.0_amd64.deb" % pkg
    open(os.path.join(out, name), "wb").write(deb)
    files.append((pkg, name, deb))
for c in range(0, len(files), per):
    chunk = files[c:c + per]
    s = chunk[0][0] if per == 1 else src
    md5 = [" %s %d misc optional %s" % (hashlib.md5(d).hexdigest(), len(d), n) for _, n, d in chunk]
    sha1 = [" %s %d %s" % (hashlib.sha1(d).hexdigest(), len(d), n) for _, n, d in chunk]
    sha256 = [" %s %d %s" % (hashlib.sha256(d).hexdigest(), len(d), n) for _, n, d in chunk]
    ch = ("Format: 1.8\nDate: Thu, 01 Jan 2026 00:00:00 +0000\nSource: %s\nBinary: %s\n"
          "Architecture: amd64\nVersion: 1.0\nDistribution: bench\nUrgency: medium\n"
          "Maintainer: Bench <bench@example.invalid>\nDescription:\n %s - bench\n"
          "Changes:\n %s (1.0) bench; urgency=medium\n .\n   * bench\n"
          "Checksums-Sha1:\n%s\nChecksums-Sha256:\n%s\nFiles:\n%s\n"
          % (s, " ".join(p for p, _, _ in chunk), chunk[0][0], s,
             "\n".join(sha1), "\n".join(sha256), "\n".join(md5)))
    name = s if per == 1 else "%s-%04d" % (s, c // per)
    open(os.path.join(out, "%s_1.0_amd64.changes" % name), "w").write(ch)
