"""Refuse XML documents that declare entities or an external DTD, before any parser sees them.

Entity expansion is how a few hundred bytes become gigabytes (billion laughs), and an external
DTD or entity is how a parser is made to read local files or internal URLs (XXE). Legitimate feeds
need neither, so the check is a refusal, not a repair. Only the prolog is examined: a DOCTYPE can
stand nowhere else, and an article that merely quotes ``<!ENTITY`` in its text stays acceptable.

The prolog is read the way the parser will read it (feedparser's own encoding decision: EBCDIC,
UTF-16/32 without a byte-order mark, UTF-7 and any other charset a header or the XML declaration
names), and also in every other encoding the bytes point to: scanning the raw bytes as ASCII let
``<!ENTITY`` through in any encoding that does not write it in ASCII.
"""

import codecs
import re

from feedparser.encodings import convert_to_utf8, parse_content_type

# The one external DTD still seen in the wild; feedparser itself knows it and never loads it.
_HARMLESS_PUBLIC_IDS = ("-//Netscape Communications//DTD RSS 0.91//EN",)
_NAME_START = re.compile(r"[A-Za-z_:]")
_EXTERNAL_ID = re.compile(r"\b(SYSTEM|PUBLIC)\b")
_PUBLIC_ID = re.compile(r"""\bPUBLIC\s+(["'])(.*?)\1""", re.DOTALL)
_XML_ENCODING = re.compile(r"""<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# "<?xm" in EBCDIC; the declaration then names the variant, which moves "!" and "[" about.
_EBCDIC_MARKER = b"\x4c\x6f\xa7\x94"
_EBCDIC_VARIANTS = ("cp500", "cp273", "cp1026", "cp1140")


class UnsafeDocument(Exception):
    """The document declares entities or an external DTD."""


def _readings(body: bytes, content_type: str) -> tuple[list[str], bool]:
    """The texts the document may be read as, and whether the parser can decode it at all.

    First the parser's own reading: feedparser's ``convert_to_utf8`` picks the encoding from
    the byte-order mark, the Content-Type charset, the XML declaration and the first bytes
    (EBCDIC, UTF-16/32 without a mark), and what it returns is exactly what its XML parser
    reads. Then, so a disagreement between feedparser versions and this module never opens a
    hole, every other encoding the document's bytes or headers point to.
    """
    result: dict = {}
    parsed = convert_to_utf8({"content-type": content_type}, body, result)
    decodable = bool(result.get("encoding"))
    texts = [parsed.decode("utf-8", errors="replace") if decodable else body.decode("latin-1")]
    sniffed, data = _sniff(body)
    names = [sniffed, *_EBCDIC_VARIANTS] if sniffed == "cp037" else [sniffed]
    names.append(parse_content_type(content_type)[1])
    declared = _XML_ENCODING.match(data[:1024].decode(sniffed, errors="replace"))
    names.append(declared.group(1) if declared else "")
    seen: set[str] = set()
    for name in filter(None, names):
        try:
            codec = codecs.lookup(name.strip()).name
        except LookupError:
            decodable = False  # a charset nobody can read: judge by every other reading
            continue
        if codec not in seen:
            seen.add(codec)
            texts.append(data.decode(codec, errors="replace"))
    return texts, decodable


def _sniff(body: bytes) -> tuple[str, bytes]:
    """The encoding the first bytes show (a byte-order mark, or how "<" or "<?xm" is written),
    and the body without its mark; latin-1 keeps ASCII markup readable for every other one."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec, body[len(bom) :]
    if body[:4] == _EBCDIC_MARKER:
        return "cp037", body
    # UTF-16/32 without a mark: the NULs around the first character of markup or whitespace.
    head = body[:4]
    if head[:3] == b"\x00\x00\x00" and head[3:]:
        return "utf-32-be", body
    if head[1:] == b"\x00\x00\x00":
        return "utf-32-le", body
    if head[:1] == b"\x00" and head[1:2] != b"\x00":
        return "utf-16-be", body
    if head[1:2] == b"\x00" and head[:1] != b"\x00":
        return "utf-16-le", body
    return "latin-1", body


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


def check_document_safety(body: bytes, *, content_type: str = "application/xml") -> None:
    """Raise UnsafeDocument when the prolog declares entities or names an external DTD.

    ``content_type`` is the header feedparser is given, since its charset can decide the
    encoding. The document is refused when any of its readings (``_readings``) declares
    entities, and when it cannot be decoded yet one of its readings has an internal subset.
    """
    texts, decodable = _readings(body, content_type)
    for text in texts:
        doctype = _doctype(text)
        if doctype is not None:
            _check_doctype(doctype, decodable=decodable)


def _check_doctype(doctype: str, *, decodable: bool) -> None:
    head = doctype.split("[", 1)[0].split(">", 1)[0]
    if "<!ENTITY" in doctype.upper():
        raise UnsafeDocument("the document declares XML entities (entity expansion refused)")
    if not decodable and doctype[len(head) : len(head) + 1] == "[":
        raise UnsafeDocument(
            "the document has a DTD subset in an encoding that cannot be read (refused)"
        )
    if _EXTERNAL_ID.search(head):
        public = _PUBLIC_ID.search(head)
        if public and public.group(2).strip() in _HARMLESS_PUBLIC_IDS:
            return
        raise UnsafeDocument("the document names an external DTD (external entities refused)")
