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


HIDDEN_TEXT = b"<script>alert('hidden in the file')</script>"


def jpeg_with_metadata(size=(900, 700)):
    """A JPEG carrying 60 KB of HTML in a COM segment, an XMP packet, an ICC profile, EXIF and
    an unknown APP segment: everything re-encoding must drop."""
    from PIL import ImageCms

    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + HIDDEN_TEXT + b"</x:xmpmeta>"
    Image.new("RGB", size, (90, 140, 200)).save(
        buffer, "JPEG", quality=90, comment=HIDDEN_TEXT * 1300, xmp=xmp, icc_profile=icc, exif=gps_exif()
    )
    data = buffer.getvalue()
    app9 = b"\xff\xe9" + (2 + len(HIDDEN_TEXT)).to_bytes(2, "big") + HIDDEN_TEXT
    return data[:2] + app9 + data[2:]


def png_with_text():
    """A PNG whose text chunks (one named ``comment``) and ICC profile carry hidden text."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("comment", HIDDEN_TEXT.decode())
    info.add_itxt("XML:com.adobe.xmp", HIDDEN_TEXT.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_segments(data):
    """The marker bytes of a JPEG's segments up to the image data (``0xDA``, start of scan)."""
    markers, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF, "not a JPEG segment"
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xE0:
            assert data[position + 4 : position + 9] == b"JFIF\x00" and length == 16, "APP0 that is not plain JFIF"
        position += 2 + length
    return markers


def assert_no_metadata(data):
    """A stored image is a JPEG with no comment, no APP1–APP15 segment and no text of the upload's."""
    segments = jpeg_segments(data)
    assert {0xFE, *range(0xE1, 0xF0)}.isdisjoint(segments), [hex(marker) for marker in segments]
    for leftover in (HIDDEN_TEXT, b"xmpmeta", b"FrienderCam", b"Exif\x00"):
        assert leftover not in data
