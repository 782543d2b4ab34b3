"""HTTP Message Signatures (RFC 9421) with Ed25519 over every request between nodes.

The signature covers the method, the target URI, the content type and the body's
``Content-Digest`` (RFC 9530, SHA-256), with ``created``, ``keyid``, ``alg``, the tag
``cordon-network`` and a ``nonce`` that is the envelope's distribution id. The library is
``http-message-signatures``; this module only names what is covered and finds the keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

COVERED = ("@method", "@target-uri", "content-type")  # and content-digest, from the body
LABEL = "cordon"
TAG = "cordon-network"
INBOX = "/api/v1/network/inbox"
SKEW = dt.timedelta(seconds=60)  # a peer's clock may run this far ahead of ours


class BadSignature(Exception):
    """The request's signature is missing, malformed, stale or does not verify."""


@dataclass
class _Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class _Keys(HTTPSignatureKeyResolver):
    def __init__(
        self,
        private: Ed25519PrivateKey | None = None,
        public: Callable[[str], Ed25519PublicKey] | None = None,
    ) -> None:
        self.private, self.public = private, public

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        assert self.private is not None
        return self.private

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        assert self.public is not None
        return self.public(key_id)


def signed_headers(
    url: str, body: bytes, *, key_id: str, key: Ed25519PrivateKey, nonce: str
) -> dict[str, str]:
    """The headers of a POST of ``body`` (JSON) to ``url``, signed by ``key``."""
    request = _Request("POST", url, {"Content-Type": "application/json"})
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(key))
    signer.sign(
        request,
        key_id=key_id,
        nonce=nonce,
        label=LABEL,
        tag=TAG,
        covered_component_ids=COVERED,
        body=body,
    )
    return request.headers


def key_id_of(headers: Mapping[str, str]) -> str | None:
    """The ``keyid`` the request claims, read before verifying (to find the sender)."""
    value = headers.get("signature-input", "")
    start = value.find('keyid="')
    if start < 0:
        return None
    end = value.find('"', start + 7)
    return value[start + 7 : end] if end > start else None


@dataclass(frozen=True)
class Verified:
    key_id: str
    nonce: str | None
    created: dt.datetime


def verify(
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    public: Callable[[str], Ed25519PublicKey],
    window: dt.timedelta,
) -> Verified:
    """Check the request's signature against ``public(keyid)`` and its body; raise
    ``BadSignature`` saying what is wrong (never echoing the request)."""
    request = _Request("POST", url, {k.lower(): v for k, v in headers.items()})
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public=public)
    )
    verifier.max_clock_skew = SKEW
    try:
        (result,) = verifier.verify(
            request,
            max_age=window,
            expect_tag=TAG,
            require_components=(*COVERED, "content-digest"),
            body=body,
        )
    except (HTTPMessageSignaturesException, KeyError, ValueError) as exc:
        raise BadSignature(str(exc)[:200]) from None
    params = result.parameters
    created = dt.datetime.fromtimestamp(int(params["created"]), dt.UTC)
    nonce = params.get("nonce")
    return Verified(
        key_id=str(params["keyid"]), nonce=str(nonce) if nonce else None, created=created
    )
