"""LinkedIn's versioned REST API (api.linkedin.com/rest/): headers, errors, images.

Every call carries `Linkedin-Version: YYYYMM` (a version lives about a year;
CMKIT_LINKEDIN_VERSION moves on without a cmkit release) and
`X-Restli-Protocol-Version: 2.0.0`. LinkedIn's errors are
`{"status", "serviceErrorCode", "code", "message"}`; `LinkedInApi.error` turns the
usual ones into a line a community manager can act on.

Images go in three steps (Images API): `initializeUpload` for an owner gives an
upload URL and the image URN, the bytes are PUT there, and the image is usable once
LinkedIn reports it AVAILABLE.
Reference: learn.microsoft.com/linkedin/marketing/community-management/shares/images-api
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .base import ConnectorError, MediaFile, OutcomeUnknown

if TYPE_CHECKING:
    import httpx


API_HOST = "https://api.linkedin.com"
API_VERSION = "202610"
# Images API: "Image pixel count < 36,152,320"; JPG, GIF and PNG
IMAGE_PIXELS = 36_152_320
IMAGE_FORMATS = frozenset({"jpeg", "png", "gif"})
IMAGE_WAIT = 60.0  # seconds for LinkedIn to process an uploaded image
DOCS = "docs/networks/linkedin.md"


def api_version() -> str:
    value = os.environ.get("CMKIT_LINKEDIN_VERSION", "").strip()
    return value if re.fullmatch(r"20\d{4}", value) else API_VERSION


def encoded(urn: str) -> str:
    """A URN in a URL path or query (Rest.li 2.0 wants it percent-encoded)."""
    return quote(urn, safe="")


class LinkedInApi:
    """Calls for one token. `final` marks the request that makes a post public: it is
    retried only on 429 (nothing was done), and a 5xx means "it may have gone out"."""

    def __init__(self, token: str, base_url: str = API_HOST) -> None:
        from . import http

        headers = {"Linkedin-Version": api_version(), "X-Restli-Protocol-Version": "2.0.0"}
        base = base_url.rstrip("/") + "/"
        self.client, self._final = http.client_pair(
            "linkedin", base_url=base, token=token, headers=headers
        )

    def close(self) -> None:
        self.client.close()
        self._final.close()

    def request(
        self, method: str, path: str, *, final: bool = False, needs: str = "", **kwargs: Any
    ) -> httpx.Response:
        import httpx

        client = self._final if final else self.client
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise client.transport_error(exc) from None
        if response.is_success:
            return response
        if final and response.status_code >= 500:
            raise OutcomeUnknown(
                f"linkedin: server error (HTTP {response.status_code}) while publishing; "
                "the post may have gone out",
                "the next `cmkit publish` looks it up before sending again",
                retryable=True,
                status=response.status_code,
            )
        raise self.error(response, needs)

    def get(self, path: str, needs: str = "", **params: Any) -> dict[str, Any]:
        body = self.request("GET", path, needs=needs, params=params or None).json()
        return body if isinstance(body, dict) else {}

    def error(self, response: httpx.Response, needs: str = "") -> ConnectorError:
        """A refused call as one line: what LinkedIn said, and what to do."""
        base = self.client.status_error(response)
        status = response.status_code
        code, said = _error_fields(response)
        if status == 401:
            return ConnectorError(
                f"linkedin: the access token is expired or revoked ({said or code})",
                "LinkedIn tokens last 60 days: make a new one (" + DOCS + "), store it, "
                "then run `cmkit accounts check`",
                status=401,
            )
        if status == 403:
            wanted = f" ({needs})" if needs else ""
            return ConnectorError(
                f"linkedin: the token lacks a permission{wanted}: {said or code}",
                "give the app that scope (and, for a Page, make the token's member an "
                "administrator or content admin of it), then make a new token; see " + DOCS,
                status=403,
            )
        if status == 426 or code == "NONEXISTENT_VERSION":
            return ConnectorError(
                f"linkedin: API version {api_version()} is not served any more ({said})",
                "update cmkit, or set CMKIT_LINKEDIN_VERSION to a current YYYYMM",
                status=status,
            )
        if status == 422 and "duplicate" in said.lower():
            return ConnectorError(
                f"linkedin: refused as a duplicate of an earlier post ({said})",
                "change the text, or check whether it is already online",
                status=status,
            )
        return base

    # --- images ---------------------------------------------------------------------------

    def upload_image(self, owner: str, item: MediaFile, needs: str) -> str:
        """Upload one image for `owner`; its URN once LinkedIn has processed it."""
        from .. import media as probing

        fitted = probing.fit_media(
            item, probing.FitRule(max_pixels=IMAGE_PIXELS, formats=IMAGE_FORMATS)
        )
        body = self.request(
            "POST",
            "rest/images",
            needs=needs,
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": owner}},
        ).json()
        value = body.get("value") or {}
        urn, url = str(value.get("image") or ""), str(value.get("uploadUrl") or "")
        if not urn or not url:
            raise ConnectorError(
                "linkedin: initializeUpload answered without an upload URL",
                "try again later",
                retryable=True,
            )
        # the upload URL is on another host; PUT is safe to resend
        self.request(
            "PUT",
            url,
            needs=needs,
            content=fitted.path.read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )
        self.wait_available(urn)
        return urn

    def wait_available(self, urn: str) -> None:
        from .http import pause

        waited, delay = 0.0, 1.0
        while True:
            status = str(self.get(f"rest/images/{encoded(urn)}").get("status") or "")
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                raise ConnectorError(
                    f"linkedin: LinkedIn could not process the image {urn}",
                    "export it again as JPEG or PNG",
                )
            if waited >= IMAGE_WAIT:
                raise ConnectorError(
                    f"linkedin: image {urn} still {status.lower() or 'not ready'} after "
                    f"{waited:.0f} s; nothing was published",
                    "cmkit tries again on its next run",
                    retryable=True,
                )
            pause(delay)
            waited += delay
            delay = min(delay * 2, 10.0)


def _error_fields(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    from ..redaction import redact

    message = " ".join(str(body.get("message") or "").split())
    return str(body.get("code") or ""), redact(message[:300])
