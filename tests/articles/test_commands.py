"""The `ingest` and `add_feed` commands, as a user runs them."""

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Feed
from tests.loopback import Response

from .feeds import SAMPLE_FEED, item, rss

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_a_file_prints_one_line_and_is_idempotent(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(item(1), item(2)))

    out, _ = run("ingest", str(path))
    assert out.strip() == f"{path}: new_content, 2 created, 0 updated, 0 unchanged"
    out, _ = run("ingest", str(path))
    assert out.strip() == f"{path}: unchanged_body, 0 created, 0 updated, 0 unchanged"
    assert Article.objects.count() == 2


def test_ingest_the_bundled_sample_feed_as_a_named_feed():
    out, _ = run("ingest", str(SAMPLE_FEED), "--as-feed", "https://news.example.org/feed/")

    feed = Feed.objects.get(url="https://news.example.org/feed/")
    assert f"{SAMPLE_FEED}: new_content, 8 created" in out
    assert feed.articles.count() == 8
    assert Article.objects.filter(is_state_media=True).count() == 2
    assert all(a.highlights for a in Article.objects.all())


def test_ingest_a_url_from_a_loopback_server(loopback):
    loopback.route(
        "/feed.xml", Response(200, {"Content-Type": "application/rss+xml"}, rss(item(1)))
    )

    out, _ = run("ingest", loopback.url("/feed.xml"))

    assert "new_content, 1 created" in out
    assert Feed.objects.get().url == loopback.url("/feed.xml")


def test_ingest_failure_exits_non_zero_with_a_one_line_reason(tmp_path, loopback):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<html><body>nope</body></html>")
    good = tmp_path / "good.xml"
    good.write_bytes(rss(item(1)))
    loopback.route("/gone.xml", Response(410))

    with pytest.raises(CommandError, match="3 of 4 source"):
        out, err = run(
            "ingest",
            str(good),
            str(broken),
            str(tmp_path / "missing.xml"),
            loopback.url("/gone.xml"),
        )
    assert Article.objects.count() == 1


def test_ingest_failure_lines_name_the_source_and_reason(tmp_path, capsys):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<html><body>nope</body></html>")
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(broken), str(tmp_path / "missing.xml"), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert lines == [
        f"{broken}: failed: parse_error: the document is an HTML page, not an RSS or Atom feed",
        f"{tmp_path / 'missing.xml'}: failed: no such file, and not an http(s) URL: "
        f"{tmp_path / 'missing.xml'}",
    ]


def test_add_feed_registers_once_and_refuses_non_http_urls():
    out, _ = run("add_feed", "https://feeds.example.org/rss")
    assert "added" in out
    out, _ = run("add_feed", "https://feeds.example.org/rss")
    assert "already tracked" in out
    with pytest.raises(CommandError, match="not an http"):
        run("add_feed", "file:///etc/passwd")
    assert Feed.objects.count() == 1
