from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Feeds and articles"

    def ready(self) -> None:
        from .page_cache import reader_pages_follow_articles

        reader_pages_follow_articles()
