"""The Teams app icons, drawn in code (no image files, no network): a five-pointed star."""

from __future__ import annotations

import math
import struct
import zlib

Pixel = tuple[int, int, int, int]
NAVY: Pixel = (0x1D, 0x3B, 0x53, 255)
WHITE: Pixel = (255, 255, 255, 255)
CLEAR: Pixel = (0, 0, 0, 0)


def png(width: int, height: int, pixels: list[list[Pixel]]) -> bytes:
    """Encode RGBA rows as a PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"".join(bytes(pixel) for pixel in row) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def star(size: int, scale: float) -> list[tuple[float, float]]:
    """The ten corners of a star centred in a `size` square, `scale` of its half-width."""
    centre, outer = size / 2, size / 2 * scale
    corners = []
    for index in range(10):
        radius = outer if index % 2 == 0 else outer * 0.45
        angle = -math.pi / 2 + index * math.pi / 5
        corners.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    return corners


def inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    """Even-odd rule point-in-polygon test."""
    found = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def icon(size: int, background: Pixel, foreground: Pixel, scale: float) -> bytes:
    """A square PNG: a `foreground` star on `background`."""
    shape = star(size, scale)
    rows = [
        [foreground if inside(x + 0.5, y + 0.5, shape) else background for x in range(size)]
        for y in range(size)
    ]
    return png(size, size, rows)


def color_icon() -> bytes:
    """The 192×192 full-colour icon."""
    return icon(192, NAVY, WHITE, 0.8)


def outline_icon() -> bytes:
    """The 32×32 outline icon: white on transparent, as Teams requires."""
    return icon(32, CLEAR, WHITE, 0.95)
