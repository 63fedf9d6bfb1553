"""X API v2 calls: signed requests, answers' `data`, and X's errors in plain words.

X answers errors as RFC 7807 problems (`{"title", "detail", "type", "status"}`),
and sometimes a 200 with an `errors` list. The final `POST /2/tweets` is retried
only on 429 (X did nothing); a 5xx there means the post may be online, and the
engine looks it up before anything is sent again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..redaction import redact
from .base import ConnectorError, OutcomeUnknown

if TYPE_CHECKING:
    import httpx


API_HOST = "https://api.x.com"
DOCS = "docs/networks/x.md"


class XApi:
    def __init__(self, auth: httpx.Auth, base_url: str | None = None) -> None:
        from . import http

        base = (base_url or API_HOST).rstrip("/") + "/"
        self.client, self._final = http.client_pair("x", base_url=base, auth=auth)

    def close(self) -> None:
        self.client.close()
        self._final.close()

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        data = self.get_body(path, **params).get("data")
        return data if isinstance(data, dict) else {}

    def get_body(self, path: str, **params: Any) -> dict[str, Any]:
        return self._call("GET", path, params=params)

    def post_json(self, path: str, body: dict[str, Any], *, final: bool = False) -> dict[str, Any]:
        data = self._call("POST", path, final=final, json=body).get("data")
        return data if isinstance(data, dict) else {}

    def post_form(self, path: str, **kwargs: Any) -> dict[str, Any]:
        data = self._call("POST", path, **kwargs).get("data")
        return data if isinstance(data, dict) else {}

    def _call(
        self, method: str, path: str, *, final: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        import httpx

        client = self._final if final else self.client
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise client.transport_error(exc) from None
        if response.is_success:
            try:
                body = response.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise ConnectorError(
                    f"x: {method} {path} answered something that is not JSON",
                    "try again later",
                    retryable=True,
                    status=response.status_code,
                )
            if "data" not in body and body.get("errors"):
                raise ConnectorError(
                    f"x: {_problem(body['errors'][0])}",
                    "the message says what X did not accept",
                    status=response.status_code,
                )
            return body
        if final and response.status_code >= 500:
            raise OutcomeUnknown(
                f"x: server error (HTTP {response.status_code}) while publishing; "
                "the post may have gone out",
                "the next `cmkit publish` looks it up before sending again",
                retryable=True,
                status=response.status_code,
            )
        raise self.error(response)

    def error(self, response: httpx.Response) -> ConnectorError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        said = _problem(body)
        if status == 401:
            return ConnectorError(
                f"x: X refused the keys ({said or 'Unauthorized'})",
                f"regenerate the access token and secret in the developer portal; see {DOCS}",
                status=401,
            )
        if status == 403 and body.get("reason") == "client-not-enrolled":
            return ConnectorError(
                "x: the keys belong to an app that is not in a Project with API access",
                f"attach the app to a Project in the developer portal; see {DOCS}",
                status=403,
            )
        if status == 403 and "duplicate" in said.lower():
            return ConnectorError(
                f"x: refused as a duplicate of a recent post ({said})",
                "change the text, or check whether it is already online",
                status=403,
            )
        if status == 403 and "permitted" in said.lower():
            return ConnectorError(
                f"x: the keys may not post ({said})",
                "set the app's permissions to Read and write, then regenerate the access "
                f"token and secret (old tokens keep the old permissions); see {DOCS}",
                status=403,
            )
        if status == 402:
            return ConnectorError(
                f"x: the X app has no API credits left ({said or 'Payment Required'})",
                "add credits or change plan in the developer portal; cmkit retries next run",
                retryable=True,
                status=402,
            )
        return self.client.status_error(response)


def _problem(body: object) -> str:
    if not isinstance(body, dict):
        return ""
    said = str(body.get("detail") or body.get("message") or body.get("title") or "")
    return redact(" ".join(said.split())[:300])
