"""A fake of LinkedIn's versioned REST API (Posts, Images, organizations), offline.

LinkedIn publishes no machine-readable spec for these APIs, so every endpoint is built
from the request and response examples of its documentation page, cited above each
handler (learn.microsoft.com/linkedin/…). Errors use LinkedIn's documented envelope
`{"status", "serviceErrorCode", "code", "message"}`.

The fake refuses what LinkedIn refuses: a missing or retired `Linkedin-Version`, a
missing `X-Restli-Protocol-Version`, an unknown token (401), a token without the scope
the endpoint documents or whose member has no posting role on the Page (403), a post
body missing a required field (422, in LinkedIn's "ERROR :: /field ::" wording), an
image URN that was never uploaded or is not AVAILABLE, a multiImage outside 2–20.

And it does what LinkedIn does to unescaped text: commentary is read in the little
format by a parser written here from the format's grammar (not cmkit's code), and the
post is silently cut at the first reserved character that starts no element — the
request still succeeds. URLs are the one assumption: LinkedIn links them and does not
read reserved characters inside them (observed behaviour, not documented).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
from net_workspace import Fault, Killed, take_fault

from cmkit.clock import now as clock_now

RESERVED = set("\\|{}@[]()<>#*_~")
ACTIVE_VERSIONS = range(202512, 202612)  # "a version is supported for a minimum of one year"
UPLOAD_HOST = "www.linkedin.com"


@dataclass
class Token:
    member: str  # urn:li:person:…
    scopes: frozenset[str]


@dataclass
class Post:
    urn: str
    author: str
    commentary: str  # what LinkedIn kept, in little
    shown: str  # what a reader sees
    created: int  # ms
    content: dict[str, Any] = field(default_factory=dict)
    mentions: list[str] = field(default_factory=list)


def read_little(commentary: str) -> tuple[str, str, list[str]]:
    """(kept little, shown text, mentioned URNs): LinkedIn's reading of commentary, cut
    at the first reserved character that starts no element."""
    shown: list[str] = []
    mentions: list[str] = []
    i = 0
    while i < len(commentary):
        ch = commentary[i]
        rest = commentary[i:]
        url = re.match(r"https?://\S+", rest)
        if url:
            shown.append(url.group(0))
            i += url.end()
            continue
        if ch == "\\" and i + 1 < len(commentary):
            shown.append(commentary[i + 1])
            i += 2
            continue
        mention = re.match(r"@\[([^\]\\]+)\]\((urn:li:(?:person|organization):[\w-]+)\)", rest)
        if mention:
            shown.append("@" + mention.group(1))
            mentions.append(mention.group(2))
            i += mention.end()
            continue
        template = re.match(r"\{hashtag\|\\?#\|(\w+)\}", rest)
        if template:
            shown.append("#" + template.group(1))
            i += template.end()
            continue
        tag = re.match(r"#\w+", rest)
        if tag:
            shown.append(tag.group(0))
            i += tag.end()
            continue
        if ch in RESERVED:
            return commentary[:i], "".join(shown), mentions  # LinkedIn stops reading here
        shown.append(ch)
        i += 1
    return commentary, "".join(shown), mentions


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, service: int = 100) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.service = status, code, message, service

    def response(self) -> httpx.Response:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.code:
            body["code"] = self.code
            body["serviceErrorCode"] = self.service
        return httpx.Response(self.status, json=body)


class FakeLinkedIn:
    def __init__(self) -> None:
        self.tokens: dict[str, Token] = {}
        self.names: dict[str, str] = {}  # member or organization URN → name
        self.roles: dict[tuple[str, str], str] = {}  # (member, organization) → role
        self.followers: dict[str, int] = {}
        self.posts: dict[str, Post] = {}
        self.images: dict[str, dict[str, Any]] = {}  # urn → {owner, status, bytes, polls}
        self.uploads: dict[str, str] = {}  # upload path → image urn
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []
        self.processing_polls = 1
        self.pages: dict[str, str] = {}  # public page URL → HTML (for link cards)
        self.files: dict[str, tuple[bytes, str]] = {}  # public file URL → (bytes, type)
        self._ids = itertools.count(7_400_000_000_000_000_001)

    # --- set-up ---------------------------------------------------------------------------

    def member(self, sub: str, name: str, token: str, scopes: set[str]) -> str:
        urn = f"urn:li:person:{sub}"
        self.names[urn] = name
        self.tokens[token] = Token(urn, frozenset(scopes))
        return urn

    def organization(self, number: int, name: str, admin: str, role: str = "ADMINISTRATOR") -> str:
        urn = f"urn:li:organization:{number}"
        self.names[urn] = name
        self.roles[(admin, urn)] = role
        self.followers[urn] = 842
        return urn

    def fault(self, method: str, path: str, action: str = "respond", **kw: Any) -> None:
        self.faults.append(Fault(method, re.compile(path), action, **kw))

    def published(self, author: str) -> list[Post]:
        return [p for p in self.posts.values() if p.author == author]

    # --- transport ------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = take_fault(self.faults, request)
        if fault is not None:
            if fault.action == "kill-before":
                raise Killed(f"killed before {request.method} {request.url.path}")
            if fault.action == "respond":
                return httpx.Response(
                    fault.status,
                    json={"status": fault.status, "message": "fault"},
                    headers=fault.headers,
                )
        try:
            response = self._route(request)
        except Refused as refused:
            response = refused.response()
        if fault is not None and fault.action == "timeout-after":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if fault is not None and fault.action == "kill-after":
            raise Killed(f"killed after {request.method} {request.url.path}")
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        if host != "api.linkedin.com" and host != UPLOAD_HOST:
            return self._public(request)
        token = self._token(request)
        if host == UPLOAD_HOST:
            return self._upload(request, token)
        if path == "/v2/userinfo" and request.method == "GET":
            return self._userinfo(token)
        self._versioned(request)
        params = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        if path == "/rest/posts" and request.method == "POST":
            return self._create_post(request, token)
        if path == "/rest/posts" and request.method == "GET":
            return self._find_posts(request, params, token)
        if path == "/rest/images" and params.get("action") == "initializeUpload":
            return self._initialize_upload(request, token)
        if path.startswith("/rest/images/") and request.method == "GET":
            return self._image(unquote(path.removeprefix("/rest/images/")))
        if path.startswith("/rest/organizations/") and request.method == "GET":
            return self._organization(path.rsplit("/", 1)[1])
        if path == "/rest/organizationAcls":
            return self._acls(params, token)
        if path.startswith("/rest/networkSizes/"):
            return self._network_size(unquote(path.removeprefix("/rest/networkSizes/")), params)
        if path == "/rest/organizationalEntityShareStatistics":
            return self._share_statistics(request, token)
        raise Refused(404, "NOT_FOUND", f"No virtual resource found for {path}")

    def _token(self, request: httpx.Request) -> Token:
        # Authenticating with OAuth: "Authorization: Bearer {access token}"
        header = request.headers.get("authorization", "")
        token = self.tokens.get(header.removeprefix("Bearer "))
        if token is None:
            raise Refused(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        return token

    @staticmethod
    def _versioned(request: httpx.Request) -> None:
        # LinkedIn Marketing API Versioning: "Linkedin-Version: YYYYMM" on every /rest call;
        # a missing or sunset version is refused with 426 NONEXISTENT_VERSION
        version = request.headers.get("linkedin-version", "")
        if not version.isdigit() or int(version) not in ACTIVE_VERSIONS:
            raise Refused(
                426, "NONEXISTENT_VERSION", f"Requested version {version} is not active", 0
            )
        if request.headers.get("x-restli-protocol-version") != "2.0.0":
            raise Refused(400, "", "Rest.li protocol version 2.0.0 is required")

    @staticmethod
    def _scope(token: Token, scope: str, what: str) -> None:
        if scope not in token.scopes:
            raise Refused(403, "ACCESS_DENIED", f"Not enough permissions to access: {what}")

    def _may_post_as(self, token: Token, author: str) -> None:
        if author.startswith("urn:li:person:"):
            self._scope(token, "w_member_social", "partnerApiPostsExternal.CREATE.20251001")
            if author != token.member:
                raise Refused(403, "ACCESS_DENIED", f"Member {token.member} cannot act as {author}")
            return
        self._scope(token, "w_organization_social", "partnerApiPostsExternal.CREATE.20251001")
        role = self.roles.get((token.member, author))
        if role not in (
            "ADMINISTRATOR",
            "CONTENT_ADMINISTRATOR",
            "DIRECT_SPONSORED_CONTENT_POSTER",
        ):
            raise Refused(
                403,
                "ACCESS_DENIED",
                f"Not enough permissions to access: partnerApiPostsExternal.CREATE for {author}",
            )

    # --- posts ----------------------------------------------------------------------------

    def _create_post(self, request: httpx.Request, token: Token) -> httpx.Response:
        # posts-api "Create a Text-Only Post": POST /rest/posts {author, commentary,
        # visibility, distribution{feedDistribution, targetEntities,
        # thirdPartyDistributionChannels}, lifecycleState, isReshareDisabledByAuthor}
        # → 201, "x-restli-id: urn:li:share:6844785523593134080"
        body = json.loads(request.content)
        missing = [
            f"ERROR :: /{name} :: field is required but not found and has no default value"
            for name in ("author", "commentary", "visibility", "distribution", "lifecycleState")
            if name not in body
        ]
        if missing:
            raise Refused(422, "", "\n".join(missing) + "\n")
        author = str(body["author"])
        self._may_post_as(token, author)
        if body["visibility"] not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"):
            raise Refused(422, "", f"ERROR :: /visibility :: invalid enum {body['visibility']}\n")
        if body["lifecycleState"] != "PUBLISHED":
            raise Refused(422, "", "ERROR :: /lifecycleState :: only PUBLISHED here\n")
        if body["distribution"].get("feedDistribution") not in ("MAIN_FEED", "NONE"):
            raise Refused(422, "", "ERROR :: /distribution/feedDistribution :: invalid\n")
        content = body.get("content") or {}
        self._check_content(content, author)
        kept, shown, mentions = read_little(str(body["commentary"]))
        if len(shown) > 3000:
            raise Refused(422, "", "ERROR :: /commentary :: length exceeds 3000\n")
        urn = f"urn:li:share:{next(self._ids)}"
        created = int(clock_now().timestamp() * 1000)
        self.posts[urn] = Post(urn, author, kept, shown, created, content, mentions)
        return httpx.Response(201, headers={"x-restli-id": urn})

    def _check_content(self, content: dict[str, Any], author: str) -> None:
        # posts-api: content.media {id: urn:li:image:…, altText} | content.multiImage
        # {images: [{id, altText}]} (multi-image-post-api: "2 to 20 images") |
        # content.article {source, title, description, thumbnail}
        if "media" in content:
            self._usable_image(content["media"].get("id"), author)
        if "multiImage" in content:
            images = content["multiImage"].get("images") or []
            if not 2 <= len(images) <= 20:
                raise Refused(
                    422, "", f"ERROR :: /content/multiImage/images :: {len(images)} images, 2-20\n"
                )
            for image in images:
                self._usable_image(image.get("id"), author)
        if "article" in content:
            article = content["article"]
            for name in ("source", "title"):
                if not article.get(name):
                    raise Refused(
                        422, "", f"ERROR :: /content/article/{name} :: field is required\n"
                    )
            if article.get("thumbnail"):
                self._usable_image(article["thumbnail"], author)

    def _usable_image(self, urn: object, author: str) -> None:
        image = self.images.get(str(urn))
        if image is None or image["owner"] != author:
            raise Refused(400, "", f"Invalid image urn {urn}")
        if image["status"] != "AVAILABLE":
            raise Refused(400, "", f"Image {urn} is not AVAILABLE ({image['status']})")

    def _find_posts(
        self, request: httpx.Request, params: dict[str, str], token: Token
    ) -> httpx.Response:
        # posts-api "Find Posts by Authors": GET /rest/posts?author={urn}&q=author&count=10
        # &sortBy=LAST_MODIFIED, header X-RestLi-Method: FINDER; r_organization_social for
        # a Page, r_member_social (restricted) for a member
        if request.headers.get("x-restli-method", "").upper() != "FINDER":
            raise Refused(400, "", "Missing X-RestLi-Method: FINDER")
        author = params.get("author", "")
        scope = (
            "r_member_social" if author.startswith("urn:li:person:") else "r_organization_social"
        )
        self._scope(token, scope, "partnerApiPostsExternal.FINDER-author")
        posts = sorted(self.published(author), key=lambda p: p.created, reverse=True)
        count = int(params.get("count", "10"))
        elements = [
            {
                "id": p.urn,
                "author": p.author,
                "commentary": p.commentary,
                "createdAt": p.created,
                "publishedAt": p.created,
                "lastModifiedAt": p.created,
                "lifecycleState": "PUBLISHED",
                "visibility": "PUBLIC",
                "content": p.content,
            }
            for p in posts[:count]
        ]
        return httpx.Response(
            200, json={"paging": {"start": 0, "count": count, "links": []}, "elements": elements}
        )

    # --- images ---------------------------------------------------------------------------

    def _initialize_upload(self, request: httpx.Request, token: Token) -> httpx.Response:
        # images-api "Initialize Image Upload": POST /rest/images?action=initializeUpload
        # {"initializeUploadRequest": {"owner": urn}} → {"value": {"uploadUrlExpiresAt",
        # "uploadUrl": "https://www.linkedin.com/dms-uploads/…", "image": "urn:li:image:…"}}
        owner = str((json.loads(request.content).get("initializeUploadRequest") or {}).get("owner"))
        self._may_post_as(token, owner)
        urn = f"urn:li:image:C4E10AQ{next(self._ids)}"
        upload = f"/dms-uploads/sp/{len(self.images)}/uploadedImage/0"
        self.images[urn] = {"owner": owner, "status": "WAITING_UPLOAD", "bytes": b"", "polls": 0}
        self.uploads[upload] = urn
        return httpx.Response(
            200,
            json={
                "value": {
                    "uploadUrlExpiresAt": 1795600000000,
                    "uploadUrl": f"https://{UPLOAD_HOST}{upload}?ca=vector_feedshare&cn=uploads",
                    "image": urn,
                }
            },
        )

    def _upload(self, request: httpx.Request, token: Token) -> httpx.Response:
        # images-api "Upload the Image": curl -i --upload-file … -H 'Authorization: Bearer …'
        # '{uploadUrl}' → 201
        urn = self.uploads.get(request.url.path)
        if urn is None or request.method != "PUT":
            raise Refused(404, "", "unknown upload URL")
        if not request.content.startswith((b"\xff\xd8", b"\x89PNG", b"GIF8")):
            raise Refused(400, "", "The uploaded file is not an image")
        image = self.images[urn]
        image.update(bytes=request.content, status="PROCESSING", polls=self.processing_polls)
        return httpx.Response(201)

    def _image(self, urn: str) -> httpx.Response:
        # images-api "Get a Single Image": {"owner", "status": "AVAILABLE", "downloadUrl",
        # "id": urn, …}; PROCESSING until LinkedIn is done with it
        image = self.images.get(urn)
        if image is None:
            raise Refused(404, "", f"Image {urn} not found")
        if image["status"] == "PROCESSING":
            if image["polls"] <= 0:
                image["status"] = "AVAILABLE"
            image["polls"] -= 1
        return httpx.Response(
            200,
            json={
                "owner": image["owner"],
                "status": image["status"],
                "downloadUrl": f"https://media.licdn.com/dms/image/{urn[-8:]}",
                "id": urn,
            },
        )

    # --- people, organizations, statistics -------------------------------------------------

    def _userinfo(self, token: Token) -> httpx.Response:
        # sign-in-with-linkedin-v2 "API Request to Retrieve Member Details": {"sub",
        # "email_verified", "name", "locale", "given_name", "family_name", "email", "picture"}
        self._scope(token, "openid", "userinfo")
        name = self.names[token.member]
        return httpx.Response(
            200,
            json={
                "sub": token.member.rsplit(":", 1)[1],
                "name": name,
                "given_name": name.split()[0],
                "family_name": name.split()[-1],
                "locale": {"country": "FR", "language": "fr"},
            },
        )

    def _organization(self, number: str) -> httpx.Response:
        # organization-lookup-api: GET /rest/organizations/{id} → {"vanityName",
        # "localizedName", "id", …}
        urn = f"urn:li:organization:{number}"
        if urn not in self.names:
            raise Refused(404, "", f"Organization {number} not found")
        name = self.names[urn]
        return httpx.Response(
            200,
            json={
                "id": int(number),
                "localizedName": name,
                "vanityName": name.lower().replace(" ", "-"),
            },
        )

    def _acls(self, params: dict[str, str], token: Token) -> httpx.Response:
        # organization-access-control-by-role: GET /rest/organizationAcls?q=roleAssignee →
        # {"elements": [{"roleAssignee", "state": "APPROVED", "role", "organization"}]}
        self._scope(token, "rw_organization_admin", "organizationAcls.FINDER-roleAssignee")
        elements = [
            {"roleAssignee": member, "state": "APPROVED", "role": role, "organization": org}
            for (member, org), role in self.roles.items()
            if member == token.member
        ]
        return httpx.Response(200, json={"paging": {"start": 0, "count": 10}, "elements": elements})

    def _network_size(self, urn: str, params: dict[str, str]) -> httpx.Response:
        # organization-lookup-api "Retrieve Organization Follower Count":
        # GET /rest/networkSizes/{urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER → {"firstDegreeSize"}
        if params.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER" or urn not in self.followers:
            raise Refused(400, "", "invalid networkSizes request")
        return httpx.Response(200, json={"firstDegreeSize": self.followers[urn]})

    def _share_statistics(self, request: httpx.Request, token: Token) -> httpx.Response:
        # share-statistics: GET /rest/organizationalEntityShareStatistics?q=organizationalEntity
        # &organizationalEntity={urn}[&shares=List(…)][&timeIntervals=(…)] →
        # {"elements": [{"totalShareStatistics": {"uniqueImpressionsCount", "shareCount",
        # "engagement", "clickCount", "likeCount", "impressionCount", "commentCount"},
        # "share": urn, "organizationalEntity": urn}]}
        self._scope(token, "r_organization_social", "organizationalEntityShareStatistics")
        query = request.url.query.decode()
        stats = {
            "uniqueImpressionsCount": 410,
            "shareCount": 3,
            "engagement": 0.061,
            "clickCount": 19,
            "likeCount": 22,
            "impressionCount": 560,
            "commentCount": 4,
        }
        lists = re.search(r"(shares|ugcPosts)=List\(([^)]*)\)", query)
        if lists is None:
            if "timeIntervals=(timeRange:(start:" not in query:
                raise Refused(400, "", "timeIntervals or shares required")
            return httpx.Response(200, json={"elements": [{"totalShareStatistics": stats}]})
        kind = "share" if lists.group(1) == "shares" else "ugcPost"
        urns = [unquote(u) for u in lists.group(2).split(",") if u]
        return httpx.Response(
            200,
            json={
                "elements": [
                    {"totalShareStatistics": stats, kind: urn} for urn in urns if urn in self.posts
                ]
            },
        )

    # --- the client's public site (what OpenGraph reads for the link card) -------------------

    def _public(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None))
        if url in self.pages:
            return httpx.Response(200, text=self.pages[url], headers={"content-type": "text/html"})
        if url in self.files:
            data, kind = self.files[url]
            return httpx.Response(200, content=data, headers={"content-type": kind})
        return httpx.Response(404, text="not found")
