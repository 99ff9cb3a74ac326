from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles import urls as articles_urls
from reex import views
from reex.caching import cache_reader_page
from tracker import urls as tracker_urls

from .sitemaps import SITEMAPS

# Under /api/ these answer with problem details (an unknown route included); elsewhere as usual.
handler404 = "reex.problems.page_not_found"
handler500 = "reex.problems.server_error"

# The editors' desk carries the project's name (templates/admin/base_site.html adds its icon
# and colours).
admin.site.site_header = "REEx Tracker · editors' desk"
admin.site.site_title = "REEx Tracker editors"
admin.site.index_title = "Editors' desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/v1/", include("web.api")),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path(
        "sitemap.xml",
        cache_reader_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_reader_page(sitemap_views.sitemap, params=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    # Reader pages. The article list and search filter by the tracker's links: the tracker's
    # views, under the names readers' links use (articles:list, articles:search).
    path("", include((articles_urls.urlpatterns + tracker_urls.article_urlpatterns, "articles"))),
    path("", include("tracker.urls")),
]
