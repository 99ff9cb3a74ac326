"""The editorial sections of an article: highlights, the house take, sources and the notice.

Works on HTML that came out of ``cleaning.sanitize_html``: nh3 output is well formed (every
element closed, attribute values quoted and escaped), so a regex walk over its tags finds the
blocks reliably, at a fraction of the cost of a Python HTML parser.

A section starts at a *label*: a heading ("<h3>Highlights</h3>"), a paragraph holding nothing
else ("<p><strong>Source</strong></p>"), or a paragraph opening with the label and a colon
("<p>REEx Takeaway: ...</p>"). It runs until the next heading of the same or higher rank, the
next label, or a rule.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from .cleaning import clean_html_to_text


@dataclass(frozen=True)
class Sections:
    """What an article says about itself, as plain text; a missing section is empty."""

    highlights: list[str] = field(default_factory=list)
    takeaway: str = ""
    sources: list[str] = field(default_factory=list)
    disclosure: str = ""
    is_state_media: bool = False


HIGHLIGHTS, TAKEAWAY, SOURCES, DISCLOSURE = "highlights", "takeaway", "sources", "disclosure"

_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (
        HIGHLIGHTS,
        re.compile(
            r"(?:the )?(?:(?:key|main|article|story|today's) )?highlights?"
            r"|key (?:points|takeaways)|at a glance"
        ),
    ),
    # Only the house verdict: "The investor takeaway" or "Bottom Line" are ordinary headings.
    (
        TAKEAWAY,
        re.compile(r"(?:the )?(?:reex|our)(?:'s)? (?:take|takeaway|verdict|view|bottom line)"),
    ),
    (
        SOURCES,
        re.compile(
            r"(?:primary |original )?(?:sources?|citations?|references?)"
            r"(?: and (?:sources?|citations?|references?|notes?))?"
        ),
    ),
]
# Notice labels are short and made only of these words, so a heading such as "What the SEC
# Disclosure Says" is not one.
_NOTICE_WORDS = frozenset(
    {
        *("disclosure", "disclosures", "disclaimer", "disclaimers", "and", "or", "of"),
        *("verification", "notice", "editorial", "legal", "important", "investor", "media"),
        *("source", "sourcing", "translation", "content", "ai", "conflict", "interest"),
    }
)
_NOTICE_KEYWORDS = frozenset({"disclosure", "disclosures", "disclaimer", "disclaimers"})
# Every label starts with one of these words: most paragraphs are ruled out by their first word
# alone, before any text is extracted from them.
_LABEL_FIRST_WORDS = _NOTICE_WORDS | {
    *("the", "key", "main", "article", "story", "today's", "highlight", "highlights", "at"),
    *("reex", "reex's", "our", "primary", "original", "sources", "citation", "citations"),
    *("reference", "references"),
}
_FIRST_WORD = re.compile(r"(?:\s|<[^>]*>)*([A-Za-z'’]+)")

_STATE_TERM = re.compile(
    r"(?<!non-)(?<!non )\b(?:state|government|party)[- ]"
    r"(?:owned|affiliated|run|controlled|backed|linked|sponsored|media)\b"
    r"|\bofficial (?:chinese )?(?:media|press|outlet|news)"
    r"|\b(?:owned|run|controlled|operated|funded) by (?:the )?(?:[a-z']+ )?"
    r"(?:state|government|communist party)\b"
)
_MEDIA_TERM = re.compile(
    r"\b(?:media|outlets?|news|newspapers?|press|channels?|daily|dailies|agency|broadcasters?"
    r"|network|television|tv|radio|wechat|publication)\b"
)
_CHINESE_MEDIA = re.compile(
    r"\b(?:chinese|china's|prc) (?:domestic|state|official|government|party)[- ]?"
    r"(?:run )?(?:media|press|outlets?|news)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Wrappers some sites put around the whole body: looked through, not treated as blocks.
_CONTAINERS = frozenset({"div", "section", "article", "header", "footer", "main", "aside"})
_BLOCKS = frozenset(
    {
        *("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre"),
        *("figure", "table", "hr", "details", "address"),
    }
)
# Only block-level tags are matched, so the engine skips inline markup; every element in nh3
# output is closed, so counting these alone still balances.
_BLOCK_TAG = re.compile(r"<(/?)(" + "|".join(sorted(_BLOCKS | _CONTAINERS)) + r")\b[^>]*>")
_LIST_TAG = re.compile(r"<(/?)(ul|ol|li)\b[^>]*>")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_BULLET = re.compile(r"^[•·▪‣◦*\-–—]\s*")
_LABEL_TRIM = " \t\n:;.-–—*•|\"'"
_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "\xa0": " ", "™": "", "®": ""}
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z']+")
# The footer WordPress appends to every item in its feeds is not part of any section.
_FEED_FOOTER = re.compile(r"the post .+ appeared first on ", re.IGNORECASE | re.DOTALL)
_MAX_LABEL = 60
_LABEL_SCAN = 300
_LABEL_END = re.compile(r"[:\n]")


@dataclass(frozen=True)
class _Block:
    tag: str
    html: str  # inner HTML
    start: int = 0  # the whole element, tags included, in the document
    end: int = 0

    @cached_property
    def text(self) -> str:
        return clean_html_to_text(self.html)


def _blocks(clean_html: str) -> list[_Block]:
    """Top-level blocks in document order; loose inline content becomes a paragraph."""
    blocks: list[_Block] = []
    leaf: str | None = None
    depth = 0
    start = outer_start = loose_start = 0
    end = len(clean_html)
    for match in _BLOCK_TAG.finditer(clean_html):
        closing, name = match.group(1) == "/", match.group(2)
        if leaf is not None:
            if name == "hr":
                continue
            depth += -1 if closing else 1
            if depth == 0:
                inner = clean_html[start : match.start()]
                blocks.append(_Block(leaf, inner, outer_start, match.end()))
                leaf, loose_start = None, match.end()
            continue
        if name in _CONTAINERS or (name in _BLOCKS and not closing):
            loose = clean_html[loose_start : match.start()]
            if loose.strip() and clean_html_to_text(loose):
                blocks.append(_Block("p", loose, loose_start, match.start()))
            loose_start = match.end()
            if name == "hr":
                blocks.append(_Block("hr", "", match.start(), match.end()))
            elif name in _BLOCKS:
                leaf, depth, start, outer_start = name, 1, match.end(), match.start()
    if leaf is not None:  # unbalanced input: keep what there is
        blocks.append(_Block(leaf, clean_html[start:], outer_start, end))
    elif clean_html[loose_start:].strip() and clean_html_to_text(clean_html[loose_start:]):
        blocks.append(_Block("p", clean_html[loose_start:], loose_start, end))
    return blocks


def _list_items(list_html: str) -> list[str]:
    """Top-level items of a list; a nested list is folded into its parent item's text."""
    items: list[str] = []
    depth = 0
    own: list[str] = []  # the item's own HTML, without nested lists
    nested: list[str] = []
    piece_start = item_start = 0
    nested_start = -1
    for match in _LIST_TAG.finditer(list_html):
        closing, name = match.group(1) == "/", match.group(2)
        if not closing:
            depth += 1
            if depth == 1 and name == "li":
                own, nested, piece_start, item_start = [], [], match.end(), match.end()
            elif depth == 2 and name in _LISTS:
                own.append(list_html[piece_start : match.start()])
                nested_start = match.end()
            continue
        if depth == 2 and name in _LISTS and nested_start >= 0:
            nested.extend(_list_items(list_html[nested_start : match.start()]))
            piece_start, nested_start = match.end(), -1
        elif depth == 1 and name == "li" and item_start >= 0:
            own.append(list_html[piece_start : match.start()])
            text = " ".join(filter(None, [clean_html_to_text("".join(own)), "; ".join(nested)]))
            if text:
                items.append(text)
            item_start = -1
        depth = max(depth - 1, 0)
    return items


def _normalize_label(text: str) -> str:
    text = _SPACES.sub(" ", text.translate(_QUOTES).replace("&", " and ").lower())
    return text.strip(_LABEL_TRIM)


def _label_kind(text: str) -> str | None:
    if not text or len(text) > _MAX_LABEL:
        return None
    label = _normalize_label(text)
    for kind, pattern in _LABELS:
        if pattern.fullmatch(label):
            return kind
    words = set(_WORD.findall(label))
    if len(words) <= 6 and words <= _NOTICE_WORDS and words & _NOTICE_KEYWORDS:
        return DISCLOSURE
    return None


def _label(block: _Block) -> tuple[str, str] | None:
    """``(kind, rest)`` when the block is a label; ``rest`` is what follows "Label:" in it."""
    if block.tag not in _HEADINGS and block.tag != "p":
        return None
    first = _FIRST_WORD.match(block.html)
    if not first or first.group(1).lower().replace("’", "'") not in _LABEL_FIRST_WORDS:
        return None
    if len(block.html) > _LABEL_SCAN:
        # A label sits at the very start, so the opening alone rules most paragraphs out.
        opening = block.html[:_LABEL_SCAN]
        if (cut := opening.rfind("<")) > opening.rfind(">"):
            opening = opening[:cut]
        opening = clean_html_to_text(opening)
        if len(opening) > _MAX_LABEL and not _LABEL_END.search(opening, 0, _MAX_LABEL + 1):
            return None
    text = block.text
    if kind := _label_kind(text):
        return kind, ""
    head, separator, rest = text.partition("\n")  # "<strong>Source</strong><br>Reuters"
    if separator and (kind := _label_kind(head)):
        return kind, rest.strip()
    head, separator, rest = text.partition(":")
    if separator and (kind := _label_kind(head)):
        return kind, rest.strip()
    return None


def _section(
    blocks: list[_Block], index: int, labels: list[tuple[str, str] | None]
) -> list[_Block]:
    """The blocks a label at ``index`` heads."""
    label_block = blocks[index]
    rank = int(label_block.tag[1]) if label_block.tag in _HEADINGS else 0
    body: list[_Block] = []
    for position in range(index + 1, len(blocks)):
        block = blocks[position]
        if labels[position] is not None or block.tag == "hr" or _FEED_FOOTER.match(block.text):
            break
        if block.tag in _HEADINGS and (rank == 0 or int(block.tag[1]) <= rank):
            # Some posts put the content itself in a heading ("Citation" then "<h3>Giron…").
            if not body and position == index + 1:
                body.append(block)
            break
        body.append(block)
    return body


def _highlights(rest: str, body: list[_Block]) -> tuple[list[str], list[_Block]]:
    """The highlights, and the blocks of ``body`` they came from."""
    items: list[str] = []
    lists: list[_Block] = []
    for block in body:
        if block.tag in _LISTS:
            items.extend(_list_items(block.html))
            lists.append(block)
        elif items:
            break  # the summary list is over; the article proper starts here
    if items:
        return items, lists
    # No list: "Highlights: …" inline, or lines and paragraphs typed with bullet characters.
    if rest:
        lines, used = rest.split("\n"), []
    else:
        used = [block for block in body if block.tag == "p" and _BULLET.match(block.text)]
        lines = [block.text for block in used]
    return [text for line in lines if (text := _BULLET.sub("", line).strip())], used


def _body_text(rest: str, body: list[_Block], *, own_paragraph: bool) -> str:
    # "Label: text" in a paragraph is complete in itself; in a heading, the blocks below follow.
    parts = [rest] if rest else []
    if not (rest and own_paragraph):
        parts.extend(text for block in body if (text := block.text))
    return "\n\n".join(parts)


def _sources(rest: str, body: list[_Block], *, own_paragraph: bool) -> list[str]:
    if rest:
        found = [part.strip() for part in rest.split(";") if part.strip()]
        if own_paragraph:
            return found
    else:
        found = []
    for block in body:
        if block.tag in _LISTS:
            found.extend(_list_items(block.html))
        elif text := block.text:
            found.append(text)
    return found


def _is_state_media(notice: str) -> bool:
    notice = notice.translate(_QUOTES).lower()
    if _CHINESE_MEDIA.search(notice):
        return True
    return any(
        _STATE_TERM.search(sentence) and _MEDIA_TERM.search(sentence)
        for sentence in _SENTENCE_END.split(notice)
    )


def extract_sections(clean_html: str) -> Sections:
    """Pull the labelled sections out of sanitized article HTML.

    The first highlights list wins; takeaways and notices found in several places are joined
    with blank lines, and sources are collected in order without repeats.
    """
    return _sections_and_blocks(clean_html)[0]


def body_without_sections(clean_html: str, shown: Sections) -> str:
    """``clean_html`` without the labelled sections a page shows on their own (``shown``).

    A kind of section is cut only where what it holds here is exactly what is shown (a field an
    editor changed no longer matches, so its text stays in the body), and only whole blocks are
    cut, so the result is as well formed, and as safe, as ``clean_html``.
    """
    found, used = _sections_and_blocks(clean_html)
    cut: list[_Block] = []
    for kind, value in (
        (HIGHLIGHTS, found.highlights),
        (TAKEAWAY, found.takeaway),
        (SOURCES, found.sources),
        (DISCLOSURE, found.disclosure),
    ):
        if value and value == getattr(shown, kind):
            cut.extend(used[kind])
    if not cut:
        return clean_html
    kept: list[str] = []
    position = 0
    for block in sorted(cut, key=lambda block: block.start):
        if block.start >= position:
            kept.append(clean_html[position : block.start])
            position = block.end
    kept.append(clean_html[position:])
    return "".join(kept).strip()


def _sections_and_blocks(clean_html: str) -> tuple[Sections, dict[str, list[_Block]]]:
    """The sections, and for each kind the blocks (labels included) they were read from."""
    blocks = _blocks(clean_html)
    labels = [_label(block) for block in blocks]
    highlights: list[str] = []
    takeaways: list[str] = []
    sources: list[str] = []
    notices: list[str] = []
    used: dict[str, list[_Block]] = {HIGHLIGHTS: [], TAKEAWAY: [], SOURCES: [], DISCLOSURE: []}
    for index, found in enumerate(labels):
        if found is None:
            continue
        kind, rest = found
        label = blocks[index]
        own_paragraph = label.tag == "p"
        body = [] if rest and own_paragraph else _section(blocks, index, labels)
        if kind == HIGHLIGHTS:
            if not highlights:
                highlights, from_blocks = _highlights(rest, body)
                if highlights:
                    # A heading "Highlights: …" above a list: the list wins, the heading stays.
                    used[kind] = [*([] if rest and from_blocks else [label]), *from_blocks]
            continue
        if kind == TAKEAWAY:
            takeaways.append(_body_text(rest, body, own_paragraph=own_paragraph))
        elif kind == SOURCES:
            sources.extend(_sources(rest, body, own_paragraph=own_paragraph))
        elif kind == DISCLOSURE:
            notices.append(_body_text(rest, body, own_paragraph=own_paragraph))
        used[kind].extend([label, *body])
    disclosure = "\n\n".join(notice for notice in notices if notice)
    sections = Sections(
        highlights=highlights,
        takeaway="\n\n".join(text for text in takeaways if text),
        sources=list(dict.fromkeys(sources)),
        disclosure=disclosure,
        is_state_media=_is_state_media(disclosure),
    )
    return sections, used
