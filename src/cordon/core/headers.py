"""Headers every answer carries (pages, the API, the public side and static files alike).

The web app loads only its own scripts and styles (the vendored htmx, graphology and sigma,
and its own files under /static), with no inline script, style element or handler, so the
policy can be strict: nothing from elsewhere, no framing by another site (clickjacking), no
guessing of content types, no page address sent to other sites.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from cordon.core.asgi import HttpLayer

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)


class SecurityHeaders(HttpLayer):
    """ASGI layer around the whole app: adds ``HEADERS`` to every HTTP answer that does not
    set its own."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
