from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name and description, for every template's title, header and OpenGraph tags."""
    return {"site_name": settings.SITE_NAME, "site_description": settings.SITE_DESCRIPTION}
