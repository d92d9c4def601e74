"""The ``maturity-bot`` command line: thin entrypoints over the same Bolt app.

Start-up imports only what the command needs: ``--version`` and ``--help`` import nothing
of the bot, and each command imports its own modules when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_CONFIG = 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("maturity-bot")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


class _Version(argparse.Action):
    """``--version``, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(f"maturity-bot {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maturity-bot",
        description="Coach engineering teams up the infrastructure-automation maturity ladder, "
        "in Slack or in a local terminal.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="serve in Slack when tokens are configured, otherwise open the local shell",
        description="What `make run` starts: `serve` (Socket Mode with SLACK_APP_TOKEN, HTTP "
        "with only SLACK_SIGNING_SECRET) when Slack is configured, otherwise `shell`.",
    )
    run.set_defaults(handler=_cmd_run)

    serve = sub.add_parser(
        "serve",
        help="run the bot in Slack (Socket Mode, or --http for the Events API over HTTP)",
        description="Run the bot in Slack. Applies database migrations first.",
    )
    serve.add_argument("--http", action="store_true", help="serve Slack's HTTP requests")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")  # noqa: S104
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.add_argument("--workers", type=int, default=1, help="HTTP worker processes (default 1)")
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run scheduled jobs in this process (for extra replicas)",
    )
    serve.set_defaults(handler=_cmd_serve)

    shell = sub.add_parser(
        "shell",
        help="try the bot in this terminal against a built-in Slack stand-in (no Slack needed)",
        description="Type `/maturity …` lines as slash commands, other lines as DMs to the bot, "
        "a button's number to click it. Ctrl-D or `quit` exits.",
    )
    shell.add_argument("--user", default="U0LOCAL", help="Slack user id you act as")
    shell.add_argument("--channel", default="general", help="channel name you type in")
    shell.add_argument(
        "--demo",
        action="store_true",
        help="start in a demo workspace: teams at different levels, with history and "
        "runbooks (on a throwaway database)",
    )
    shell.set_defaults(handler=_cmd_shell)

    digest = sub.add_parser(
        "digest", help="weekly channel digests", description="Weekly channel digests."
    )
    digest_sub = digest.add_subparsers(
        dest="digest_command", metavar="DIGEST_COMMAND", required=True
    )
    send = digest_sub.add_parser(
        "send",
        help="send the digests that are due now (each at most once per week)",
        description="Send what is due now, through the same database claim as the scheduler, "
        "so nothing is posted twice.",
    )
    send.add_argument("--channel", help="only this channel id (e.g. C0123ABCD)")
    send.add_argument(
        "--now",
        action="store_true",
        help="send this week's digest for --channel immediately, even if not due yet",
    )
    send.add_argument(
        "--dry-run", action="store_true", help="show what would be sent; post nothing"
    )
    send.set_defaults(handler=_cmd_digest_send)

    checkin = sub.add_parser(
        "checkin",
        help="weekly check-ins with teams' owners",
        description="Weekly check-ins with each team's owners (DMs).",
    )
    checkin_sub = checkin.add_subparsers(
        dest="checkin_command", metavar="CHECKIN_COMMAND", required=True
    )
    checkin_send = checkin_sub.add_parser(
        "send",
        help="send the check-ins that are due now (each at most once per person per week)",
        description="Send what is due now, through the same database claim as the scheduler, "
        "so nobody is asked twice in a week.",
    )
    checkin_send.add_argument("--channel", help="only the team of this channel id (e.g. C0123ABCD)")
    checkin_send.add_argument(
        "--now",
        action="store_true",
        help="send this week's check-ins for --channel's team immediately, even if not due yet",
    )
    checkin_send.set_defaults(handler=_cmd_checkin_send)

    tokens = sub.add_parser(
        "tokens",
        help="installed Slack tokens (OAuth installs)",
        description="Installed Slack tokens, stored encrypted with TOKEN_ENCRYPTION_KEY.",
    )
    tokens_sub = tokens.add_subparsers(
        dest="tokens_command", metavar="TOKENS_COMMAND", required=True
    )
    reencrypt = tokens_sub.add_parser(
        "reencrypt",
        help="re-encrypt every stored token with the first key of TOKEN_ENCRYPTION_KEY",
        description="Key rotation: put the new key first in TOKEN_ENCRYPTION_KEY "
        "(new,old), run this, then remove the old key.",
    )
    reencrypt.set_defaults(handler=_cmd_tokens_reencrypt)

    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply database migrations")
    upgrade.set_defaults(handler=_cmd_db_upgrade)
    return parser


def _cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import upgrade

    upgrade(settings.database_url, token_keys=settings.token_encryption_keys)
    print(f"Database is up to date ({_safe_url(settings.database_url)}).")
    return 0


def _cmd_tokens_reencrypt(args: argparse.Namespace, settings: Settings) -> int:
    from bot.settings import SettingsError
    from storage.crypto import TokenCipher
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.slack_stores import reencrypt_tokens

    if not settings.token_encryption_keys:
        raise SettingsError("TOKEN_ENCRYPTION_KEY is not set: there is no key to encrypt with")
    upgrade(settings.database_url, token_keys=settings.token_encryption_keys)
    engine = make_engine(settings.database_url, bounded=False)
    count = reencrypt_tokens(engine, TokenCipher(settings.token_encryption_keys))
    print(f"Re-encrypted {count} stored token(s) with the first key of TOKEN_ENCRYPTION_KEY.")
    return 0


def _cmd_digest_send(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve.runtime import build_sender
    from bot.usecases.digest import send_now
    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade
    from storage.models import ScheduleKind
    from storage.schedules import due_schedules
    from storage.types import utcnow

    if args.now and not args.channel:
        print("maturity-bot: digest send --now needs --channel", file=sys.stderr)
        return EXIT_CONFIG
    if not args.dry_run:
        settings.require("post")
    upgrade(settings.database_url, token_keys=settings.token_encryption_keys)
    sender = build_sender(settings, make_engine(settings.database_url))
    if args.now:
        sent = send_now(sender, args.channel, dry_run=args.dry_run)
        print(
            sent.message if sent.ok else f"maturity-bot: {sent.message}",
            file=None if sent.ok else sys.stderr,
        )
        return 0 if sent.ok else 1
    wanted = args.channel
    if args.dry_run:
        with session_scope(sender.deps.engine) as session:
            due = due_schedules(session=session, now=utcnow(), kind=ScheduleKind.DIGEST)
        due = [s for s in due if wanted is None or s.channel_id == wanted]
        for schedule in due:
            print(f"due: {schedule.channel_id} (since {schedule.next_due_at:%Y-%m-%d %H:%M} UTC)")
        print(f"{len(due)} digest(s) due; nothing posted (dry run).")
        return 0
    reports = sender.send_due(
        kind=ScheduleKind.DIGEST,
        where=lambda s: wanted is None or s.channel_id == wanted,
    )
    for r in reports:
        print(f"{r.period} schedule {r.schedule_id}: {r.outcome} {r.detail}".rstrip())
    print(f"{len(reports)} digest(s) handled.")
    return 0


def _cmd_checkin_send(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve.runtime import build_sender
    from bot.usecases.checkins import send_now
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.models import ScheduleKind

    if args.now and not args.channel:
        print("maturity-bot: checkin send --now needs --channel", file=sys.stderr)
        return EXIT_CONFIG
    settings.require("post")
    upgrade(settings.database_url, token_keys=settings.token_encryption_keys)
    sender = build_sender(settings, make_engine(settings.database_url))
    if args.now:
        sent = send_now(sender, args.channel)
        print(
            sent.message if sent.ok else f"maturity-bot: {sent.message}",
            file=None if sent.ok else sys.stderr,
        )
        return 0 if sent.ok else 1
    wanted = args.channel
    reports = []
    for kind in (ScheduleKind.CHECKIN, ScheduleKind.CHECKIN_FOLLOWUP):
        reports += sender.send_due(
            kind=kind, where=lambda s: wanted is None or s.channel_id == wanted
        )
    for r in reports:
        print(f"{r.kind} {r.period} schedule {r.schedule_id}: {r.outcome} {r.detail}".rstrip())
    print(f"{len(reports)} check-in item(s) handled.")
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.http:
        settings.require("http")
        from bot.serve.http import serve_http

        return serve_http(
            settings,
            host=args.host,
            port=args.port,
            workers=args.workers,
            scheduler=not args.no_scheduler,
        )
    settings.require("socket")
    from bot.serve.socket_mode import serve_socket_mode

    return serve_socket_mode(settings, scheduler=not args.no_scheduler)


def _cmd_shell(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from bot.local.shell import run_shell

    if settings.log_level == "INFO":  # the terminal is the UI here: keep the log quiet
        logging.getLogger().setLevel(logging.WARNING)

    return run_shell(
        settings, user_id=args.user, channel_name=args.channel, demo=getattr(args, "demo", False)
    )


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.slack_configured:
        args.http = settings.slack_app_token is None
        args.host, args.port, args.workers, args.no_scheduler = "0.0.0.0", 3000, 1, False  # noqa: S104
        return _cmd_serve(args, settings)
    args.user, args.channel = "U0LOCAL", "general"
    print(
        "No Slack tokens configured: opening the local shell (see README to connect Slack; "
        "`make demo` opens it on a workspace with demo teams)."
    )
    return _cmd_shell(args, settings)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 0
    from sqlalchemy.exc import OperationalError

    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        from bot.slack.logs import configure

        configure(settings.log_level)
        return int(args.handler(args, settings))
    except SettingsError as exc:
        print(f"maturity-bot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
        where = _safe_url(settings.database_url)
        print(
            f"maturity-bot: DATABASE_URL: cannot use the database at {where} ({reason})",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except RuntimeError as exc:
        if type(exc).__name__ != "TokensNeedAKey":  # a migration that needs the key
            raise
        print(f"maturity-bot: TOKEN_ENCRYPTION_KEY: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
