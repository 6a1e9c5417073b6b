"""The composition root: settings in, a wired FastAPI app out."""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from structlog import get_logger

from adapters.auth.dev_keys import ensure_development_key
from adapters.auth.jose_verifier import JoseTokenVerifier
from adapters.clock import RandomIds, SystemClock
from adapters.db.audit import Outcome
from adapters.db.engine import make_engine
from adapters.db.event_head import event_head
from adapters.db.health import check_database, head_revision
from adapters.db.sealer import Sealer
from adapters.db.uow import SqlUnitOfWorkFactory
from adapters.logging import configure_logging
from adapters.organisations_toml import demo_configuration, load_directory
from adapters.webhooks.resolver import SystemResolver
from api import errors
from api.deps import Services, access_context
from api.direct_route import direct_route
from api.graphql.event_watch import EventWatch
from api.graphql.router import graphql_routes
from api.metrics import MimMetrics
from api.middleware import RequestContextMiddleware
from api.relay import Relay, show_backlog
from api.request_gate import RequestGate
from api.rest import (
    events,
    meldcode,
    operations,
    referrals,
    subscriptions,
    trajectories,
    transitions,
    visits,
    volunteers,
)
from api.rest.common import Problem
from api.schemas.meldcode import NieuwSignaal
from api.schemas.meldcode_steps import NieuweMeldcodeStap
from api.schemas.referrals import NieuweVerwijzing
from api.schemas.subscriptions import NieuwAbonnement
from api.schemas.trajectory_patch import TrajectWijziging
from api.schemas.transitions import NieuweOvergang
from api.schemas.visits import HuisbezoekCorrectie, NieuwHuisbezoek
from api.schemas.volunteers import NieuweBegeleiding, NieuweVrijwilliger, VrijwilligerWijziging
from api.settings import Settings, settings_from_env
from api.tasks import Scheduler
from domain.errors import DomainError
from domain.model.audit import AuditAction, AuditEntry, Purpose
from domain.model.organisations import OrganisationDirectory
from domain.model.subscription import AllowList
from domain.ports import AccessContext, Clock, IdGenerator
from domain.services.subscriptions import UrlGuard

API_VERSION = "1.0.0"
GC_YOUNGEST = 20_000  # the default, 700, runs a collection every few requests
HTML_PATHS = frozenset({"/v1/docs", "/v1/graphiql"})
_ACTIONS = {
    "POST": AuditAction.CREATE,
    "PATCH": AuditAction.UPDATE,
    "PUT": AuditAction.UPDATE,
    "DELETE": AuditAction.DELETE,
}
_PURPOSES = {"verwijzingen": Purpose.INTAKE, "trajecten": Purpose.TRAJECTORY_SUPPORT}


def organisation_directory(settings: Settings) -> OrganisationDirectory:
    path = settings.organisations_file or demo_configuration(settings.data_dir)
    return load_directory(path)


def token_verifier(settings: Settings, clock: Clock) -> JoseTokenVerifier:
    public_key = settings.jwt_public_key_file
    if settings.uses_development_key:
        _, public_key = ensure_development_key(settings.data_dir)
    return JoseTokenVerifier.from_files(
        algorithm=settings.jwt_algorithm,
        public_key_file=public_key,
        jwks_file=settings.jwt_jwks_file,
        secret=settings.jwt_secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        clock=clock,
    )


def create_app(
    settings: Settings, *, clock: Clock | None = None, ids: IdGenerator | None = None
) -> FastAPI:
    settings.check()
    clock = clock or SystemClock()
    ids = ids or RandomIds()
    engine = make_engine(settings.database_url)
    factory = SqlUnitOfWorkFactory(engine, clock=clock, ids=ids)
    metrics = MimMetrics()

    async def record_failure(
        context: AccessContext, entries: Sequence[AuditEntry], status: int
    ) -> None:
        outcome = Outcome(8 if status >= 500 else 4, status)
        await factory.record_failure(context, entries, outcome=outcome)

    wiring = Services(
        new_uow=factory,
        clock=clock,
        ids=ids,
        directory=organisation_directory(settings),
        verifier=token_verifier(settings, clock),
        record_failure=record_failure,
        url_guard=UrlGuard(
            SystemResolver(),
            AllowList.parse(settings.webhook_allowed_hosts),
            allow_http=settings.webhook_http_allowed,
        ),
    )

    sealer = Sealer(engine)
    scheduler = Scheduler(engine, factory, metrics=metrics, now=clock.now)
    relay = Relay(engine, guard=wiring.url_guard, clock=clock, metrics=metrics)
    event_watch = EventWatch(functools.partial(event_head, engine))  # polls only when awaited

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.scheduler:
            sealer.start()
            scheduler.start()
            relay.start()
        # Everything built at start-up lives as long as the process: keep it out of the
        # collector's generations, which it would otherwise scan again and again; and collect
        # the youngest generation less often (a request allocates a few thousand objects).
        gc.freeze()
        gc.set_threshold(GC_YOUNGEST, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            await event_watch.stop()
            await relay.stop()
            await scheduler.stop()
            await sealer.stop()
            await engine.dispose()

    app = FastAPI(
        title="mim-koppelvlak",
        version=API_VERSION,
        summary="Koppelvlak voor Moeders Informeren Moeders (MIM).",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
        # No OpenTelemetry here (logs, metrics and traceparent are our own): FastAPI's native
        # telemetry would otherwise look up the global providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    head = head_revision()

    async def readiness() -> dict[str, str]:
        checks = await check_database(engine, head=head)
        if not settings.scheduler:
            checks["scheduler"] = "uit"
        else:
            loops = (sealer, scheduler, relay)
            checks["scheduler"] = "ok" if all(loop.running for loop in loops) else "fout"
        return checks

    app.state.services = wiring
    app.state.relay = relay
    app.state.event_watch = event_watch
    app.state.settings = settings
    app.state.metrics = metrics

    async def refresh_gauges() -> None:
        await show_backlog(engine, metrics, now=clock.now())

    app.state.refresh_gauges = refresh_gauges
    app.state.metrics_token = settings.metrics_token
    app.state.readiness = readiness
    app.state.audit_failure = _failure_auditor(wiring)
    app.state.engine = engine
    _install_errors(app)
    for module in (
        referrals,
        trajectories,
        transitions,
        visits,
        volunteers,
        meldcode,
        subscriptions,
        events,
        operations,
    ):
        app.include_router(module.router)
    app.include_router(
        graphql_routes(production=settings.production, allowed_origins=settings.cors_origins)
    )
    _install_documentation(app, production=settings.production)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["Location", "ETag", "Link", "X-Request-Id"],
        )
    app.add_middleware(
        RequestGate,
        verifier=wiring.verifier,
        served=_served_by(app),
        direct={("POST", "/v1/verwijzingen"): direct_route(referrals.post_referral)},
        direct_patterns=[
            _direct("/v1/trajecten/{traject_id}/overgangen", transitions.post_transition_direct),
            _direct("/v1/trajecten/{traject_id}/huisbezoeken", visits.post_visit_direct),
        ],
    )
    app.add_middleware(
        RequestContextMiddleware,
        production=settings.production,
        metrics=metrics.http,
        html_paths=HTML_PATHS,
    )
    return app


def create_app_from_env() -> FastAPI:
    """Zero-argument factory for `uvicorn --factory` (logging as `python -m api` sets it)."""
    settings = settings_from_env()
    configure_logging(json=True)
    return create_app(settings)


def _direct(
    template: str, endpoint: Callable[[Request], Awaitable[Response]]
) -> tuple[str, re.Pattern[str], Any]:
    """A POST with one path parameter served from the gate like the intake: the lifecycle's
    most frequent writes, which the bench holds to the same standard."""
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))
    return "POST", pattern, direct_route(endpoint, template=template, pattern=pattern)


def _served_by(app: FastAPI) -> Callable[[str, str], bool]:
    @functools.lru_cache(maxsize=4096)  # paths hold ids: bounded, the hot ones stay
    def served(path: str, method: str) -> bool:
        return path == "/v1/graphql" or method in errors.documented_methods(app, path)

    return served


def _install_errors(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, errors.on_domain_error)
    app.add_exception_handler(RequestValidationError, errors.on_validation_error)
    app.add_exception_handler(StarletteHTTPException, errors.on_http_error)
    app.add_exception_handler(Exception, errors.on_unexpected)


def _failure_auditor(wiring: Services) -> Any:
    log = get_logger("mim.audit")

    async def audit_failure(request: Request, status: int) -> None:
        actor = request.state.actor
        parts = request.url.path.strip("/").split("/")
        resource = parts[1] if len(parts) > 1 else "onbekend"
        entry = AuditEntry(
            action=_ACTIONS.get(request.method, AuditAction.READ),
            purpose=_PURPOSES.get(resource, Purpose.TRAJECTORY_SUPPORT),
            resource=resource[:64],
            resource_id=parts[2][:64] if len(parts) > 2 else None,
            organisation=actor.organisation,
        )
        try:
            await wiring.record_failure(access_context(request, actor), [entry], status)
        except Exception as error:  # the error response goes out all the same
            log.error("auditregel-mislukt", error_type=type(error).__name__)

    return audit_failure


def _install_documentation(app: FastAPI, *, production: bool) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _clean_openapi(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    summary=app.summary,
                    description=_DESCRIPTION,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = build  # type: ignore[method-assign]

    @app.get("/v1/openapi.json", include_in_schema=False)
    async def openapi_document() -> JSONResponse:
        return JSONResponse(build(), headers={"Access-Control-Allow-Origin": "*"})

    if not production:
        from fastapi.openapi.docs import get_swagger_ui_html

        @app.get("/v1/docs", include_in_schema=False)
        async def swagger() -> Any:
            return get_swagger_ui_html(openapi_url="/v1/openapi.json", title="mim-koppelvlak")


_DESCRIPTION = (
    "Het koppelvlak van Moeders Informeren Moeders: verwijzingen, trajecten, huisbezoeken, "
    "Meldcode en dashboards. Geen BSN, dunne gebeurtenissen, elke inzage gelogd (NEN 7513). "
    "Het contract is CONTRACT.md; afwijkingen staan in README.md."
)


BODIES_READ_BY_ROUTES: tuple[type[BaseModel], ...] = (
    NieuweVerwijzing,
    NieuweOvergang,
    NieuweVrijwilliger,
    VrijwilligerWijziging,
    NieuweBegeleiding,
    NieuwHuisbezoek,
    HuisbezoekCorrectie,
    TrajectWijziging,
    NieuwSignaal,
    NieuweMeldcodeStap,
    NieuwAbonnement,
)


def _add_schema(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema


def _clean_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """Shape errors are 400 problem+json for us: no stray 422 HTTPValidationError. Every
    operation outside health and metrics takes the bearer token (CONTRACT §3)."""
    for path, path_item in document.get("paths", {}).items():
        for operation in path_item.values():
            if not path.startswith(("/v1/health/", "/v1/metrics")):
                operation["security"] = [{"bearer": []}]
            for parameter in operation.get("parameters", []):
                for keyword in ("ge", "le"):  # not JSON Schema; `minimum`/`maximum` say it
                    parameter.get("schema", {}).pop(keyword, None)
            responses = operation.get("responses", {})
            default_422 = responses.get("422", {}).get("content", {}).get("application/json")
            if default_422 is not None:
                del responses["422"]
    components = document.setdefault("components", {})
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "JWT (CONTRACT §3): ES256, RS256 or HS256 as configured.",
        }
    }
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for model in BODIES_READ_BY_ROUTES:  # documented through `request_body`, not a parameter
        _add_schema(schemas, model)
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(
        Problem.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {})
    )
    schemas["Problem"].pop("$defs", None)
    return document
