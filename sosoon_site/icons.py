"""Sosoon's mark, drawn with Pillow: the favicon and the icons a phone puts on its home screen.

The mark is a white speech bubble with three dots on the accent colour, written once on a
64-unit grid and drawn at four times the asked size, then scaled down, so every size comes out
smooth. Drawn on first request and kept in memory: no binary files in the repository, and one
drawing for every size. A maskable icon fills its square (the phone cuts its own shape), and
the bubble stays inside the central safe zone either way.
"""

import io
from functools import lru_cache

from PIL import Image, ImageDraw

ACCENT = "#7a3b69"
PAPER = "#ffffff"
GRID = 64
SUPERSAMPLE = 4
# The sizes pages and the manifest link to: Apple's touch icon, and the manifest's two.
APP_ICON_SIZES = (180, 192, 512)
FAVICON_SIZES = (16, 32, 48)


def _draw(size: int, *, maskable: bool) -> Image.Image:
    canvas = size * SUPERSAMPLE
    unit = canvas / GRID

    def box(*points: float) -> list[float]:
        return [point * unit for point in points]

    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle(box(0, 0, GRID, GRID), fill=ACCENT)
    else:
        draw.rounded_rectangle(box(0, 0, GRID, GRID), radius=14 * unit, fill=ACCENT)
    draw.rounded_rectangle(box(13, 15, 51, 43), radius=11 * unit, fill=PAPER)
    draw.polygon(box(19, 38, 30, 41, 16, 51), fill=PAPER)
    for x in (23, 32, 41):
        draw.ellipse(box(x - 3.4, 25.6, x + 3.4, 32.4), fill=ACCENT)
    return image.resize((size, size), Image.Resampling.LANCZOS)


@lru_cache(maxsize=8)
def app_icon_png(size: int, *, maskable: bool = False) -> bytes:
    """The mark as a PNG of `size` pixels square."""
    out = io.BytesIO()
    _draw(size, maskable=maskable).save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1)
def favicon_ico() -> bytes:
    """/favicon.ico: the mark at 16, 32 and 48 pixels in one ICO file."""
    out = io.BytesIO()
    largest = max(FAVICON_SIZES)
    _draw(largest, maskable=False).save(
        out, format="ICO", sizes=[(size, size) for size in FAVICON_SIZES]
    )
    return out.getvalue()
