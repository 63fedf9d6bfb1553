"""The files `cmkit init` writes, as text: values filled in, comments showing what comes next.

Comments are in English like the rest of cmkit; example content (the first post, the
complaint words) follows the client's first locale, French or English.
"""

from __future__ import annotations

import json
import re
from datetime import date

from .networks import Network

PLAIN = re.compile(r"^[^\W\d_][\w .'’&-]*$")


def q(value: str) -> str:
    """A YAML scalar that reads back as exactly this text: plain when it is safe, else a
    JSON string (which is valid YAML)."""
    if PLAIN.fullmatch(value) and value.lower() not in (
        "true",
        "false",
        "null",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
    ):
        return value.strip()
    return json.dumps(value, ensure_ascii=False)


def c(code: str, comment: str, column: int = 28) -> str:
    """A line of YAML with its comment aligned, as a person would write it."""
    return f"{code:<{column - 1}} # {comment}"


def camel(name: str) -> str:
    """'Boulangerie Martin' → 'BoulangerieMartin', for a hashtag suggestion."""
    return "".join(word[:1].upper() + word[1:] for word in name.split() if word.isalnum())


GITIGNORE = """\
# Tokens live in .env (or the environment, or the OS keyring): never commit it.
.env
"""


_ROUTINE = {
    "fr": (
        "Publier ce qui est prévu",
        "Répondre aux messages et aux mentions",
        "Lire le digest de veille",
        "Préparer la semaine",
        "Petit rapport hebdomadaire",
        "Rapport mensuel et audit",
    ),
    "en": (
        "Publish what is due",
        "Answer messages and mentions",
        "Read the watch digest",
        "Plan the week",
        "Weekly report",
        "Monthly report and audit",
    ),
}


def workspace(modeline: str, timezone: str, locale: str, language: str) -> str:
    daily1, daily2, daily3, monday, friday, monthly = _ROUTINE[language]
    return f"""\
{modeline}
# Workspace defaults; a client's own client.yaml overrides them. See docs/files.md.
timezone: {timezone}
locale: {locale}
{c(f"report_language: {language}", "fr or en")}

publish:
  {c("grace_minutes: 120", "a post found later than this is reported, not sent late", 26)}
  {c("concurrency: 10", "posts sent at once per network", 26)}

# What `cmkit today` lists besides due posts. Weekdays: mon tue wed thu fri sat sun.
routine:
  daily:
    - {daily1}
    - {daily2}
    - {daily3}
  weekly:
    mon: [{monday}]
    fri: [{friday}]
  monthly:
    - task: {monthly}
      day: first-working-day
"""


# (commented-out key, what it is) per network, for the CM to fill in
_ACCOUNT_HELP: dict[Network, tuple[tuple[str, str], ...]] = {
    Network.INSTAGRAM: (
        ('# handle: "@…"', "public handle"),
        ('# id: "…"', "the professional account's user id"),
    ),
    Network.FACEBOOK: (("# handle: …", "the Page's name in its URL"), ('# id: "…"', "the Page id")),
    Network.LINKEDIN: (
        ("# handle: …", "the page's name in its URL"),
        ('# id: "urn:li:organization:…"', "or urn:li:person:…"),
    ),
    Network.BLUESKY: (
        ("# handle: name.bsky.social", "the account's handle"),
        ("# instance: https://bsky.social", "its PDS, if not bsky.social"),
    ),
    Network.MASTODON: (
        ('# handle: "@name@server"', "the account"),
        ("# instance: https://…", "its server (required)"),
    ),
    Network.THREADS: (('# handle: "@…"', "public handle"), ('# id: "…"', "the Threads user id")),
    Network.X: (
        ('# handle: "@…"', "public handle"),
        ("# secrets: {api_key: …, api_secret: …}", "OAuth 1.0a, variable names"),
    ),
    Network.TELEGRAM: (('# handle: "@channel"', "the channel"), ('# id: "-100…"', "the chat id")),
    Network.DISCORD: (("# handle: …", "the channel; token_env names the webhook URL"),),
}


def client(
    modeline: str,
    name: str,
    timezone: str,
    country: str | None,
    locales: list[str],
    token_envs: dict[Network, str],
) -> str:
    accounts = []
    for network, env in token_envs.items():
        lines = [
            f"  {network}:",
            *(f"    {c(code, what, 34)}" for code, what in _ACCOUNT_HELP[network]),
            f"    token_env: {env}",
        ]
        accounts.append("\n".join(lines))
    media_url = (
        ""
        if not {Network.INSTAGRAM, Network.THREADS} & set(token_envs)
        else """
# Instagram and Threads fetch images by URL: where this client's media/ folder is served.
# media_base_url: https://example.com/media/
"""
    )
    country_line = f"country: {country}" if country else "# country: FR"
    return f"""\
{modeline}
name: {q(name)}
{c(f"timezone: {timezone}", "post times (at:) are local to this zone")}
{c(country_line, "ISO code, for public holidays and sales periods")}
{c("# region: QC", "for regional holidays")}
{c(f"locales: [{', '.join(locales)}]", "the first is the posts' language")}
{c("# report_language: fr", "default: cmkit.yaml's")}

# One account per network. Never a token here: token_env is the NAME of the environment
# variable holding it (set it in your shell, in the git-ignored .env, or in the keyring).
accounts:
{chr(10).join(accounts)}
{media_url}"""


def strategy(modeline: str, start: date, end: date, currency: str) -> str:
    return f"""\
{modeline}
period:
  start: {start.isoformat()}
  end: {end.isoformat()}

# KPI objectives: a number to reach by a deadline, tracked in reports. For example:
#   - id: abonnes-facebook
#     label: +60 abonnés Facebook en décembre
#     metric: followers      # followers, reach, impressions, engagement_rate, clicks…
#     network: facebook      # omit for all networks together
#     baseline: 1240
#     target: 1300
#     deadline: {end.isoformat()}
objectives: []

budget:
  currency: {currency}
  # monthly: 300
  # split: {{publicite: 200, photos: 100}}

# Content pillars (themes) posts belong to, with the share of posts each should get:
#   - id: produits
#     label: Nos produits
#     share: 40
pillars: []

# audiences:
#   - name: Familles du quartier
#     description: Commandent le week-end ; Instagram et Facebook.
audiences: []
"""


_COMPLAINTS = {
    True: "[remboursement, arnaque, déçu, déçue, honteux, scandale]",
    False: "[refund, scam, disappointed, rude, terrible, worst]",
}


def charter(modeline: str, name: str, french: bool) -> str:
    address = (
        "address: vouvoiement          # or tutoiement\n"
        if french
        else "# address: tutoiement         # French clients: tutoiement or vouvoiement\n"
    )
    tag = camel(name) or "MyBrand"
    return f"""\
{modeline}
# The editorial charter: `cmkit check` reads every post against it.
# tone: Chaleureux et gourmand, sans jargon marketing.
{address}
words:
  use: []        # words the brand likes, e.g. [fait maison, de saison]
  avoid: []      # words no post should contain, e.g. [pas cher, promo]

hashtags:
  required: []   # e.g. ["#{tag}"] (quoted: a bare # starts a YAML comment)
  forbidden: [followforfollow, f4f, like4like]
  max: 5         # per post; per_network: {{linkedin: 3}} to tighten one network

emoji:
  max: 3         # per post; 0 forbids them

# Words that put a message at the top of the inbox.
complaint_words: {_COMPLAINTS[french]}

# Ready answers for the inbox, by name:
# saved_replies:
#   horaires: Bonjour ! Nous sommes ouverts du mardi au dimanche, 7 h – 19 h.
"""


# a starting rhythm per network, at the hours these networks are most read; adjust it
_SLOTS: dict[Network, tuple[str, str]] = {
    Network.INSTAGRAM: ("[tue, thu]", "18:00"),
    Network.FACEBOOK: ("[mon, wed, fri]", "12:00"),
    Network.LINKEDIN: ("[tue, thu]", "08:30"),
    Network.BLUESKY: ("[wed, sat]", "09:00"),
    Network.MASTODON: ("[wed, sat]", "09:00"),
    Network.THREADS: ("[wed]", "12:30"),
    Network.X: ("[mon, thu]", "09:00"),
    Network.TELEGRAM: ("[fri]", "17:00"),
    Network.DISCORD: ("[fri]", "17:00"),
}


def calendar(modeline: str, networks: list[Network]) -> str:
    slots = "\n".join(
        f'  - network: {n}\n    days: {_SLOTS[n][0]}\n    time: "{_SLOTS[n][1]}"' for n in networks
    )
    return f"""\
{modeline}
# Weekly slots: a starting rhythm, in the client's local time (quote the times).
# Add `format:` (image, reel…) or `pillar:` to a slot to plan what goes in it.
slots:
{slots}

# Dates that matter to this client; public holidays are added from the client's country.
#   - date: 2026-12-08
#     name: Fête des Lumières
key_dates: []

# Contests, launches, sales and seasons, with the posts they need (`cmkit stock`):
#   - id: concours-noel
#     name: Concours de Noël
#     kind: contest          # contest, launch, event, sale, season, other
#     start: 2026-12-01
#     end: 2026-12-20
#     brief:
#       posts: 4
#       networks: [instagram, facebook]
highlights: []

# holidays:
#   commercial: true         # also sales, Black Friday, Mother's Day…
"""


def watch(modeline: str, name: str) -> str:
    return f"""\
{modeline}
# The brand's own names, handles and hashtags: how mentions are recognised.
brand: [{q(name)}]

# RSS or Atom feeds. For Google Alerts: create an alert, choose "Deliver to: RSS feed",
# and paste the feed's URL here.
#   - url: https://www.google.com/alerts/feeds/…
#     name: Alerte Google « {name} »
feeds: []

# Searches on Mastodon and Bluesky: a text, or {{query, networks, topic}}.
keywords: [{q(name)}]

#   - name: Concurrent
#     accounts: {{instagram: "@concurrent"}}
#     feeds: [https://concurrent.example/blog/feed/]
competitors: []
"""


def example_post(day: date, networks: list[Network], locales: list[str]) -> str:
    sent = [n for n in networks if n is not Network.INSTAGRAM] or networks
    instagram_note = (
        ""
        if Network.INSTAGRAM not in networks or sent == networks
        else ("# instagram is left out: it needs a picture (see media: below)\n")
    )
    french = locales[0].startswith("fr")
    if len(locales) > 1:
        variant = f"{locales[1]}: The same post in {locales[1]}."
    elif Network.LINKEDIN in networks:
        variant = "linkedin: A longer, more professional text for LinkedIn."
    else:
        variant = f"{sent[0]}: A text for {sent[0]} only."
    if french:
        body = (
            "Bienvenue ! Ceci est un exemple de post : remplacez ce texte, choisissez la "
            "date (at:) et les réseaux, puis passez le statut à review pour le faire "
            "relire."
        )
        alt = "Ce que montre l'image"
    else:
        body = (
            "Welcome! This is an example post: replace this text, pick the date (at:) "
            "and the networks, then set the status to review to have it proofread."
        )
        alt = "What the picture shows"
    return f"""\
---
at: {day.isoformat()} 09:30          # local time in the client's time zone
networks: [{", ".join(str(n) for n in sent)}]
{instagram_note}status: draft                  # idea, draft, review, approved, cancelled
# pillar: produits             # one of strategy.yaml's pillars
format: text                   # text, image, carousel, video, story, reel, link
# media:
#   - path: media/photo.jpg
#     alt: {alt}
# link: https://example.com/page
# variants:                   # text per network or per locale
#   {variant}
---
{body}
"""
