"""One (post, network) through the engine: decide, reconcile, send, record.

`Runner.run_job` never raises: whatever happens becomes a `Result`, so a failure
on one network (or one post) never stops the others. Every branch that sends
writes an `intent` line first, and every answer from the network — or the lack
of one — is written before the next decision depends on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, overload

from . import ledger
from .clock import duration
from .connectors.base import (
    CheckIssue,
    ConnectorError,
    Delivery,
    NotSupported,
    OutcomeUnknown,
    PublishResult,
)
from .diagnostics import CmkitError
from .models import Status
from .publish_resources import Resources
from .publish_types import Job, Outcome, Result, resolve_hint
from .redaction import redact
from .secrets import missing as missing_secret

log = logging.getLogger("cmkit.publish")
# how far before an interrupted intent a recovery lookup starts: clocks differ a little
LOOKUP_MARGIN = timedelta(minutes=10)


class Runner(Resources):
    """Runs jobs; see the module's docstring."""

    def run_job(self, job: Job) -> Result:
        try:
            return self._run(job)
        except Exception as exc:
            log.exception("publishing %s on %s failed unexpectedly", job.post.id, job.network)
            return self._result(
                job,
                "failed",
                f"internal error: {type(exc).__name__}: {redact(str(exc))}",
                hint="see the log; please report it",
            )

    def _result(self, job: Job, status: Outcome, message: str = "", **kw: Any) -> Result:
        return Result(
            job.space.slug,
            job.post.id,
            str(job.network),
            status,
            redact(message),
            at=job.post.at,
            **kw,
        )

    def _run(self, job: Job) -> Result:
        from .render import delivery as render

        if job.track.done is not None:  # only an explicit --post gets this far
            done = job.track.done
            return self._result(
                job,
                "already",
                f"published on {done.ts:%Y-%m-%d %H:%M} UTC",
                url=done.url,
                remote_id=done.remote_id,
                key=done.key,
            )
        try:
            delivery = render(job.space, job.post, job.network)
        except CmkitError as exc:
            return self._cannot_send(job, None, exc.message, exc.hint)
        pending = job.track.unresolved()
        if pending:
            settled = self._reconcile(job, delivery, pending[0])
            if settled is not None:
                return settled
        if job.late is not None:
            reason = f"{duration(job.late)} late (grace {duration(job.grace)})"
            return self._skip(job, delivery, reason)
        last = job.track.last_outcome(delivery.idempotency_key)
        if last is not None and last.event == "failed" and not last.retryable and not job.explicit:
            return self._result(
                job,
                "failed",
                f"refused earlier: {last.error}",
                hint=f"fix the post, or retry: cmkit publish {job.space.slug} "
                f"--post {job.post.id} --network {job.network}",
                key=delivery.idempotency_key,
            )
        missing = self._missing_secret(job, delivery)
        if missing is not None:
            return self._result(
                job, "blocked", missing.message, hint=missing.hint, key=delivery.idempotency_key
            )
        problems = self._problems(job, delivery)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return self._result(
                job,
                "blocked",
                problems[0] + more,
                hint=f"run `cmkit check {job.space.slug}`",
                key=delivery.idempotency_key,
            )
        if self.dry_run:
            from .connectors.outbox import delivery_record

            return self._result(
                job,
                "would-publish",
                key=delivery.idempotency_key,
                record=delivery_record(delivery, self.ws.root),
            )
        return self._send(job, delivery)

    def _missing_secret(self, job: Job, delivery: Delivery) -> CmkitError | None:
        """A secret client.yaml names but nobody provided: said before anything is written,
        so a missing token does not leave an intent and a failure in the ledger every run."""
        if self.outbox is not None:
            return None  # a rehearsal needs no token
        account = delivery.account
        roles = (["token"] if account.token_env else []) + list(account.secrets)
        for role in roles:
            if self.secrets.find(job.space.slug, str(job.network), account, role) is None:
                return missing_secret(job.space.slug, str(job.network), account, role)
        return None

    def _problems(self, job: Job, delivery: Delivery) -> list[str]:
        out: list[str] = []
        if job.post.meta.status is not Status.APPROVED:
            out.append(f"status is {job.post.meta.status}: only approved posts are published")
        out += [f"{p.location}: {p.message}" for p in self._errors.get(job.post.rel, [])]
        issues: list[CheckIssue] = []
        try:
            issues += self.connector(job.space, job.network, delivery).check(delivery)
            if self.outbox is not None:
                checker = self.network_checker(job.space, delivery)
                issues += checker.check(delivery) if checker is not None else []
        except CmkitError as exc:
            out.append(exc.message)
        out += [f"[{i.rule}] {i.message}" for i in issues if i.severity == "error"]
        return out

    def _cannot_send(self, job: Job, delivery: Delivery | None, why: str, hint: str) -> Result:
        if job.late is not None:
            return self._skip(job, delivery, f"{duration(job.late)} late, and {why}")
        return self._result(job, "blocked", why, hint=hint)

    def _skip(self, job: Job, delivery: Delivery | None, reason: str) -> Result:
        key = delivery.idempotency_key if delivery else ""
        if not self.dry_run:
            digest = delivery.content_hash if delivery else ""
            self.writer(job.space).append(
                "skipped", job.post.id, str(job.network), key, digest, reason=redact(reason)
            )
        return self._result(
            job,
            "skipped",
            reason,
            hint=f"to publish it anyway: cmkit publish {job.space.slug} "
            f"--post {job.post.id} --network {job.network}",
            key=key,
        )

    def _lookup(self, job: Job, delivery: Delivery, since: datetime) -> PublishResult | None:
        connector = self.connector(job.space, job.network, delivery)
        state = job.track.steps(delivery.idempotency_key)
        short = state.get("short_url")
        if short:  # look for the text as it was sent: with its short link
            delivery = replace(delivery, link=short)
        found = connector.find_published(delivery, since - LOOKUP_MARGIN, state)
        return _with_short(found, short)

    def _reconcile(self, job: Job, delivery: Delivery, pending: ledger.Entry) -> Result | None:
        """An earlier send's outcome is unknown: find it before anything else. Returns the
        result when that settles the job, None when it is safe to send."""
        hint = resolve_hint(job)
        if pending.key != delivery.idempotency_key:
            return self._result(
                job,
                "unknown",
                "an earlier version of this post was being sent "
                "when a run stopped; it may be online",
                hint=hint,
                key=pending.key,
            )
        if self.dry_run:
            return self._result(
                job,
                "unknown",
                "a send was interrupted; a real run looks it up on the network first",
                key=pending.key,
            )
        try:
            found = self._lookup(job, delivery, pending.ts)
        except NotSupported:
            return self._result(
                job,
                "unknown",
                f"a send was interrupted and cmkit cannot look "
                f"up posts on {job.network}: needs a human",
                hint=hint,
                key=pending.key,
            )
        except CmkitError as exc:
            return self._result(
                job,
                "unknown",
                f"a send was interrupted and looking it up failed: {exc.message}",
                hint="the next run tries again; " + hint,
                key=pending.key,
            )
        writer = self.writer(job.space)
        if found is not None:
            return self._done(
                job,
                delivery,
                found,
                "recovered",
                "had gone out before the interruption (found on the network)",
            )
        writer.append(
            "failed",
            job.post.id,
            str(job.network),
            delivery.idempotency_key,
            delivery.content_hash,
            retryable=True,
            error="interrupted before it went out (not found on the network)",
        )
        return None

    def _done(
        self,
        job: Job,
        delivery: Delivery,
        result: PublishResult,
        status: Outcome,
        message: str = "",
    ) -> Result:
        extra: dict[str, Any] = {"extra": dict(result.extra)} if result.extra else {}
        if status == "recovered":
            extra["recovered"] = True
        self.writer(job.space).append(
            "done",
            job.post.id,
            str(job.network),
            delivery.idempotency_key,
            delivery.content_hash,
            remote_id=result.remote_id,
            url=result.url,
            **extra,
        )
        return self._result(
            job,
            status,
            message,
            url=result.url,
            remote_id=result.remote_id,
            key=delivery.idempotency_key,
        )

    def _send(self, job: Job, delivery: Delivery) -> Result:
        connector = self.connector(job.space, job.network, delivery)
        writer = self.writer(job.space)
        post, network, key, digest = (
            job.post.id,
            str(job.network),
            delivery.idempotency_key,
            delivery.content_hash,
        )
        intent = writer.append("intent", post, network, key, digest)
        # keep this run's events on the track too: a lookup after an unknown outcome
        # must see the ids the connector recorded moments ago (an Instagram container)
        job.track.entries.append(intent)

        def progress(step: str, value: str) -> None:
            entry = writer.append("step", post, network, key, digest, step=step, value=value)
            job.track.entries.append(entry)

        delivery, short = self._shortened(job, delivery, progress)
        try:
            result = _with_short(connector.publish(delivery, progress), short)
        except OutcomeUnknown as exc:
            return self._after_unknown(job, delivery, intent, exc.message)
        except ConnectorError as exc:
            writer.append(
                "failed",
                post,
                network,
                key,
                digest,
                error=redact(exc.message),
                retryable=exc.retryable,
            )
            return self._result(job, "failed", exc.message, hint=exc.hint, key=key)
        except CmkitError as exc:  # nothing was sent: a missing token, an unreadable file
            writer.append(
                "failed", post, network, key, digest, error=redact(exc.message), retryable=True
            )
            return self._result(job, "failed", exc.message, hint=exc.hint, key=key)
        except Exception as exc:
            log.exception("the %s connector failed while publishing %s", network, post)
            return self._after_unknown(
                job, delivery, intent, f"internal error: {type(exc).__name__}: {exc}"
            )
        return self._done(job, delivery, result, "published")

    def _shortened(
        self, job: Job, delivery: Delivery, progress: Callable[[str, str], None]
    ) -> tuple[Delivery, str | None]:
        """The post's link through the client's shortener (links.shortener), recorded as a
        step before sending. A shortener that fails does not hold the post back: it goes
        out with its full link, and the run says so."""
        config = job.space.client.links.shortener if job.space.client else None
        if config is None or not delivery.link or self.outbox is not None:
            return delivery, None
        from .shorten import shorten_delivery

        try:
            short = shorten_delivery(delivery, config, self.secrets)
        except CmkitError as exc:
            self._warnings.append(
                f"{job.post.id} on {job.network}: {exc.message}; sent the full link"
            )
            return delivery, None
        if short.link == delivery.link or not short.link:
            return delivery, None
        progress("short_url", short.link)
        return short, short.link

    def _after_unknown(
        self, job: Job, delivery: Delivery, intent: ledger.Entry, error: str
    ) -> Result:
        """The request may have gone out: look once, else leave it for the next run."""
        then = "it is looked up before any retry"
        try:
            found = self._lookup(job, delivery, intent.ts)
        except NotSupported:  # e.g. Telegram, Discord webhooks: nothing to read back
            found, then = None, f"cmkit cannot look up posts on {job.network}: needs a human"
        except CmkitError:
            found = None
        if found is not None:
            return self._done(
                job, delivery, found, "recovered", "found on the network after: " + error
            )
        self.writer(job.space).append(
            "failed",
            job.post.id,
            str(job.network),
            delivery.idempotency_key,
            delivery.content_hash,
            error=redact(error),
            retryable=True,
            maybe_sent=True,
        )
        return self._result(
            job,
            "unknown",
            f"{error}; {then}",
            hint=resolve_hint(job),
            key=delivery.idempotency_key,
        )


@overload
def _with_short(result: PublishResult, short: str | None) -> PublishResult: ...
@overload
def _with_short(result: None, short: str | None) -> None: ...
def _with_short(result: PublishResult | None, short: str | None) -> PublishResult | None:
    """The result with the short link it was sent with, for the ledger's `done` line."""
    if result is None or not short:
        return result
    return replace(result, extra={**result.extra, "short_url": short})
