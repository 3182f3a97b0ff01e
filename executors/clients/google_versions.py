"""The Google Ads API versions Spectra speaks: the one place the client names them.

Google releases a version about every quarter and sunsets each about a year later; a
sunset version answers every call with NOT_FOUND / UNIMPLEMENTED. These are the versions
the official `google-ads` package (requirements-dev.txt, whose protos check Spectra's
requests) ships; `GOOGLE_ADS_API_VERSION` picks one, by default the newest.
"""

SUPPORTED_API_VERSIONS = ("v23", "v24", "v25", "v26")
DEFAULT_API_VERSION = SUPPORTED_API_VERSIONS[-1]
