"""No lost updates: a save based on a revision the editor has not seen is refused, however the other change came
(another admin session at the same moment, an import, a restore), and restoring never publishes."""

import threading

import pytest
from django.db import connection

from events.models import Topic

from .admin_forms import admin_url, form_data, logged_in

TRIALS = 100


def post_together(posts):
    """Send the posts at the same moment, each from its own thread and so its own database connection."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def refused_as_conflict(response):
    return response.status_code == 200 and "saved this item" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections racing on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_stale_saves_on_postgresql_never_overwrite_silently(client, author, reviewer):
    topic = Topic.objects.create(slug="maize", name="Maize", description="The maize campaign.")
    url = admin_url(Topic, "change", topic.pk)
    anna, boris = logged_in(client, author), logged_in(type(client)(), reviewer)
    silent_overwrites, conflicts = 0, 0
    for trial in range(TRIALS):
        texts = {"anna": f"Anna's text {trial}", "boris": f"Boris's text {trial}"}
        posts = [
            (anna, url, form_data(anna, topic, description=texts["anna"], edit_summary=f"Anna {trial}")),
            (boris, url, form_data(boris, topic, description=texts["boris"], edit_summary=f"Boris {trial}")),
        ]
        outcome = dict(zip(texts, post_together(posts), strict=True))
        saved = [name for name, response in outcome.items() if response.status_code == 302]
        refused = [name for name, response in outcome.items() if refused_as_conflict(response)]
        topic.refresh_from_db()
        if len(saved) == 2:
            silent_overwrites += 1
            continue
        assert len(saved) == 1 and len(refused) == 1, (trial, {n: r.status_code for n, r in outcome.items()})
        conflicts += 1
        assert topic.description == texts[saved[0]]
        loser_form = outcome[refused[0]].context["adminform"].form
        assert loser_form["description"].value() == texts[refused[0]]  # shown back to its editor, not lost
    assert (silent_overwrites, conflicts) == (0, TRIALS)
