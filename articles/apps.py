from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Feeds and articles"

    def ready(self) -> None:
        from .caching import reader_pages_follow_changes

        reader_pages_follow_changes()
