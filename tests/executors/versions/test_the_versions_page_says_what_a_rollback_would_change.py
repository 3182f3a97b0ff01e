"""The campaign's versions page says, per version, what restoring it would change in
its structure and copy, in words."""

import pytest

from tests.executors.versions.conftest import edited_launch

pytestmark = pytest.mark.django_db


def test_the_launch_version_lists_the_headline_and_the_keyword_it_would_restore(
    alice, sandbox, client
):
    campaign, launch, _ = edited_launch(alice, sandbox)
    client.force_login(alice.approver)

    page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/versions/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "headline ‘Socks half price’ replaced by ‘Wool socks on sale’ (Wool socks)" in html
    assert "keyword ‘cheap wool socks’ [PHRASE] in Wool socks removed" in html
    assert "Restoring it would change" in html
    # The launch's own row says it; the newest version (before the edits too) as well.
    assert html.count("headline ‘Socks half price’ replaced by") >= 1
    assert f"/versions/{launch}/rollback/" in html
