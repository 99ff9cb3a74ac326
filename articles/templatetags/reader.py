from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def http_url(value: str) -> str:
    """``value`` if it is an absolute http(s) URL, else "": links we did not sanitize ourselves."""
    # Ingest already cleans these URLs; this also covers rows written by the admin or the API.
    try:
        parts = urlsplit(value or "")
    except ValueError:
        return ""
    return value if parts.scheme in ("http", "https") and parts.netloc else ""
