"""The report's words and figures in French and English.

Numbers, percentages, money and dates follow each language's conventions without Babel:
two languages need a handful of rules, not a CLDR database. French groups thousands with a
narrow no-break space and puts one before "%" and the currency ("1 234,5", "12 %",
"1 234,50 €"), writes "1er novembre 2026"; English writes "1,234.5", "12%", "€1,234.50",
"1 November 2026". The no-break spaces keep a figure on one line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .strings import STRINGS

NNBSP = "\u202f"  # narrow no-break space: French thousands, and before % € $ : ; ! ?
MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
SHORT_MONTHS = {
    "fr": (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
SYMBOLS = {"EUR": "€", "USD": "$", "CAD": "$", "GBP": "£"}
NETWORKS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "x": "X",
    "threads": "Threads",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "telegram": "Telegram",
    "discord": "Discord",
    "all": "",
}


class I18n:
    """Formatting and phrasing for one language; templates call it as `i`."""

    def __init__(self, language: str) -> None:
        self.lang = language if language in STRINGS else "en"
        self.words: dict[str, Any] = STRINGS[self.lang]

    # figures -------------------------------------------------------------------
    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None:
            return "—"
        text = f"{abs(value):,.{decimals}f}"
        if self.lang == "fr":
            text = text.replace(",", NNBSP).replace(".", ",")
        return ("−" if value < 0 and round(abs(value), decimals) else "") + text

    def signed(self, value: float | None, decimals: int = 0) -> str:
        if value is None:
            return "—"
        sign = "+" if value > 0 else ""
        return sign + self.number(value, decimals)

    def percent(self, ratio: float | None, decimals: int | None = None) -> str:
        """A ratio as a percentage: 0.123 → "12,3 %" / "12.3%"."""
        if ratio is None:
            return "—"
        value = ratio * 100
        if decimals is None:
            decimals = 1 if abs(value) < 10 else 0
        text = self.number(value, decimals)
        return f"{text}{NNBSP}%" if self.lang == "fr" else f"{text}%"

    def signed_percent(self, ratio: float, decimals: int = 0) -> str:
        return ("+" if round(ratio * 100, decimals) > 0 else "") + self.percent(ratio, decimals)

    def points(self, value: float | None) -> str:
        """A value already in percent (an objective's 3.2): "3,2 %"."""
        return self.percent(None if value is None else value / 100)

    def money(self, value: float | None, currency: str, decimals: int = 2) -> str:
        if value is None:
            return "—"
        symbol = SYMBOLS.get(currency, currency)
        text = self.number(value, decimals)
        if self.lang == "fr":
            return f"{text}{NNBSP}{symbol}"
        return f"{symbol}{text}" if len(symbol) == 1 else f"{symbol} {text}"

    def index(self, value: float | None) -> str:
        return self.number(value, 2) if value is not None else "—"

    def times(self, value: float | None) -> str:
        return (
            f"{self.number(value, 1)}{NNBSP if self.lang == 'fr' else ''}×"
            if value is not None
            else "—"
        )

    # dates ---------------------------------------------------------------------
    def date(self, day: dt.date | None) -> str:
        if day is None:
            return "—"
        month = MONTHS[self.lang][day.month - 1]
        if self.lang == "fr":
            return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
        return f"{day.day} {month} {day.year}"

    def short_date(self, day: dt.date) -> str:
        month = SHORT_MONTHS[self.lang][day.month - 1]
        if self.lang == "fr":
            return f"{'1er' if day.day == 1 else day.day} {month}"
        return f"{day.day} {month}"

    def month(self, day: dt.date) -> str:
        return f"{MONTHS[self.lang][day.month - 1]} {day.year}"

    def weekday(self, index: int) -> str:
        return str(WEEKDAYS[self.lang][index])

    def hour(self, hour: int) -> str:
        return f"{hour}{NNBSP}h" if self.lang == "fr" else f"{hour:02d}:00"

    def hours(self, start: int, end: int) -> str:
        return f"{self.hour(start)}–{self.hour(end)}"

    def time(self, moment: Any) -> str:
        if self.lang == "fr":
            return f"{moment.hour}{NNBSP}h{NNBSP}{moment:%M}"
        return f"{moment:%H:%M}"

    def period_title(self, report: Any) -> str:
        p = report.period
        if p.kind == "week":
            week = int(p.label.split("W")[1])
            return str(
                self.t(
                    "week_title", week=week, start=self.short_date(p.start), end=self.date(p.end)
                )
            )
        return str(self.t("month_title", month=self.month(p.start)))

    # words ---------------------------------------------------------------------
    def t(self, key: str, **params: Any) -> str:
        text = self.words[key]
        return str(text.format(**params) if params else text)

    def network(self, name: str | None) -> str:
        return NETWORKS.get(name or "", name or "") if name else self.t("all_networks")

    def metric(self, name: str) -> str:
        return str(self.words["metrics"].get(name, name))

    def format_name(self, name: str | None) -> str:
        return str(self.words["formats"].get(name, name)) if name else "—"

    def verdict(self, name: str) -> str:
        return str(self.words["verdicts"][name])

    def pacing(self, name: str) -> str:
        return str(self.words["pacing"][name])

    def reason(self, name: str) -> str:
        return str(self.words["miss_reasons"].get(name, name))

    def missing(self, m: Any) -> str:
        return self.t(
            f"missing_{m.reason}", metric=self._metrics([m.metric]), network=self.network(m.network)
        )

    def missing_lines(self, missing: list[Any]) -> list[str]:
        """One sentence per network and reason: "No impressions, reach or clicks for X…"."""
        grouped: dict[tuple[str | None, str], list[str]] = {}
        for m in missing:
            grouped.setdefault((m.network, m.reason), []).append(m.metric)
        return [
            self.t(
                f"missing_{reason}", metric=self._metrics(metrics), network=self.network(network)
            )
            for (network, reason), metrics in grouped.items()
        ]

    def _metrics(self, names: list[str]) -> str:
        words = [self.metric(n) for n in names]
        if self.lang == "fr":
            # "Pas d'impressions, de couverture ni de clics"
            parts = [("d'" if w[0] in "aeéèêiouyh" else "de ") + w for w in words]
            return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " ni " + parts[-1]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

    def objective_value(self, value: float | None, unit: str, currency: str) -> str:
        if unit == "percent":
            return self.points(value)
        if unit == "currency":
            return self.money(value, currency, 0)
        if unit == "minutes":
            return self.duration(value)
        return self.number(value)

    def duration(self, minutes: float | None) -> str:
        """Minutes as a reader says them: "42 min", "13 h 17"."""
        if minutes is None:
            return "—"
        if minutes < 60:
            return f"{self.number(minutes)}{NNBSP}min"
        hours, rest = divmod(round(minutes), 60)
        tail = "" if self.lang == "fr" else f"{NNBSP}min"
        return f"{self.number(hours)}{NNBSP}h{NNBSP}{rest:02d}{tail}"

    def needed(self, value: float | None, unit: str, metric: str, currency: str) -> str:
        """What it takes per month, with its unit: "+16 abonnés", "+0,3 point"."""
        if value is None:
            return "—"
        if unit == "percent":
            word = self.t("point") if abs(value) < 2 else self.t("points")
            return f"{self.signed(value, 1)} {word}"
        if unit == "currency":
            return ("+" if value > 0 else "") + self.money(value, currency, 0)
        if unit == "minutes":
            return f"{self.signed(value)}{NNBSP}min"
        return f"{self.signed(value)} {self.metric(metric)}"

    def recommendation(self, rec: Any, currency: str) -> tuple[str, str]:
        """The advice and the figure it rests on, as two plain sentences."""
        p = dict(rec.params)
        for key in ("best", "worst"):
            if key in p:
                p[key] = self.words["formats_plural"].get(p[key], p[key])
        if "network" in p:
            p["network"] = self.network(p["network"])
        if "weekday" in p:
            p["weekday"] = self.weekday(p["weekday"])
        if "start" in p and "end" in p:
            start, end = p.pop("start"), p.pop("end")
            p["hours"] = self.hours(start, end)
            p["between"] = self.t("between", start=self.hour(start), end=self.hour(end))
        if "reason" in p:
            p["reason"] = self.reason(p["reason"])
        unit = p.get("unit", "count")
        for key in ("actual", "expected", "target"):
            if key in p:
                p[key] = self.objective_value(p[key], unit, currency)
        if "needed_per_month" in p:
            p["needed_per_month"] = self.needed(
                p["needed_per_month"], unit, p.get("metric", ""), currency
            )
        if "deadline" in p:
            p["deadline"] = self.date(p["deadline"])
        for key in ("rate", "previous", "spent_share", "elapsed", "share_ratio"):
            if key in p and isinstance(p[key], float | int):
                p[key] = self.percent(p[key])
        for key in ("share", "target_share"):
            if key in p:
                p[key] = self.points(p[key])
        if rec.kind == "pillar_gap":
            index = p.get("index")
            p["index_note"] = f" ({self.t('index').lower()} {self.index(index)})" if index else ""
        for key in ("best_index", "worst_index", "index"):
            if key in p:
                p[key] = self.index(p[key])
        if "lift" in p:
            p["lift"] = self.times(p["lift"])
        if "roas" in p:
            p["roas"] = self.money(p["roas"], p.get("currency", currency))
            p["one"] = self.money(1, p.get("currency", currency), 0)
        for key in ("cpa", "spent", "budget"):
            if key in p:
                p[key] = self.money(p[key], p.get("currency", currency))
        texts = self.words["recommendations"][rec.kind]
        return texts[0].format(**p), texts[1].format(**p)
