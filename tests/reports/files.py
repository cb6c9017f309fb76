"""Reading a report's files back as a reader sees them: the XLSX sheet's values, and the text
a PDF shows.

fpdf2 writes text as glyph numbers of a font subset (and compresses the page), so a byte
search in the PDF finds nothing; `pdf_text` reads the pages through each font's ToUnicode map,
the way a PDF viewer copies text.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

from openpyxl import load_workbook

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)(stream\r?\n|endobj)", re.S)
_LENGTH = re.compile(rb"/Length (\d+)")
_FONT = re.compile(rb"/(F\d+) (\d+) 0 R")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_CONTENTS = re.compile(rb"/Contents (\d+) 0 R")
# A literal string (fpdf2 escapes the parentheses inside), a name, an operator, anything else.
_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|/[^\s/\[\]()<>]+|[A-Za-z]+|\S", re.S)
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3})")
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_HEX = rb"<([0-9A-Fa-f]+)>"


def sheet_values(data: bytes) -> list[list[Any]]:
    """Every row of the workbook's first sheet, as cell values."""
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed to single spaces (a wrapped line reads
    on across the break)."""
    dictionaries: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    position = 0
    while (found := _OBJECT.search(data, position)) is not None:
        number, dictionary = int(found[1]), found[2]
        dictionaries[number] = dictionary
        position = found.end()
        if found[3] != b"endobj":
            length = _LENGTH.search(dictionary)
            assert length is not None
            raw = data[position : position + int(length[1])]
            streams[number] = zlib.decompress(raw) if b"/FlateDecode" in dictionary else raw
            position += len(raw)
    fonts = {}
    for name, number in _FONT.findall(data):
        to_unicode = _TO_UNICODE.search(dictionaries[int(number)])
        if to_unicode is not None:
            fonts[name] = _cmap(streams[int(to_unicode[1])])
    runs: list[str] = []
    for dictionary in dictionaries.values():
        contents = _CONTENTS.search(dictionary)
        if contents is not None:
            runs += _runs(streams[int(contents[1])], fonts)
    return " ".join(" ".join(runs).split())


def _cmap(stream: bytes) -> dict[int, str]:
    """Glyph number to text, from a ToUnicode map's bfchar and bfrange sections."""
    glyphs: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for glyph, text in re.findall(_HEX + rb"\s*" + _HEX, section):
            glyphs[int(glyph, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for first, last, start in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*" + _HEX, section):
            for offset in range(int(last, 16) - int(first, 16) + 1):
                glyphs[int(first, 16) + offset] = chr(int(start, 16) + offset)
    return glyphs


def _runs(content: bytes, fonts: dict[bytes, dict[int, str]]) -> list[str]:
    """The text each Tj / TJ operator of a page shows, in the font chosen before it."""
    runs, pending = [], []
    name, font = b"", {}
    for token in _TOKEN.findall(content):
        if token.startswith(b"("):
            pending.append(_ESCAPE.sub(_unescape, token[1:-1]))
        elif token.startswith(b"/"):
            name = token[1:]
        elif token == b"Tf":
            font = fonts.get(name, {})
        elif token in (b"Tj", b"TJ"):
            codes = b"".join(pending)
            runs.append(
                "".join(
                    font.get(int.from_bytes(codes[i : i + 2]), "") for i in range(0, len(codes), 2)
                )
            )
            pending = []
    return runs


def _unescape(match: re.Match[bytes]) -> bytes:
    escaped = match[1]
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8)])
    return _ESCAPED.get(escaped, escaped)
