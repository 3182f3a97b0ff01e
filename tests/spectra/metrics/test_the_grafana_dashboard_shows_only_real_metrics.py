"""Every query on the shipped Grafana dashboard names a metric Spectra serves, so the
dashboard cannot silently go blank when a metric is renamed."""

import json
import re
from pathlib import Path

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

DASHBOARD = Path(__file__).resolve().parents[3] / "deploy" / "grafana" / "spectra.json"


def _served(settings) -> set[str]:
    settings.SPECTRA_METRICS_TOKEN = "t"
    text = Client().get("/metrics/", HTTP_AUTHORIZATION="Bearer t").content.decode()
    families = list(text_string_to_metric_families(text))
    # A family with no samples yet is still served, under its samples' names.
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"]}
    return {f.name + end for f in families for end in ["", *suffixes.get(f.type, [])]}


def test_every_panel_queries_metrics_that_exist(db, settings, client):
    client.get("/healthz/")  # so the latency histogram has samples to serve
    served = _served(settings)
    panels = json.loads(DASHBOARD.read_text())["panels"]
    assert len(panels) >= 10
    for panel in panels:
        for target in panel["targets"]:
            names = set(re.findall(r"\bspectra_[a-z_]+", target["expr"]))
            assert names, panel["title"]
            assert names <= served, (panel["title"], names - served)
