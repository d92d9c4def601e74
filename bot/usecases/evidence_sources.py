"""``/maturity evidence …``: what feeds a team's board with evidence.

- ``evidence [team name]`` — anyone: the GitHub connection, the hook token's existence and
  what the window measures (never a token);
- ``evidence github <owner/repo> [workflow] [team name]`` — owners and workspace admins:
  poll that repository's workflow runs (``workflow``: its file name, e.g. ``deploy.yml``,
  or its numeric id; left out, every workflow run of the repository counts as a deploy);
- ``evidence github token <token> [team name]`` — owners and admins: the team's own
  GitHub token, kept encrypted with ``TOKEN_ENCRYPTION_KEY`` (refused when none is set:
  then ``GITHUB_TOKEN`` serves every team). The token is never shown again or logged;
- ``evidence github off [team name]`` — owners and admins: stop polling and forget the
  repository and the team's token (events kept so far age out of the window).
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks.criteria import team_words
from bot.blocks.evidence import SETTING_TOKEN, TEAM_TOKEN, GitHubView, evidence_blocks
from bot.deps import Deps
from bot.slack.answer import Answer
from bot.slack.errors import UserFacingError
from bot.slack.ids import COMMAND
from bot.usecases import github_poll
from bot.usecases.context import Where, workspace_id_for
from bot.usecases.permissions import may_change_team, owners_of
from bot.usecases.teams import resolve_team
from conversations.board import status_of
from conversations.evidence import Measurement
from conversations.github import is_token, is_workflow, read_repo
from conversations.text import join_and
from storage.crypto import TokenCipher
from storage.db import read_scope, session_scope
from storage.evidence import (
    connect_github,
    disconnect_github,
    github_source_of,
    keep_github_token,
    measurements_of,
    token_of,
)
from storage.models import Team

GITHUB = "github"
USAGE = (
    f"`{COMMAND} evidence github <owner/repo> [workflow file] [team name]`, e.g. "
    f"`{COMMAND} evidence github acme/payments deploy.yml`; `{COMMAND} evidence github token "
    f"<token>`; `{COMMAND} evidence github off`."
)


def command(deps: Deps, client: WebClient, where: Where, rest: str) -> Answer:
    words = rest.split()
    if not words or words[0].lower() != GITHUB:
        return show(deps, where, " ".join(words) or None)
    args = words[1:]
    if not args:
        raise UserFacingError(f"Which repository? {USAGE}")
    verb = args[0].lower()
    if verb == "off":
        return _off(deps, client, where, " ".join(args[1:]) or None)
    if verb == "token":
        if len(args) < 2:
            raise UserFacingError(f"Give the token after `token`. {USAGE}")
        return _token(deps, client, where, args[1], " ".join(args[2:]) or None)
    repo = read_repo(args[0])
    if repo is None:
        raise UserFacingError(
            f"“{_safe(args[0])}” is not a GitHub repository (owner/repo). {USAGE}"
        )
    workflow = args[1] if len(args) > 1 and is_workflow(args[1]) else ""
    team_name = " ".join(args[2:] if workflow else args[1:]) or None
    return _connect(deps, client, where, repo, workflow, team_name)


def _safe(text: str) -> str:
    """What was typed, echoed: short, and never a token."""
    return "that" if is_token(text) or len(text) > 80 else text.replace("`", "'")


def _team(deps: Deps, where: Where, team_name: str | None, verb: str) -> tuple[int, Team]:
    with read_scope(deps.engine) as session:
        ws = workspace_id_for(session, where)
        team = resolve_team(
            session,
            ws,
            where,
            team_name,
            create=False,
            example=f"{COMMAND} evidence {verb} Payments Platform".replace("  ", " "),
            unknown_hint=f"`{COMMAND} assess` puts one there.",
        )
        assert team.id is not None
        return ws, team


def _owner_only(client: WebClient, team: Team, where: Where) -> None:
    if may_change_team(client, team, where.user_id):
        return
    owners = [f"<@{o}>" for o in owners_of(team) if o[:1] in ("U", "W") and o.isalnum()]
    who = f"{join_and(owners)} (the team's owners)" if owners else "the team's owners"
    raise UserFacingError(
        f"Only {who} or a workspace admin can change where *{team_words(team.name)}*'s "
        "evidence comes from, so I've left it as it is."
    )


def show(deps: Deps, where: Where, team_name: str | None) -> Answer:
    ws, team = _team(deps, where, team_name, "")
    assert team.id is not None
    settings = deps.settings
    with read_scope(deps.engine) as session:
        source = github_source_of(session=session, workspace_id=ws, team_id=team.id)
        hook = token_of(session=session, workspace_id=ws, team_id=team.id)
        measured = {
            cid: Measurement(cid, status_of(m.status), m.value, m.evidence, m.events)
            for cid, m in measurements_of(session=session, workspace_id=ws, team_id=team.id).items()
        }
        view = None
        if source is not None:
            view = GitHubView(
                repo=source.repo,
                workflow=source.workflow,
                token=TEAM_TOKEN
                if source.token
                else (SETTING_TOKEN if settings.github_token else ""),
                token_set_by=source.token_set_by,
                polled_at=source.polled_at,
                outcome=source.outcome,
                next_poll=None,
                resume_at=source.resume_at,
            )
    if view is not None and view.repo:
        view = GitHubView(
            **{**view.__dict__, "next_poll": github_poll.next_poll(deps, ws, team.id)}
        )
    blocks = evidence_blocks(
        team.name, view, hook.created_at if hook else None, measured, settings.evidence_window_days
    )
    return Answer(
        text=f"Evidence for {team_words(team.name)}", blocks=[b.to_dict() for b in blocks]
    )


def _connect(
    deps: Deps, client: WebClient, where: Where, repo: str, workflow: str, team_name: str | None
) -> Answer:
    ws, team = _team(deps, where, team_name, f"github {repo}")
    _owner_only(client, team, where)
    assert team.id is not None
    with session_scope(deps.engine) as session:
        row = connect_github(
            session=session,
            workspace_id=ws,
            team_id=team.id,
            repo=repo,
            workflow=workflow,
            user_id=where.user_id,
        )
        own_token = bool(row.token)
    github_poll.start_polling(deps, ws, team.id, user_id=where.user_id)
    which = (
        f"workflow `{workflow}`"
        if workflow
        else "every workflow run (name the deploy workflow's file to narrow it)"
    )
    if own_token:
        using = "the team's own token"
    elif deps.settings.github_token:
        using = "the bot's GITHUB_TOKEN"
    else:
        using = (
            f"no token — fine for a public repository; for a private one, `{COMMAND} evidence "
            "github token <token>` (a token that may read Actions)"
        )
    return Answer(
        text=(
            f"Connected *{team_words(team.name)}* to GitHub Actions: `{repo}`, {which}, with "
            f"{using}. I'll read its completed runs of the last "
            f"{deps.settings.evidence_window_days} days within a minute, then every "
            f"{int(github_poll.POLL_EVERY.total_seconds() // 60)} minutes: deploy times, "
            f"deploys a day and failures show on the board. `{COMMAND} evidence` shows how it's "
            "going."
        )
    )


def _token(
    deps: Deps, client: WebClient, where: Where, token: str, team_name: str | None
) -> Answer:
    keys = deps.settings.token_encryption_keys
    if not keys:
        raise UserFacingError(
            "I can't keep a team's GitHub token here: nothing is set up to encrypt it "
            "(TOKEN_ENCRYPTION_KEY), and I don't store tokens in plain text. I haven't kept "
            "it. Whoever runs the bot can set TOKEN_ENCRYPTION_KEY, or GITHUB_TOKEN for every "
            "team — and as it was typed in Slack, consider revoking that token."
        )
    if not is_token(token):
        raise UserFacingError(
            "That doesn't look like a GitHub token (they start with `ghp_`, `github_pat_`, "
            "`ghs_`, `gho_` or `ghu_`). I haven't kept it."
        )
    ws, team = _team(deps, where, team_name, "github token <token>")
    _owner_only(client, team, where)
    assert team.id is not None
    sealed = TokenCipher(keys).encrypt(token)
    assert sealed is not None
    with session_scope(deps.engine) as session:
        row = keep_github_token(
            session=session, workspace_id=ws, team_id=team.id, sealed=sealed, user_id=where.user_id
        )
        connected = bool(row.repo)
    if connected:
        github_poll.start_polling(deps, ws, team.id, user_id=where.user_id)
    then = (
        "The next poll uses it, within a minute."
        if connected
        else f"Now `{COMMAND} evidence github <owner/repo> [workflow file]` connects a repository."
    )
    return Answer(
        text=f"Kept *{team_words(team.name)}*'s GitHub token, encrypted; I won't show it "
        f"again. {then}"
    )


def _off(deps: Deps, client: WebClient, where: Where, team_name: str | None) -> Answer:
    ws, team = _team(deps, where, team_name, "github off")
    _owner_only(client, team, where)
    assert team.id is not None
    with session_scope(deps.engine) as session:
        had = disconnect_github(session=session, workspace_id=ws, team_id=team.id)
    github_poll.stop_polling(deps, ws, team.id)
    if not had:
        return Answer(text=f"*{team_words(team.name)}* isn't connected to GitHub Actions.")
    return Answer(
        text=(
            f"Stopped reading GitHub Actions for *{team_words(team.name)}* and forgot the "
            "repository and the team's GitHub token. What its runs measured stays until it "
            f"ages out of the last {deps.settings.evidence_window_days} days."
        )
    )
