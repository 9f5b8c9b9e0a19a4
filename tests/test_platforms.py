import pytest

from app.domain.platforms import platform_from_url


@pytest.mark.parametrize(("url", "code"), [
    ("https://www.facebook.com/trang/posts/1", "FB"),
    ("m.facebook.com/groups/abc", "FB"),
    ("https://fb.watch/xyz", "FB"),
    ("https://www.tiktok.com/@kenh/video/1", "TT"),
    ("https://youtu.be/abc", "YT"),
    ("https://zalo.me/g/abc", "ZL"),
    ("https://x.com/a/status/1", "X"),
    ("https://t.me/kenh/5", "TLG"),
    ("https://tinnong.blogspot.com/1.html", "WEB"),
    ("https://notfacebook.com/x", "WEB"),
    ("", None),
    ("không phải đường dẫn", None),
])
def test_platform_is_recognised_from_a_pasted_link(url: str, code: str | None) -> None:
    assert platform_from_url(url) == code
