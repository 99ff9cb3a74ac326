"""Refuse XML documents that declare entities or an external DTD, before any parser sees them.

Entity expansion is how a few hundred bytes become gigabytes (billion laughs), and an external
DTD or entity is how a parser is made to read local files or internal URLs (XXE). Legitimate feeds
need neither, so the check is a refusal, not a repair. Only the prolog is examined: a DOCTYPE can
stand nowhere else, and an article that merely quotes ``<!ENTITY`` in its text stays acceptable.
"""

import codecs
import re

# The one external DTD still seen in the wild; feedparser itself knows it and never loads it.
_HARMLESS_PUBLIC_IDS = ("-//Netscape Communications//DTD RSS 0.91//EN",)
_NAME_START = re.compile(r"[A-Za-z_:]")
_EXTERNAL_ID = re.compile(r"\b(SYSTEM|PUBLIC)\b")
_PUBLIC_ID = re.compile(r"""\bPUBLIC\s+(["'])(.*?)\1""", re.DOTALL)


class UnsafeDocument(Exception):
    """The document declares entities or an external DTD."""


def _decode_for_scan(body: bytes) -> str:
    for bom, codec in (
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    # UTF-16/32 without a byte-order mark shows as NULs around the first "<".
    if body[:4] == b"\x00\x00\x00<":
        return body.decode("utf-32-be", errors="replace")
    if body[:4] == b"<\x00\x00\x00":
        return body.decode("utf-32-le", errors="replace")
    if body[:2] == b"\x00<":
        return body.decode("utf-16-be", errors="replace")
    if body[:2] == b"<\x00":
        return body.decode("utf-16-le", errors="replace")
    # Every other encoding a feed may declare keeps "<!DOCTYPE" and "<!ENTITY" in ASCII.
    return body.decode("latin-1")


def _doctype(text: str) -> str | None:
    """The DOCTYPE declaration of the prolog, or None when the root element comes first.

    With an internal subset the rest of the document is returned: a quoted "]" inside the subset
    must not hide a later entity declaration.
    """
    pos, end = 0, len(text)
    while pos < end:
        lt = text.find("<", pos)
        if lt < 0 or lt + 1 >= end:
            return None
        if text.startswith("<?", lt):
            close = text.find("?>", lt + 2)
            pos = end if close < 0 else close + 2
        elif text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            pos = end if close < 0 else close + 3
        elif text[lt : lt + 9].upper() == "<!DOCTYPE":
            return _doctype_span(text, lt)
        elif _NAME_START.match(text, lt + 1):
            return None  # the root element: the prolog is over
        else:
            pos = lt + 1
    return None


def _doctype_span(text: str, start: int) -> str:
    bracket = text.find("[", start)
    close = text.find(">", start)
    if bracket < 0 or (0 <= close < bracket):
        return text[start : (close + 1) if close >= 0 else len(text)]
    return text[start:]


def check_document_safety(body: bytes) -> None:
    """Raise UnsafeDocument when the prolog declares entities or names an external DTD."""
    doctype = _doctype(_decode_for_scan(body))
    if doctype is None:
        return
    if "<!ENTITY" in doctype.upper():
        raise UnsafeDocument("the document declares XML entities (entity expansion refused)")
    head = doctype.split("[", 1)[0].split(">", 1)[0]
    if _EXTERNAL_ID.search(head):
        public = _PUBLIC_ID.search(head)
        if public and public.group(2).strip() in _HARMLESS_PUBLIC_IDS:
            return
        raise UnsafeDocument("the document names an external DTD (external entities refused)")
