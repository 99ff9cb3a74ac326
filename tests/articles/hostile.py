"""A generated corpus of hostile and broken feeds, each with the outcome it must be logged with.

Every case is (name, route, expected outcomes): the loopback route that serves it and the
``FeedFetch.Outcome`` values acceptable for it. Variants multiply the base cases so the corpus
exercises many sizes and encodings rather than one example of each.
"""

import gzip
import random
import zlib

from articles.models import FeedFetch
from tests.loopback import Response

from .feeds import BILLION_LAUGHS, EXTERNAL_DTD, XXE, item, rss

Out = FeedFetch.Outcome
XML = {"Content-Type": "application/rss+xml; charset=utf-8"}
PARSED = {Out.NEW_CONTENT}  # readable enough to keep entries (possibly "bozo")


def _good(n: int, seed: int) -> bytes:
    return rss(*(item(seed * 100 + k) for k in range(n)))


def _gzip_bomb(megabytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()


def corpus(loopback, *, max_bytes: int) -> list[tuple[str, str, set[str]]]:
    rng = random.Random(20260204)
    cases: list[tuple[str, str, set[str]]] = []

    def add(name, response, outcomes):
        path = f"/hostile/{len(cases)}-{name}"
        loopback.route(path, response)
        cases.append((name, path, outcomes))

    for n in range(24):
        body = _good(5, n)
        cut = rng.randint(60, len(body) - 10)
        add("truncated", Response(200, XML, body[:cut]), PARSED | {Out.PARSE_ERROR})
    for n in range(10):
        add("empty", Response(200, XML, b" \n\t" * n), {Out.PARSE_ERROR})
    for n in range(10):
        page = f"<!DOCTYPE html><html><head><title>Shop {n}</title></head><body>" + "<p>x</p>" * n
        add(
            "html-page",
            Response(200, {"Content-Type": "text/html"}, page.encode()),
            {Out.PARSE_ERROR},
        )
    for n in range(10):
        add("binary", Response(200, XML, rng.randbytes(200 + n * 97)), {Out.PARSE_ERROR})
    for n in range(10):
        add(
            "entity-bomb",
            Response(200, XML, BILLION_LAUGHS.replace(b"aaaa", b"b" * (n + 1))),
            {Out.UNSAFE_DOCUMENT},
        )
    for body in [XXE, EXTERNAL_DTD] * 5:
        add("external-entity", Response(200, XML, body), {Out.UNSAFE_DOCUMENT})
    for n in range(10):
        wrong = _good(3, 20 + n).replace(b"Post number", "Résumé №".encode())
        declared = [b"ISO-8859-1", b"UTF-16", b"Shift_JIS", b"ebcdic-cp-us", b"bogus-enc"][n % 5]
        add(
            "wrong-encoding",
            Response(200, XML, wrong.replace(b"UTF-8", declared)),
            PARSED | {Out.PARSE_ERROR},
        )
    for n in range(10):
        add("huge", Response(200, XML, b"<rss>" + b"x" * (max_bytes + 1000 * n)), {Out.TOO_LARGE})
    for n in range(8):
        add(
            "gzip-bomb",
            Response(200, {**XML, "Content-Encoding": "gzip"}, _gzip_bomb(8 + n)),
            {Out.TOO_LARGE},
        )
    for _ in range(6):
        add(
            "bad-gzip",
            Response(200, {**XML, "Content-Encoding": "gzip"}, rng.randbytes(300)),
            {Out.HTTP_ERROR, Out.NETWORK_ERROR},
        )
    for n in range(10):
        a, b = f"/hostile/loop-{n}-a", f"/hostile/loop-{n}-b"
        loopback.route(a, Response(302, {"Location": b}))
        loopback.route(b, Response(302, {"Location": a}))
        cases.append(("redirect-loop", a, {Out.HTTP_ERROR}))
    for n in range(6):
        add("slow", Response(200, XML, _good(2, 40 + n), delay=3.0), {Out.NETWORK_ERROR})
    for n in range(4):
        add("drip", Response(200, XML, _good(2, 50 + n), drip=0.05), {Out.NETWORK_ERROR})
    for status in [400, 401, 403, 404, 500, 502, 504, 418, 451, 503] * 2:
        add(
            f"http-{status}",
            Response(status, {"Content-Type": "text/plain"}, b"no"),
            {Out.HTTP_ERROR},
        )
    for n in range(10):
        add(
            "redirect-nowhere",
            Response(301, {"Location": f"ftp://files.example/{n}"}),
            {Out.BLOCKED_ADDRESS, Out.HTTP_ERROR},
        )
    for n in range(10):
        weird = rss(
            item(60 + n, title="", body=""),  # no title, no body
            item(61 + n, title="x" * 5000),
            item(62 + n, body="<p>" + "\u0000\u0001\u0008" * 10 + "</p>"),
            item(63 + n, guid="same"),
            item(64 + n, guid="same"),
        ).replace(b"Mon, 02 Feb 2026", b"Someday, 99 Foo 20xx")
        add("odd-entries", Response(200, XML, weird), PARSED)
    for n in range(10):
        nested = b"<rss version='2.0'><channel>" + b"<x>" * (2000 + n) + b"</channel></rss>"
        add("deep-nesting", Response(200, XML, nested), PARSED | {Out.PARSE_ERROR})
    for n in range(10):
        junk = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            + (
                b"<item><title>a</title><link>javascript:alert(1)</link>"
                b"<description><![CDATA[<script>x</script>]]></description></item>" * (n + 1)
            )
            + b"</channel></rss>"
        )
        add("script-links", Response(200, XML, junk), PARSED)
    for n in range(8):
        add(
            "wrong-content-type",
            Response(200, {"Content-Type": "image/png"}, _good(2, 80 + n)),
            PARSED,
        )
    for n in range(6):
        body = gzip.compress(_good(2, 90 + n))[: 40 + n * 10]
        add(
            "truncated-gzip",
            Response(200, {**XML, "Content-Encoding": "gzip"}, body),
            {Out.HTTP_ERROR, Out.NETWORK_ERROR, Out.PARSE_ERROR},
        )
    return cases


# --- entity declarations in encodings that do not write "<!ENTITY" in ASCII ---------------------

EXPANDED = "ENTITY-EXPANDED-HERE"


def _entity_document(declared: str | None, *, lead: str = "") -> str:
    declaration = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    return (
        f"{lead}{declaration}"
        # One declaration a line: feedparser keeps (and expands) entities declared that way.
        f'<!DOCTYPE rss [\n<!ENTITY boom "{EXPANDED}">\n]>\n'
        '<rss version="2.0"><channel><title>Entity test</title><link>https://x.example</link>'
        "<item><title>&boom;</title><link>https://x.example/1</link>"
        "<description>&boom; &boom;</description></item></channel></rss>"
    )


def entity_documents() -> list[tuple[str, bytes, str]]:
    """(name, body, Content-Type) of documents declaring an entity that feedparser expands,
    each in an encoding where the bytes never spell ``<!ENTITY`` in ASCII."""
    rss_type = "application/rss+xml"
    docs = []
    # EBCDIC: feedparser recognises "<?xm" written in cp037, then obeys the declaration.
    for codec in ("cp037", "cp500", "cp273", "cp1140"):
        docs.append((f"ebcdic-{codec}", _entity_document(codec).encode(codec), rss_type))
    # EBCDIC named only by the Content-Type, no declaration to recognise.
    header_only = _entity_document(None).encode("cp500")
    docs.append(("ebcdic-header", header_only, f"{rss_type}; charset=cp500"))
    # UTF-16/32 without a byte-order mark, named by the Content-Type; a leading newline hides
    # the NULs around the first "<".
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        body = _entity_document(None, lead="\n").encode(codec)
        docs.append((f"{codec}-no-bom", body, f"{rss_type}; charset={codec[:6]}{codec[7:]}"))
    # UTF-16 named by the XML declaration alone, after leading whitespace in text/xml's
    # charset.
    docs.append(("utf-16-text-xml", _entity_document(None, lead=" ").encode("utf-16-le"),
                 "text/xml; charset=utf-16le"))  # fmt: skip
    # UTF-7 may write "<" as "+ADw-" (Python's encoder writes it plainly, so by hand).
    utf7 = _entity_document(None).replace("<", "+ADw-").encode("ascii")
    docs.append(("utf-7", utf7, f"{rss_type}; charset=utf-7"))
    return docs
