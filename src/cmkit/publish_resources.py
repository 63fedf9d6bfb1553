"""What one publish run shares between its threads: connectors, ledger writers, the lint's
verdicts and the secrets. Connectors are made once per (client, network), on first use."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from . import ledger
from .connectors.base import Connector, Delivery
from .diagnostics import CmkitError, Problem, Severity
from .networks import Network
from .secrets import Secrets
from .workspace import ClientSpace, Workspace

log = logging.getLogger("cmkit.publish")


class Resources:
    """Shared state of one run: connectors, ledger writers, lint results, secrets."""

    def __init__(self, ws: Workspace, outbox: Path | None, dry_run: bool) -> None:
        self.ws = ws
        self.outbox = outbox
        self.dry_run = dry_run
        self.secrets = Secrets(ws.root)
        self._lock = threading.Lock()
        self._connectors: dict[tuple[str, str], Connector | CmkitError] = {}
        self._checkers: dict[tuple[str, str], Connector | None] = {}
        self._writers: dict[Path, ledger.Writer] = {}
        self._errors: dict[str, list[Problem]] = {}
        self._warnings: list[str] = []

    def lint(self, slugs: list[str]) -> None:
        """Errors `cmkit check` finds, by file: a post with any is not published."""
        try:
            from .lint import check_workspace

            problems = check_workspace(self.ws.root, sorted(set(slugs)))
        except CmkitError:
            raise
        except Exception as exc:
            # the schema problems from loading, and each connector's own check, still apply
            log.exception("the lint failed; falling back to the schema check")
            self._warnings.append(
                f"the charter and content rules could not run ({type(exc).__name__}); only "
                "the schema and each network's own checks were applied"
            )
            problems = list(self.ws.problems)
        for problem in problems:
            if problem.severity is Severity.ERROR and problem.rule != "post/edited-after-publish":
                self._errors.setdefault(problem.path, []).append(problem)

    def connector(self, space: ClientSpace, network: Network, delivery: Delivery) -> Connector:
        with self._lock:
            key = (space.slug, str(network))
            if key not in self._connectors:
                self._connectors[key] = self._make(space, network, delivery)
            made = self._connectors[key]
        if isinstance(made, CmkitError):
            raise made
        return made

    def _make(
        self, space: ClientSpace, network: Network, delivery: Delivery
    ) -> Connector | CmkitError:
        from .connectors import get_connector

        lookup = self.secrets.lookup_for(space.slug, str(network), delivery.account)
        try:
            if self.outbox is not None:
                from .connectors.outbox import OutboxConnector

                return OutboxConnector(
                    delivery.account, lookup, self.outbox / space.slug, media_base=self.ws.root
                )
            return get_connector(network, delivery.account, lookup)
        except CmkitError as exc:
            return exc

    def network_checker(self, space: ClientSpace, delivery: Delivery) -> Connector | None:
        """In a rehearsal, the real network's connector still checks what would be sent."""
        from .connectors import get_connector

        key = (space.slug, str(delivery.network))
        with self._lock:
            if key not in self._checkers:
                lookup = self.secrets.lookup_for(space.slug, key[1], delivery.account)
                try:
                    self._checkers[key] = get_connector(delivery.network, delivery.account, lookup)
                except CmkitError:
                    self._checkers[key] = None
            return self._checkers[key]

    def writer(self, space: ClientSpace) -> ledger.Writer:
        data_dir = self.outbox / space.slug if self.outbox is not None else space.data_dir
        with self._lock:
            if data_dir not in self._writers:
                self._writers[data_dir] = ledger.Writer(data_dir)
            return self._writers[data_dir]

    def warnings(self) -> list[str]:
        return [*self._warnings, *self.secrets.warnings]

    def close(self) -> None:
        for made in [*self._connectors.values(), *self._checkers.values()]:
            if made is not None and not isinstance(made, CmkitError):
                try:
                    made.close()
                except Exception:
                    log.exception("closing a connector failed")
        for writer in self._writers.values():
            writer.close()
