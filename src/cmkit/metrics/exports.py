"""The platforms' export files: which is which, and what each column means.

Each kind lists its columns by normalized header (lower case, no accents, straight
apostrophes) in English and in French, the two languages cmkit's users export in. A column
a kind knows but does not store is "ignored"; a column nobody listed is "unknown" and is
reported, never guessed. docs/metrics.md shows these tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..networks import Network
from .tables import Sheet, normalize_header

META = frozenset({Network.FACEBOOK, Network.INSTAGRAM})


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: str
    networks: frozenset[Network]
    level: str  # "post" or "account"
    columns: dict[str, str]  # normalized header → field ("extra:<name>" for extras)
    ignored: frozenset[str] = frozenset()
    ignored_prefixes: tuple[str, ...] = ()
    required: frozenset[str] = frozenset()  # fields that identify this kind

    def field_of(self, header: str) -> str | None:
        return self.columns.get(normalize_header(header))

    def is_ignored(self, header: str) -> bool:
        name = normalize_header(header)
        return name in self.ignored or name.startswith(self.ignored_prefixes)


def _cols(**fields: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for name, headers in fields.items():
        target = name.replace("__", ":")
        for header in headers:
            out[header] = target
    return out


META_POSTS = ExportKind(
    "meta-posts",
    "Meta Business Suite post export",
    META,
    "post",
    _cols(
        id=("post id", "identifiant de la publication", "id de la publication"),
        url=("permalink", "permalien", "lien permanent"),
        published=("publish time", "heure de publication", "date de publication"),
        views=("views", "vues"),
        impressions=("impressions",),
        reach=("reach", "couverture", "portee"),
        likes=("likes", "reactions", "j'aime", "mentions j'aime"),
        comments=("comments", "commentaires"),
        shares=("shares", "partages"),
        saves=("saves", "enregistrements"),
        clicks=("total clicks", "total des clics", "clics au total"),
        extra__follows=("follows", "suivis", "abonnements"),
        extra__link_clicks=("link clicks", "clics sur un lien", "clics sur le lien"),
        extra__other_clicks=("other clicks", "autres clics"),
        extra__seconds_viewed=("seconds viewed", "secondes visionnees"),
    ),
    ignored=frozenset(
        {
            "page id",
            "identifiant de la page",
            "page name",
            "nom de la page",
            "title",
            "titre",
            "description",
            "duration (sec)",
            "duree (s)",
            "duree (sec)",
            "caption type",
            "type de sous-titres",
            "is crosspost",
            "est une publication croisee",
            "is share",
            "est un partage",
            "post type",
            "type de publication",
            "languages",
            "langues",
            "custom labels",
            "etiquettes personnalisees",
            "funded content status",
            "statut du contenu finance",
            "data comment",
            "commentaire sur les donnees",
            "date",
            "account id",
            "identifiant du compte",
            "account username",
            "nom d'utilisateur du compte",
            "account name",
            "nom du compte",
            "reactions, comments and shares",
            "reactions, commentaires et partages",
            "average seconds viewed",
            "secondes visionnees en moyenne",
            "matched audience targeting consumption (photo click)",
            "estimated earnings (usd)",
            "revenus estimes (usd)",
            "ad cpm (usd)",
            "cpm publicitaire (usd)",
            "ad impressions",
            "impressions publicitaires",
        }
    ),
    ignored_prefixes=("negative feedback", "retours negatifs"),
    required=frozenset({"id", "published"}),
)

META_PAGE_METRICS = {
    **dict.fromkeys(
        (
            "facebook follows",
            "instagram follows",
            "follows",
            "new follows",
            "abonnements facebook",
            "abonnements instagram",
            "abonnements",
            "nouveaux abonnements",
            "suivis facebook",
            "suivis instagram",
        ),
        "new_followers",
    ),
    **dict.fromkeys(("followers", "total followers", "abonnes", "nombre d'abonnes"), "followers"),
    **dict.fromkeys(
        ("views", "vues", "facebook views", "instagram views", "impressions"), "impressions"
    ),
    **dict.fromkeys(
        (
            "viewers",
            "reach",
            "couverture",
            "portee",
            "spectateurs",
            "facebook reach",
            "instagram reach",
        ),
        "reach",
    ),
    **dict.fromkeys(
        (
            "facebook visits",
            "instagram profile visits",
            "visits",
            "profile visits",
            "visites",
            "visites facebook",
            "visites du profil instagram",
            "visites du profil",
        ),
        "profile_visits",
    ),
    **dict.fromkeys(
        ("content interactions", "interactions avec le contenu", "interactions"),
        "extra:interactions",
    ),
    **dict.fromkeys(
        (
            "facebook link clicks",
            "instagram link clicks",
            "link clicks",
            "clics sur un lien",
            "clics sur le lien",
        ),
        "extra:link_clicks",
    ),
}

META_PAGE = ExportKind(
    "meta-page",
    "Meta Business Suite page/account export (one metric per file)",
    META,
    "account",
    _cols(date=("date",), value=("primary", "principal", "valeur")),
    required=frozenset({"date", "value"}),
)

FACEBOOK_PAGE_LEGACY = ExportKind(
    "facebook-page-legacy",
    "Facebook Insights page data export (before Business Suite)",
    frozenset({Network.FACEBOOK}),
    "account",
    _cols(
        date=("date",),
        followers=("lifetime total likes", "lifetime total followers"),
        new_followers=("daily new likes", "daily new followers"),
        reach=("daily total reach",),
        impressions=("daily total impressions",),
        profile_visits=("daily total page views", "daily logged-in page views"),
    ),
    ignored_prefixes=("daily ", "weekly ", "28 days ", "lifetime "),
    required=frozenset({"date", "followers"}),
)

LINKEDIN_POSTS = ExportKind(
    "linkedin-posts",
    "LinkedIn page analytics: content export, 'All posts' sheet",
    frozenset({Network.LINKEDIN}),
    "post",
    _cols(
        url=("post link", "lien de la publication", "lien du post"),
        published=("created date", "date de creation"),
        impressions=("impressions",),
        views=("views", "vues", "views (excluding off-site video views)"),
        clicks=("clicks", "clics"),
        likes=("likes", "reactions", "j'aime"),
        comments=("comments", "commentaires"),
        shares=("reposts", "republications", "partages", "shares"),
        extra__follows=("follows", "abonnements", "suivis"),
    ),
    ignored=frozenset(
        {
            "post title",
            "titre de la publication",
            "post type",
            "type de publication",
            "campaign name",
            "nom de la campagne",
            "posted by",
            "publie par",
            "campaign start date",
            "date de debut de la campagne",
            "campaign end date",
            "date de fin de la campagne",
            "audience",
            "offsite views",
            "off-site views",
            "vues hors site",
            "click through rate (ctr)",
            "taux de clics (ctr)",
            "engagement rate",
            "taux d'engagement",
            "content type",
            "type de contenu",
        }
    ),
    required=frozenset({"url", "published", "impressions"}),
)

LINKEDIN_FOLLOWERS = ExportKind(
    "linkedin-followers",
    "LinkedIn page analytics: followers export, 'New followers' sheet",
    frozenset({Network.LINKEDIN}),
    "account",
    _cols(
        date=("date",),
        new_followers=("total followers", "total des abonnes", "nouveaux abonnes au total"),
        extra__organic_followers=("organic followers", "abonnes naturels", "abonnes organiques"),
        extra__sponsored_followers=("sponsored followers", "abonnes sponsorises"),
        extra__auto_invited_followers=("auto-invited followers", "abonnes invites automatiquement"),
    ),
    required=frozenset({"date", "new_followers"}),
)

LINKEDIN_METRICS = ExportKind(
    "linkedin-metrics",
    "LinkedIn page analytics: content export, 'Metrics' sheet",
    frozenset({Network.LINKEDIN}),
    "account",
    _cols(
        date=("date",),
        impressions=("impressions (total)", "impressions (totales)", "impressions (total)"),
        reach=(
            "unique impressions (organic)",
            "impressions uniques (naturelles)",
            "impressions uniques (organiques)",
        ),
        extra__clicks=("clicks (total)", "clics (total)"),
        extra__reactions=("reactions (total)", "reactions (totales)"),
        extra__comments=("comments (total)", "commentaires (total)"),
        extra__reposts=("reposts (total)", "republications (total)"),
    ),
    ignored_prefixes=(
        "impressions (",
        "clicks (",
        "clics (",
        "reactions (",
        "comments (",
        "commentaires (",
        "reposts (",
        "republications (",
        "engagement rate (",
        "taux d'engagement (",
    ),
    required=frozenset({"date", "impressions"}),
)

LINKEDIN_VISITORS = ExportKind(
    "linkedin-visitors",
    "LinkedIn page analytics: visitors export",
    frozenset({Network.LINKEDIN}),
    "account",
    _cols(
        date=("date",),
        profile_visits=("total page views (total)", "pages vues au total (total)"),
        extra__unique_visitors=(
            "total unique visitors (total)",
            "visiteurs uniques au total (total)",
        ),
    ),
    ignored_prefixes=(
        "overview ",
        "life ",
        "jobs ",
        "careers ",
        "total page views (",
        "total unique visitors (",
        "pages vues",
        "visiteurs uniques",
        "apercu ",
        "emplois ",
    ),
    required=frozenset({"date", "profile_visits"}),
)

X_POSTS = ExportKind(
    "x-posts",
    "X analytics: posts (content) export",
    frozenset({Network.X}),
    "post",
    _cols(
        id=("tweet id", "post id", "identifiant du post", "id du post"),
        url=("tweet permalink", "post link", "lien du post"),
        published=("time", "date", "heure"),
        impressions=("impressions",),
        likes=("likes", "favorites", "j'aime"),
        comments=("replies", "reponses"),
        shares=("retweets", "reposts"),
        saves=("bookmarks", "signets"),
        clicks=("url clicks", "clics sur l'url", "clics sur le lien"),
        extra__profile_clicks=("user profile clicks", "profile visits", "visites du profil"),
        extra__follows=("follows", "new follows", "nouveaux abonnements"),
        extra__media_views=("media views", "vues des medias"),
        extra__shares_other=("shares", "partages"),
    ),
    ignored=frozenset(
        {
            "tweet text",
            "post text",
            "texte du post",
            "engagements",
            "engagement rate",
            "taux d'engagement",
            "hashtag clicks",
            "clics sur les hashtags",
            "detail expands",
            "developpements des details",
            "permalink clicks",
            "clics sur le permalien",
            "app opens",
            "app installs",
            "email tweet",
            "dial phone",
            "media engagements",
        }
    ),
    ignored_prefixes=("promoted ", "sponsorise"),
    required=frozenset({"id", "impressions"}),
)

X_ACCOUNT = ExportKind(
    "x-account",
    "X analytics: account overview export (one line per day)",
    frozenset({Network.X}),
    "account",
    _cols(
        date=("date",),
        impressions=("impressions",),
        new_followers=("new follows", "nouveaux abonnements"),
        profile_visits=("profile visits", "visites du profil"),
        extra__unfollows=("unfollows", "desabonnements"),
        extra__engagements=("engagements",),
    ),
    ignored=frozenset(
        {
            "likes",
            "j'aime",
            "bookmarks",
            "signets",
            "shares",
            "partages",
            "replies",
            "reponses",
            "reposts",
            "create post",
            "posts crees",
            "video views",
            "vues des videos",
            "media views",
            "vues des medias",
        }
    ),
    required=frozenset({"date", "impressions", "new_followers"}),
)

KINDS = (
    META_POSTS,
    META_PAGE,
    FACEBOOK_PAGE_LEGACY,
    LINKEDIN_POSTS,
    LINKEDIN_FOLLOWERS,
    LINKEDIN_METRICS,
    LINKEDIN_VISITORS,
    X_POSTS,
    X_ACCOUNT,
)

FRENCH_HINTS = frozenset(
    {
        "identifiant de la publication",
        "heure de publication",
        "permalien",
        "couverture",
        "vues",
        "date de creation",
        "lien de la publication",
        "commentaires",
        "partages",
        "total des abonnes",
        "reponses",
        "signets",
    }
)


@dataclass
class Table:
    """One sheet recognized as one kind of export."""

    kind: ExportKind
    sheet: str
    header: list[str]
    rows: list[list[str]]
    first_row: int  # 1-based line/row number of the first data row
    mapping: dict[int, str] = field(default_factory=dict)  # column index → field
    ignored: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    metric: str | None = None  # Meta page exports: the metric the file holds
    french: bool = False

    def value(self, row: list[str], name: str) -> str:
        for index, target in self.mapping.items():
            if target == name:
                return row[index] if index < len(row) else ""
        return ""

    def has(self, name: str) -> bool:
        return name in self.mapping.values()


def recognize(sheet: Sheet, network: Network) -> Table | None:
    """The kind of export a sheet is, for a network; None when it is none cmkit knows."""
    rows = sheet.rows
    if len(rows) >= 2 and len([c for c in rows[0] if c]) == 1 and _is_meta_page(rows[1]):
        if network not in META:
            return None
        table = _table(META_PAGE, sheet, 1)
        table.metric = rows[0][0]
        return table
    best: tuple[int, int, ExportKind] | None = None
    for kind in KINDS:
        if network not in kind.networks or kind is META_PAGE:
            continue
        for index, row in enumerate(rows[:6]):
            fields = {kind.field_of(cell) for cell in row} - {None}
            if kind.required <= fields and (best is None or len(fields) > best[0]):
                best = (len(fields), index, kind)
    if best is None:
        return None
    return _table(best[2], sheet, best[1])


def _is_meta_page(row: list[str]) -> bool:
    names = [normalize_header(c) for c in row if c]
    return len(names) == 2 and names[0] == "date" and names[1] in ("primary", "principal", "valeur")


def _table(kind: ExportKind, sheet: Sheet, header_index: int) -> Table:
    header = sheet.rows[header_index]
    table = Table(kind, sheet.name, header, sheet.rows[header_index + 1 :], header_index + 2)
    seen: set[str] = set()
    for index, name in enumerate(header):
        if not name:
            continue
        target = kind.field_of(name)
        if target is not None and target not in seen:
            table.mapping[index] = target
            seen.add(target)
        elif kind.is_ignored(name) or target is not None:
            table.ignored.append(name)
        else:
            table.unknown.append(name)
    table.french = any(normalize_header(h) in FRENCH_HINTS for h in header)
    return table
