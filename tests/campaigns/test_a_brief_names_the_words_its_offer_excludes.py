"""A brief may name words its offer excludes; the optimiser keeps search terms with them out."""

import pytest
from django.core.exceptions import ValidationError

from campaigns.services.launches import brief_create
from tests.campaigns.test_a_brief_is_validated_field_by_field import _data

pytestmark = pytest.mark.django_db


def test_the_words_are_kept_as_a_list_from_a_comma_separated_line(alice):
    data = _data(alice.account, excluded_terms="free, jobs ,, second hand")

    campaign = brief_create(account=alice.account, data=data, actor=alice.analyst)

    assert campaign.brief.excluded_terms == ["free", "jobs", "second hand"]


def test_none_is_an_empty_list_and_an_overlong_word_is_refused(alice):
    campaign = brief_create(account=alice.account, data=_data(alice.account), actor=alice.analyst)
    assert campaign.brief.excluded_terms == []

    with pytest.raises(ValidationError) as refused:
        brief_create(
            account=alice.account,
            data=_data(alice.account, name="Other", excluded_terms=["x" * 81]),
            actor=alice.analyst,
        )
    assert "excluded_terms" in refused.value.message_dict
