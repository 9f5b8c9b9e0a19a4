"""The shipped Liberation Serif (metric-compatible with Times New Roman) and Liberation Mono
(Courier New's twin, for a file's SHA-256 in a drafted document), registered once.

reportlab embeds a subset of each TrueType font it draws with, with the
Unicode map that lets the PDF's text be extracted intact.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import resource_path

FAMILY = "LiberationSerif"
REGULAR = FAMILY
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"
MONO_FAMILY = "LiberationMono"
MONO = {(False, False): MONO_FAMILY, (True, False): f"{MONO_FAMILY}-Bold",
        (False, True): f"{MONO_FAMILY}-Italic", (True, True): f"{MONO_FAMILY}-BoldItalic"}

_FILES = {
    REGULAR: ("LiberationSerif-Regular.ttf", 0, 0),
    BOLD: ("LiberationSerif-Bold.ttf", 1, 0),
    ITALIC: ("LiberationSerif-Italic.ttf", 0, 1),
    BOLD_ITALIC: ("LiberationSerif-BoldItalic.ttf", 1, 1),
    MONO[False, False]: ("LiberationMono-Regular.ttf", 0, 0),
    MONO[True, False]: ("LiberationMono-Bold.ttf", 1, 0),
    MONO[False, True]: ("LiberationMono-Italic.ttf", 0, 1),
    MONO[True, True]: ("LiberationMono-BoldItalic.ttf", 1, 1),
}
_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the four faces and their bold/italic mapping (<b>, <i> in paragraphs)."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, (file_name, bold, italic) in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
            addMapping(MONO_FAMILY if name.startswith(MONO_FAMILY) else FAMILY, bold, italic,
                       name)
        _registered = True
