"""The words an editor shows when hovering a key: one line per model field.

`cmkit schema` uses these where they exist, else the field's own `description`.
A test checks that every key of every file kind has one, and that no entry here
names a field that no longer exists. docs/files.md says the same at more length.
"""

from __future__ import annotations

# file kind → (title, description) of its schema
KIND_TEXT: dict[str, tuple[str, str]] = {
    "workspace": (
        "cmkit.yaml",
        "Workspace defaults (time zone, locale, report language), "
        "publishing settings and the CM's routine. Clients may override them.",
    ),
    "client": (
        "clients/<slug>/client.yaml",
        "Who the client is and where they publish: "
        "name, time zone, country, locales and one account per network (never a "
        "token: the name of the environment variable holding it).",
    ),
    "strategy": (
        "clients/<slug>/strategy.yaml",
        "The period, KPI objectives with numeric targets, budget, content pillars and audiences.",
    ),
    "charter": (
        "clients/<slug>/charter.yaml",
        "The editorial charter posts are checked "
        "against: tone, words, hashtags, emoji, complaint words, saved replies.",
    ),
    "calendar": (
        "clients/<slug>/calendar.yaml",
        "Weekly publishing slots, key dates, "
        "highlights (contests, launches, seasons) and public holidays.",
    ),
    "post": (
        "clients/<slug>/posts/*.md (front matter)",
        "The YAML between the two '---' "
        "lines at the top of a post; the Markdown after it is the post's text.",
    ),
    "campaign": (
        "clients/<slug>/campaigns/<id>.yaml",
        "A paid campaign: platform, objective, dates, budget and split, spend to date and results.",
    ),
    "watch": (
        "clients/<slug>/watch.yaml",
        "What to keep an eye on: the brand's names, RSS "
        "feeds (Google Alerts, blogs), keyword searches and competitors.",
    ),
}

FIELD_TEXT: dict[str, str] = {
    # cmkit.yaml
    "WorkspaceConfig.timezone": "IANA time zone used for clients that set none, e.g. Europe/Paris.",
    "WorkspaceConfig.locale": "Default locale of posts for clients that set none, e.g. fr-FR.",
    "WorkspaceConfig.report_language": "Language of monthly reports: fr or en.",
    "WorkspaceConfig.publish": "How `cmkit publish` behaves under cron.",
    "WorkspaceConfig.routine": "The CM's daily, weekly and monthly tasks, listed by `cmkit today`.",
    "PublishSettings.grace_minutes": "A post found due later than this many minutes after "
    "its time is reported as missed, not published late. Default 120.",
    "PublishSettings.concurrency": "How many posts are sent at once per network (1-32).",
    "Routine.daily": "Tasks for every working day.",
    "Routine.weekly": "Tasks per weekday: mon, tue, wed, thu, fri, sat, sun.",
    "Routine.monthly": "Tasks once a month, each on a day of the month.",
    "MonthlyTask.task": "What to do.",
    "MonthlyTask.day": "Day of the month (1-31), or first-working-day / last-working-day.",
    # client.yaml
    "Client.name": "The client's name as it appears in reports.",
    "Client.timezone": "IANA time zone: post times are local to it. Default: cmkit.yaml's.",
    "Client.country": "ISO 3166 two-letter country code (FR, CA, BE…), for public "
    "holidays and sales periods.",
    "Client.region": "Subdivision for regional holidays, e.g. QC for Québec.",
    "Client.locales": "Locales the client publishes in; the first is the posts' default. "
    "Others get per-locale variants.",
    "Client.report_language": "Language of this client's reports (fr, en). Default: cmkit.yaml's.",
    "Client.accounts": "One account per network: facebook, instagram, linkedin, x, threads, "
    "bluesky, mastodon, telegram, discord.",
    "Client.links": "What happens to links in posts: UTM tags, short links.",
    "Client.media_base_url": "Public URL where this client's media/ folder is served; "
    "networks that fetch media by URL (Instagram, Threads) need it.",
    "Client.notes": "Free notes for the CM; never published.",
    "Account.handle": "The public handle, e.g. @boulangerie.martin.",
    "Account.id": "The network's own id: Facebook page id, Instagram user id, LinkedIn "
    "author URN, Telegram chat id…",
    "Account.instance": "Server base URL: a Mastodon instance or a Bluesky PDS.",
    "Account.token_env": "NAME of the environment variable (or .env / keyring entry) "
    "holding the token, never the token itself. E.g. MARTIN_MASTODON_TOKEN.",
    "Account.secrets": "Further secrets by role, each the NAME of an environment variable.",
    "Account.locale": "Locale this account posts in, when it differs from the client's "
    "first one; its posts use the matching variant.",
    "Account.visibility": "Mastodon visibility of posts: public, unlisted or private.",
    "Account.max_chars": "Character limit of this account, when not the network's default "
    "(a Mastodon instance's own limit, an X Premium account's 25,000).",
    "Account.media_base_url": "Public URL where media/ is served, for this account only.",
    "Links.utm": "UTM parameters added to each post's link (a link that already has utm_ "
    "parameters is left alone). Values may use {network}, {campaign}, {client}, {post}.",
    "Links.shortener": "A link shortener to use for posts' links.",
    "Utm.enabled": "Add UTM parameters to links (true by default).",
    "Utm.source": "utm_source; {network} is replaced by the network's name.",
    "Utm.medium": "utm_medium, 'social' by default.",
    "Utm.campaign": "utm_campaign; {campaign} is replaced by the post's campaign (or highlight).",
    "Utm.content": "utm_content, if any; e.g. {post} for the post's id.",
    "Shortener.kind": "bitly, shlink or yourls.",
    "Shortener.url": "Base URL of a self-hosted shortener (shlink, yourls).",
    "Shortener.token_env": "NAME of the environment variable holding the shortener's key.",
    "Shortener.domain": "Short domain to use, if the service has several.",
    # strategy.yaml
    "Strategy.period": "The period the strategy covers.",
    "Strategy.objectives": "KPI objectives, each with a baseline, a target and a deadline.",
    "Strategy.budget": "The budget for the period.",
    "Strategy.pillars": "Content pillars (themes) posts belong to, with target shares.",
    "Strategy.audiences": "The audiences the content is for.",
    "Strategy.notes": "Free notes.",
    "Period.start": "First day, YYYY-MM-DD.",
    "Period.end": "Last day, YYYY-MM-DD.",
    "Objective.id": "Short id, used in reports.",
    "Objective.label": "The objective in words, e.g. '+60 abonnés Facebook en décembre'.",
    "Objective.metric": "What is measured: followers, impressions, reach, engagement, "
    "engagement_rate (%), clicks…",
    "Objective.network": "The network measured; omit for all networks together.",
    "Objective.baseline": "The value at the start.",
    "Objective.target": "The value to reach by the deadline.",
    "Objective.start": "When the objective starts. Default: the strategy's start.",
    "Objective.deadline": "When the target must be reached, YYYY-MM-DD.",
    "Budget.currency": "ISO 4217 currency code. Default EUR.",
    "Budget.monthly": "Budget per month.",
    "Budget.total": "Budget for the whole period.",
    "Budget.split": "Budget per item (ads, photo shoot, contest prizes…).",
    "Pillar.id": "Short id that posts use in `pillar:`.",
    "Pillar.label": "The pillar's name in words.",
    "Pillar.share": "Target share of posts in percent (0-100); shares add up to 100 at most.",
    "Pillar.description": "What belongs in this pillar.",
    "Audience.name": "Name of the audience.",
    "Audience.description": "Who they are and what they expect.",
    # charter.yaml
    "Charter.tone": "The voice of the brand, in a sentence.",
    "Charter.address": "How followers are addressed: tutoiement or vouvoiement.",
    "Charter.words": "Words to use and words to avoid.",
    "Charter.hashtags": "Required and forbidden hashtags, and how many a post may carry.",
    "Charter.emoji": "How many emoji a post may carry.",
    "Charter.signature": "Signature for replies to messages and comments.",
    "Charter.complaint_words": "Words that mark a message as a complaint (remboursement, "
    "arnaque…): it goes to the top of the inbox.",
    "Charter.saved_replies": "Ready answers by name, for the inbox.",
    "Charter.notes": "Free notes.",
    "Words.use": "Words and phrases the brand likes to use.",
    "Words.avoid": "Words and phrases a post must not contain (case-insensitive).",
    "HashtagRules.required": "Hashtags every post must carry (with or without '#').",
    "HashtagRules.forbidden": "Hashtags no post may carry.",
    "HashtagRules.max": "Most hashtags in one post.",
    "HashtagRules.per_network": "Most hashtags per post on a given network, overriding max.",
    "EmojiRules.max": "Most emoji in one post; 0 forbids them.",
    # calendar.yaml
    "Calendar.slots": "The weekly rhythm: when each network gets a post.",
    "Calendar.key_dates": "Dates that matter to the client (local events, closures…).",
    "Calendar.highlights": "Contests, launches, sales and seasons, with the content they need.",
    "Calendar.holidays": "Which public holidays and commercial dates to show.",
    "Slot.network": "The network.",
    "Slot.days": "Weekdays: mon, tue, wed, thu, fri, sat, sun.",
    "Slot.time": 'Local time, quoted: "09:30".',
    "Slot.format": "Expected format: text, image, carousel, video, story, reel, link.",
    "Slot.pillar": "Expected pillar id.",
    "KeyDate.date": "The day, YYYY-MM-DD.",
    "KeyDate.name": "What happens.",
    "KeyDate.end": "Last day, for an event over several days.",
    "Highlight.id": "Short id that posts use in `highlight:`.",
    "Highlight.name": "Name of the highlight.",
    "Highlight.kind": "contest, launch, event, sale, season or other.",
    "Highlight.start": "First day.",
    "Highlight.end": "Last day.",
    "Highlight.recurring": "yearly: comes back every year on the same dates.",
    "Highlight.brief": "The content it needs, so `cmkit stock` can say what is missing.",
    "Highlight.description": "Free description.",
    "Brief.posts": "How many posts it needs.",
    "Brief.networks": "On which networks.",
    "Brief.pillar": "Pillar of those posts.",
    "Brief.format": "Format of those posts.",
    "Brief.notes": "What the posts should say or show.",
    "Holidays.country": "Country whose public holidays to show. Default: the client's.",
    "Holidays.region": "Region for regional holidays. Default: the client's.",
    "Holidays.commercial": "Also show commercial dates: sales, Black Friday, Mother's Day…",
    # posts
    "PostMeta.id": "The post's id. Default: the file name without .md.",
    "PostMeta.at": "When to publish: local time in the client's time zone "
    "(2026-12-01 09:30), or with an explicit offset. A date alone: no time yet.",
    "PostMeta.networks": "Where to publish.",
    "PostMeta.status": "idea, draft, review, approved or cancelled. Only approved posts are "
    "published.",
    "PostMeta.pillar": "Pillar id from strategy.yaml.",
    "PostMeta.format": "text, image, carousel, video, story, reel or link.",
    "PostMeta.media": "Images or videos, in order, each with alt text.",
    "PostMeta.link": "The link to share; UTM tags are added per network.",
    "PostMeta.campaign": "Campaign id (file name in campaigns/ without .yaml).",
    "PostMeta.highlight": "Highlight id from calendar.yaml.",
    "PostMeta.lang": "Locale of the body. Default: the client's first locale.",
    "PostMeta.variants": "Text per network (linkedin: …) or per locale (en-CA: …), either "
    "a text or {text, link, media}. A network's variant wins over a locale's.",
    "PostMeta.thread": "Further posts of a thread, in order (X, Bluesky, Mastodon, Threads).",
    "PostMeta.content_warning": "Content warning shown before the text (Mastodon).",
    "PostMeta.title": "Title, for networks and reports that show one.",
    "PostMeta.notes": "Internal notes; never published.",
    "Media.path": "File path relative to the client folder, e.g. media/avent-j1.jpg.",
    "Media.alt": "Alt text: what the image shows, read aloud to blind users.",
    "Variant.text": "Text for this network or locale instead of the body.",
    "Variant.link": "Link for this network or locale instead of the post's.",
    "Variant.media": "Media for this network or locale instead of the post's.",
    # campaigns
    "Campaign.name": "Name of the campaign.",
    "Campaign.platform": "Ad platform: meta, google, linkedin, tiktok…",
    "Campaign.objective": "The platform's objective: awareness, reach, traffic, engagement, "
    "leads, sales…",
    "Campaign.start": "First day.",
    "Campaign.end": "Last day.",
    "Campaign.budget": "Total budget, currency and split.",
    "Campaign.spend": "Spend to date: a total, or a list of dated entries.",
    "Campaign.results": "Results to date, from the ad manager.",
    "Campaign.posts": "Ids of the posts the campaign promotes.",
    "Campaign.link": "Landing page.",
    "Campaign.notes": "Free notes.",
    "CampaignBudget.total": "Total budget.",
    "CampaignBudget.currency": "ISO 4217 currency code. Default EUR.",
    "CampaignBudget.split": "Budget per network or ad set.",
    "SpendEntry.date": "Day of the spend.",
    "SpendEntry.amount": "Amount spent, in the budget's currency.",
    "SpendEntry.label": "What it was for.",
    "Results.impressions": "Impressions.",
    "Results.reach": "People reached.",
    "Results.clicks": "Link clicks.",
    "Results.conversions": "Conversions (orders, sign-ups…).",
    "Results.leads": "Leads collected.",
    "Results.revenue": "Revenue attributed, in the budget's currency.",
    "Results.video_views": "Video views.",
    "Results.followers": "Followers gained.",
    # watch.yaml
    "Watch.brand": "The brand's own names, handles and hashtags, to find mentions.",
    "Watch.feeds": "RSS or Atom feeds: Google Alerts, blogs, press.",
    "Watch.keywords": "Searches on networks: a text, or {query, networks, topic}.",
    "Watch.competitors": "Competitors, their accounts and feeds.",
    "Feed.url": "The feed's URL.",
    "Feed.name": "Name shown in the digest.",
    "Feed.topic": "Topic to group items under.",
    "KeywordSearch.query": "What to search for.",
    "KeywordSearch.networks": "Where to search. Default: mastodon and bluesky.",
    "KeywordSearch.topic": "Topic to group items under.",
    "Competitor.name": "The competitor's name.",
    "Competitor.accounts": "Their handle per network.",
    "Competitor.feeds": "Their blog or news feeds.",
}
