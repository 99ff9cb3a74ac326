"""The tracker's blocks on pages the articles app renders (home, article), and the ClaimReview
structured data. The articles app knows nothing of the tracker; its templates load these tags."""

import json
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .. import selectors
from ..models import Claim, Initiative

register = template.Library()

# schema.org Rating for each verdict: 5 is true, 1 false.
RATINGS = {
    Claim.Status.VERIFIED: 5,
    Claim.Status.DISPUTED: 3,
    Claim.Status.FALSE: 1,
}
# As django.utils.html.json_script: nothing in the data can close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


_SCALES = ((Decimal(10**12), "trillion"), (Decimal(10**9), "billion"), (Decimal(10**6), "million"))


@register.filter
def amount(value: Decimal | None, unit: str = "") -> str:
    """A stored figure as readers write it: 12000000000 USD is "$12 billion"."""
    if value is None:
        return ""
    number, scale = value, ""
    for size, name in _SCALES:
        if abs(value) >= size:
            number, scale = value / size, f" {name}"
            break
    text = f"{number.normalize():,f}" if number == number.to_integral() else f"{number:,.2f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    if unit == "USD":
        return f"${text}{scale}"
    if unit == "%":
        return f"{text}%"
    return f"{text}{scale} {unit}".strip()


@register.simple_tag
def home_initiatives() -> list[Initiative]:
    return selectors.home_initiatives()


@register.simple_tag
def home_topics() -> list:
    return selectors.home_topics()


@register.simple_tag
def article_tracker(article_id: int) -> selectors.ArticleTracker:
    return selectors.article_tracker(article_id=article_id)


@register.simple_tag
def initiatives_to_link(links) -> list[Initiative]:
    """For an editor's "link to another initiative": those the article is not linked to."""
    linked = {link.initiative_id for link in links}
    return [
        i
        for i in Initiative.objects.only("id", "name", "slug", "acronym").order_by("name")
        if i.pk not in linked
    ]


def claim_reviews(claims, *, request) -> list[dict]:
    reviews = []
    page = request.build_absolute_uri(request.path)
    for claim in claims:
        rating = RATINGS.get(claim.status)
        if rating is None:
            continue
        # The claim as an article states it, and that article as where it appears.
        quoted_in = getattr(claim, "quote_article", None)
        appearance = request.build_absolute_uri(quoted_in.get_absolute_url()) if quoted_in else page
        review = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page,
            "claimReviewed": getattr(claim, "quote", None) or claim.statement,
            "itemReviewed": {
                "@type": "Claim",
                "appearance": {"@type": "CreativeWork", "url": appearance},
            },
            "author": {"@type": "Organization", "name": settings.SITE_NAME},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": rating,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": claim.get_status_display(),
            },
        }
        if claim.reviewed_at:
            review["datePublished"] = claim.reviewed_at.date().isoformat()
        if claim.evidence_url:
            review["citation"] = claim.evidence_url
        reviews.append(review)
    return reviews


@register.simple_tag(takes_context=True)
def claim_review_jsonld(context, claims) -> SafeString | str:
    """A ``<script type="application/ld+json">`` with a ClaimReview per reviewed claim, or ""."""
    reviews = claim_reviews(claims, request=context["request"])
    if not reviews:
        return ""
    data = json.dumps(reviews if len(reviews) > 1 else reviews[0], ensure_ascii=False)
    # Safe once <, > and & are escaped (as json_script does): the text cannot end the element.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(data.translate(_JSON_ESCAPES)),  # noqa: S308
    )
