"""How many questions the check-in asks, over a set of realistic teams.

Runs every team of ``tests/conversations/team_profiles.py`` through the check-in flow
(``conversations.assessment.run_flow``, no Slack, no database) and prints the median,
fewest and most questions per level the flow placed the team at, and over the whole set.
Not a test (the test is ``tests/conversations/test_question_counts.py``); run it with

    .venv/bin/python bench/questions.py

The profiles are read from this checkout by path, while ``conversations`` is imported from
``sys.path``: point ``PYTHONPATH`` at another checkout to measure its flow on the same
teams, e.g. ``git worktree add /tmp/before <commit>`` then
``PYTHONPATH=/tmp/before .venv/bin/python bench/questions.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "tests" / "conversations" / "team_profiles.py"
sys.path.append(str(ROOT))  # last: a PYTHONPATH checkout comes first

from conversations import assessment  # noqa: E402


def load_profiles(path: Path = PROFILES) -> ModuleType:
    spec = importlib.util.spec_from_file_location("team_profiles", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def counts() -> list[tuple[str, int, int, int]]:
    """(profile name, its intended level, the level the flow found, questions asked)."""
    rows = []
    for profile in load_profiles().PROFILES:
        _, result = assessment.run_flow(lambda q, p=profile: p.answer(q.id))
        rows.append((profile.name, profile.level, result.level, result.questions_asked))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--each", action="store_true", help="list every team as well")
    args = parser.parse_args()
    rows = counts()
    source = Path(assessment.__file__).resolve().parents[1]
    print(f"flow from {source}; {len(rows)} teams from {PROFILES.relative_to(ROOT)}")
    if args.each:
        for name, _, level, asked in rows:
            print(f"  level {level}  {asked:2d}  {name}")
    by_level: dict[int, list[int]] = defaultdict(list)
    for _, _, level, asked in rows:
        by_level[level].append(asked)
    print("level  teams  median  min  max")
    for level in sorted(by_level):
        asked = by_level[level]
        print(
            f"{level:>5}  {len(asked):>5}  {statistics.median(asked):>6g}  "
            f"{min(asked):>3}  {max(asked):>3}"
        )
    every = [asked for *_, asked in rows]
    print(
        f"  all  {len(every):>5}  {statistics.median(every):>6g}  {min(every):>3}  {max(every):>3}"
    )
    off = [(name, want, got) for name, want, got, _ in rows if want != got]
    if off:
        print("placed at another level than the profile says:")
        for name, want, got in off:
            print(f"  {name}: profile {want}, flow {got}")


if __name__ == "__main__":
    main()
