"""Search: ranked results with highlighted, escaped snippets; helpful pages for empty, short and nonsense queries."""

import pytest

from thaw_site.publishing.publications import Kind, Publication
from thaw_site.publishing.search_vectors import store_search_vectors

pytestmark = pytest.mark.django_db


def test_search_finds_a_person_with_the_term_highlighted(client, era):
    html = client.get("/search/?q=Gagarin").content.decode()
    assert 'href="/people/yuri-gagarin/"' in html and 'href="/events/gagarin-flight/"' in html
    assert "<mark>Gagarin</mark>" in html


def test_search_covers_events_figures_and_sources(client, era):
    assert 'href="/events/sputnik-1/"' in client.get("/search/?q=sputnik").content.decode()
    assert 'href="/sources/schapiro-1971/"' in client.get("/search/?q=Schapiro").content.decode()


def test_a_title_match_ranks_before_a_passing_mention(client, era):
    html = client.get("/search/?q=Khrushchev").content.decode()
    assert html.index('href="/people/nikita-khrushchev/"') < html.index('href="/events/anti-religious-campaign/"')


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "Search every published event"),
        ("k", "too short"),
        ("zzqxv", "Nothing published matches"),
        ("%%", "Nothing published matches"),
    ],
)
def test_empty_short_and_nonsense_queries_get_a_helpful_page(client, era, query, says):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert says in response.content.decode()


def test_punctuation_only_queries_find_nothing_without_failing(client, era):
    response = client.get("/search/", {"q": "!!! ''' ---"})
    assert response.status_code == 200 and "Nothing published matches" in response.content.decode()


def test_snippets_escape_what_editors_wrote(client, era):
    Publication.objects.filter(kind=Kind.EVENT, slug="sputnik-1").update(
        search_text='Sputnik <script>alert("x")</script> 5 < 6 orbit'
    )
    store_search_vectors(Publication.objects.all())
    html = client.get("/search/?q=orbit").content.decode()
    assert "<script>alert" not in html
    assert "5 &lt; 6 <mark>orbit</mark>" in html


def test_search_reads_only_live_publications(client, era):
    Publication.objects.filter(kind=Kind.FIGURE, slug="yuri-gagarin").update(is_live=False)
    assert 'href="/people/yuri-gagarin/"' not in client.get("/search/?q=Gagarin").content.decode()
