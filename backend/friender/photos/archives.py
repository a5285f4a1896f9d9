"""Reading a ZIP of photos that is hostile until proven otherwise.

Nothing is ever written to disk and entry names are never used as paths or keys: each entry
is read into memory, bounded, and handed to the image pipeline. Only regular files are read;
directories are ignored, and macOS metadata, symlinks, encrypted or unsafe-named entries,
nested archives and suspiciously well-compressed entries are skipped with a reason. An
archive whose entries add up to too much (declared or actually read) is refused as a whole.
"""

import io
import stat
import zipfile
from dataclasses import dataclass, field

from ..errors import ApiError, UnsupportedMediaType, ValidationFailed

MAX_ENTRIES = 200
# Photos are already compressed; an entry that deflates more than this is built to explode.
MAX_COMPRESSION_RATIO = 50
RATIO_CHECK_MIN_BYTES = 64 * 1024
MAX_REPORTED_NAME = 200
# Decoding is the expensive part; after this many entries that looked like images but were not,
# the rest of the archive is not examined (a request must not buy minutes of CPU).
MAX_FAILED_DECODES = 6


@dataclass
class ArchiveContents:
    """The processed images of an archive, in archive order, and what was skipped and why."""

    images: list = field(default_factory=list)
    skipped: list = field(default_factory=list)

    def skip(self, name, reason):
        self.skipped.append({"name": name[:MAX_REPORTED_NAME], "reason": reason})


def _unsafe_name(name):
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or "\\" in name or ".." in parts or (len(name) > 1 and name[1] == ":")


def _is_symlink(info):
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_special(info):
    """Any Unix file type other than a regular file (a symlink, a device, a FIFO)."""
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG)


def read_archive(data, process, *, free_slots, max_entry_bytes, max_total_bytes):
    """Run ``process(bytes)`` on each usable entry until ``free_slots`` images were accepted.

    ``process`` returns the processed image or raises an :class:`ApiError`, whose message
    becomes the entry's reason in ``skipped``.
    """
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise UnsupportedMediaType("Send a ZIP archive.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ValidationFailed(
            "The archive is not a readable ZIP file.", fields={"archive": ["Not a ZIP file."]}
        ) from None
    if len(infos) > MAX_ENTRIES:
        raise ValidationFailed(
            f"The archive has more than {MAX_ENTRIES} entries.", fields={"archive": ["Too many entries."]}
        )
    if sum(info.file_size for info in infos if not info.is_dir()) > max_total_bytes:
        raise ValidationFailed(
            f"The archive holds more than {max_total_bytes // (1024 * 1024)} MB once uncompressed.",
            fields={"archive": ["Too large once uncompressed."]},
        )

    contents = ArchiveContents()
    total_read = failed_decodes = 0
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if name.startswith("__MACOSX/") or base.startswith("._") or base == ".DS_Store":
            contents.skip(name, "macOS metadata, not a photo.")
        elif _is_symlink(info) or _is_special(info):
            contents.skip(name, "Not a regular file (links are never followed).")
        elif _unsafe_name(name):
            contents.skip(name, "Unsafe file name (absolute or with '..').")
        elif info.flag_bits & 0x1:
            contents.skip(name, "Encrypted entries are not supported.")
        elif info.file_size > max_entry_bytes:
            contents.skip(name, f"Larger than {max_entry_bytes // (1024 * 1024)} MB.")
        elif info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            contents.skip(name, "Suspicious compression ratio (a ZIP bomb?).")
        elif len(contents.images) >= free_slots:
            contents.skip(name, "No free photo slot left.")
        elif failed_decodes >= MAX_FAILED_DECODES:
            contents.skip(name, "Not examined: too many unusable entries before it.")
        else:
            try:
                with archive.open(info) as handle:
                    # Never trust the declared size: read at most one byte past the limit.
                    payload = handle.read(max_entry_bytes + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError):
                contents.skip(name, "Unreadable entry (corrupt or unsupported compression).")
                continue
            total_read += len(payload)
            if total_read > max_total_bytes:
                raise ValidationFailed(
                    "The archive holds too much data once uncompressed.",
                    fields={"archive": ["Too large once uncompressed."]},
                )
            if len(payload) > max_entry_bytes:
                contents.skip(name, f"Larger than {max_entry_bytes // (1024 * 1024)} MB.")
            elif payload.startswith((b"PK\x03\x04", b"PK\x05\x06")):
                contents.skip(name, "Nested archives are not opened.")
            else:
                try:
                    contents.images.append(process(payload))
                except ApiError as error:
                    failed_decodes += 1
                    contents.skip(name, error.message)
    return contents
