"""httpx requests and fake answers in the shapes openapi-core validates against a spec:
shared by the fakes that check cmkit's traffic with a platform's published OpenAPI
description (Mastodon, Discord)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict


@dataclass
class OpenAPIRequest:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass
class OpenAPIResponse:
    status_code: int
    content_type: str
    headers: Headers
    data: bytes | None


def as_openapi(
    request: httpx.Request,
    body: bytes | None = None,
    content_type: str | None = None,
    query: Iterable[tuple[str, str]] | None = None,
) -> OpenAPIRequest:
    """The request as the spec sees it; `body`/`content_type`/`query` replace the wire's
    (a multipart part validated as the JSON it stands for, renamed array parameters)."""
    return OpenAPIRequest(
        host_url=f"{request.url.scheme}://{request.url.netloc.decode()}",
        path=request.url.path,
        method=request.method.lower(),
        body=body if body is not None else (request.content or None),
        content_type=content_type or request.headers.get("content-type", ""),
        parameters=RequestParameters(
            query=ImmutableMultiDict(
                list(query if query is not None else request.url.params.multi_items())
            ),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        ),
    )
