"""The HTTP application: every feature's routes under /api/v1, problem+json errors, /healthz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cordon import __version__, wiring
from cordon.audit.read_log import reads
from cordon.core import answers, problems
from cordon.core.checkpoints import Checkpointer
from cordon.core.config import get_settings
from cordon.core.db import get_engine
from cordon.core.deps import SessionDep
from cordon.core.guard import InputGuard
from cordon.core.headers import SecurityHeaders
from cordon.linelists.limits import UploadLimit
from cordon.public.served import FastPath
from cordon.public.served import known as public_version
from cordon.scenarios.jobs import runner as scenario_runner
from cordon.web import app as web

# The web app's pages: the same services as the API, rendered as HTML (docs/web.md).
PAGE_ROUTERS = (
    "cordon.web.pages",
    "cordon.web.home",
    "cordon.people.pages",
    "cordon.linelists.pages",
    "cordon.linelists.export_pages",
    "cordon.cases.list_pages",
    "cordon.cases.pages",
    "cordon.cases.investigation_pages",
    "cordon.exposures.pages",
    "cordon.tracing.pages",
    "cordon.clusters.pages",
    "cordon.handovers.pages",
    "cordon.outreach.pages",
    "cordon.outreach.followup_pages",
    "cordon.isolation.pages",
    "cordon.isolation.sample_pages",
    "cordon.isolation.documents",
    "cordon.monitoring.pages",
    "cordon.audit.pages",
    "cordon.public.routes",
    "cordon.public.pages",
    "cordon.scenarios.pages",
    "cordon.network.pages",
    "cordon.network.warning_feed",
)
FEATURE_ROUTERS = (
    "cordon.access.routes",
    "cordon.audit.routes",
    "cordon.geography.routes",
    "cordon.people.routes",
    "cordon.cases.routes",
    "cordon.exposures.routes",
    "cordon.clusters.routes",
    "cordon.tracing.routes",
    "cordon.handovers.routes",
    "cordon.outreach.routes",
    "cordon.facilities.routes",
    "cordon.isolation.routes",
    "cordon.isolation.task_routes",
    "cordon.monitoring.routes",
    "cordon.outbox.routes",
    "cordon.linelists.routes",
    "cordon.scenarios.routes",
    "cordon.network.routes",
    "cordon.network.sitrep_routes",
    "cordon.network.resource_routes",
    "cordon.network.share_routes",
    "cordon.network.warning_routes",
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = get_engine()
    checkpointer = Checkpointer(engine)
    checkpointer.start()
    reads.start(engine)
    public_version.start(engine)
    scenario_runner.start(engine)
    try:
        yield
    finally:
        scenario_runner.stop()
        public_version.stop()
        reads.stop()
        checkpointer.stop()


def create_app() -> FastAPI:
    wiring.start()
    app = FastAPI(
        lifespan=lifespan,
        title="Cordon",
        version=__version__,
        summary="Outbreak response for city health authorities.",
        openapi_url="/openapi.json",
    )
    problems.install(app)
    app.add_middleware(FastPath)  # the public dashboard and open data, from memory
    app.add_middleware(UploadLimit)  # line lists: CORDON_MAX_UPLOAD_MB, else 413
    app.add_middleware(InputGuard)  # no huge number, control character or body (docs)
    trusted = get_settings().trusted_proxies.strip()
    if trusted:  # the client's address and scheme as the named proxies say (docs/settings.md)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer (docs/access.md)
    api = APIRouter(prefix="/api/v1")
    for module_name in FEATURE_ROUTERS:
        module = __import__(module_name, fromlist=["router"])
        api.include_router(module.router)
    app.include_router(api)
    for module_name in PAGE_ROUTERS:
        module = __import__(module_name, fromlist=["router"])
        app.include_router(module.router)
    web.install(app)
    answers.document(app)

    @app.get("/healthz", tags=["operations"])
    def healthz(session: SessionDep) -> dict[str, str]:
        """For operators and load balancers: the app answers and its database too."""
        session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    return app
