"""Runbook to script, in the domain: toil, ranking, shares, nudges, ``add`` arguments, and
the runbook parser over runbooks written the way teams write them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.nudges import NudgeId
from conversations.runbook import (
    DEFAULT_MINUTES,
    MAX_IMPORT_STEPS,
    Frequency,
    Operation,
    RunbookInputError,
    RunbookParseError,
    guess_frequency,
    is_rare_or_cheap,
    minutes_in,
    monthly_toil,
    parse_add,
    parse_frequency,
    parse_minutes,
    parse_runbook,
    rank,
    runs_per_month,
    scripting_nudges,
    summarise,
    toil_phrase,
    top_to_script,
)

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


# ------------------------------------------------------------------ frequency guessing


@pytest.mark.parametrize(
    ("words", "frequency"),
    [
        ("Run the smoke tests after every deploy", Frequency.PER_DEPLOY),
        ("Before each release, freeze merges", Frequency.PER_DEPLOY),
        ("Nightly: check the ETL finished", Frequency.DAILY),
        ("Check disk usage every morning", Frequency.DAILY),
        ("Every Monday, triage the alerts backlog", Frequency.WEEKLY),
        ("Review dependency updates every two weeks", Frequency.WEEKLY),
        ("Month-end: reconcile the billing export", Frequency.MONTHLY),
        ("Rotate the database passwords every 90 days", Frequency.QUARTERLY),
        ("Renew the company domain once a year", Frequency.YEARLY),
        ("Renew the TLS certificate", Frequency.QUARTERLY),
        ("Fail over to the standby region", Frequency.QUARTERLY),
        ("Take a snapshot of the volumes", Frequency.DAILY),
        ("Write the postmortem", Frequency.MONTHLY),
        ("Run the database migrations", Frequency.PER_DEPLOY),
        ("Renew the domain", Frequency.YEARLY),
        ("Water the plants", Frequency.MONTHLY),
    ],
)
def test_frequency_is_guessed_from_the_words(words: str, frequency: Frequency) -> None:
    assert guess_frequency(words).frequency is frequency


def test_the_heading_says_how_often_when_the_step_does_not() -> None:
    guess = guess_frequency("Check the queue depth", ["Daily checks"])
    assert (guess.frequency, guess.explicit) == (Frequency.DAILY, True)
    assert guess.reason == "under “Daily checks”"
    own = guess_frequency("Weekly: prune images", ["Daily checks"])
    assert own.frequency is Frequency.WEEKLY


def test_a_plain_guess_says_it_is_a_guess() -> None:
    guess = guess_frequency("Water the plants")
    assert not guess.explicit
    assert "guess" in guess.reason


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Drain the node (10 min)", 10),
        ("Restore — takes about 2h", 120),
        ("Rebuild the cache ~1h30m", 90),
        ("Watch it for 15 minutes", 15),
        ("Compact the logs [1.5 hours]", 90),
        ("Make sure backups ran within 24h", None),
        ("Every 3 months, rotate keys", None),
    ],
)
def test_minutes_are_read_from_the_words(text: str, minutes: int | None) -> None:
    found = minutes_in(text)
    assert (found[0] if found else None) == minutes


# ------------------------------------------------------------------ toil and ranking


def op(
    id: int,
    title: str,
    frequency: Frequency,
    minutes: float,
    **flags: bool,
) -> Operation:
    return Operation(id=id, title=title, frequency=frequency, minutes=minutes, **flags)


def test_runs_per_month_and_toil() -> None:
    assert runs_per_month(Frequency.DAILY) == 30
    assert runs_per_month(Frequency.WEEKLY) == pytest.approx(4.333, abs=0.001)
    assert runs_per_month(Frequency.QUARTERLY) == pytest.approx(1 / 3)
    assert runs_per_month(Frequency.YEARLY) == pytest.approx(1 / 12)
    # Per deploy: the team's deploys a day, over a month (1 a day until we know better).
    assert runs_per_month(Frequency.PER_DEPLOY, 5) == 150
    assert runs_per_month(Frequency.PER_DEPLOY) == 30
    certs = op(1, "Rotate TLS certificates", Frequency.WEEKLY, 30)
    assert monthly_toil(certs) == pytest.approx(130)
    assert toil_phrase(monthly_toil(certs)) == "2.2 h"
    assert toil_phrase(45) == "45 min"


def test_ranking_is_by_toil_then_frequency_not_novelty() -> None:
    ops = [
        op(1, "Shiny new chaos drill", Frequency.YEARLY, 240),  # 20 min a month
        op(2, "Restart stuck workers", Frequency.DAILY, 5),  # 150 min a month
        op(3, "Rotate TLS certificates", Frequency.WEEKLY, 30),  # 130 min a month
        op(4, "Approve the deploy", Frequency.PER_DEPLOY, 5),  # 5 deploys a day → 750
        op(5, "Monthly report", Frequency.MONTHLY, 150),  # 150: ties with #2, rarer
        op(6, "Backups", Frequency.DAILY, 10, scripted=True),
        op(7, "Audit access", Frequency.QUARTERLY, 60, kept_manual=True),
    ]
    ranked = rank(ops, deploys_per_day=5)
    assert [r.op.id for r in ranked] == [4, 2, 5, 3, 1, 7, 6]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, None, None]
    assert [r.op.id for r in top_to_script(ranked)] == [4, 2, 5]


def test_shares_and_toil_removed() -> None:
    ops = [
        op(1, "A", Frequency.DAILY, 10, scripted=True),  # 300
        op(2, "B", Frequency.WEEKLY, 30),  # 130
        op(3, "C", Frequency.YEARLY, 12),  # 1
        op(4, "D", Frequency.MONTHLY, 69, scripted=True),  # 69
    ]
    s = summarise(ops)
    assert (s.total, s.scripted, s.share) == (4, 2, 50.0)
    assert s.toil_removed == pytest.approx(369)
    assert s.toil_weighted_share == pytest.approx(73.8)
    assert s.toil_manual == pytest.approx(131)
    empty = summarise([])
    assert empty.share is None and empty.toil_weighted_share is None


# ------------------------------------------------------------------ nudges


def test_marking_a_broken_operation_for_scripting_says_fix_it_first() -> None:
    flaky = op(1, "Fail over the database", Frequency.MONTHLY, 60, fails=True, differs=True)
    nudges = scripting_nudges(flaky, [flaky])
    assert [n.id for n in nudges] == [NudgeId.BROKEN_PROCESS]
    assert "sometimes fails" in nudges[0].seen
    assert nudges[0].block_id == "nudge.broken_process"


def test_a_rare_or_cheap_operation_is_nudged_only_while_costlier_ones_stay_manual() -> None:
    yearly = op(1, "Renew the domain", Frequency.YEARLY, 30)
    cheap = op(2, "Clear a cache", Frequency.MONTHLY, 5)
    costly = op(3, "Restart workers", Frequency.DAILY, 10)
    assert is_rare_or_cheap(yearly) and is_rare_or_cheap(cheap) and not is_rare_or_cheap(costly)
    runbook = [yearly, cheap, costly]
    assert [n.id for n in scripting_nudges(yearly, runbook)] == [NudgeId.OVER_AUTOMATION]
    assert [n.id for n in scripting_nudges(cheap, runbook)] == [NudgeId.OVER_AUTOMATION]
    assert scripting_nudges(costly, runbook) == []
    # Once the costlier one is scripted, or marked too, the cheap one is fair game.
    done = op(3, "Restart workers", Frequency.DAILY, 10, scripted=True)
    assert scripting_nudges(cheap, [yearly, cheap, done]) == []
    assert scripting_nudges(cheap, runbook, marked={3}) == []


# ------------------------------------------------------------------ `runbook add`


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("Rotate TLS certificates", "weekly", "30m"),
            ("Rotate TLS certificates", Frequency.WEEKLY, 30, None),
        ),
        (
            ("Rotate", "TLS", "certs", "daily", "15"),
            ("Rotate TLS certs", Frequency.DAILY, 15, None),
        ),
        (
            ("Send weekly report", "weekly", "15m"),
            ("Send weekly report", Frequency.WEEKLY, 15, None),
        ),
        (
            ("Approve deploy", "per", "deploy", "5m"),
            ("Approve deploy", Frequency.PER_DEPLOY, 5, None),
        ),
        (
            ("Patch", "per-deploy", "1h30m", "Payments", "Platform"),
            ("Patch", Frequency.PER_DEPLOY, 90, "Payments Platform"),
        ),
        (("DR drill", "annually", "2h"), ("DR drill", Frequency.YEARLY, 120, None)),
    ],
)
def test_add_arguments(args: tuple[str, ...], expected: tuple[object, ...]) -> None:
    r = parse_add(args)
    assert (r.title, r.frequency, r.minutes, r.team_name) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "how often it runs"),
        (("Rotate certs",), "How often does “Rotate certs” run"),
        (("Rotate certs", "fortnightly", "30m"), "isn't a frequency I know"),
        (("Rotate certs", "weekly"), "How long does one run take"),
        (("Rotate certs", "weekly", "thirty"), "isn't a duration"),
        (("Rotate certs", "weekly", "0m"), "isn't a duration"),
        (("Rotate certs", "weekly", "9999h"), "between 1 minute and a week"),
        (("!!!", "weekly", "5m"), "title with a letter"),
    ],
)
def test_bad_add_arguments_say_what_to_type(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(RunbookInputError, match=message):
        parse_add(args)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("30", 30),
        ("45 min", 45),
        ("1h", 60),
        ("1.5h", 90),
        ("1h30m", 90),
        ("2 hours", 120),
    ],
)
def test_minutes_parse(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "m", "abc", "-5m", "0", "h30"])
def test_not_minutes(text: str) -> None:
    assert parse_minutes(text) is None


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("weekly", Frequency.WEEKLY),
        ("Per-Deploy", Frequency.PER_DEPLOY),
        ("per_deploy", Frequency.PER_DEPLOY),
        ("annually", Frequency.YEARLY),
        ("nightly", Frequency.DAILY),
        ("sometimes", None),
    ],
)
def test_frequency_words(text: str, frequency: Frequency | None) -> None:
    assert parse_frequency(text) is frequency


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
