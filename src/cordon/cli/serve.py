from __future__ import annotations

from typing import Annotated

import typer

from cordon.core.config import get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (one a core suits a busy node; the state they share is "
            "all in the database).",
        ),
    ] = 1,
) -> None:
    """Serve the web app and API (http://127.0.0.1:8000 by default; HTTPS with
    CORDON_TLS_CERTFILE and CORDON_TLS_KEYFILE)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "cordon.api:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        log_level="info",
        workers=workers,
        # X-Forwarded-* are believed only from CORDON_TRUSTED_PROXIES, by the app itself
        # (uvicorn's default would believe any client on 127.0.0.1)
        proxy_headers=False,
        ssl_certfile=settings.tls_certfile,
        ssl_keyfile=settings.tls_keyfile,
    )
