"""The folded keys stored beside a case so search and repeat-offender lookups run in SQL."""

from __future__ import annotations

from app.text import fold


def case_search_key(*parts: str | None) -> str:
    """Code, account, URL, offender and summary folded into one searchable text."""
    return " | ".join(fold(p) for p in parts if p)


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
