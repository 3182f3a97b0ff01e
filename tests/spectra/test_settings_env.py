"""Environment readers: a typo in production config stops the process, loudly."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from spectra.env import env_bool, env_choice, env_decimal, env_int, env_list, env_secret, env_str

NAME = "SPECTRA_TEST_SETTING"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_it_reads_true(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_it_reads_false(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_an_unset_boolean_takes_its_default(default):
    assert env_bool(NAME, default=default) is default


@pytest.mark.parametrize("raw", ["ture", "2", "enabled", "y e s"])
def test_it_refuses_a_boolean_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}=.* is not a boolean"):
        env_bool(NAME)


def test_it_reads_an_integer(monkeypatch):
    monkeypatch.setenv(NAME, " 42 ")
    assert env_int(NAME, 1) == 42


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_unset_or_blank_integer_takes_its_default(monkeypatch, raw):
    if raw is not None:
        monkeypatch.setenv(NAME, raw)
    assert env_int(NAME, 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "3s", "0x10"])
def test_it_refuses_an_integer_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match="is not an integer"):
        env_int(NAME, 1)


def test_it_refuses_an_integer_below_its_minimum(monkeypatch):
    monkeypatch.setenv(NAME, "0")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}=0 must be at least 1"):
        env_int(NAME, 5, minimum=1)


def test_it_reads_a_choice_and_defaults_to_one(monkeypatch):
    assert env_choice(NAME, "orm", {"orm", "redis"}) == "orm"
    monkeypatch.setenv(NAME, "redis")
    assert env_choice(NAME, "orm", {"orm", "redis"}) == "redis"


@pytest.mark.parametrize("raw", ["Redis", "rabbitmq", ""])
def test_it_refuses_a_choice_that_is_not_offered(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=r"must be one of \['orm', 'redis'\]"):
        env_choice(NAME, "orm", {"orm", "redis"})


def test_a_required_secret_must_be_set(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be set in production"):
        env_secret(NAME, required=True)
    monkeypatch.setenv(NAME, "")
    with pytest.raises(ImproperlyConfigured, match="must be set"):
        env_secret(NAME, required=True)
    monkeypatch.setenv(NAME, "x" * 50)
    assert env_secret(NAME, required=True) == "x" * 50


def test_an_optional_secret_falls_back_to_its_development_default():
    assert env_secret(NAME, required=False, dev_default="dev") == "dev"


def test_it_reads_a_list_and_strings(monkeypatch):
    assert env_list(NAME, ["a"]) == ["a"]
    monkeypatch.setenv(NAME, " spectra.example.com, ,admin.example.com ")
    assert env_list(NAME, []) == ["spectra.example.com", "admin.example.com"]
    assert env_str(NAME) == " spectra.example.com, ,admin.example.com "


def test_networks_are_cidrs_and_a_typo_stops_start_up(monkeypatch):
    import ipaddress

    from spectra.env import env_networks

    monkeypatch.setenv("SPECTRA_METRICS_NETWORKS", "10.0.0.0/8, 192.168.1.7")
    assert env_networks("SPECTRA_METRICS_NETWORKS", []) == [
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("192.168.1.7/32"),
    ]
    monkeypatch.setenv("SPECTRA_METRICS_NETWORKS", "10.0.0.0/33")
    with pytest.raises(ImproperlyConfigured, match="SPECTRA_METRICS_NETWORKS"):
        env_networks("SPECTRA_METRICS_NETWORKS", [])


def test_it_reads_a_decimal_amount_exactly(monkeypatch):
    monkeypatch.setenv(NAME, " 450.10 ")
    assert env_decimal(NAME, "0") == Decimal("450.10")


@pytest.mark.parametrize("raw", ["12,50", "NaN", "Infinity", "-1"])
def test_it_refuses_an_amount_it_cannot_use(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_decimal(NAME, "0", minimum="0")
