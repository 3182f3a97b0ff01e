"""`campaignBudgets:mutate`, `campaigns:mutate` and `adGroups:mutate` on the world.

Each valid update operation is translated into the Adobe write that does the same thing
(`PATCH /campaign/{id}` or `PATCH /adGroups/{id}/bidding`) and applied with
`operations.apply_write`, so both APIs change the same world and the write log replays
after a restart exactly like Adobe writes do. Google has no idempotency key: every
applied operation is its own log entry, marked `"platform": "google_ads"`, so duplicate
writes can be counted by resource, value and time.

Supported updates: a campaign budget's `amount_micros`, a campaign's `status`
(ENABLED / PAUSED) and an ad group's `cpc_bid_micros`. Remove operations and every other
field (an ad group's status included: the world has no such write) are refused per
operation with a message saying so. Create operations (and status updates of what was
created) are planned by `launched.py`; `mutate_all` serves `googleAds:mutate`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from executors.sandbox import launched
from executors.sandbox.google_errors import (
    bad_payload,
    failure,
    invalid_argument,
    operation_location,
    partial_failure_error,
)
from executors.sandbox.google_resources import ResourceNameError, parse_resource_name
from executors.sandbox.operations import MAX_BID, MAX_BUDGET, apply_write
from executors.sandbox.world import World

MAX_OPERATIONS = 10_000
MINIMUM_UNIT_MICROS = 10_000  # one cent (paisa): the smallest amount a budget or bid can move
REQUEST_FIELDS = {"operations", "partialFailure", "validateOnly", "responseContentType"}
OPERATION_FIELDS = {"create", "update", "remove", "updateMask"}
_INT64 = re.compile(r"^-?\d{1,19}$")


class OperationError(Exception):
    """One operation is invalid; `item` is its GoogleAdsFailure error entry."""

    def __init__(self, item: dict):
        super().__init__(item["message"])
        self.item = item


@dataclass(frozen=True)
class Planned:
    """A valid operation and the Adobe write that carries it out."""

    index: int
    resource_name: str
    method: str
    path: str
    body: dict


@dataclass(frozen=True)
class Service:
    collection: str  # campaignBudgets | campaigns | adGroups
    fields: dict[str, Callable]  # snake_case field -> validator(world, value, location) -> value
    unsupported: dict[str, str]  # known fields the sandbox cannot change -> why
    build: Callable  # (world, index, {field: value}) -> (method, path, body)


def _error(family: str, code: str, message: str, location: list[dict]) -> OperationError:
    return OperationError(failure(family, code, message, location=location))


def _micros(value: object, location: list[dict], name: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and _INT64.match(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(
            "fieldError",
            "INVALID_VALUE",
            f"{name} must be an int64 number of micros (a JSON string or integer), got {value!r}.",
            location,
        )
    return value


def _units(amount_micros: int) -> float:
    return float(Decimal(amount_micros) / 1_000_000)


def _budget_amount(world: World, value: object, location: list[dict]) -> int:
    amount = _micros(value, location, "amount_micros")
    if amount < 0:
        raise _error("rangeError", "TOO_LOW", "amount_micros must not be negative.", location)
    if amount % MINIMUM_UNIT_MICROS:
        raise _error(
            "campaignBudgetError",
            "NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT",
            f"amount_micros {amount} is not a multiple of the minimum currency unit "
            f"({MINIMUM_UNIT_MICROS} micros).",
            location,
        )
    if amount > MAX_BUDGET * 1_000_000:
        raise _error(
            "campaignBudgetError",
            "MONEY_AMOUNT_TOO_LARGE",
            f"amount_micros {amount} exceeds the maximum {int(MAX_BUDGET * 1_000_000)}.",
            location,
        )
    return amount


def _bid(world: World, value: object, location: list[dict]) -> int:
    amount = _micros(value, location, "cpc_bid_micros")
    if amount <= 0:
        raise _error("biddingError", "BID_TOO_SMALL", "cpc_bid_micros must be > 0.", location)
    if amount % MINIMUM_UNIT_MICROS:
        raise _error(
            "biddingError",
            "BID_TOO_MANY_FRACTIONAL_DIGITS",
            f"cpc_bid_micros {amount} is not a multiple of the minimum currency unit "
            f"({MINIMUM_UNIT_MICROS} micros).",
            location,
        )
    if amount > MAX_BID * 1_000_000:
        raise _error(
            "biddingError",
            "BID_TOO_BIG",
            f"cpc_bid_micros {amount} exceeds the maximum {int(MAX_BID * 1_000_000)}.",
            location,
        )
    return amount


def _campaign_status(world: World, value: object, location: list[dict]) -> str:
    if value == "REMOVED":
        raise _error(
            "mutateError", "MUTATE_NOT_ALLOWED", "The sandbox does not remove campaigns.", location
        )
    if value not in ("ENABLED", "PAUSED"):
        raise _error(
            "requestError",
            "INVALID_ENUM_VALUE",
            f"status must be ENABLED or PAUSED, got {value!r}.",
            location,
        )
    return value


def _campaign_id(world: World, index: int) -> str:
    return world.campaign_ids[index]


SERVICES = {
    "campaignBudgets": Service(
        "campaignBudgets",
        {"amount_micros": _budget_amount},
        {
            "name": "renaming budgets",
            "delivery_method": "delivery methods",
            "explicitly_shared": "shared budgets",
        },
        lambda world, index, values: (
            "PATCH",
            f"/campaign/{_campaign_id(world, index)}",
            {"budget": {"allocated": _units(values["amount_micros"]), "currency": world.currency}},
        ),
    ),
    "campaigns": Service(
        "campaigns",
        {"status": _campaign_status},
        {
            "name": "renaming campaigns",
            "campaign_budget": "moving a campaign to another budget",
            "start_date": "changing start dates",
        },
        lambda world, index, values: (
            "PATCH",
            f"/campaign/{_campaign_id(world, index)}",
            {"status": "active" if values["status"] == "ENABLED" else "paused"},
        ),
    ),
    "adGroups": Service(
        "adGroups",
        {"cpc_bid_micros": _bid},
        {
            "status": "changing an ad group's status (the sandbox world has no such write)",
            "name": "renaming ad groups",
        },
        lambda world, index, values: (
            "PATCH",
            f"/adGroups/{world.ad_group_ids[index]}/bidding",
            {"averageBid": _units(values["cpc_bid_micros"]), "currency": world.currency},
        ),
    ),
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.strip()).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plan(world: World, customer_id: str, service: Service, index: int, op: object) -> Planned:
    """Validate one operation; OperationError names what is wrong and where."""
    here = operation_location(index)
    if not isinstance(op, dict):
        raise _error("requestError", "OPERATION_REQUIRED", "An operation must be an object.", here)
    unknown = sorted(set(op) - OPERATION_FIELDS)
    if unknown:
        raise _error(
            "fieldError",
            "INVALID_VALUE",
            f"Unknown operation field(s): {', '.join(unknown)}.",
            here,
        )
    if "create" in op or "remove" in op:
        kind = "create" if "create" in op else "remove"
        raise _error(
            "mutateError",
            "MUTATE_NOT_ALLOWED",
            f"The sandbox supports update operations only, not {kind}.",
            operation_location(index, kind),
        )
    update = op.get("update")
    if not isinstance(update, dict):
        raise _error(
            "requestError",
            "REQUIRED_FIELD_MISSING",
            "The operation must have an 'update' object.",
            here,
        )
    where = operation_location(index, "update", "resource_name")
    try:
        target = parse_resource_name(
            world, customer_id, update.get("resourceName"), service.collection
        )
    except ResourceNameError as exc:
        family = "mutateError" if exc.code == "RESOURCE_NOT_FOUND" else "requestError"
        raise _error(family, exc.code, str(exc), where) from None

    mask = op.get("updateMask")
    if not isinstance(mask, str) or not mask.strip():
        raise _error(
            "fieldMaskError",
            "FIELD_MASK_MISSING",
            "updateMask is required (e.g. 'amountMicros').",
            operation_location(index, "update_mask"),
        )
    values = {}
    for path in dict.fromkeys(_snake(p) for p in mask.split(",") if p.strip()):
        at = operation_location(index, "update", path)
        if path in service.unsupported:
            raise _error(
                "mutateError",
                "MUTATE_NOT_ALLOWED",
                f"The sandbox does not support {service.unsupported[path]}.",
                at,
            )
        if path not in service.fields:
            raise _error(
                "fieldMaskError",
                "FIELD_NOT_FOUND",
                f"{path} is not a field the sandbox can update on {service.collection}; "
                f"use {', '.join(service.fields)}.",
                at,
            )
        raw = update.get(_camel(path), update.get(path))
        if raw is None:
            raise _error("fieldError", "REQUIRED", f"{path} is in updateMask but has no value.", at)
        values[path] = service.fields[path](world, raw, at)
    method, path, body = service.build(world, target, values)
    return Planned(index, update["resourceName"], method, path, body)


def _plan_launch(
    world: World, customer_id: str, collection: str, index: int, op: object, pending: list
) -> Planned | None:
    """A create, or a status update of a created object (see launched.py); None for the
    updates of the generated world, planned by `_plan`."""
    if not isinstance(op, dict):
        return None
    update = op.get("update")
    is_update = isinstance(update, dict) and launched.is_launched(world, update.get("resourceName"))
    is_remove = "remove" in op and launched.is_launched(world, op["remove"])
    if "create" not in op and not is_update and not is_remove:
        return None
    verb = "update" if is_update else "remove" if is_remove else "create"
    path = f"/googleads/customers/{customer_id}/{collection}:{verb}"
    try:
        if is_remove:
            body = launched.plan_google_remove(world, customer_id, collection, op["remove"])
            return Planned(index, body["resourceName"], "POST", path, body)
        if is_update:
            body = launched.plan_google_update(
                world, customer_id, collection, update, op.get("updateMask")
            )
            return Planned(index, body["resourceName"], "POST", path, body)
        record = launched.plan_google_create(world, customer_id, collection, op["create"], pending)
    except launched.CreateError as exc:
        kind = verb
        raise _error(
            exc.family, exc.code, exc.message, operation_location(index, kind, *exc.fields)
        ) from None
    number = world.launched.next_id + len(pending)
    name = launched.resource_name(record, number)
    pending.append(record | {"resource_name": name})
    body = {"id": number, "record": record}
    return Planned(index, name, "POST", path, body)


def _flag(body: dict, name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise bad_payload(name, f"Invalid value at '{name}' ({value!r}): expected true or false.")
    return value


# googleAds:mutate operation keys -> the collection each one changes.
MUTATE_ALL = {
    "campaignBudgetOperation": "campaignBudgets",
    "campaignOperation": "campaigns",
    "adGroupOperation": "adGroups",
    "adGroupCriterionOperation": "adGroupCriteria",
    "campaignCriterionOperation": "campaignCriteria",
    "adGroupAdOperation": "adGroupAds",
}
_TEMPORARY = re.compile(r"^customers/\d+/\w+/-\d+$")


def _resolve(value: object, names: dict[str, str]) -> object:
    """A create body with temporary resource names (negative ids) replaced."""
    if isinstance(value, dict):
        return {k: _resolve(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, names) for v in value]
    return names.get(value, value) if isinstance(value, str) else value


def mutate_all(world: World, customer_id: str, body: object, request_id: str) -> tuple[dict, int]:
    """`googleAds:mutate`: creates of several services in one request, in order, where a
    later operation may name an earlier create by its temporary (negative) id.

    Served for creates (a launch's whole plan, usually with validateOnly); all or
    nothing unless partialFailure.
    """
    if not isinstance(body, dict):
        raise bad_payload("", "The request body must be a JSON object.")
    unknown = sorted(set(body) - {"mutateOperations", "partialFailure", "validateOnly"})
    if unknown:
        raise bad_payload(unknown[0], f'Unknown name "{unknown[0]}": Cannot find field.')
    partial, validate_only = _flag(body, "partialFailure"), _flag(body, "validateOnly")
    operations = body.get("mutateOperations")
    if not isinstance(operations, list) or not operations:
        raise invalid_argument(
            failure("requestError", "OPERATION_REQUIRED", "At least one operation is required.")
        )
    names: dict[str, str] = {}
    pending: list[dict] = []
    planned: list[tuple[Planned, str]] = []
    errors = []
    for index, wrapper in enumerate(operations):
        kinds = [k for k in (wrapper if isinstance(wrapper, dict) else {}) if k in MUTATE_ALL]
        op = wrapper[kinds[0]] if len(kinds) == 1 else None
        try:
            if not isinstance(op, dict) or "create" not in op or not isinstance(op["create"], dict):
                raise _error(
                    "mutateError",
                    "MUTATE_NOT_ALLOWED",
                    "The sandbox's googleAds:mutate takes one create operation per entry.",
                    operation_location(index),
                )
            temporary = op["create"].get("resourceName")
            create = {k: v for k, v in op["create"].items() if k != "resourceName"}
            op = {"create": _resolve(create, names)}
            plan = _plan_launch(world, customer_id, MUTATE_ALL[kinds[0]], index, op, pending)
        except OperationError as exc:
            errors.append(exc.item)
            continue
        if isinstance(temporary, str) and _TEMPORARY.match(temporary):
            names[temporary] = plan.resource_name
        planned.append((plan, MUTATE_ALL[kinds[0]]))
    if errors and not partial:
        raise invalid_argument(*errors)
    response: dict = {}
    if not validate_only:
        results: list[dict] = [{} for _ in operations]
        for plan, collection in planned:
            _apply(world, plan, collection, operations[plan.index], request_id)
            results[plan.index] = {"resourceName": plan.resource_name}
        response["mutateOperationResponses"] = results
    if errors:
        response["partialFailureError"] = partial_failure_error(errors, request_id)
    return response, 0 if validate_only else len(planned)


def mutate(
    world: World, customer_id: str, collection: str, body: object, request_id: str
) -> tuple[dict, int]:
    """Validate and (unless validateOnly) apply a mutate request.

    Returns the response payload and how many operations were applied. Without
    partialFailure any invalid operation fails the whole request (400, nothing applied);
    with it the valid ones are applied and the others reported in partialFailureError.
    """
    service = SERVICES.get(collection)
    if not isinstance(body, dict):
        raise bad_payload("", "The request body must be a JSON object.")
    unknown = sorted(set(body) - REQUEST_FIELDS)
    if unknown:
        raise bad_payload(unknown[0], f'Unknown name "{unknown[0]}": Cannot find field.')
    partial, validate_only = _flag(body, "partialFailure"), _flag(body, "validateOnly")
    operations = body.get("operations")
    if not isinstance(operations, list) or not operations:
        raise invalid_argument(
            failure("requestError", "OPERATION_REQUIRED", "At least one operation is required.")
        )
    if len(operations) > MAX_OPERATIONS:
        raise invalid_argument(
            failure(
                "requestError",
                "TOO_MANY_MUTATE_OPERATIONS",
                f"{len(operations)} operations in one request; the limit is {MAX_OPERATIONS}.",
            )
        )

    planned: list[Planned] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    pending: list[dict] = []
    for index, op in enumerate(operations):
        try:
            plan = _plan_launch(world, customer_id, collection, index, op, pending)
            if plan is None:
                if service is None:
                    raise _error(
                        "mutateError",
                        "MUTATE_NOT_ALLOWED",
                        f"{collection} takes create operations (and status updates of "
                        "created objects) only.",
                        operation_location(index),
                    )
                plan = _plan(world, customer_id, service, index, op)
        except OperationError as exc:
            errors.append(exc.item)
            continue
        if plan.resource_name in seen:
            errors.append(
                failure(
                    "mutateError",
                    "ID_EXISTS_IN_MULTIPLE_MUTATES",
                    f"{plan.resource_name} is already changed by operation "
                    f"{seen[plan.resource_name]} of this request.",
                    location=operation_location(index, "update", "resource_name"),
                )
            )
            continue
        seen[plan.resource_name] = index
        planned.append(plan)
    if errors and not partial:
        raise invalid_argument(*errors)

    response: dict = {}
    if not validate_only:
        results: list[dict] = [{} for _ in operations]
        for plan in planned:
            _apply(world, plan, collection, operations[plan.index], request_id)
            results[plan.index] = {"resourceName": plan.resource_name}
        response["results"] = results
    if errors:
        response["partialFailureError"] = partial_failure_error(errors, request_id)
    return response, 0 if validate_only else len(planned)


def _apply(world: World, plan: Planned, collection: str, operation: dict, request_id: str):
    result = apply_write(
        world,
        plan.method,
        plan.path,
        plan.body,
        stale_seconds=float(world.faults.get("staleReadSeconds") or 0),
    )
    world.record_write(
        {
            "seq": len(world.writes) + 1,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "day": world.today_date.isoformat(),
            "dayIndex": world.today,
            "method": plan.method,
            "path": plan.path,
            "idempotencyKey": None,  # Google has none
            "body": plan.body,
            "status": 200,
            "response": {"resourceName": plan.resource_name},
            "platform": "google_ads",
            "google": {
                "service": collection,
                "requestId": request_id,
                "operationIndex": plan.index,
                "operation": operation,
                "equivalentResponse": result,
            },
        }
    )
