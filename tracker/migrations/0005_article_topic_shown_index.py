"""An index of each topic's links that readers see, by article: the topic page's chart, newest
articles and link count read it alone, not the links' rows (a third of the chart's time).
A partial index, which SQLite supports as well as PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_topic_link_count")]

    operations = [
        migrations.AddIndex(
            model_name="articletopic",
            index=models.Index(
                condition=models.Q(("state", "rejected"), _negated=True),
                fields=["topic", "article"],
                name="article_topic_shown_idx",
            ),
        ),
    ]
