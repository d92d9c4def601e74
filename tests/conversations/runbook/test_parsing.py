"""The runbook parser over runbooks written the way teams write them: Markdown (read by
markdown-it-py), Slack messages and plain text, and files built to stall it."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.runbook.parsing import (
    DEFAULT_MINUTES,
    MAX_IMPORT_LINES,
    MAX_IMPORT_STEPS,
    RunbookParseError,
    parse_runbook,
)
from conversations.runbook.ranking import Frequency

# ------------------------------------------------------------------ realistic runbooks

DEPLOYMENT = """\
# Deploying the payments API

Owner: #payments-oncall. Read this before your first deploy.

## Before every deploy
1. Announce the deploy in #deploys (2 min)
2. Check the error budget on the [SLO dashboard](https://grafana.example.com/d/slo)
3. Make sure **nobody else** is deploying

## Deploy
1. Tag the release: `git tag vX.Y.Z && git push --tags`
2. Run the deploy pipeline
   ```bash
   make deploy ENV=prod
   ```
3. Watch the canary for 15 minutes
   - error rate below 0.1%
   - p99 latency under 300 ms
4. Promote the canary
   $ ./scripts/promote.sh payments

## If it goes wrong
1. Roll back
2. Open an incident in #incidents and page the on-call lead

## Weekly
- Prune old container images (20 min)
- [ ] Review the deploy log for flaky steps
"""


BACKUP_AND_RESTORE = """\
Backup and restore — orders database
====================================

Daily checks
------------

* Verify last night's backup finished (look for `backup OK` in #db-alerts) ~5 min
* Copy the backup to the offsite bucket
  ```
  aws s3 sync /backups s3://orders-offsite/
  ```

Monthly
-------

1) Test-restore the latest backup into staging (45 min)
2) Compare row counts between prod and the restored copy

**Restoring production**

1. Stop writes: put the API into maintenance mode
2. Restore the latest snapshot — takes about 2h
3. Replay the WAL up to the incident time
4. Run the consistency checks:
   $ ./bin/check-consistency --full
5. Take the API out of maintenance mode
"""


INCIDENT_RESPONSE = """\
INCIDENT RESPONSE

When you get paged:
- Acknowledge the page within 5 minutes
- Open an incident channel: /incident new
- Post the first status page update
- Assign roles:
    - Incident commander
    - Communications lead
- Mitigate first, investigate later

After the incident:
- Write the postmortem within 2 days
- File follow-up tickets
"""


def by_title(text: str) -> dict[str, object]:
    return {s.title: s for s in parse_runbook(text).steps}


def test_a_deployment_runbook_becomes_per_deploy_steps_with_sections() -> None:
    parsed = parse_runbook(DEPLOYMENT)
    assert parsed.title == "Deploying the payments API"
    titles = [s.title for s in parsed.steps]
    assert titles == [
        "Announce the deploy in #deploys",
        "Check the error budget on the SLO dashboard",
        "Make sure nobody else is deploying",
        "Tag the release: git tag vX.Y.Z && git push --tags",
        "Run the deploy pipeline",
        "Watch the canary",
        "Promote the canary",
        "Roll back",
        "Open an incident in #incidents and page the on-call lead",
        "Prune old container images",
        "Review the deploy log for flaky steps",
    ]
    steps = by_title(DEPLOYMENT)
    announce = steps["Announce the deploy in #deploys"]
    assert (announce.section, announce.frequency, announce.minutes) == (
        "Before every deploy",
        Frequency.PER_DEPLOY,
        2,
    )
    assert not announce.minutes_guessed
    assert "Before every deploy" in announce.reason
    # The canary's sub-bullets are details of the step, not steps of their own.
    assert "error rate below 0.1%" not in titles
    assert steps["Watch the canary"].minutes == 15
    # A fenced block under a step, or a `$` line, marks it as scripted already.
    assert steps["Run the deploy pipeline"].scripted
    assert steps["Promote the canary"].scripted
    assert not steps["Tag the release: git tag vX.Y.Z && git push --tags"].scripted
    assert steps["Roll back"].frequency is Frequency.MONTHLY
    weekly = steps["Prune old container images"]
    assert (weekly.section, weekly.frequency, weekly.minutes) == ("Weekly", Frequency.WEEKLY, 20)
    assert steps["Review the deploy log for flaky steps"].frequency is Frequency.WEEKLY


def test_a_backup_and_restore_runbook_with_underlined_and_bold_headings() -> None:
    parsed = parse_runbook(BACKUP_AND_RESTORE)
    assert parsed.title == "Backup and restore — orders database"
    assert parsed.sections == ["Daily checks", "Monthly", "Restoring production"]
    steps = by_title(BACKUP_AND_RESTORE)
    verify = steps["Verify last night's backup finished (look for backup OK in #db-alerts)"]
    assert (verify.frequency, verify.minutes) == (Frequency.DAILY, 5)
    assert steps["Copy the backup to the offsite bucket"].scripted
    assert steps["Test-restore the latest backup into staging"].frequency is Frequency.MONTHLY
    restore = steps["Restore the latest snapshot"]
    assert (restore.section, restore.minutes) == ("Restoring production", 120)
    # Restoring production is rare: not "monthly" just because the section above said so.
    assert restore.frequency is Frequency.QUARTERLY
    assert steps["Run the consistency checks"].scripted
    assert len(parsed.steps) == 9
    assert parsed.scripted == 2


def test_an_incident_response_runbook_in_plain_text() -> None:
    parsed = parse_runbook(INCIDENT_RESPONSE)
    titles = [s.title for s in parsed.steps]
    assert "Assign roles" not in titles  # a "Label:" item names a group of steps
    assert "Incident commander" in titles
    steps = by_title(INCIDENT_RESPONSE)
    assert steps["Incident commander"].section == "When you get paged › Assign roles"
    assert steps["Acknowledge the page within 5 minutes"].section == "When you get paged"
    # "within 5 minutes" is a deadline, not how long the step takes.
    assert steps["Acknowledge the page within 5 minutes"].minutes == DEFAULT_MINUTES
    assert steps["Write the postmortem within 2 days"].section == "After the incident"
    assert all(s.frequency is Frequency.MONTHLY for s in parsed.steps)
    assert all("incident" in s.reason for s in parsed.steps)


def test_a_slack_style_message_with_no_list_is_one_step_a_line() -> None:
    parsed = parse_runbook("restart the queue workers\nclear the CDN cache\n$ ./flush-redis.sh")
    assert [(s.title, s.scripted) for s in parsed.steps] == [
        ("restart the queue workers", False),
        ("clear the CDN cache", False),
        ("./flush-redis.sh", True),
    ]


def test_slack_bullets_checkboxes_and_step_numbers_are_steps() -> None:
    text = (
        "• Drain the node\n◦ Cordon it first:\n- [x] Patch the kernel\nStep 4: Reboot\n(5) Uncordon"
    )
    titles = [s.title for s in parse_runbook(text).steps]
    assert titles == ["Drain the node", "Cordon it first", "Patch the kernel", "Reboot", "Uncordon"]


def test_messy_input_is_survived() -> None:
    messy = (
        "\ufeff## Ops\r\n\r\n1.   **Rotate**   the   _API_ keys\t(30m)  \r\n"
        "2. \u200b\r\n3. ---\r\n* * *\r\n- <b>Check</b> the [dashboard](http://x)\r\n"
        "```\r\nunterminated code block\r\n"
    )
    parsed = parse_runbook(messy)
    assert [s.title for s in parsed.steps] == ["Rotate the API keys", "Check the dashboard"]
    assert parsed.steps[0].minutes == 30
    assert parsed.steps[0].section == "Ops"
    assert parsed.steps[1].scripted  # the code block under it, even unterminated


def test_config_blocks_do_not_count_as_scripts() -> None:
    text = (
        "1. Update the feature flags\n   ```yaml\n   checkout: on\n   ```\n"
        "2. Deploy\n   ```sh\n   make\n   ```"
    )
    steps = parse_runbook(text).steps
    assert [s.scripted for s in steps] == [False, True]


def test_duplicate_steps_in_one_section_import_once() -> None:
    steps = parse_runbook("- Restart nginx\n- restart  NGINX\n## Other\n- Restart nginx").steps
    assert [(s.section, s.title) for s in steps] == [
        ("", "Restart nginx"),
        ("Other", "Restart nginx"),
    ]


def test_two_hundred_steps_parse_in_one_go() -> None:
    text = "# Big runbook\n" + "\n".join(
        f"{i}. Step number {i} of the big list" for i in range(1, 201)
    )
    parsed = parse_runbook(text)
    assert len(parsed.steps) == 200
    assert parsed.steps[-1].title == "Step number 200 of the big list"


def test_too_many_steps_or_none_at_all_explain_themselves() -> None:
    too_many = "\n".join(f"- step {i}" for i in range(MAX_IMPORT_STEPS + 1))
    with pytest.raises(RunbookParseError, match="up to 500"):
        parse_runbook(too_many)
    with pytest.raises(RunbookParseError, match="couldn't find any steps"):
        parse_runbook("# Just a heading\n\n---\n")
    with pytest.raises(RunbookParseError):
        parse_runbook("")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_the_parser_never_crashes_and_titles_stay_one_line(text: str) -> None:
    try:
        parsed = parse_runbook(text)
    except RunbookParseError:
        return
    for step in parsed.steps:
        assert step.title and "\n" not in step.title and len(step.title) <= 200
        assert 1 <= step.minutes <= 7 * 24 * 60
        assert isinstance(step.frequency, Frequency)


@pytest.mark.parametrize(
    "hostile",
    [
        "- [" * 70_000,  # a link that never closes, over and over
        "- a " + "_a " * 70_000,  # emphasis that never closes
        "- a " + "*a " * 70_000,
        "- a " + "**a " * 50_000,
        "- a " + "[ " * 100_000,
    ],
)
def test_a_fetched_file_built_to_stall_the_parser_is_read_at_once(hostile: str) -> None:
    """200 KB of unclosed Markdown (an imported file can be 1 MB) used to take minutes:
    every ``[`` or ``_`` rescanned the rest of the line."""
    import signal

    def give_up(signum: int, frame: object) -> None:
        raise AssertionError("the parser is still running after 20 s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(20)
    try:
        parsed = parse_runbook(hostile + "\n- Rotate the keys")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [s.title for s in parsed.steps][-1] == "Rotate the keys"
    assert all(len(s.title) <= 200 for s in parsed.steps)


# ------------------------------------------------------------------ Markdown structures


def titles(text: str) -> list[str]:
    return [s.title for s in parse_runbook(text).steps]


def test_a_quoted_runbook_reads_as_its_words() -> None:
    steps = parse_runbook("> ## Failover\n> 1. Promote the replica\n> 2. Repoint the DNS").steps
    assert [(s.section, s.title) for s in steps] == [
        ("Failover", "Promote the replica"),
        ("Failover", "Repoint the DNS"),
    ]


def test_sub_bullets_under_a_two_digit_number_are_details() -> None:
    text = "9. Drain the node\n10. Reboot the host\n   - wait for it to come back\n11. Uncordon"
    assert titles(text) == ["Drain the node", "Reboot the host", "Uncordon"]


def test_a_numbered_list_right_under_a_label_is_its_steps() -> None:
    steps = parse_runbook("Then:\n2. Restart the workers\n3. Clear the cache").steps
    assert [(s.section, s.title) for s in steps] == [
        ("Then", "Restart the workers"),
        ("Then", "Clear the cache"),
    ]


def test_slack_sub_bullets_are_details_of_the_step_above() -> None:
    text = "• Drain the node\n    ◦ wait for the pods to move\n• Reboot"
    assert titles(text) == ["Drain the node", "Reboot"]


def test_a_step_of_several_paragraphs_is_one_step() -> None:
    text = "1. Drain the node\n\n   It takes a while; be patient.\n\n2. Reboot"
    assert titles(text) == ["Drain the node", "Reboot"]


def test_commands_anywhere_under_a_step_mark_it_scripted() -> None:
    text = (
        "1. Promote the canary\n\n       $ ./promote.sh\n"
        "2. Restart the workers\n   - then run `$ kubectl get pods`\n   - $ kubectl rollout undo\n"
        "3. Watch the dashboard\n   - the error rate\n"
    )
    steps = parse_runbook(text).steps
    assert [(s.title, s.scripted) for s in steps] == [
        ("Promote the canary", True),
        ("Restart the workers", True),
        ("Watch the dashboard", False),
    ]


def test_inline_markdown_leaves_its_words() -> None:
    text = (
        "- Open <https://status.example.com> and post an update\n"
        "- Rotate the \\*prod\\* keys &amp; tokens\n"
        "- ![icon](i.png) Restart ***all*** workers ~~twice~~\n"
        "- <b>Check</b> the [*queue* depth](http://x/q)\n"
    )
    assert titles(text) == [
        "Open https://status.example.com and post an update",
        "Rotate the *prod* keys & tokens",
        "icon Restart all workers twice",
        "Check the queue depth",
    ]


def test_html_around_a_list_does_not_hide_it() -> None:
    text = "<details>\n<summary>Cleanup</summary>\n\n- Restart the workers\n\n</details>"
    assert titles(text) == ["Restart the workers"]


def test_a_bold_line_that_is_not_all_bold_is_not_a_heading() -> None:
    steps = parse_runbook("**Note:** the cache is shared\n\n- Restart the workers").steps
    assert [(s.section, s.title) for s in steps] == [("", "Restart the workers")]


def test_blank_lines_between_steps_do_not_count() -> None:
    text = "- Restart the workers" + "\n" * 900_000 + "- Rotate the keys"
    assert titles(text) == ["Restart the workers", "Rotate the keys"]


def test_a_runbook_too_long_to_read_says_split_it() -> None:
    code = "```\n" + "echo x\n" * (MAX_IMPORT_LINES + 1) + "```\n"
    with pytest.raises(RunbookParseError, match="too long"):
        parse_runbook("- Rotate the keys\n" + code)


@contextmanager
def must_finish(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the parse never ends."""

    def give_up(signum: int, frame: object) -> None:
        raise AssertionError(f"the parser is still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        ("- x\n" * 200_000, "up to 500"),  # a list of 200,000 steps
        ("# x\n" * 200_000, "too long"),  # nothing but headings
        ("a\n==\n" * 150_000, "too long"),
        ("**A**\n\n" * 100_000, "too long"),  # nothing but bold headings
        ("A\n" * 400_000, "too long"),  # a line of CAPITALS is a heading
        ("> " * 400_000, "couldn't find any steps"),
        ("- " * 400_000, "couldn't find any steps"),
    ],
)
def test_a_file_of_nothing_but_structure_is_refused_at_once(hostile: str, message: str) -> None:
    with must_finish(20), pytest.raises(RunbookParseError, match=message):
        parse_runbook(hostile)


@pytest.mark.parametrize(
    "hostile",
    [
        "".join(f"- {'![' * 990}{i}\n" for i in range(450)),  # a different stall in each step
        "".join(f"# {'[a](' * 240}{i}\n- {'*_' * 480}{i}\n" for i in range(450)),
        "- " * 200 + "deep\n",  # lists nested far past anything a runbook needs
        "".join("  " * i + "- deeper\n" for i in range(900)),  # 0.8 MB, indented deeper and deeper
    ],
)
def test_every_step_built_to_stall_the_parser_is_read_at_once(hostile: str) -> None:
    with must_finish(20):
        parsed = parse_runbook(hostile + "\n\n- Rotate the keys")
    assert [s.title for s in parsed.steps][-1] == "Rotate the keys"
    assert all(len(s.title) <= 200 for s in parsed.steps)
