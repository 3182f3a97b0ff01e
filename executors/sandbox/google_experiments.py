"""Google Ads campaign experiments in the sandbox (ExperimentService, ExperimentArmService).

    POST …/customers/{cid}/experiments:mutate                          create (name, type, suffix)
    POST …/customers/{cid}/experimentArms:mutate                       arms: control + treatment
    POST …/customers/{cid}/experiments/{id}:scheduleExperiment         SETUP → ENABLED
    POST …/customers/{cid}/experiments/{id}:endExperiment              ENABLED → HALTED
    POST …/customers/{cid}/experiments/{id}:promoteExperiment          ENABLED → PROMOTED
    GAQL  FROM experiment / FROM experiment_arm                         read back

The documented shape: an experiment is created without campaigns; its two arms say which
campaign is the control (`control: true`, one campaign) and split the traffic (1–100,
totalling 100); the treatment arm's campaign is made by Google (`inDesignCampaigns`).
Scheduling is a long-running operation on Google; here it is done at once. Experiments
live in memory only (a restarted sandbox forgets them, unlike the write log's objects).
"""

from __future__ import annotations

import itertools
import re

from executors.sandbox.google_errors import failure, invalid_argument, not_found, query_error
from executors.sandbox.google_gaql import Query
from executors.sandbox.google_resources import ResourceNameError, parse_resource_name

TYPES = ("SEARCH_CUSTOM", "DISPLAY_CUSTOM")
COLLECTIONS = ("experiments", "experimentArms")
ACTIONS = {
    "scheduleExperiment": ("SETUP", "ENABLED"),
    "endExperiment": ("ENABLED", "HALTED"),
    "promoteExperiment": ("ENABLED", "PROMOTED"),
}
FIRST_TREATMENT_CAMPAIGN = 800_001  # in-design campaigns, far from the world's own ids
_FIELDS = {
    "experiment": ("resource_name", "experiment_id", "name", "type", "suffix", "status"),
    "experiment_arm": (
        "resource_name",
        "experiment",
        "name",
        "control",
        "traffic_split",
        "campaigns",
        "in_design_campaigns",
    ),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _refused(code: str, message: str, family: str = "experimentError"):
    return invalid_argument(failure(family, code, message))


class GoogleExperiments:
    """The customer's experiments and arms, keyed by resource name."""

    def __init__(self):
        self.experiments: dict[str, dict] = {}
        self.arms: dict[str, dict] = {}
        self._ids = itertools.count(1)
        self._campaign_ids = itertools.count(FIRST_TREATMENT_CAMPAIGN)

    # --- mutate ---------------------------------------------------------------
    def mutate(self, world, customer_id: str, collection: str, body: object) -> dict:
        operations = body.get("operations") if isinstance(body, dict) else None
        if not isinstance(operations, list) or not operations:
            raise _refused(
                "OPERATION_REQUIRED", "At least one operation is required.", "requestError"
            )
        creates = []
        for i, operation in enumerate(operations):
            if not isinstance(operation, dict) or set(operation) != {"create"}:
                raise _refused("OPERATION_NOT_SUPPORTED", f"Operation {i}: only create is served.")
            creates.append(operation["create"])
        make = self._experiment if collection == "experiments" else self._arm
        made = [make(world, customer_id, create or {}) for create in creates]  # all or nothing
        if body.get("validateOnly"):
            return {"results": []}
        store = self.experiments if collection == "experiments" else self.arms
        for row in made:
            store[row["resource_name"]] = row
        return {"results": [{"resourceName": row["resource_name"]} for row in made]}

    def _experiment(self, world, customer_id: str, create: dict) -> dict:
        name, kind, suffix = create.get("name"), create.get("type"), create.get("suffix")
        if not isinstance(name, str) or not 1 <= len(name) <= 1024:
            raise _refused("NAME_REQUIRED", "An experiment needs a name (1 to 1024 characters).")
        if any(e["name"] == name for e in self.experiments.values()):
            raise _refused("DUPLICATE_EXPERIMENT_NAME", f"An experiment named {name!r} exists.")
        if kind not in TYPES:
            raise _refused("INVALID_EXPERIMENT_TYPE", f"type must be one of {', '.join(TYPES)}.")
        if not isinstance(suffix, str) or not suffix:
            raise _refused("SUFFIX_REQUIRED", "A suffix names the treatment campaigns.")
        number = next(self._ids)
        return {
            "resource_name": f"customers/{customer_id}/experiments/{number}",
            "experiment_id": str(number),
            "name": name,
            "type": kind,
            "suffix": suffix,
            "status": "SETUP",
        }

    def _arm(self, world, customer_id: str, create: dict) -> dict:
        experiment = self.experiments.get(create.get("experiment"))
        if experiment is None:
            raise _refused("EXPERIMENT_NOT_FOUND", f"No experiment {create.get('experiment')!r}.")
        if experiment["status"] != "SETUP":
            raise _refused("CANNOT_MODIFY_ARMS", "Arms change only while the experiment is set up.")
        split = create.get("trafficSplit")  # an int64: a string of digits in proto3 JSON
        split = int(split) if isinstance(split, str) and split.isdigit() else split
        if not isinstance(split, int) or isinstance(split, bool) or not 1 <= split <= 100:
            raise _refused("INVALID_TRAFFIC_SPLIT", "trafficSplit must be 1 to 100.")
        control = bool(create.get("control", False))
        campaigns = create.get("campaigns", [])
        if control:
            if not isinstance(campaigns, list) or len(campaigns) != 1:
                raise _refused(
                    "CONTROL_ARM_CAMPAIGN", "The control arm takes exactly one campaign."
                )
            try:
                parse_resource_name(world, customer_id, campaigns[0], "campaigns")
            except ResourceNameError as exc:
                raise _refused(exc.code, str(exc), "mutateError") from exc
        # Numbered in creation order (a refused request skips numbers, as ids do on Google).
        number = experiment["arms_made"] = experiment.get("arms_made", 0) + 1
        in_design = (
            [] if control else [f"customers/{customer_id}/campaigns/{next(self._campaign_ids)}"]
        )
        return {
            "resource_name": (
                f"customers/{customer_id}/experimentArms/{experiment['experiment_id']}~{number}"
            ),
            "experiment": experiment["resource_name"],
            "name": str(create.get("name") or ("control" if control else "treatment")),
            "control": control,
            "traffic_split": split,
            "campaigns": list(campaigns) if control else [],
            "in_design_campaigns": in_design,
        }

    # --- schedule / end / promote --------------------------------------------
    def act(self, customer_id: str, experiment_id: str, verb: str) -> dict:
        name = f"customers/{customer_id}/experiments/{experiment_id}"
        experiment = self.experiments.get(name)
        if experiment is None:
            raise not_found(f"No experiment {name}.")
        before, after = ACTIONS[verb]
        if experiment["status"] != before:
            raise _refused(
                "INVALID_STATUS",
                f"{verb} needs a {before} experiment; {name} is {experiment['status']}.",
            )
        if verb == "scheduleExperiment":
            arms = [a for a in self.arms.values() if a["experiment"] == name]
            if sorted(a["control"] for a in arms) != [False, True]:
                raise _refused(
                    "ARMS_REQUIRED", "An experiment needs one control and one treatment arm."
                )
            if sum(a["traffic_split"] for a in arms) != 100:
                raise _refused("INVALID_TRAFFIC_SPLIT", "The arms' traffic splits must total 100.")
        experiment["status"] = after
        return {"name": f"customers/{customer_id}/operations/{verb}-{experiment_id}", "done": True}

    # --- GAQL -----------------------------------------------------------------
    def search(self, customer_id: str, query: Query) -> list[dict]:
        served = _FIELDS[query.resource]
        for field in [*query.fields, *(c.field for c in query.conditions)]:
            resource, _, name = field.partition(".")
            if resource != query.resource or name not in served:
                raise query_error(
                    "UNRECOGNIZED_FIELD", f"{field} is not served from {query.resource}."
                )
        if any(c.operator != "=" for c in query.conditions):
            raise query_error("INVALID_OPERATOR", "The sandbox filters experiments with = only.")
        rows = self.experiments if query.resource == "experiment" else self.arms
        prefix = f"customers/{customer_id}/"
        results = []
        for row in rows.values():
            if not row["resource_name"].startswith(prefix):
                continue
            if all(
                str(row[c.field.split(".", 1)[1]]) == str(c.values[0]) for c in query.conditions
            ):
                fields = {
                    _camel(f.split(".", 1)[1]): _json(f.split(".", 1)[1], row[f.split(".", 1)[1]])
                    for f in query.fields
                }
                results.append({_camel(query.resource): fields})
        mask = ",".join(_camel(f) for f in query.fields)
        return [{"results": results, "fieldMask": mask}]


def _json(field: str, value: object) -> object:
    """A value as proto3 JSON answers it: the int64 traffic split as a string."""
    return str(value) if field == "traffic_split" else value


def action_route(customer: str) -> re.Pattern:
    """The route of the experiment actions (kept here with the verbs it serves)."""
    verbs = "|".join(ACTIONS)
    return re.compile(customer + r"/experiments/(?P<experiment_id>\d+):(?P<verb>" + verbs + r")$")
