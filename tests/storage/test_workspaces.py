from __future__ import annotations

from storage.db import session_scope
from storage.workspaces import (
    find_team_by_name,
    get_or_create_channel_team,
    get_or_create_named_team,
    get_or_create_workspace,
    get_team,
    list_teams,
)


def _two_workspaces(engine) -> tuple[int, int]:
    with session_scope(engine) as s:
        a = get_or_create_workspace(session=s, slack_team_id="TA", name="Acme")
        b = get_or_create_workspace(session=s, slack_team_id="TB", name="Bolt")
        return a.id, b.id


def test_workspace_is_created_once(engine) -> None:
    with session_scope(engine) as s:
        first = get_or_create_workspace(session=s, slack_team_id="T1", enterprise_id="E1")
    with session_scope(engine) as s:
        again = get_or_create_workspace(session=s, slack_team_id="T1", enterprise_id="E1")
        other_org = get_or_create_workspace(session=s, slack_team_id="T1")
    assert again.id == first.id
    assert other_org.id != first.id


def test_channel_team_is_named_after_the_channel_and_created_once(engine) -> None:
    a, _ = _two_workspaces(engine)
    with session_scope(engine) as s:
        team = get_or_create_channel_team(
            session=s, workspace_id=a, channel_id="C1", channel_name="platform-team"
        )
    with session_scope(engine) as s:
        again = get_or_create_channel_team(
            session=s, workspace_id=a, channel_id="C1", channel_name="renamed"
        )
    assert team.name == "platform-team"
    assert again.id == team.id


def test_named_team_matches_case_and_spacing_insensitively(engine) -> None:
    a, _ = _two_workspaces(engine)
    with session_scope(engine) as s:
        team = get_or_create_named_team(
            session=s, workspace_id=a, name="  Payments   Core ", channel_id="C9"
        )
    with session_scope(engine) as s:
        found = find_team_by_name(session=s, workspace_id=a, name="payments core")
    assert team.name == "Payments Core"
    assert found is not None and found.id == team.id


def test_channel_team_does_not_steal_an_explicitly_named_team(engine) -> None:
    a, _ = _two_workspaces(engine)
    with session_scope(engine) as s:
        named = get_or_create_named_team(session=s, workspace_id=a, name="ops", channel_id=None)
        channel_team = get_or_create_channel_team(
            session=s, workspace_id=a, channel_id="C2", channel_name="ops"
        )
    assert channel_team.id != named.id
    assert channel_team.name == "ops (2)"


def test_one_workspace_never_sees_another_workspaces_teams(engine) -> None:
    a, b = _two_workspaces(engine)
    with session_scope(engine) as s:
        team_a = get_or_create_named_team(session=s, workspace_id=a, name="Core", channel_id=None)
    with session_scope(engine) as s:
        assert get_team(session=s, workspace_id=b, team_id=team_a.id) is None
        assert find_team_by_name(session=s, workspace_id=b, name="Core") is None
        assert list_teams(session=s, workspace_id=b) == []
        # The same name in the other workspace is a different team.
        team_b = get_or_create_named_team(session=s, workspace_id=b, name="Core", channel_id=None)
    assert team_b.id != team_a.id


def test_quoted_team_names_are_the_same_team(engine) -> None:
    a, _ = _two_workspaces(engine)
    with session_scope(engine) as s:
        plain = get_or_create_named_team(
            session=s, workspace_id=a, name="Platform Team", channel_id=None
        )
        quoted = get_or_create_named_team(
            session=s, workspace_id=a, name='"Platform Team"', channel_id=None
        )
        curly = get_or_create_named_team(
            session=s, workspace_id=a, name="“platform team”", channel_id=None
        )
    assert plain.id == quoted.id == curly.id
    assert plain.name == "Platform Team"
