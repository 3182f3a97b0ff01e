"""A 1,000-campaign account is built and its whole 35-day report served over HTTP.

This is a smoke test of scale, not a timed benchmark (see the report for timings).
"""

from executors.sandbox import SandboxServer

from .support import Api


def test_a_thousand_campaign_world_serves_its_full_35_day_report():
    with SandboxServer(
        seed=5,
        campaigns=1000,
        ad_groups_per_campaign=5,
        history_days=35,
        start_date="2025-01-01",
    ) as sandbox:
        api = Api(sandbox)
        rows = api.report("2025-01-01", "2025-02-04")
        assert len(rows) == 1000 * 5 * 35
        assert rows[-1]["adGroupId"] == "AG-005000" and rows[-1]["date"] == "2025-02-04"
        assert len(api.walk("/campaigns", "campaigns", {"limit": 5000})) == 1000
