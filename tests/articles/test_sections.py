"""``articles.sections``: highlights, house take, sources and notices out of sanitized HTML."""

import re

import feedparser
import pytest

from articles.cleaning import clean_html_to_text, sanitize_html
from articles.sections import Sections, body_without_sections, extract_sections
from tests.articles.feeds import SHARED_FEED, shared_bytes


def sections(html: str) -> Sections:
    return extract_sections(sanitize_html(html, base_url="https://news.example.com/p/"))


# Highlights


def test_highlights_under_a_heading_stop_where_the_list_ends():
    found = sections(
        "<h3>Highlights</h3><ul><li>Mine opens.</li>\n<li>Output <b>doubles</b>.</li></ul>"
        "<p>The body starts here.</p><h3>Next</h3><ul><li>not a highlight</li></ul>"
    )
    assert found.highlights == ["Mine opens.", "Output doubles."]


def test_highlights_labelled_by_a_bold_paragraph():
    found = sections(
        "<p><strong>Key Highlights:</strong></p><ol><li>One</li><li>Two</li></ol><p>Body.</p>"
    )
    assert found.highlights == ["One", "Two"]


def test_nested_highlight_lists_fold_into_their_parent_item():
    found = sections(
        "<h2>Highlights</h2><ul><li>Three moves:<ul><li>fund</li><li>build</li></ul></li>"
        "<li>Then sell.</li></ul>"
    )
    assert found.highlights == ["Three moves: fund; build", "Then sell."]


def test_highlights_inside_a_wrapper_div():
    found = sections("<div><div><h3>highlights</h3><ul><li>Wrapped</li></ul></div></div>")
    assert found.highlights == ["Wrapped"]


def test_highlights_typed_as_bullet_paragraphs():
    found = sections("<p>Highlights</p><p>• First</p><p>• Second</p><h3>Body</h3><p>x</p>")
    assert found.highlights == ["First", "Second"]


def test_an_article_without_labels_has_empty_sections():
    assert sections("<h3>Overview</h3><p>Plain text: nothing labelled.</p>") == Sections(
        highlights=[], takeaway="", sources=[], disclosure="", is_state_media=False
    )
    assert extract_sections("") == Sections()


# Takeaway


def test_takeaway_heading_runs_to_the_next_heading():
    found = sections(
        "<h3>REEx Takeaway</h3><p>First thought.</p><p>Second thought.</p>"
        "<h3>Investor Profile</h3><p>About the fund.</p>"
    )
    assert found.takeaway == "First thought.\n\nSecond thought."


def test_takeaway_heading_stops_at_a_source_paragraph():
    found = sections("<h3>REEx Take</h3><p>Verdict text.</p><p>Source: Wire service</p>")
    assert found.takeaway == "Verdict text."
    assert found.sources == ["Wire service"]


def test_takeaway_keeps_its_subheadings():
    found = sections("<h2>REEx Verdict</h2><h4>In short</h4><p>Build refineries.</p><h2>X</h2>")
    assert found.takeaway == "In short\n\nBuild refineries."


def test_takeaway_as_a_label_with_colon_paragraph():
    found = sections("<p>Body.</p><p><strong>REEx Takeaway:</strong> Markets, not mines.</p>")
    assert found.takeaway == "Markets, not mines."


@pytest.mark.parametrize(
    "label", ["REEx\u2019s Take", "REEX TAKE:", "REEx\u2122 Verdict", "Our take", "REEx View"]
)
def test_takeaway_label_spellings(label):
    assert sections(f"<h3>{label}</h3><p>Yes.</p>").takeaway == "Yes."


@pytest.mark.parametrize(
    "heading",
    ["REEx: What The Update Informs Investors", "The investor takeaway", "Bottom Line"],
)
def test_headings_that_are_not_the_house_take(heading):
    assert sections(f"<h3>{heading}</h3><p>Analysis.</p>").takeaway == ""


def test_takeaway_excludes_the_wordpress_feed_footer():
    found = sections(
        "<p><strong>REEx Take</strong></p><p>Short view.</p>"
        '<p>The post <a href="https://x.example/p">Title</a> appeared first on '
        '<a href="https://x.example/">Site</a>.</p>'
    )
    assert found.takeaway == "Short view."


# Sources


def test_sources_paragraph_is_split_on_semicolons():
    found = sections("<p>Sources: Survey A (2024); Report B; Filing C (27 Jan 2026).</p>")
    assert found.sources == ["Survey A (2024)", "Report B", "Filing C (27 Jan 2026)."]


def test_source_label_paragraph_then_the_citation():
    found = sections(
        "<p>Conclusion.</p><p>Source</p><p>Author, A. Review (Firm &amp; Co, 2026)</p>"
        "<h3>Appendix</h3><p>not a source</p>"
    )
    assert found.sources == ["Author, A. Review (Firm & Co, 2026)"]


def test_citation_heading_whose_content_is_itself_a_heading():
    found = sections("<h3>Citation</h3><h3>Doe et al., Journal 1, 2 (2025). DOI: 10/x</h3>")
    assert found.sources == ["Doe et al., Journal 1, 2 (2025). DOI: 10/x"]


def test_references_heading_with_a_list():
    found = sections("<h2>References</h2><ul><li>One</li><li>Two</li></ul><p>Three</p>")
    assert found.sources == ["One", "Two", "Three"]


def test_about_the_source_is_not_a_sources_section():
    assert sections("<h3>About the Source</h3><p>A daily paper.</p>").sources == []


def test_source_new_tab_note_is_gone():
    found = sections(
        '<p>Source: <a href="https://w.example/">Wire</a> (opens in a new tab) 2026</p>'
    )
    assert found.sources == ["Wire 2026"]


# Disclosure and state media


@pytest.mark.parametrize(
    "html",
    [
        "<p>Disclaimer: Figures are the outlet's own.</p>",
        "<p>Disclosure / Disclaimer: Figures are the outlet's own.</p>",
        "<p>Disclosure &amp; Verification Notice: Figures are the outlet's own.</p>",
        "<p>Disclosure &amp; Verification Notice</p><p>Figures are the outlet's own.</p>",
        "<p><em>Disclosure:</em> Figures are the outlet's own.</p>",
        "<h4>Disclaimer</h4><p>Figures are the outlet's own.</p>",
    ],
)
def test_disclosure_variants(html):
    found = sections("<p>Body.</p>" + html)
    assert found.disclosure == "Figures are the outlet's own."
    assert not found.is_state_media


def test_heading_that_mentions_a_disclosure_is_not_a_notice():
    found = sections("<h3>What the SEC Disclosure Says: The Deal</h3><p>Terms.</p>")
    assert found.disclosure == ""


@pytest.mark.parametrize(
    "notice",
    [
        "This item comes from a state-owned newspaper.",
        "Translated from People\u2019s Daily, a state-affiliated outlet.",
        "Originally published by state-run media.",
        "Based on a report by government-controlled television.",
        "The report originates from Chinese domestic media; verify independently.",
        "Summarised from Chinese state media.",
        "Content from media affiliated with a Chinese state-owned enterprise.",
        "Distributed via WeChat and state-affiliated channels.",
        "Condensed from outlets owned by the Chinese state.",
        "Taken from a newspaper run by the Communist Party.",
    ],
)
def test_state_media_notices(notice):
    found = sections(f"<p>Body.</p><p>Disclosure &amp; Verification Notice: {notice}</p>")
    assert found.is_state_media


@pytest.mark.parametrize(
    "notice",
    [
        "The author holds no position in the companies named.",
        "Figures should be checked against non-state sources.",
        "The company is state-owned; this analysis uses its audited filings.",
    ],
)
def test_notices_that_are_not_state_media(notice):
    assert not sections(f"<p>Disclaimer: {notice}</p>").is_state_media


def test_state_media_mentioned_only_in_the_body_does_not_count():
    found = sections("<p>Xinhua, the state-run news agency, reported the quota.</p>")
    assert not found.is_state_media


# The shared feed


@pytest.fixture(scope="module")
def feed_sections() -> dict[str, Sections]:
    body = shared_bytes(SHARED_FEED)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    assert len(parsed.entries) == 25
    return {
        entry.title: extract_sections(sanitize_html(entry.content[0].value, base_url=entry.link))
        for entry in parsed.entries
    }


def by_title(feed_sections: dict[str, Sections], fragment: str) -> Sections:
    [found] = [value for title, value in feed_sections.items() if fragment in title]
    return found


def titles_where(feed_sections: dict[str, Sections], predicate) -> set[str]:
    return {title for title, value in feed_sections.items() if predicate(value)}


def test_shared_feed_every_post_has_highlights(feed_sections):
    assert all(value.highlights for value in feed_sections.values())
    assert (
        sum(len(value.highlights) for value in feed_sections.values()) == 104
    )  # top-level bullets; nested ones fold into their parent


def test_shared_feed_takeaways(feed_sections):
    with_take = titles_where(feed_sections, lambda value: value.takeaway)
    assert len(with_take) == 9
    for fragment in ("Recycle", "Oil Money", "Power Without a Flag", "Britain", "Argentina"):
        assert any(fragment in title for title in with_take), fragment
    for fragment in ("Shenghe", "India Steps", "Rules Before Rocks", "Paradox of Visibility"):
        assert any(fragment in title for title in with_take), fragment

    copper = by_title(feed_sections, "Power Without a Flag").takeaway
    assert copper.count("\n\n") == 1  # two paragraphs; the investor profile is not included
    assert "Consortium" not in copper and "$1.8 billion" not in copper
    shenghe = by_title(feed_sections, "Shenghe").takeaway
    assert "Three signals" not in shenghe and "WeChat" not in shenghe
    assert "Source" not in by_title(feed_sections, "Recycle").takeaway
    assert "Belfast" in by_title(feed_sections, "Britain").takeaway


def test_shared_feed_sources(feed_sections):
    with_sources = titles_where(feed_sections, lambda value: value.sources)
    assert len(with_sources) == 10
    assert sum(len(value.sources) for value in feed_sections.values()) == 13

    britain = by_title(feed_sections, "Britain").sources
    assert len(britain) == 3
    assert britain[0].startswith("Currie & Elliott (2024)")
    assert "27 Jan 2026" in britain[2]
    [citation] = by_title(feed_sections, "Nanostructures").sources
    assert "10.1038/s41467-025-67773-7" in citation and "11335" in citation
    [hallgarten] = by_title(feed_sections, "End of Empire").sources
    assert "Hallgarten & Company, Feb. 5, 2026" in hallgarten
    assert len(by_title(feed_sections, "Kazakhstan").sources) == 2
    assert by_title(feed_sections, "India Steps").sources == ["ANI, Feb. 4, 2026"]


def test_shared_feed_disclosures_and_state_media(feed_sections):
    with_notice = titles_where(feed_sections, lambda value: value.disclosure)
    state_media = titles_where(feed_sections, lambda value: value.is_state_media)
    assert len(with_notice) == 7
    assert state_media == with_notice
    baotou = by_title(feed_sections, "Magnetometer")
    assert baotou.is_state_media and "Baotou News Network" in baotou.disclosure
    assert "WeChat" in by_title(feed_sections, "Shenghe").disclosure
    # Its "What the SEC Disclosure Says" heading is analysis, not a notice.
    assert by_title(feed_sections, "USA Rare Earth at the Crossroads").disclosure == ""


def test_shared_feed_nested_highlights(feed_sections):
    ustda = by_title(feed_sections, "USTDA").highlights
    assert len(ustda) == 3
    assert "Zambia" in ustda[1] and "25,000 metric tons" in ustda[1]


# The body without the sections a page shows on their own


def clean(html: str) -> str:
    return sanitize_html(html, base_url="https://news.example.com/p/")


def without_shown(html: str) -> str:
    return body_without_sections(html, extract_sections(html))


def test_body_without_sections_keeps_only_the_article_proper():
    html = clean(
        "<h3>Highlights</h3><ul><li>Mine opens.</li><li>Output doubles.</li></ul>"
        "<p>First paragraph.</p><h3>Context</h3><p>Second paragraph.</p>"
        "<h3>REEx Take</h3><p>A verdict.</p><p>More verdict.</p>"
        "<p>Source: Example Wire</p><p><strong>Disclosure</strong></p><p>Held shares.</p>"
    )
    assert without_shown(html) == clean(
        "<p>First paragraph.</p><h3>Context</h3><p>Second paragraph.</p>"
    )


def test_body_without_sections_cuts_inside_wrappers_and_stays_well_formed():
    html = clean(
        "<div><h3>Highlights</h3><ul><li>Wrapped</li></ul><p>Body.</p></div>"
        "<div><p>REEx Takeaway: short and sharp.</p></div><p>After.</p>"
    )
    body = without_shown(html)
    assert body == clean("<div><p>Body.</p></div><div></div><p>After.</p>")
    assert clean(body) == body  # whole blocks only: sanitizing again changes nothing


def test_body_keeps_a_section_whose_shown_field_an_editor_changed():
    html = clean("<h3>Highlights</h3><ul><li>One</li></ul><h3>REEx Take</h3><p>Verdict.</p>")
    found = extract_sections(html)
    edited = Sections(highlights=["One, corrected"], takeaway=found.takeaway)
    body = body_without_sections(html, edited)
    assert "One" in body and "Verdict" not in body
    assert body_without_sections(html, Sections()) == html  # nothing shown: nothing cut


def test_body_keeps_a_highlights_heading_with_text_of_its_own():
    html = clean("<h3>Highlights: a busy week</h3><ul><li>One</li></ul><p>Body.</p>")
    assert without_shown(html) == clean("<h3>Highlights: a busy week</h3><p>Body.</p>")


def test_body_without_sections_of_bullet_paragraphs_and_inline_labels():
    html = clean(
        "<p>Highlights</p><p>• First</p><p>• Second</p><p>Plain body.</p>"
        "<p>Sources: A; B</p><p>Tail.</p>"
    )
    assert without_shown(html) == clean("<p>Plain body.</p><p>Tail.</p>")


def test_body_without_sections_of_hostile_markup_is_still_sanitized_html():
    html = clean(
        '<p>x</p><a title="<h3>Highlights</h3><ul><li>a</li></ul>" href="https://e.org/">t</a>'
        "<!-- <h3>REEx Take</h3> --><h3>Highlights</h3><ul><li>Real one</li></ul>"
        '<p>hi " onmouseover="alert(1)" y</p><h3>REEx Take</h3><p>Take.</p><p>After.</p>'
    )
    body = without_shown(html)
    assert extract_sections(html).highlights == ["Real one"]
    assert "Real one" not in body and "Take." not in body and "onmouseover" in body
    assert clean(body) == body


def test_shared_feed_bodies_lose_their_sections_and_nothing_else(feed_sections):
    body = shared_bytes(SHARED_FEED)
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    for entry in parsed.entries:
        html = sanitize_html(entry.content[0].value, base_url=entry.link)
        found = feed_sections[entry.title]
        body = body_without_sections(html, found)
        assert extract_sections(body) == Sections(), entry.title  # no section left to show twice
        text, full = clean_html_to_text(body), clean_html_to_text(html)
        assert len(text) > len(full) / 3, entry.title  # the article itself is still there
        for highlight in found.highlights:
            assert highlight not in text, (entry.title, highlight)
        assert clean(body) == body  # whole blocks only
        # What is kept is the original's paragraphs, in the original order.
        paragraphs = re.findall(r"<p>.*?</p>", body, re.DOTALL)
        remaining = iter(re.findall(r"<p>.*?</p>", html, re.DOTALL))
        assert all(paragraph in remaining for paragraph in paragraphs), entry.title
