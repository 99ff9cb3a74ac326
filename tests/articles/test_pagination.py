"""Reader pagination: bad pages are 404s; capped counts stop counting at the cap."""

import pytest
from django.http import Http404

from articles.models import Article
from articles.pagination import paginate
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_capped_count_stops_at_the_cap_and_pages_within_it(django_assert_max_num_queries):
    for n in range(7):
        make_article(title=f"Post {n}")

    with django_assert_max_num_queries(2):
        page = paginate(Article.objects.order_by("id"), page_number=2, per_page=2, count_cap=5)
        assert [a.title for a in page.object_list] == ["Post 2", "Post 3"]
    assert page.paginator.count == 5
    assert page.paginator.capped
    assert not paginate(list(range(3)), page_number=1, per_page=2, count_cap=5).paginator.capped
    with pytest.raises(Http404):
        paginate(Article.objects.order_by("id"), page_number=4, per_page=2, count_cap=5)


def test_a_count_already_known_is_not_counted_again(django_assert_num_queries):
    for n in range(5):
        make_article(title=f"Post {n}")

    with django_assert_num_queries(1):  # the page's rows only
        page = paginate(Article.objects.order_by("id"), page_number=2, per_page=2, count=5)
        assert [a.title for a in page.object_list] == ["Post 2", "Post 3"]
    assert list(page.page_range) == [1, 2, 3]
    with pytest.raises(Http404):  # the count given decides which pages exist
        paginate(Article.objects.order_by("id"), page_number=2, per_page=2, count=2)
