"""Which text encoding a CSV line list is in: what Excel writes on the machines Cordon meets.

UTF-8 (with or without a BOM, "CSV UTF-8") and UTF-16 with a BOM ("Unicode text") are told
by their bytes. Anything else is a legacy Windows code page: Windows-1258 (Vietnamese) or
Windows-1252 (Western Europe), told apart by charset-normalizer on the file's first 64 KiB.
The mapping file can name the encoding instead (``[file] encoding = "cp1258"``).
"""

from __future__ import annotations

import codecs

import charset_normalizer

from cordon.core.errors import N_, FieldProblem, InvalidInput

SAMPLE = 64 * 1024
LEGACY = ("cp1258", "cp1252")  # the code pages detected, Vietnamese first
SHOWN = {
    "cp1258": "Windows-1258",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
    "utf-8-sig": "UTF-8",
    "utf-8": "UTF-8",
}


def choose_encoding(sample: bytes, named: str | None, name: str) -> str:
    """The codec to read a file whose first bytes are ``sample``: a byte-order mark says it,
    else the ``named`` encoding, else what the bytes look like."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if named:
        return "utf-8-sig" if named in ("utf-8", "utf_8") else named
    if _is_utf8(sample):
        return "utf-8-sig"
    guess = looks_like(sample)
    if guess is None:
        raise InvalidInput.of(
            N_(
                "%(name)s is not UTF-8 text and not in a Windows code page Cordon knows: "
                "name its encoding in the mapping file or save it as 'CSV UTF-8'."
            ),
            [FieldProblem.of("file", N_("encoding not recognised"))],
            name=name,
        )
    return guess


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a sample cut inside a character is still UTF-8
        return len(sample) == SAMPLE and exc.start >= len(sample) - 3
    return True


def looks_like(sample: bytes) -> str | None:
    """The legacy code page ``sample`` reads best in, or None when it reads in neither."""
    best = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY)).best()
    if best is None or best.encoding not in LEGACY:
        return None
    return best.encoding


def shown(encoding: str) -> str:
    """An encoding's name as people know it (``Windows-1258``)."""
    return SHOWN.get(encoding, encoding)
