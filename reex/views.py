from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static


def healthz(request):
    """Liveness for the container healthcheck: the app answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the API's JSON, files): the
    project's icon, not a 404 in the console."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
