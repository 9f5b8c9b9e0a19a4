"""The keys stored beside a case so search, repeat-offender lookups and sorting run in SQL."""

from __future__ import annotations

from functools import lru_cache

from app.domain.collation import person_sort_key, sort_key
from app.domain.labels import PartyKind
from app.text import fold


def case_search_key(*parts: str | None) -> str:
    """Code, account, URL, offender and summary folded into one searchable text."""
    return joined_search_key(*search_parts(*parts))


def search_parts(*parts: str | None) -> tuple[str, ...]:
    """The parts of a search key, folded, the empty ones left out."""
    return tuple(fold(p) for p in parts if p)


def joined_search_key(*folded: str) -> str:
    return " | ".join(folded)


def account_key(account: str | None) -> str:
    return fold(account).lstrip("@")


def url_key(url: str | None) -> str | None:
    """A URL without scheme, `www.`, `m.`, query-less trailing slash or case in the host."""
    if not url:
        return None
    text = url.strip()
    lowered = text.lower()
    for prefix in ("https://", "http://"):
        if lowered.startswith(prefix):
            text = text[len(prefix):]
            break
    host, _, rest = text.partition("/")
    host = host.lower()
    for prefix in ("www.", "m.", "mobile.", "web."):
        if host.startswith(prefix):
            host = host[len(prefix):]
            break
    key = f"{host}/{rest}" if rest else host
    return key.rstrip("/")


def offender_key(name: str | None) -> str | None:
    return fold(name) or None


def offender_sort_key(name: str | None, kind: str | None) -> str | None:
    """A person by given name first, an organisation by its name as written."""
    key = sort_key(name) if kind == PartyKind.ORGANISATION else person_sort_key(name)
    return key or None


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    return " " if char.isspace() else fold(char)


def matched_spans(text: str, search: str) -> list[tuple[int, int]]:
    """Where the words of `search` occur in `text` as the search finds them (each word
    anywhere; case, diacritics and đ ignored): (start, end) positions in `text`, in
    order, merged."""
    folded: list[str] = []
    owner: list[int] = []  # the position in `text` of each folded character
    for position, char in enumerate(text):
        for part in _folded_char(char):
            folded.append(part)
            owner.append(position)
    joined = "".join(folded)
    spans: list[tuple[int, int]] = []
    for word in fold(search).split():
        found = joined.find(word)
        while found != -1:
            end = owner[found + len(word) - 1] + 1
            while end < len(text) and not _folded_char(text[end]):
                end += 1  # a combining mark of the last letter
            spans.append((owner[found], end))
            found = joined.find(word, found + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
