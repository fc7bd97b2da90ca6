"""The first pages of a PDF report rendered to PNG, and checks that they are laid out."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from app.services.reports import pdf

PPI = 40
MARGIN_MM = 18  # the reports' side margins: nothing may be printed in them but the footer


class Pages:
    """Collects, for each report compiled while it is installed, its first pages as images."""

    def __init__(self, count: int = 3) -> None:
        self.count = count
        self.images: list[Image.Image] = []

    def install(self, monkeypatch) -> Pages:
        real = pdf.compile_pdf

        def compile_and_render(source: Path, root: Path, *args, **kwargs) -> bytes:
            result = real(source, root, *args, **kwargs)
            pngs = real(source, root, "png", PPI)
            pngs = [pngs] if isinstance(pngs, bytes) else pngs  # one page: one image, no list
            self.images = [Image.open(io.BytesIO(png)).convert("L") for png in pngs[: self.count]]
            return result

        monkeypatch.setattr(pdf, "compile_pdf", compile_and_render)
        return self


def inked(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels in `box` are darker than a light grey."""
    return sum(1 for value in image.crop(box).getdata() if value < 200)


def assert_laid_out(image: Image.Image) -> None:
    """The page has text on it, and nothing spills into its left or right margin."""
    width, height = image.size
    margin = round(MARGIN_MM / 25.4 * PPI) - 2
    assert inked(image, (0, 0, width, height)) > 200, "the page is blank"
    assert inked(image, (0, 0, margin, height)) == 0, "something prints in the left margin"
    assert inked(image, (width - margin, 0, width, height)) == 0, "something overflows right"
