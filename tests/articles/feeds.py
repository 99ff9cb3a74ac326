"""Small feed documents written for the tests, and access to the shared seed feeds."""

from pathlib import Path

import pytest

# The shared seed feeds live in a folder beside the checkout: ../shared/feeds/.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SHARED_FEED = SHARED / "feeds" / "rareearthexchanges-clean-energy.xml"
SHARED_EARLIER = SHARED / "feeds" / "rareearthexchanges-clean-energy.earlier.xml"
# The tests' own copy of the demo's sample feed (samples/, which the product ships and may change):
# the reader pages' tests, the command tests and the parser comparisons expect exactly this one.
SAMPLE_FEED = Path(__file__).resolve().parents[1] / "data" / "reex-sample-feed.xml"


def require_seed(path: Path) -> Path:
    """``path`` if the shared seed feeds are checked out beside this one, else skip the test,
    naming the folder looked in (about 20 tests need them; see README, "Two commands")."""
    if not path.exists():
        pytest.skip(
            f"needs the shared seed feeds: {path.name} not found in {path.parent} "
            "(check them out there, beside this checkout)"
        )
    return path


def shared_bytes(path: Path) -> bytes:
    return require_seed(path).read_bytes()


def rss(*items: str, title: str = "Test feed", link: str = "https://feeds.example.org") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">'
        f"<channel><title>{title}</title><link>{link}</link><description>d</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(
    n: int,
    *,
    title: str | None = None,
    body: str = "<p>Body.</p>",
    guid: str | None = None,
    link: str | None = None,
    comments: int = 0,
    category: str = "Policy",
) -> str:
    link = link if link is not None else f"https://feeds.example.org/posts/{n}/"
    guid = guid if guid is not None else link
    guid_xml = f'<guid isPermaLink="false">{guid}</guid>' if guid else ""
    link_xml = f"<link>{link}</link>" if link else ""
    return (
        f"<item><title>{title or f'Post number {n}'}</title>{link_xml}{guid_xml}"
        f"<pubDate>Mon, 02 Feb 2026 10:{n % 60:02d}:00 +0000</pubDate>"
        f"<category><![CDATA[{category}]]></category>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<slash:comments>{comments}</slash:comments></item>"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rss version="2.0"><channel><title>&g;</title><link>https://x.example</link>
<item><title>&g;</title><link>https://x.example/1</link><description>&g;</description></item>
</channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><link>https://x.example</link>
<item><title>leak &secret;</title><link>https://x.example/1</link>
<description>&secret;</description></item></channel></rss>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://169.254.169.254/latest/meta-data/evil.dtd">
<rss version="2.0"><channel><title>t</title><link>https://x.example</link>
<item><title>a</title><link>https://x.example/1</link></item></channel></rss>"""
