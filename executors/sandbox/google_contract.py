"""Google's contract for Google Ads REST request bodies and GAQL fields, checked strictly.

A body must be the proto3 JSON of the request message of its RPC, in the canonical form:

* every field name is the field's lowerCamelCase JSON name (`amountMicros`), and a field
  mask's paths too (`updateMask: "amountMicros"`; `amount_micros` is refused, as Google's
  own parser refuses it);
* int64 values are JSON strings (`"1250000"`), enums are their names (`"PAUSED"`);
* fields the message does not have are refused (no `ignore_unknown_fields`).

With the official `google-ads` package installed (a test dependency: requirements-dev.txt)
the body is walked against the request message's descriptor and then parsed by
`google.protobuf.json_format.Parse`; GAQL fields are looked up in `GoogleAdsRow`. Without
it (the demo installs only requirements.txt) the checks are the ones that need no
protos: lowerCamelCase names and masks, `…Micros` and the other int64 fields Spectra
sends as strings. The sandbox imports no Django, and neither does this module.

`request_problems` and `query_problems` return what is wrong in words (empty: nothing).
"""

from __future__ import annotations

import functools
import importlib
import json
import re

from executors.sandbox.google_errors import API_VERSION

# int64 fields Spectra sends, for the check without protos (they all end in Micros but one).
_INT64_NAMES = re.compile(r"(Micros|^trafficSplit|^cpcBidCeilingMicros)$")
_MASK_KEYS = {"updateMask"}
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\b")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_ACTION = re.compile(r"^(?P<collection>\w+)/[^/:]+:(?P<verb>\w+)$")


@functools.cache
def _protos(version: str):
    """(services types module, json_format) of `version`, or None without google-ads."""
    try:
        services = importlib.import_module(f"google.ads.googleads.{version}.services.types")
        json_format = importlib.import_module("google.protobuf.json_format")
    except ImportError:
        return None
    return services, json_format


def protos_available(version: str = API_VERSION) -> bool:
    """Whether the google-ads package (with this version's protos) is installed."""
    return _protos(version) is not None


def request_message_name(method: str) -> str | None:
    """The request message of a REST method path after `customers/{cid}/`:
    `campaignBudgets:mutate` -> MutateCampaignBudgetsRequest, `googleAds:searchStream` ->
    SearchGoogleAdsStreamRequest, `experiments/1:scheduleExperiment` ->
    ScheduleExperimentRequest. None for a path of no known form."""
    action = _ACTION.match(method)
    if action:
        verb = action["verb"]
        return verb[0].upper() + verb[1:] + "Request"
    if method == "googleAds:searchStream":
        return "SearchGoogleAdsStreamRequest"
    if method == "googleAds:search":
        return "SearchGoogleAdsRequest"
    service, _, verb = method.partition(":")
    if not service or not verb:
        return None
    return verb[0].upper() + verb[1:] + service[0].upper() + service[1:] + "Request"


def is_method(method: str, version: str = API_VERSION) -> bool | None:
    """Whether Google Ads API `version` has a request message for `method` (None: no
    protos to say). The sandbox lets its routes answer 404 for what is no method."""
    protos = _protos(version)
    if protos is None:
        return None
    name = request_message_name(method)
    return bool(name) and hasattr(protos[0], name)


def request_problems(method: str, body: object, version: str = API_VERSION) -> list[str]:
    """What is wrong with `body` as the request of `method` (empty if nothing)."""
    if not isinstance(body, dict):
        return ["The request body must be a JSON object."]
    protos = _protos(version)
    if protos is None:
        return _plain_problems(body, "")
    services, json_format = protos
    name = request_message_name(method)
    message = getattr(services, name, None) if name else None
    if message is None:
        return [f"{method} is not a method of Google Ads API {version} (no {name})."]
    descriptor = message.pb().DESCRIPTOR
    problems = _canonical_problems(body, descriptor, name)
    if problems:
        return problems
    try:
        json_format.Parse(json.dumps(body), message.pb()(), ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        return [str(exc)]
    return []


def problem_field(problem: str) -> str:
    """The field path a problem of `request_problems` is about ("" if none is named)."""
    head, sep, _ = problem.partition(": ")
    if not sep or " " in head:
        return ""
    first, dot, rest = head.partition(".")
    return rest if dot and first.endswith("Request") else head


def _plain_problems(value: object, where: str) -> list[str]:
    """The checks that need no protos: lowerCamelCase names and masks, int64 strings."""
    problems = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            problems += _plain_problems(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            at = f"{where}.{key}" if where else key
            if "_" in key:
                problems.append(f'{at}: field names are lowerCamelCase ("{_camel(key)}").')
            if key in _MASK_KEYS:
                problems += _mask_problems(item, at)
            elif _INT64_NAMES.search(key) and not _is_int64_text(item):
                problems.append(f"{at}: an int64 is a JSON string of digits, not {item!r}.")
            else:
                problems += _plain_problems(item, at)
    return problems


def _canonical_problems(value: object, descriptor, where: str) -> list[str]:
    """Field names as JSON names, int64 as strings, enums by name, masks in camelCase;
    what json_format.Parse accepts as well but Google's canonical form is not."""
    if not isinstance(value, dict):
        return []
    if descriptor.full_name == "google.protobuf.FieldMask":
        return _mask_problems(value, where)
    fields = {f.json_name: f for f in descriptor.fields}
    names = {f.name: f for f in descriptor.fields}
    problems = []
    for key, item in value.items():
        at = f"{where}.{key}"
        field = fields.get(key)
        if field is None:
            if key in names:
                problems.append(f'{at}: the JSON name is "{names[key].json_name}".')
            else:
                problems.append(f"{at}: {descriptor.name} has no field {key!r}.")
            continue
        items = item if _repeated(field) and isinstance(item, list) else [item]
        for n, one in enumerate(items):
            here = f"{at}[{n}]" if _repeated(field) else at
            problems += _value_problems(one, field, here)
    return problems


def _repeated(field) -> bool:
    flag = getattr(field, "is_repeated", None)
    return flag if isinstance(flag, bool) else field.label == field.LABEL_REPEATED


def _value_problems(value: object, field, where: str) -> list[str]:
    kind = field.type
    if kind in (field.TYPE_INT64, field.TYPE_UINT64, field.TYPE_SINT64):
        if not _is_int64_text(value):
            return [f"{where}: an int64 is a JSON string of digits, not {value!r}."]
    elif kind in (field.TYPE_FIXED64, field.TYPE_SFIXED64) and not _is_int64_text(value):
        return [f"{where}: an int64 is a JSON string of digits, not {value!r}."]
    elif kind == field.TYPE_ENUM and not isinstance(value, str):
        return [f"{where}: an enum is sent by name, not {value!r}."]
    elif kind == field.TYPE_MESSAGE:
        if field.message_type.full_name == "google.protobuf.FieldMask":
            return _mask_problems(value, where)
        return _canonical_problems(value, field.message_type, where)
    return []


def _mask_problems(value: object, where: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{where}: a field mask is one string of comma-separated paths."]
    bad = [p.strip() for p in value.split(",") if "_" in p]
    return [f'{where}: mask path "{p}" must be lowerCamelCase ("{_camel(p)}").' for p in bad]


def _is_int64_text(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"-?\d{1,19}", value) is not None


def _camel(name: str) -> str:
    return ".".join(
        head + "".join(part.title() for part in rest)
        for head, *rest in (segment.split("_") for segment in name.split("."))
    )


# --- GAQL ----------------------------------------------------------------------------
def query_fields(query: str) -> list[str]:
    """The dotted field names of a GAQL query (SELECT, WHERE and ORDER BY), in order."""
    text = _STRING.sub("''", query or "")
    return list(dict.fromkeys(_IDENTIFIER.findall(text)))


def query_resource(query: str) -> str | None:
    match = re.search(r"\bFROM\s+([a-z_]+)", _STRING.sub("''", query or ""), re.IGNORECASE)
    return match.group(1) if match else None


def query_problems(query: str, version: str = API_VERSION) -> list[str]:
    """Fields and the resource of a GAQL query that GoogleAdsRow of `version` lacks
    (empty without the google-ads package: the sandbox's parser checks what it serves)."""
    protos = _protos(version)
    if protos is None:
        return []
    row = protos[0].GoogleAdsRow.pb().DESCRIPTOR
    problems = []
    resource = query_resource(query)
    if resource is None or not (
        resource in row.fields_by_name or resource + "_" in row.fields_by_name
    ):
        problems.append(f"FROM {resource}: not a resource of Google Ads API {version}.")
    for name in query_fields(query):
        descriptor, parts = row, name.split(".")
        for depth, part in enumerate(parts):
            # proto-plus names a field that is a Python keyword with a trailing "_" (type_).
            by_name = descriptor.fields_by_name if descriptor else {}
            field = by_name.get(part) or by_name.get(part + "_")
            if field is None:
                problems.append(f"{name}: unrecognized field (no {'.'.join(parts[: depth + 1])}).")
                break
            descriptor = field.message_type
    return problems
