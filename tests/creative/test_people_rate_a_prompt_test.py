"""People read each golden brief's output on the run's page and rate it 1–5; the rating
stands beside the automatic pass rates."""

import pytest
from django.urls import reverse

from creative.models import PromptVersion
from creative.services.prompt_tests import prompt_test_rate, prompt_test_run
from creative.services.prompts import PromptError


@pytest.fixture
def run(llm):
    return prompt_test_run(version=PromptVersion.objects.get(name="ad-copy", version=1))


def test_an_operator_reads_the_outputs_and_rates_them(client, superuser, run):
    client.force_login(superuser)
    url = reverse("admin:creative_prompttestrun_change", args=[run.pk])

    page = client.get(url).content.decode()
    client.post(url, {"rating_0": "4", "rating_1": "2", "rating_2": ""})
    listing = client.get(reverse("admin:creative_promptversion_changelist")).content.decode()

    assert "Trailblazer" in page  # the copy itself, to judge
    run.refresh_from_db()
    assert run.ratings == [4, 2] and run.human_rating == 3.0
    assert "rated 3.0/5 (2)" in listing


def test_ratings_are_checked(run, superuser, alice):
    with pytest.raises(PromptError, match="1 to 5"):
        prompt_test_rate(run=run, ratings={0: 9}, actor=superuser)
    with pytest.raises(PromptError, match="no case 99"):
        prompt_test_rate(run=run, ratings={98: 3}, actor=superuser)
    with pytest.raises(PromptError, match="operators"):
        prompt_test_rate(run=run, ratings={0: 3}, actor=alice.admin)


def test_members_may_read_a_run_but_not_rate_it(client, alice, run):
    client.force_login(alice.admin)
    url = reverse("admin:creative_prompttestrun_change", args=[run.pk])

    page = client.get(url)

    assert page.status_code == 200 and 'name="rating_0"' not in page.content.decode()
    assert client.post(url, {"rating_0": "5"}).status_code == 403
