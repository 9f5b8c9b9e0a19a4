"""Recognising the platform of a pasted link, so the officer need not pick it."""

from __future__ import annotations

from urllib.parse import urlsplit

# Host suffixes of each platform code of vocabulary.md.
HOSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("FB", ("facebook.com", "fb.com", "fb.watch", "messenger.com")),
    ("YT", ("youtube.com", "youtu.be")),
    ("TT", ("tiktok.com",)),
    ("ZL", ("zalo.me", "zalo.vn", "zaloapp.com")),
    ("IG", ("instagram.com",)),
    ("X", ("x.com", "twitter.com", "t.co")),
    ("TLG", ("t.me", "telegram.me", "telegram.org")),
)


def platform_from_url(url: str | None) -> str | None:
    """The platform code for a link, `WEB` for any other site, None for no link."""
    if not url or not url.strip():
        return None
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    host = (urlsplit(text).hostname or "").lower()
    if not host or "." not in host:
        return None
    for code, suffixes in HOSTS:
        if any(host == s or host.endswith("." + s) for s in suffixes):
            return code
    return "WEB"
