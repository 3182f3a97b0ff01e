"""One policy for every URL Spectra calls out to: platform APIs, token endpoints, webhooks.

A URL someone typed (an account's API root, an organization's webhook, a token
endpoint in credentials) decides where Spectra sends secrets and requests, so
an unchecked one turns Spectra into a tool for reaching what only Spectra can
reach (SSRF): its own loopback services, the private network, the cloud
metadata service. The policy is checked twice:

- when the URL is saved (`validate_outbound_url`, the model fields' validators),
  so the admin and the API refuse it with a field error;
- when a request is sent (`guarded_session`), on every request including
  redirect targets: the host is resolved once, *every* address it resolves to
  must be allowed, and the connection goes to the checked address (pinned),
  with Host, SNI and certificate checks still for the name. A name that
  resolved to a public address when it was saved and to 127.0.0.1 now
  (DNS rebinding) is refused before anything is sent.

What is allowed: http(s) only, https only in production (loopback excepted:
it never leaves the machine); hosts on the purpose's allow-list (the real
platforms' and chat tools' hosts, plus SPECTRA_PLATFORM_HOSTS /
SPECTRA_WEBHOOK_HOSTS); the scheme's own port unless SPECTRA_OUTBOUND_PORTS
lists more; loopback only where SPECTRA_ALLOW_LOOPBACK_URLS says so (the
sandbox), private ranges only where SPECTRA_ALLOW_PRIVATE_URLS does. Never:
link-local (169.254.169.254, the metadata service), unspecified, multicast,
reserved addresses; user:password@ in the URL; IPv4 written any way but four
decimal numbers (2130706433, 0x7f.1 and 127.1 all mean 127.0.0.1 to the
resolver); IPv6 spellings of IPv4 addresses.

Refusal messages say what is wrong with the URL without repeating it (webhook
URLs carry their secret in the path) and without saying whether anything
answered there: nothing is sent to a refused URL.
"""

import ipaddress
import re
import socket
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import idna
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import select_proxy
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url
from urllib3.util.connection import allowed_gai_family

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Purpose(StrEnum):
    ADOBE_API = "adobe_api"
    GOOGLE_ADS_API = "google_ads_api"
    TOKEN = "token"  # OAuth token endpoints (Adobe IMS, Google OAuth)
    WEBHOOK = "webhook"
    LLM_API = "llm_api"  # OpenAI-compatible model providers (creative.llm)


# The real hosts. `*.example.com` means any subdomain of example.com (not itself).
DEFAULT_HOSTS: dict[Purpose, tuple[str, ...]] = {
    # Adobe Experience Platform and Adobe's other APIs (platform.adobe.io, …).
    Purpose.ADOBE_API: ("*.adobe.io",),
    Purpose.GOOGLE_ADS_API: ("googleads.googleapis.com",),
    Purpose.TOKEN: ("ims-na1.adobelogin.com", "oauth2.googleapis.com"),
    Purpose.WEBHOOK: (
        "hooks.slack.com",
        "*.webhook.office.com",  # Microsoft Teams incoming webhooks
        "*.logic.azure.com",  # Teams workflows (Power Automate)
        "chat.googleapis.com",  # Google Chat
        "discord.com",
    ),
    Purpose.LLM_API: (
        "api.openai.com",
        "generativelanguage.googleapis.com",  # Gemini's OpenAI-compatible endpoint
        "*.openai.azure.com",
        "api.anthropic.com",
    ),
}
# Which setting adds hosts to which purpose, and how a refusal names the purpose.
EXTRA_HOSTS_SETTING = {
    Purpose.ADOBE_API: "SPECTRA_PLATFORM_HOSTS",
    Purpose.GOOGLE_ADS_API: "SPECTRA_PLATFORM_HOSTS",
    Purpose.TOKEN: "SPECTRA_PLATFORM_HOSTS",
    Purpose.WEBHOOK: "SPECTRA_WEBHOOK_HOSTS",
    Purpose.LLM_API: "SPECTRA_LLM_HOSTS",  # a self-hosted vLLM, Ollama or llama.cpp
}
PURPOSE_NAMES = {
    Purpose.ADOBE_API: "Adobe's API",
    Purpose.GOOGLE_ADS_API: "the Google Ads API",
    Purpose.TOKEN: "token endpoints",
    Purpose.WEBHOOK: "webhooks",
    Purpose.LLM_API: "model providers",
}
DEFAULT_PORTS = {"http": 80, "https": 443}

# Allowed only with SPECTRA_ALLOW_PRIVATE_URLS: a deployment's own network.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)
# Special-purpose ranges that Python 3.11 still counts as global.
SPECIAL_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "192.88.99.0/24",  # 6to4 relay anycast
        "64:ff9b:1::/48",  # NAT64 local use: the embedded address may sit anywhere
        "2001:20::/28",  # ORCHIDv2
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
    )
)
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")
_UNSAFE_CHARACTERS = re.compile(r"[\s\x00-\x1f\x7f\\]")  # \s: Unicode spaces too
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d


# Not InvalidURL: requests re-wraps a ValueError raised while it picks a connection.
class OutboundURLRefused(requests.RequestException):
    """The policy refused a URL before anything was sent to it; `reason` says why
    (never the URL itself, whose path may be a secret)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class URLPolicy:
    """The policy for one or more purposes, as the settings say now."""

    purposes: tuple[Purpose, ...]
    hosts: tuple[str, ...]
    allow_loopback: bool
    allow_private: bool
    require_https: bool
    ports: frozenset[int]

    @classmethod
    def for_purposes(cls, *purposes: Purpose) -> "URLPolicy":
        if not purposes:
            raise ValueError("A URL policy needs at least one purpose.")
        hosts = []
        for purpose in purposes:
            hosts += DEFAULT_HOSTS[purpose]
            hosts += getattr(settings, EXTRA_HOSTS_SETTING[purpose])
        return cls(
            purposes=tuple(purposes),
            hosts=tuple(dict.fromkeys(host.lower() for host in hosts)),
            allow_loopback=settings.SPECTRA_ALLOW_LOOPBACK_URLS,
            allow_private=settings.SPECTRA_ALLOW_PRIVATE_URLS,
            require_https=settings.SPECTRA_REQUIRE_HTTPS_URLS,
            ports=frozenset(settings.SPECTRA_OUTBOUND_PORTS),
        )

    def host_is_listed(self, host: str) -> bool:
        return any(
            host.endswith(pattern[1:]) if pattern.startswith("*.") else host == pattern
            for pattern in self.hosts
        )

    def address_refusal(self, address: IPAddress) -> str | None:
        """Why a connection to `address` is refused, or None if it is allowed."""
        address = _embedded_ipv4(address) or address
        if address.is_loopback:
            return None if self.allow_loopback else "a loopback address"
        if _is_private(address):
            return None if self.allow_private else "a private-network address"
        if address.is_link_local:
            return "a link-local address (like the cloud metadata service)"
        if address.is_unspecified:
            return "the unspecified address"
        if address.is_multicast:
            return "a multicast address"
        if isinstance(address, ipaddress.IPv6Address) and address.teredo:
            return "a Teredo tunnel address"
        if (
            not address.is_global
            or address.is_reserved
            or any(address in network for network in SPECIAL_NETWORKS)
        ):
            return "a reserved or special-purpose address"
        return None

    def describe_hosts(self) -> str:
        names = " and ".join(PURPOSE_NAMES[purpose] for purpose in self.purposes)
        settings_names = " / ".join(
            dict.fromkeys(EXTRA_HOSTS_SETTING[purpose] for purpose in self.purposes)
        )
        return f"the hosts allowed for {names} (an operator adds hosts in {settings_names})"


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, compatible)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:  # DNS64 gives these for IPv4-only hosts: judge the IPv4 host
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address in IPV4_COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Destination:
    """Where a URL that passed the policy's URL checks points."""

    scheme: str
    host: str  # lowercase, IDNA-encoded, without brackets or a trailing dot
    port: int
    is_loopback_name: bool  # a loopback literal or `localhost` (the sandbox's kind of host)


def _parse_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_odd_ipv4(host: str) -> bool:
    """True for a name the resolver reads as an IPv4 address (2130706433, 0x7f.1, 127.1,
    0177.0.0.1): a host that looks like a name to a reader and an address to a socket."""
    try:
        socket.inet_aton(host)
    except (OSError, ValueError):
        return False
    return True


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        raise OutboundURLRefused("its host is not a valid host name") from None


def check_url(url: str, policy: URLPolicy) -> Destination:
    """The URL's destination if the policy allows the URL itself; else OutboundURLRefused.

    Names are not resolved here: their addresses are checked at connection time.
    """
    if not isinstance(url, str) or not url:
        raise OutboundURLRefused("it is empty")
    if len(url) > 2048:
        raise OutboundURLRefused("it is longer than 2,048 characters")
    if _UNSAFE_CHARACTERS.search(url):
        raise OutboundURLRefused("it contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 (parses the netloc: a bad [IPv6] raises here)
    except ValueError:
        raise OutboundURLRefused("it is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise OutboundURLRefused("only http and https URLs are allowed")
    if "@" in parts.netloc:
        raise OutboundURLRefused("it must not carry a user name or password (user@host)")
    try:
        port = parts.port
    except ValueError:
        raise OutboundURLRefused("its port is not a number from 1 to 65535") from None
    try:
        other = parse_url(url)
    except LocationParseError:
        raise OutboundURLRefused("it is not a valid URL") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundURLRefused("it has no host")
    # urllib3 (which sends the request) must read the same host and port as this check.
    other_host = (other.host or "").strip("[]").lower().rstrip(".")
    if other_host not in (host, _ascii_host(host)) or other.port != port:
        raise OutboundURLRefused("its host is ambiguous (URL parsers disagree on it)")
    port = port if port is not None else DEFAULT_PORTS[scheme]
    if port == 0:
        raise OutboundURLRefused("its port is not a number from 1 to 65535")

    address = _parse_address(host)
    if address is not None:
        if _embedded_ipv4(address) is not None or (
            isinstance(address, ipaddress.IPv6Address) and address.teredo
        ):
            raise OutboundURLRefused(
                "it spells an IPv4 address in IPv6 form; write the IPv4 address itself"
            )
        refusal = policy.address_refusal(address)
        if refusal:
            raise OutboundURLRefused(f"its host is {refusal}")
        loopback = address.is_loopback
        listed = loopback or policy.host_is_listed(str(address)) or _is_private(address)
    else:
        if _is_odd_ipv4(host):
            raise OutboundURLRefused(
                "its host is an IPv4 address in an unusual spelling; "
                "write it as four decimal numbers (e.g. 203.0.113.7)"
            )
        host = _ascii_host(host)
        if not _HOST_NAME.fullmatch(host):
            raise OutboundURLRefused("its host is not a valid host name")
        loopback = _is_loopback_name(host)
        if loopback and not policy.allow_loopback:
            raise OutboundURLRefused("its host is a loopback address")
        listed = loopback or policy.host_is_listed(host)
    if not listed:
        raise OutboundURLRefused(f"its host {host} is not one of {policy.describe_hosts()}")
    if policy.require_https and scheme != "https" and not loopback:
        raise OutboundURLRefused("it must use https")
    if port != DEFAULT_PORTS[scheme] and not loopback and port not in policy.ports:
        raise OutboundURLRefused(
            f"port {port} is not allowed (only {DEFAULT_PORTS[scheme]} for {scheme}; "
            "an operator allows more in SPECTRA_OUTBOUND_PORTS)"
        )
    return Destination(scheme=scheme, host=host, port=port, is_loopback_name=loopback)


def _is_private(address: IPAddress) -> bool:
    return any(address in network for network in PRIVATE_NETWORKS)


def _is_loopback_name(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


def validate_outbound_url(url: str, *purposes: Purpose) -> None:
    """Raise a ValidationError saying why `url` may not be called for `purposes`."""
    try:
        check_url(url, URLPolicy.for_purposes(*purposes))
    except OutboundURLRefused as exc:
        raise ValidationError(
            f"This URL is not allowed: {exc.reason}.", code="url_not_allowed"
        ) from None


def validate_platform_api_url(url: str) -> None:
    """An ad account's API root: one of the platforms' (its own is checked on connection)."""
    validate_outbound_url(url, Purpose.ADOBE_API, Purpose.GOOGLE_ADS_API)


def validate_llm_api_url(url: str) -> None:
    """A model provider's API root (OpenAI-compatible)."""
    validate_outbound_url(url, Purpose.LLM_API)


def validate_webhook_url(url: str) -> None:
    """An organization's webhook for alerts."""
    validate_outbound_url(url, Purpose.WEBHOOK)


def resolve_checked(host: str, port: int, policy: URLPolicy) -> str:
    """Resolve `host` once and return the address to connect to, if every address it
    resolves to is allowed (one bad address among good ones is how rebinding hides)."""
    try:
        infos = socket.getaddrinfo(host, port, family=allowed_gai_family(), type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise requests.ConnectionError(f"{host} could not be resolved ({exc.strerror}).") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise requests.ConnectionError(f"{host} resolves to no address.")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        refusal = policy.address_refusal(address)
        if refusal:
            raise OutboundURLRefused(f"its host {host} resolves to {refusal}")
        if _is_loopback_name(host) and not (_embedded_ipv4(address) or address).is_loopback:
            # `localhost` skipped the host list, https and port rules as loopback: hold it to that.
            raise OutboundURLRefused(f"its host {host} resolves to an address beyond loopback")
    return addresses[0]


class GuardedAdapter(HTTPAdapter):
    """Checks each request's URL and connects only to an address the policy allows.

    The connection pool is keyed on the checked address instead of the name, so
    urllib3 connects to exactly what was checked; the Host header, SNI and the
    certificate's name check keep using the name.
    """

    def __init__(self, *purposes: Purpose, **kwargs):
        self.purposes = purposes
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        check_url(request.url, URLPolicy.for_purposes(*self.purposes))
        if select_proxy(request.url, kwargs.get("proxies")):
            # A proxy resolves the name itself: the address check would mean nothing.
            raise OutboundURLRefused("calls through a proxy cannot be checked")
        return super().send(request, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        policy = URLPolicy.for_purposes(*self.purposes)
        name, port = host_params["host"], host_params["port"]
        scheme = host_params["scheme"]
        address = resolve_checked(name, port or DEFAULT_PORTS[scheme], policy)
        # Copied: the caller's headers may be a dict it reuses for other requests.
        request.headers = CaseInsensitiveDict(request.headers or {})
        bracketed = f"[{name}]" if ":" in name else name
        request.headers["Host"] = f"{bracketed}:{port}" if port is not None else bracketed
        if scheme == "https":
            pool_kwargs["server_hostname"] = name  # SNI
            pool_kwargs["assert_hostname"] = name  # the certificate must be the name's
        host_params["host"] = f"[{address}]" if ":" in address else address
        return host_params, pool_kwargs


class GuardedSession(requests.Session):
    """A requests session for one kind of outbound call; redirects are refused."""

    def __init__(self, *purposes: Purpose):
        super().__init__()
        # Environment proxies (and .netrc credentials) are not for these calls.
        self.trust_env = False
        adapter = GuardedAdapter(*purposes)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def resolve_redirects(self, resp, req, **kwargs):
        # Platforms and webhooks have no reason to redirect, and following one would
        # carry API keys to wherever it points (requests drops only Authorization).
        if self.get_redirect_target(resp):
            resp.close()
            raise OutboundURLRefused(f"it answered with a redirect (HTTP {resp.status_code})")
        yield from ()


def guarded_session(*purposes: Purpose) -> requests.Session:
    """A session whose every request passes the URL policy for `purposes`."""
    return GuardedSession(*purposes)
