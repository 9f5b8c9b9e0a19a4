"""The shipped Liberation Serif (metric-compatible with Times New Roman) and Liberation Mono
(Courier New's twin, for a file's SHA-256 in a drafted document), registered once.

reportlab embeds a subset of each TrueType font it draws with, with the
Unicode map that lets the PDF's text be extracted intact.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from typing import Any

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


class _Font(TTFont):  # type: ignore[misc]
    """reportlab's TrueType font, splitting a text into its subsets' codes without a step
    of Python for each letter when every letter already has its code in the document:
    nearly every text after a report's first page. reportlab's loop (`TTFont.splitString`)
    took a tenth of a year's report (docs/performance.md, tenth round). The same codes:
    a letter's code, once given, never changes in a document."""

    _state: tuple[weakref.ref[Any], Any] | None = None  # the last document's and its state

    def splitString(self, text: str | bytes, doc: Any,  # noqa: N802 (reportlab's name)
                    encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if not isinstance(text, str):
            return super().splitString(text, doc, encoding)  # type: ignore[no-any-return]
        state = self._state
        if state is None or state[0]() is not doc:
            found = self.state.get(doc)
            if found is None:  # the document's first text in this font: reportlab's state
                return super().splitString(text, doc, encoding)  # type: ignore[no-any-return]
            state = self._state = (weakref.ref(doc), found)
        try:  # a no-break space is drawn as a space (reportlab's rule)
            codes = list(map(state[1].assignments.__getitem__,
                             map(ord, text.replace("\xa0", " "))))
        except KeyError:  # a letter new to the document: reportlab gives it a code
            return super().splitString(text, doc, encoding)  # type: ignore[no-any-return]
        try:
            return [(0, bytes(codes))] if codes else []
        except ValueError:  # codes of later subsets (256 each)
            return [(subset, bytes(code & 0xFF for code in run))
                    for subset, run in itertools.groupby(codes, key=lambda code: code >> 8)]

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        """The font written into `doc` at its save, which ends the document's state."""
        self._state = None
        super().addObjects(doc)


_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the four faces and their bold/italic mapping (<b>, <i> in paragraphs)."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, (file_name, bold, italic) in _FILES.items():
            pdfmetrics.registerFont(_Font(name, str(resource_path("fonts", file_name))))
            addMapping(MONO_FAMILY if name.startswith(MONO_FAMILY) else FAMILY, bold, italic,
                       name)
        _registered = True
