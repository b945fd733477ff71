"""Benchmark of a photo's normalisation (issue 14, item 5): a 12 MP camera JPEG turned upright,
shrunk to 1600 px, re-encoded without metadata (`agent_app.services.attachments.normalise`).

Run:  .venv/bin/python tests/bench/bench_photos.py [--runs 10]

The input is a synthetic 4000 x 3000 photo (noise on gradients, so that JPEG cannot compress it
to nothing: about 4-6 MB like a phone's), with EXIF orientation 6. Prints
`photo input_mb=... output_kb=... median_ms=... worst_ms=...`.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from agent_app.services import attachments


def camera_photo() -> bytes:
    noise = Image.effect_noise((4000, 3000), 64).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    image = Image.blend(noise, gradient, 0.5)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    data = camera_photo()
    times, out = [], b""
    for _ in range(args.runs):
        start = time.perf_counter()
        out = attachments.normalise(data)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"photo input_mb={len(data) / 1e6:.1f} output_kb={len(out) / 1e3:.0f} "
        f"median_ms={statistics.median(times):.0f} worst_ms={max(times):.0f}"
    )


if __name__ == "__main__":
    main()
