"""Draw the program's icon: resources/icons/app.png (256 px) and app.ico (16–256 px).

    python scripts/make_icon.py

A register (white page with lines) on a dark blue tile, with a red warning badge.
Drawn at four times the size and scaled down, so the edges stay smooth. The generated
files are committed; run this again only to change the drawing.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZE = 1024  # drawing size; every coordinate below is in this grid
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
BLUE, WHITE, LINE, RED = "#1f4e79", "#ffffff", "#9db3c8", "#c62828"


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((32, 32, 992, 992), radius=190, fill=BLUE)
    # The register: a page with a folded corner and ruled lines.
    pen.polygon([(250, 170), (630, 170), (774, 314), (774, 854), (250, 854)], fill=WHITE)
    pen.polygon([(630, 170), (630, 314), (774, 314)], fill=LINE)
    for top in (360, 470, 580):
        pen.rounded_rectangle((330, top, 694, top + 44), radius=22, fill=LINE)
    pen.rounded_rectangle((330, 690, 540, 734), radius=22, fill=LINE)
    # The badge: a violation to handle.
    pen.ellipse((560, 560, 920, 920), fill=RED, outline=BLUE, width=28)
    pen.rounded_rectangle((716, 618, 764, 790), radius=24, fill=WHITE)
    pen.ellipse((712, 818, 768, 874), fill=WHITE)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "app.png", optimize=True)
    image.save(ICONS / "app.ico", sizes=ICO_SIZES)
    print(f"Đã ghi {ICONS / 'app.png'} và {ICONS / 'app.ico'}.")


if __name__ == "__main__":
    main()
