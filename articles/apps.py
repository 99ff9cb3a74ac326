from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Feeds and articles"

    def ready(self) -> None:
        from .page_cache import reader_pages_follow_articles
        from .signals import articles_changed
        from .tasks import stories_enqueue

        reader_pages_follow_articles()
        articles_changed.connect(stories_enqueue, dispatch_uid="articles.stories_enqueue")
