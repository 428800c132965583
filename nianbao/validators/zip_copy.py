"""A package written once: every member it had copied byte for byte (its compressed data as it
is, not inflated and deflated again), the members given in ``changed`` deflated in their place,
new ones after them. A plain zip (no zip64): a .docx that passed the reader's limits is far
below them; a package that is not raises ``ValueError``.
"""

from __future__ import annotations

import struct
import time
import zlib

from .readers.package import Package

_LOCAL = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes, name and extra lengths
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIGNATURE, _CENTRAL_SIGNATURE, _END_SIGNATURE = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_DESCRIPTOR_FLAG, _UTF8_FLAG, _ENCRYPTED_FLAG = 0x08, 0x800, 0x01
_DEFLATED, _VERSION = 8, 20
_ZIP64_EXTRA, _ZIP64_VERSION = 0x0001, 45
_LIMIT = 0xFFFFFFFF
LEVEL = 1  # fastest: a 批注版 is a few kB larger than at zlib's default 6, written three times faster


class _Entry:
    """One member as written: what its central directory record needs."""

    __slots__ = ("name", "version_made", "version", "flags", "method", "time", "date", "crc", "compressed", "size", "extra", "comment", "internal", "external", "offset")


def write_package(package: Package, changed: dict[str, bytes], level: int = LEVEL) -> bytes:
    """``package``'s zip with ``changed`` (member name -> new content) written in."""
    changed = dict(changed)
    chunks: list = []
    entries: list[_Entry] = []
    offset = 0
    read = {info.filename: info for info in package.infos}  # of a name given twice, zipfile reads the last
    for info in package.infos:
        if read[info.filename] is not info:
            continue  # (an odd or hostile zip: one copy of a name, the one that was read)
        if info.filename in changed:
            entry, data = _deflated(info.filename, changed.pop(info.filename), level, info)
        else:
            entry, data = _copied(package.data, info)
        offset = _append(chunks, entries, entry, data, offset)
    for name, content in changed.items():
        entry, data = _deflated(name, content, level)
        offset = _append(chunks, entries, entry, data, offset)
    directory = b"".join(_central(entry) for entry in entries)
    if len(entries) > 0xFFFF or offset > _LIMIT or len(directory) > _LIMIT:
        raise ValueError("the package is too large to be written as a plain zip")
    comment = package.archive.comment[:0xFFFF]
    chunks += [directory, _END.pack(_END_SIGNATURE, 0, 0, len(entries), len(entries), len(directory), offset, len(comment)), comment]
    return b"".join(chunks)


def _append(chunks: list, entries: list, entry: _Entry, data, offset: int) -> int:
    if entry.compressed > _LIMIT or entry.size > _LIMIT or offset > _LIMIT:
        raise ValueError("the package is too large to be written as a plain zip")
    entry.offset = offset
    header = _LOCAL.pack(
        _LOCAL_SIGNATURE, entry.version, entry.flags, entry.method, entry.time, entry.date,
        entry.crc, entry.compressed, entry.size, len(entry.name), len(entry.extra),
    ) + entry.name + entry.extra  # fmt: skip
    chunks += [header, data]
    entries.append(entry)
    return offset + len(header) + len(data)


def _central(entry: _Entry) -> bytes:
    return _CENTRAL.pack(
        _CENTRAL_SIGNATURE, entry.version_made, entry.version, entry.flags, entry.method, entry.time, entry.date,
        entry.crc, entry.compressed, entry.size, len(entry.name), len(entry.extra), len(entry.comment),
        0, entry.internal, entry.external, entry.offset,
    ) + entry.name + entry.extra + entry.comment  # fmt: skip


def _copied(data: bytes, info) -> tuple[_Entry, memoryview]:
    """A member as it is: its compressed bytes sliced out of the package (its local header read
    for where they start), its header rewritten with the sizes up front (no data descriptor)."""
    at = info.header_offset
    signature, *_, name_length, extra_length = _LOCAL.unpack_from(data, at)
    if signature != _LOCAL_SIGNATURE:
        raise ValueError(f"bad local header for {info.filename!r}")
    start = at + _LOCAL.size + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise ValueError(f"{info.filename!r} is cut short")
    entry = _entry(info)
    entry.flags = info.flag_bits & ~_DESCRIPTOR_FLAG
    entry.method, entry.crc, entry.compressed, entry.size = info.compress_type, info.CRC, info.compress_size, info.file_size
    entry.version = _VERSION if info.extract_version == _ZIP64_VERSION else info.extract_version
    return entry, raw


def _deflated(name: str, content: bytes, level: int, info=None) -> tuple[_Entry, bytes]:
    """A changed member (its old record's metadata kept) or a new one, deflated."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(content) + compressor.flush()
    if info is not None:
        entry = _entry(info)
        entry.flags = info.flag_bits & _UTF8_FLAG
    else:
        entry = _Entry()
        entry.name, entry.flags = name.encode("utf-8"), 0 if name.isascii() else _UTF8_FLAG
        entry.version_made = (3 << 8) | _VERSION  # unix, as zipfile writes
        entry.time, entry.date = _dos_time(time.localtime(time.time())[:6])
        entry.extra, entry.comment, entry.internal, entry.external = b"", b"", 0, 0o600 << 16
    entry.version, entry.method = _VERSION, _DEFLATED
    entry.crc, entry.compressed, entry.size = zlib.crc32(content), len(data), len(content)
    return entry, data


def _entry(info) -> _Entry:
    entry = _Entry()
    entry.name = info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437")
    entry.version_made = (info.create_system << 8) | info.create_version
    entry.time, entry.date = _dos_time(info.date_time)
    entry.extra = _without_zip64(info.extra)
    entry.comment, entry.internal, entry.external = info.comment[:0xFFFF], info.internal_attr, info.external_attr
    return entry


def _dos_time(stamp) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    year = min(max(year, 1980), 2107)
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _without_zip64(extra: bytes) -> bytes:
    """The extra field without its zip64 record (sizes are written in the header here); an
    extra field that does not parse is left out."""
    kept, at = [], 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<2H", extra, at)
        if at + 4 + size > len(extra):
            return b""
        if kind != _ZIP64_EXTRA:
            kept.append(extra[at : at + 4 + size])
        at += 4 + size
    return b"".join(kept) if at == len(extra) else b""
