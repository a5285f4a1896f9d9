"""Time of the photo pipeline on a 12-megapixel phone-sized JPEG, with and without ``Image.draft``.

Decode, EXIF orientation, resize to 1600 px, 400 px thumbnail, BlurHash and re-encode, as an
upload does; the baseline decodes at full size, the app's path lets libjpeg decode at reduced
scale. Prints the median of several runs of each and their ratio, measured in the same run.

    .venv/bin/python bench/images.py [--runs 7]
"""

import argparse
import io
import statistics
import time

from PIL import Image, ImageFilter

from friender.photos.images import process_image

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 40_000_000}


def phone_photo():
    """4032×3024 with smooth gradients and fine detail, JPEG quality 90 (a few MB, like a phone's)."""
    gradient = Image.linear_gradient("L").resize((4032, 3024))
    noise = Image.effect_noise((4032, 3024), 40).filter(ImageFilter.GaussianBlur(1))
    image = Image.merge("RGB", (gradient, noise, gradient.rotate(180)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def measure(data, runs, draft):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        process_image(data, draft=draft, **LIMITS)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def decoded_size(data):
    """What libjpeg decodes once the app has asked for a draft of at least 1600 px."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (1600, 1200))
    return image.size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    data = phone_photo()
    process_image(data, **LIMITS)  # warm up
    full_ms = measure(data, args.runs, draft=False)
    draft_ms = measure(data, args.runs, draft=True)
    width, height = decoded_size(data)

    print(f"input: 4032x3024 JPEG, {len(data) / 1e6:.1f} MB; median of {args.runs} runs")
    full_mb, draft_mb = 4032 * 3024 * 3 / 1e6, width * height * 3 / 1e6
    print(f"full-size decode (baseline): {full_ms:7.1f} ms  (decodes 4032x3024, {full_mb:.0f} MB of RGB)")
    print(f"Image.draft decode (app):    {draft_ms:7.1f} ms  (decodes {width}x{height}, {draft_mb:.0f} MB of RGB)")
    print(f"ratio baseline/app: {full_ms / draft_ms:.2f}x")


if __name__ == "__main__":
    main()
