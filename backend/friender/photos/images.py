"""The image pipeline: untrusted bytes in, a clean upright JPEG, its thumbnail and a BlurHash out.

Order matters for safety: the size is checked before anything is parsed, the real type is
read from the magic bytes (never the name or the declared type), and the pixel count from
the header before a single pixel is decoded, so neither a huge file nor a decompression bomb
costs memory. JPEGs are decoded at a reduced scale (``Image.draft``) when the target is smaller.
Re-encoding writes no metadata at all: colours described by an ICC profile are converted to
sRGB, then EXIF (GPS included), XMP, ICC, comments (JPEG COM, PNG text) and every APPn segment
but the plain JFIF header are dropped: Pillow would otherwise copy a decoded comment into the
new file, and up to 64 KB of anyone's text would be served to everyone who sees the photo.
"""

import io
import math
import struct
import warnings
import zlib
from dataclasses import dataclass

import blurhash
from PIL import Image, ImageCms, ImageOps

from ..errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed

MAIN_SIZE = 1600
THUMB_SIZE = 400
# BlurHash is a handful of low-frequency components; 32 px holds all of them.
BLURHASH_SOURCE_SIZE = 32
JPEG_QUALITY = 85
JPEG_CONTENT_TYPE = "image/jpeg"
ACCEPTED_CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# Pillow's own bomb warning fires at ~89 MP; the stricter MAX_PHOTO_PIXELS check below refuses
# those images anyway, so the warning would only be noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)


@dataclass(frozen=True)
class ProcessedImage:
    """What is stored for one photo."""

    main: bytes
    thumb: bytes
    width: int
    height: int
    blurhash: str


def detect_format(data):
    """``JPEG``, ``PNG`` or ``WEBP`` from the leading bytes, or ``None``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _draft_size(size, target):
    """The smallest size with the same proportions whose longest side is ``target``."""
    scale = target / max(size)
    return (max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale)))


def _to_rgb(image):
    """RGB; transparent areas become white rather than black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit and float greyscale: scale to 8 bits.
        return image.point(lambda value: value / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _to_srgb(image):
    """Apply an embedded ICC profile (colours as the camera meant them); a broken one is ignored."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


_SRGB = ImageCms.createProfile("sRGB")


def _without_metadata(image):
    """The same pixels with nothing else: ``info`` is what Pillow would write back (comments)."""
    image.info = {}
    return image


def _encode_jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def compute_blurhash(image):
    """The BlurHash of ``image`` (4 components along the long side, 3 along the short)."""
    small = image.copy()
    small.thumbnail((BLURHASH_SOURCE_SIZE, BLURHASH_SOURCE_SIZE), Image.Resampling.BILINEAR)
    width, height = small.size
    pixels = small.tobytes()
    rows = [[pixels[(y * width + x) * 3 : (y * width + x) * 3 + 3] for x in range(width)] for y in range(height)]
    components = (4, 3) if width >= height else (3, 4)
    return blurhash.encode(rows, *components)


def process_image(data, *, max_bytes, max_pixels, draft=True):
    """Check and convert one uploaded image; raises 413, 415 or 422 errors naming the problem.

    ``draft=False`` decodes JPEGs at full size (``bench/images.py`` measures the difference).
    """
    if not data:
        raise ValidationFailed("The file is empty.")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"Each image must be at most {max_bytes // (1024 * 1024)} MB.")
    image_format = detect_format(data)
    if image_format is None:
        raise UnsupportedMediaType("Only JPEG, PNG and WebP images are accepted.")
    too_many_pixels = ValidationFailed(f"Images may have at most {max_pixels // 1_000_000} megapixels.")
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
        if image.width * image.height > max_pixels:
            raise too_many_pixels
        if draft and image_format == "JPEG" and max(image.size) > MAIN_SIZE:
            image.draft("RGB", _draft_size(image.size, MAIN_SIZE))
        image.load()
        image = _without_metadata(_to_rgb(_to_srgb(ImageOps.exif_transpose(image))))
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except DECODE_ERRORS:
        raise ValidationFailed("The image is corrupt or truncated.") from None
    image.thumbnail((MAIN_SIZE, MAIN_SIZE), Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)
    return ProcessedImage(
        main=_encode_jpeg(image),
        thumb=_encode_jpeg(thumb),
        width=image.width,
        height=image.height,
        blurhash=compute_blurhash(thumb),
    )
