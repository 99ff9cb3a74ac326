"""What a partner's sync does, for the API tests: walk every page, name a moment."""

from datetime import datetime


def pull(api, url: str) -> list[dict]:
    """Every row of a paginated list, following ``next``."""
    rows = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def since(moment: datetime) -> str:
    """``moment`` as an ``updated_since`` value."""
    return moment.isoformat().replace("+00:00", "Z")
