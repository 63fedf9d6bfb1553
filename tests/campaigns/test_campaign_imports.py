"""Ads managers' exports in English and French → data/campaigns/<id>.csv, YAML untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

EXPORTS = Path(__file__).resolve().parent / "exports"

NOEL_GOOGLE = """name: Bûches de Noël - Recherche
platform: google
objective: sales
start: 2026-11-16
end: 2026-12-20
budget: {total: 1500}
"""


def _import(
    cmkit: Callable[..., object], ws: Path, export: str, campaign: str = "noel-2026", *extra: str
) -> object:
    return cmkit(
        "-w",
        ws,
        "campaigns",
        "import",
        EXPORTS / export,
        "--client",
        "martin",
        "--campaign",
        campaign,
        *extra,
    )


def _show(cmkit: Callable[..., object], ws: Path) -> dict[str, object]:
    r = cmkit("-w", ws, "campaigns", "--json")
    assert r.exit_code == 0, r.stderr
    [campaign] = json.loads(r.stdout)
    return campaign


def test_a_meta_daily_export_adds_up_ad_sets_and_leaves_the_yaml_alone(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()
    yaml_file = ws / "clients/martin/campaigns/noel-2026.yaml"
    before = yaml_file.read_bytes()
    r = _import(cmkit, ws, "meta-ads-daily-en.csv")
    assert r.exit_code == 0, r.stderr
    assert "2 row(s) covering 2 day(s), 16 Nov – 17 Nov 2026, spend 17.15" in r.stderr
    assert yaml_file.read_bytes() == before
    stored = (ws / "clients/martin/data/campaigns/noel-2026.csv").read_text().splitlines()
    assert stored[0].startswith("imported_at,source,file,start,end,currency,spend")
    assert stored[1].endswith(
        ",meta,meta-ads-daily-en.csv,2026-11-16,2026-11-16,EUR,8.4,2370,1720,20,3,102"
    )
    shown = _show(cmkit, ws)
    # 16 and 17 Nov from the export, 18 Nov from the YAML
    assert shown["spent"] == round(8.40 + 8.75 + 8.60, 2)
    assert shown["sources"]["spend"] == "both"
    # purchases are conversions; the YAML's own figure wins
    assert shown["results"]["conversions"] == 41
    assert shown["results"]["clicks"] == 20 + 22
    assert shown["sources"]["clicks"] == "import"


def test_importing_the_same_export_twice_stores_nothing_new(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()
    _import(cmkit, ws, "meta-ads-daily-en.csv")
    again = _import(cmkit, ws, "meta-ads-daily-en.csv")
    assert "already imported" in again.stderr
    assert len((ws / "clients/martin/data/campaigns/noel-2026.csv").read_text().splitlines()) == 3


def test_a_french_meta_export_with_french_numbers(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()
    r = _import(cmkit, ws, "meta-ads-period-fr.csv")
    assert "1 row(s) covering 9 day(s), 16 Nov – 24 Nov 2026, spend 79.80" in r.stderr
    shown = _show(cmkit, ws)
    assert shown["spent"] == 79.80  # the export covers the YAML's three days too
    assert shown["results"]["impressions"] == 21480
    assert shown["results"]["reach"] == 12910


def test_meta_results_count_as_conversions_only_for_a_conversion_objective(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    yaml = "\n".join(
        line
        for line in (campaign_ws().parent / "ws/clients/martin/campaigns/noel-2026.yaml")
        .read_text()
        .splitlines()
        if not line.startswith(("results", "  conversions", "  revenue"))
    )
    ws = campaign_ws({"noel-2026": yaml + "\n"})
    export = ws / "traffic.csv"
    export.write_text(
        "Reporting starts,Reporting ends,Campaign name,Amount spent (EUR),Link clicks,"
        "Results,Result indicator\n"
        "2026-11-20,2026-11-20,Noël 2026 — précommandes des bûches,9.10,30,28,"
        "actions:landing_page_view\n",
        encoding="utf-8",
    )
    r = cmkit(
        "-w", ws, "campaigns", "import", export, "--client", "martin", "--campaign", "noel-2026"
    )
    assert "“Results” count actions:landing_page_view, not conversions" in r.stderr
    assert "conversions" not in _show(cmkit, ws)["results"]


def test_google_ads_daily_export_skips_the_total_rows(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws({"noel-search": NOEL_GOOGLE})
    r = _import(cmkit, ws, "google-ads-daily-en.csv", "noel-search")
    assert "Google Ads export" in r.stderr and "spend 1212.60" in r.stderr
    shown = _show(cmkit, ws)
    assert shown["results"]["impressions"] == 48800
    assert shown["results"]["clicks"] == 1951  # "--" on the 18th is no figure, not 0
    assert shown["results"]["conversions"] == 97.5
    assert shown["roas"] == round(9171 / 1212.6, 2)


def test_google_ads_french_utf16_period_export(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws({"noel-search": NOEL_GOOGLE})
    r = _import(cmkit, ws, "google-ads-period-fr.csv", "noel-search")
    assert r.exit_code == 0, r.stderr
    assert "1 row(s) covering 9 day(s), 16 Nov – 24 Nov 2026, spend 1204.50" in r.stderr
    shown = _show(cmkit, ws)
    assert shown["spent"] == 1204.5
    assert shown["spent_through"] == "2026-11-24"
    assert shown["results"]["revenue"] == 9120


def test_an_export_with_several_campaigns_asks_which_one(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws(
        {
            "galette": NOEL_GOOGLE.replace("Bûches de Noël - Recherche", "Galette").replace(
                "google", "meta"
            )
        }
    )
    r = _import(cmkit, ws, "meta-ads-daily-en.csv", "galette")
    assert r.exit_code == 2
    assert (
        "holds several campaigns (“Noël 2026 — précommandes des bûches”, “Galette des rois "
        "2027”)" in r.stderr
    )
    picked = _import(
        cmkit, ws, "meta-ads-daily-en.csv", "galette", "--name", "galette des rois 2027"
    )
    assert picked.exit_code == 0 and "“Galette des rois 2027”" in picked.stderr


def test_wrong_file_wrong_platform_and_unknown_campaign_are_one_line_each(
    cmkit: Callable[..., object], campaign_ws: Callable[..., Path]
) -> None:
    ws = campaign_ws()
    not_export = ws / "notes.csv"
    not_export.write_text("date,texte\n2026-11-20,bonjour\n")
    cases = {
        (str(not_export), "noel-2026"): "is not a Meta Ads Manager or Google Ads export",
        (str(EXPORTS / "google-ads-daily-en.csv"), "noel-2026"): "is a Google Ads export, and "
        "noel-2026 is a meta campaign",
        (str(EXPORTS / "meta-ads-daily-en.csv"), "noel"): "martin has no campaigns/noel.yaml",
    }
    for (file, campaign), message in cases.items():
        r = cmkit(
            "-w", ws, "campaigns", "import", file, "--client", "martin", "--campaign", campaign
        )
        assert r.exit_code == 2
        assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr
    assert not (ws / "clients/martin/data").exists()
