#!/usr/bin/env python3
"""Cut the embedded MNIST subset (assets/) from the full IDX files.

Usage: scripts/make-assets.py MNIST_DIR [ASSETS_DIR]
MNIST_DIR holds the four uncompressed IDX files (scripts/fetch-datasets.sh writes them).
Writes the first 10,000 training and 2,000 test images and labels as IDX .gz, with the
header counts rewritten; gzip mtime is 0 so the output is byte-reproducible.
"""
import gzip
import struct
import sys
from pathlib import Path

CUTS = {
    "train-images-idx3-ubyte": 10_000,
    "train-labels-idx1-ubyte": 10_000,
    "t10k-images-idx3-ubyte": 2_000,
    "t10k-labels-idx1-ubyte": 2_000,
}


def cut(data: bytes, count: int) -> bytes:
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim]))
    item = 1
    for d in dims[1:]:
        item *= d
    dims[0] = count
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * ndim, *dims)
    body_start = 4 + 4 * ndim
    return header + data[body_start : body_start + count * item]


def main() -> None:
    src = Path(sys.argv[1])
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "assets"
    dst.mkdir(parents=True, exist_ok=True)
    for name, count in CUTS.items():
        out = cut((src / name).read_bytes(), count)
        with open(dst / (name + ".gz"), "wb") as f:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
                gz.write(out)
        print(f"{dst / (name + '.gz')}: {count} items")


if __name__ == "__main__":
    main()
