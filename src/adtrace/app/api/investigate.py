"""REST API v1, investigation: entities, clusters, map, watchlists, alerts, cases (and exports), settings.

Same error shape and permissions as the pages; every view of personal data is audited.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from adtrace import errors
from adtrace.app.api.params import Day, Limit, MaybeScore, RowId, Since, iso
from adtrace.app.auth import Ctx, require
from adtrace.app.data import cases as case_data
from adtrace.app.data import network, settings, watch
from adtrace.app.data.lists import audit_list
from adtrace.cases import alerts, retention, watchlists
from adtrace.cases import cases as cs
from adtrace.cases.notify import Notifier
from adtrace.storage import audit

router = APIRouter(prefix="/api/v1", tags=["investigate"])


class WatchIn(BaseModel):
    kind: str = Field(..., description="phone | email | handle | pdq | regex | phrase")
    value: str
    name: str = Field(..., description="The watchlist, e.g. 'Op Lantern'.")
    note: str = ""


class AckIn(BaseModel):
    note: str = ""


class CaseIn(BaseModel):
    title: str
    assignee: str | None = None


class CasePatch(BaseModel):
    status: str | None = Field(None, description="open | referred | closed")
    assignee: str | None = None
    title: str | None = None


class ItemIn(BaseModel):
    kind: str = Field(..., description="document | cluster | entity")
    ref: str = Field(..., description="A document id, a cluster (or member) id, or kind:value for an entity.")
    note: str = ""


class NoteIn(BaseModel):
    text: str


class SettingsIn(BaseModel):
    elevated: float = Field(..., ge=0, le=100)
    high: float = Field(..., ge=0, le=100)
    retention_days: int = Field(..., ge=1, le=36_500)


class PurgeIn(BaseModel):
    dry_run: bool = True
    confirm_count: int | None = Field(None, ge=0, le=10**12, description="Required when dry_run is false: the "
                                      "number of documents a dry run said would go; nothing is deleted if it differs.")


@router.get("/entities/{kind}/{value}")
def get_entity(request: Request, kind: str, value: str, ctx: Ctx = Depends(require("documents"))) -> dict[str, Any]:
    data = network.entity_data(request, kind, value)
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_entity", data["ref"], {"via": "api"})
    return data


@router.get("/clusters/{cluster_id}")
def get_cluster(request: Request, cluster_id: str, ctx: Ctx = Depends(require("documents"))) -> dict[str, Any]:
    data = network.cluster_data(request, cluster_id)
    data.pop("template", None)  # HTML for the page; the API has the members and the summary
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_cluster", data["summary"]["cluster"],
                 {"via": "api"})
    return data


@router.get("/map")
def get_map(request: Request, date_from: Day = None, date_to: Day = None, min_risk: MaybeScore = None,
            ctx: Ctx = Depends(require("documents"))) -> dict[str, Any]:
    return network.map_data(request, iso(date_from), iso(date_to), min_risk)


@router.get("/watchlists")
def list_watch(request: Request, ctx: Ctx = Depends(require("documents"))) -> dict[str, Any]:
    entries = watchlists.entries(request.app.state.adtrace.store)
    audit_list(request, ctx, "watchlists", [e.id for e in entries], via="api")
    return {"entries": [e.to_dict() for e in entries]}


@router.post("/watchlists", status_code=201)
def add_watch(request: Request, body: WatchIn, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    return watch.add_entry(request, ctx, body.kind, body.value, body.name, body.note).to_dict()


@router.delete("/watchlists/{entry_id}")
def remove_watch(request: Request, entry_id: RowId, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    return watch.remove_entry(request, ctx, entry_id).to_dict()


@router.get("/alerts")
def list_alerts(request: Request, open_only: bool = True, since_id: Since = 0, limit: Limit = 50,
                kind: str | None = None, watchlist: str | None = None,
                ctx: Ctx = Depends(require("triage"))) -> dict[str, Any]:
    rows = alerts.list_alerts(request.app.state.adtrace.store, open_only=open_only, since_id=since_id,
                              limit=max(1, min(limit, 500)), kind=kind or None, watchlist=watchlist or None)
    audit_list(request, ctx, "alerts", [a.id for a in rows], via="api")
    return {"alerts": [a.to_dict() for a in rows]}


@router.post("/alerts/{alert_id}/ack")
def ack(request: Request, alert_id: RowId, body: AckIn, ctx: Ctx = Depends(require("triage"))) -> dict[str, Any]:
    return watch.ack_alert(request, ctx, alert_id, body.note).to_dict()


@router.get("/cases")
def list_cases(request: Request, status: str | None = None, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    return {"cases": cs.list_cases(request.app.state.adtrace.store, status)}


@router.post("/cases", status_code=201)
def create_case(request: Request, body: CaseIn, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    case = cs.create(request.app.state.adtrace.store, body.title, ctx.user.username, body.assignee)
    case_data.log(request, ctx, "case", case.id, op="create")
    return case.to_dict()


@router.get("/cases/{case_id}")
def get_case(request: Request, case_id: RowId, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    case = cs.get(request.app.state.adtrace.store, case_id)
    case_data.log(request, ctx, "view_case", case_id, via="api")
    return case.to_dict()


@router.patch("/cases/{case_id}")
def patch_case(request: Request, case_id: RowId, body: CasePatch, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    case = cs.update(request.app.state.adtrace.store, case_id, status=body.status, assignee=body.assignee,
                     title=body.title)
    case_data.log(request, ctx, "case", case_id, op="update", **body.model_dump(exclude_none=True))
    return case.to_dict()


@router.post("/cases/{case_id}/items", status_code=201)
def add_item(request: Request, case_id: RowId, body: ItemIn, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    case = cs.add_item(request.app.state.adtrace.store, case_id, body.kind, body.ref, ctx.user.username, body.note)
    case_data.log(request, ctx, "case", case_id, op="add", kind=body.kind, ref=body.ref)
    return case.to_dict()


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(request: Request, case_id: RowId, body: NoteIn, ctx: Ctx = Depends(require("cases"))) -> dict[str, Any]:
    case = cs.add_note(request.app.state.adtrace.store, case_id, ctx.user.username, body.text)
    case_data.log(request, ctx, "case", case_id, op="note")
    return case.to_dict()


@router.get("/cases/{case_id}/export.{fmt}")
def export_case(request: Request, case_id: RowId, fmt: str, full: bool = False,
                ctx: Ctx = Depends(require("cases"))) -> Response:
    """PDF report, CSV of documents, or the versioned JSON bundle; identifiers masked unless full (admins)."""
    return case_data.export(request, ctx, case_id, fmt, full)


@router.get("/settings")
def get_settings(request: Request, ctx: Ctx = Depends(require("admin"))) -> dict[str, Any]:
    engine = request.app.state.adtrace.engine
    s = settings.get_settings(engine)
    return {**s, "false_positives": settings.false_positive_rates(engine, s["thresholds"])}


@router.put("/settings")
def put_settings(request: Request, body: SettingsIn, background: BackgroundTasks,
                 ctx: Ctx = Depends(require("admin"))) -> dict[str, Any]:
    engine = request.app.state.adtrace.engine
    saved = settings.save_thresholds(engine, ctx.user.username, body.elevated, body.high)
    background.add_task(alerts.announce, saved.alerts, Notifier(), engine)  # after the response, like the page
    retention.cutoff_of(body.retention_days)
    settings.put_setting(engine, ctx.user.username, "retention_days", body.retention_days)
    return settings.get_settings(engine)


@router.post("/retention/purge")
def purge(request: Request, body: PurgeIn, ctx: Ctx = Depends(require("admin"))) -> dict[str, Any]:
    engine = request.app.state.adtrace.engine
    days = int(settings.get_settings(engine)["retention_days"])
    if days < retention.MIN_DAYS:
        raise errors.InputError.at(errors.BAD_FIELD, "set a retention period first", field_name="retention_days")
    if not body.dry_run and body.confirm_count is None:
        raise errors.InputError.at(errors.BAD_FIELD, "a purge needs confirm_count: the number a dry run reported",
                                   field_name="confirm_count", hint='POST {"dry_run": true} first')
    return retention.purge(engine, days, ctx.user.username, dry_run=body.dry_run,
                           confirm_count=body.confirm_count).to_dict()
