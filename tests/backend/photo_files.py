"""Images and archives for the photo tests, every one generated here with Pillow and zipfile."""

import io
import zipfile

from PIL import ExifTags, Image

MB = 1024 * 1024


def jpeg(size=(800, 600), color=(200, 120, 40), exif=None, quality=90):
    """A plain JPEG; ``exif`` is a ``PIL.Image.Exif`` to embed."""
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=quality, **options)
    return buffer.getvalue()


def png(size=(640, 480), color=(30, 160, 90, 255), mode="RGBA"):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG")
    return buffer.getvalue()


def webp(size=(500, 500), color=(10, 20, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "WEBP")
    return buffer.getvalue()


def gif():
    buffer = io.BytesIO()
    Image.new("P", (50, 50)).save(buffer, "GIF")
    return buffer.getvalue()


def gps_exif():
    """EXIF naming a camera and a place (the Empire State Building)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "FrienderCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (40.0, 44.0, 55.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (73.0, 59.0, 0.0),
    }
    return exif


def sideways_jpeg():
    """300×200 as stored, red on top and blue below, tagged "rotate 90° clockwise to display".

    Shown upright it is 200×300 with red on the right and blue on the left.
    """
    image = Image.new("RGB", (300, 200), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 300, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif)
    return buffer.getvalue()


def decompression_bomb_png():
    """A 6 KB PNG that decodes to 48 megapixels (over the 40 MP limit)."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")
    return buffer.getvalue()


def corrupt_png():
    """A valid PNG signature and header followed by garbage where the pixels should be."""
    data = png()
    return data[:60] + b"\x00garbage" * 200


def zip_archive(entries):
    """A ZIP of ``(name, bytes)`` entries or ready ``zipfile.ZipInfo`` pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries:
            archive.writestr(name, payload)
    return buffer.getvalue()


def zip_with_symlink():
    """A ZIP whose only image-named entry is a Unix symlink to /etc/passwd."""
    link = zipfile.ZipInfo("innocent.jpg")
    link.create_system = 3
    link.external_attr = (0o120777 << 16) | 0x20
    return zip_archive([(link, b"/etc/passwd")])


def zip_bomb(uncompressed_mb=100):
    """One entry of zeros that claims ``uncompressed_mb`` MB, written in chunks (never in memory)."""
    buffer = io.BytesIO()
    info = zipfile.ZipInfo("bomb.jpg")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w") as archive, archive.open(info, "w", force_zip64=True) as entry:
        chunk = b"\0" * MB
        for _ in range(uncompressed_mb):
            entry.write(chunk)
    return buffer.getvalue()


def small_ratio_bomb():
    """A 5 MB entry of zeros (under every size cap) that compresses about 1000:1."""
    return zip_archive([("flat.jpg", b"\xff\xd8\xff" + b"\0" * (5 * MB))])
