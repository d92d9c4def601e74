"""The runbook parser: a pasted or fetched Markdown / plain-text runbook to steps, each with a
guessed frequency and its minutes when the words give them (:func:`parse_runbook`).

markdown-it-py reads the Markdown (CommonMark): headings, lists and their items, code blocks,
paragraphs, and the inline text of each (links, emphasis, code). On top of it are only our
heuristics: which item is a step, a detail of one or the label of a group of them; which
plain line is a heading; what marks a step as already scripted; the caps; the guesses.

No Slack, no database. Titles are the user's own words: escape before rendering mrkdwn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from conversations.runbook.adding import (
    SECTION_MAX,
    TITLE_MAX,
    clean_title,
    has_words,
    title_key,
)
from conversations.runbook.guessing import guess_frequency, minutes_in, without_duration
from conversations.runbook.ranking import Frequency

MAX_IMPORT_STEPS = 500
MAX_IMPORT_CHARS = 1_000_000
# Lines read (runs of blank lines count as one): a runbook of 500 steps is far shorter.
MAX_IMPORT_LINES = 50_000
DEFAULT_MINUTES = 10
# Fenced blocks of these languages hold config or output, not commands.
_NOT_COMMANDS = frozenset(
    {
        "text",
        "txt",
        "plain",
        "plaintext",
        "output",
        "log",
        "json",
        "yaml",
        "yml",
        "toml",
        "ini",
        "xml",
        "csv",
        "diff",
        "mermaid",
        "markdown",
        "md",
        "html",
    }
)


@dataclass(frozen=True)
class ImportedStep:
    title: str
    section: str
    frequency: Frequency
    minutes: int
    scripted: bool
    reason: str = ""  # why this frequency (plain text)
    minutes_guessed: bool = True


@dataclass(frozen=True)
class ParsedRunbook:
    title: str
    steps: tuple[ImportedStep, ...]

    @property
    def scripted(self) -> int:
        return sum(1 for s in self.steps if s.scripted)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(s.section for s in self.steps if s.section))


class RunbookParseError(ValueError):
    """Nothing usable in the text (or far too much); the message says what to do."""


def _too_many(max_steps: int) -> RunbookParseError:
    return RunbookParseError(
        f"That runbook has more than {max_steps} steps. I import up to {max_steps} at "
        "a time: split it and import the parts."
    )


# ------------------------------------------------------------------ the text, before Markdown

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Bullets and numbers people type (and Slack sends) that CommonMark does not read as a list
# item: "• step", "◦ step", "– step", "(5) step", "Step 4: step". Each becomes "- step".
_OTHER_MARKER = re.compile(
    r"^( *)(?:[•◦▪‣·▸►–]|\(\d{1,3}[.)]|(?:step|stage) +\d{1,3} *[:.)-]?) +(?=\S)",
    re.IGNORECASE | re.MULTILINE,
)
# Item numbers mean nothing to us, but CommonMark nests under "10. " only from four spaces
# in (three under "1. ") and lets only a "1." item follow a line of text: all become "1.".
_NUMBER = re.compile(r"^( *)\d{1,3}([.)])(?= +\S)", re.MULTILINE)
# A bullet or number with nothing after it ends the step above it, like a blank line (and is
# not a one-dash heading underline).
_BARE_MARKER = re.compile(r"^ *(?:[-*+•◦▪‣·▸►–]|\(?\d{1,3}[.)]) *$", re.MULTILINE)
_BLANK_RUN = re.compile(r"\n(?: *\n)+")


def _prepare(text: str) -> tuple[str, bool]:
    """The text as CommonMark should read it, and whether it was cut at MAX_IMPORT_LINES."""
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    text = _BARE_MARKER.sub("", _OTHER_MARKER.sub(r"\1- ", text))
    text = _NUMBER.sub(r"\g<1>1\2", text)
    lines = _BLANK_RUN.sub("\n\n", text).split("\n", MAX_IMPORT_LINES)
    return "\n".join(lines[:MAX_IMPORT_LINES]), len(lines) > MAX_IMPORT_LINES


# ------------------------------------------------------------------ Markdown

# Blocks (markdown-it tokens) read: a file of 100,000 one-word list items or headings would
# keep markdown-it-py busy for seconds, and no runbook of 500 steps comes near.
_MAX_TOKENS = 40_000
# Nesting read (a list and its item are two levels, a quote one): deeper is a detail of a
# detail, skipped. markdown-it-py itself skips everything after its limit (20), not only the
# deep part.
_MAX_DEPTH = 16
_CUT = "runbook_cut"


def _bounded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A block rule tried before all others: past :data:`_MAX_TOKENS` it skips the rest of
    the text (and says so); nested past :data:`_MAX_DEPTH` it skips a line at a time, so the
    deep block still ends where CommonMark ends it and what follows is read."""
    if len(state.tokens) >= _MAX_TOKENS:
        state.env[_CUT] = True
        state.line = end_line
        return True
    if state.level >= _MAX_DEPTH:
        state.line = start_line + 1
        return True
    return False


def _markdown() -> MarkdownIt:
    # Raw HTML lines read as paragraphs (their tags dropped from the words); inline Markdown
    # is parsed only where we need the words (see _Inline).
    md = MarkdownIt("commonmark").enable("strikethrough").disable(["html_block", "inline"])
    md.block.ruler.before("table", "runbook_bounds", _bounded)
    return md


_MARKDOWN = _markdown()

# ------------------------------------------------------------------ inline text

_INLINE_MAX = 4000  # characters of a step's Markdown read for its words
# What markdown-it-py's inline parser spends on a text, in units of about 1.5 µs: a call, each
# character that starts a rule (link, emphasis, code, HTML, entity, escape: 15) and each other
# punctuation mark it stops at (1). Plain words are skipped over at C speed.
_CALL_COST = 25
_RULE_MARKS = re.compile(r"[*_~`\[\]!<&\\]")
_STOP_MARKS = re.compile(r"[#$%+\-:=>@^{}]")
_INLINE_BUDGET = 250_000  # about 0.4 s: 500 steps with a link and code in each spend 40%
_MARKS = str.maketrans("", "", "*_~`\\")


class _Inline:
    """Inline Markdown to its words, through markdown-it, within a budget: a file built to
    stall it (200 KB of ``[![![…``) costs microseconds a character, so past the budget a
    text's words are taken as written, less emphasis and code marks."""

    def __init__(self) -> None:
        self.left = _INLINE_BUDGET
        self.seen: dict[str, list[Token]] = {}

    def tokens(self, markdown: str) -> list[Token] | None:
        """The inline tokens of ``markdown``; None once the budget is spent."""
        if markdown in self.seen:
            return self.seen[markdown]
        cost = _CALL_COST + 15 * len(_RULE_MARKS.findall(markdown))
        cost += len(_STOP_MARKS.findall(markdown))
        if cost > self.left:
            return None
        self.left -= cost
        tokens: list[Token] = []
        _MARKDOWN.inline.parse(markdown, _MARKDOWN, {}, tokens)
        self.seen[markdown] = tokens
        return tokens

    def words(self, markdown: str) -> str:
        markdown = markdown[:_INLINE_MAX]
        if not _RULE_MARKS.search(markdown):
            return markdown  # nothing markdown-it would change
        tokens = self.tokens(markdown)
        return markdown.translate(_MARKS) if tokens is None else _words(tokens)


def _words(tokens: Sequence[Token]) -> str:
    """Text and code as written, a link's or image's words, a line break or an HTML tag as a
    space; emphasis marks dropped."""
    parts: list[str] = []
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
        elif token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak", "html_inline"):
            parts.append(" ")
        elif token.type == "image":
            stack.append(iter(token.children or ()))
    return "".join(parts)


def _bold_only(tokens: Sequence[Token]) -> Sequence[Token] | None:
    """The tokens inside a line that is all one bold run (``**Restoring production**``, a
    colon after it allowed); else None."""
    start, end = 0, len(tokens)  # the emphasis rules leave empty text tokens around a run
    while start < end and tokens[start].type == "text" and not tokens[start].content:
        start += 1
    while (
        end > start and tokens[end - 1].type == "text" and not tokens[end - 1].content.strip(" :")
    ):
        end -= 1
    if end - start < 3 or tokens[start].type != "strong_open":
        return None
    inner, depth = tokens[start + 1 : end - 1], 0
    for token in inner:
        depth += token.nesting
        if depth < 0:  # "**a** and **b**": two runs
            return None
    return inner if tokens[end - 1].type == "strong_close" else None


def _title_of(words: str) -> str:
    return clean_title(without_duration(words)).rstrip(" .;:,—–-")


# ------------------------------------------------------------------ reading the tree

_LISTS = frozenset({"bullet_list", "ordered_list"})
_CHECKBOX = re.compile(r"^\[[ xX]\]\s+")
_LANGUAGE = re.compile(r"[\w+#.-]*")


@dataclass
class _Draft:
    text: str  # the step's Markdown
    section: str
    context: tuple[str, ...]  # group labels and headings around it, innermost first
    scripted: bool = False


@dataclass(frozen=True)
class _Heading:
    level: int
    title: str
    soft: bool  # a bold line, "Label:" or CAPITALS rather than a Markdown heading


def _source(node: SyntaxTreeNode) -> str:
    """The Markdown of a paragraph's or heading's text."""
    return node.children[0].content if node.children else ""


def _starts_at(node: SyntaxTreeNode, line: int) -> bool:
    """``node`` is a list starting at ``line`` (no blank line before it)."""
    return node.type in _LISTS and (node.map or (-1, -1))[0] == line


def _runs_commands(fence: SyntaxTreeNode) -> bool:
    match = _LANGUAGE.match(fence.info.strip())
    return (match.group(0).lower() if match else "") not in _NOT_COMMANDS


def _marks_scripted(node: SyntaxTreeNode) -> bool:
    """A command under a step: a code block of a language that runs, or a `$` line."""
    if node.type == "fence":
        return _runs_commands(node)
    if node.type in ("inline", "code_block"):
        return any(line.strip().startswith("$") for line in node.content.split("\n"))
    return False


def _under(nodes: Sequence[SyntaxTreeNode]) -> Iterator[SyntaxTreeNode]:
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _is_heading_line(line: str, *, above_list: bool) -> bool:
    """A plain line that names a section: "Label:" right above a list, or short CAPITALS."""
    if len(line) > 60:
        return False
    return (above_list and line.endswith(":")) or (line.isupper() and not line.startswith("/"))


class _Reader:
    """Walks markdown-it's syntax tree of a runbook into step drafts."""

    def __init__(self, lines: Sequence[str], max_steps: int) -> None:
        self.lines = lines
        self.max_steps = max_steps
        self.inline = _Inline()
        self.headings: list[_Heading] = []
        self.labels: tuple[str, ...] = ()  # of the "Label:" items around, outermost first
        self.doc_title = ""
        self.steps_under_heading = 0
        self.drafts: list[_Draft] = []
        self.loose: list[_Draft] = []  # plain lines: the steps of a runbook with no list
        self.current: _Draft | None = None  # the step a code block or `$` line below is of

    # -------------------------------------------------------------- where we are

    def title(self, markdown: str) -> str:
        return _title_of(self.inline.words(markdown))

    def context(self) -> tuple[str, ...]:
        return (*reversed(self.labels), *(h.title for h in reversed(self.headings)))

    def section(self) -> str:
        parts = [h.title for h in self.headings]
        if len(parts) > 1 and parts[0] == self.doc_title:
            parts = parts[1:]
        inner = parts[-1] if parts else ""
        if self.labels:
            inner = f"{inner} › {self.labels[-1]}" if inner else self.labels[-1]
        return clean_title(inner, SECTION_MAX)

    def heading(self, level: int | None, title: str) -> None:
        """A heading; ``level=None`` for a soft one (a bold line, "Label:", CAPITALS): it is
        a sibling of a heading that already has steps, else a child of it."""
        if not has_words(title):
            return
        soft = level is None
        if level is None:
            last = self.headings[-1] if self.headings else None
            if last is None:
                level = 2
            else:
                level = last.level if last.soft or self.steps_under_heading else last.level + 1
        while self.headings and self.headings[-1].level >= level:
            self.headings.pop()
        self.headings.append(_Heading(level, title, soft))
        if level == 1 and not self.doc_title:
            self.doc_title = title
        self.labels = ()
        self.current = None
        self.steps_under_heading = 0

    # -------------------------------------------------------------- blocks

    def blocks(self, nodes: Sequence[SyntaxTreeNode]) -> None:
        for i, node in enumerate(nodes):
            match node.type:
                case "heading":
                    self.heading(int(node.tag[1:]), self.title(_source(node)))
                case "hr":
                    self.current = None
                case "bullet_list" | "ordered_list":
                    for item in node.children:
                        self.item(item)
                case "paragraph":
                    self.paragraph(node, nodes[i - 1] if i else None, nodes[i + 1 : i + 2])
                case "fence":
                    if self.current is not None and _runs_commands(node):
                        self.current.scripted = True
                case "code_block":  # indented lines: `$` commands, or plain text
                    for line in filter(None, (line.strip() for line in node.content.split("\n"))):
                        self.plain(line)
                case "blockquote":
                    self.blocks(node.children)

    def paragraph(
        self, node: SyntaxTreeNode, before: SyntaxTreeNode | None, after: Sequence[SyntaxTreeNode]
    ) -> None:
        """Lines outside lists: a bold line after a blank line or a rule, "Label:" right above
        a list or a line in CAPITALS is a heading; the rest are plain lines."""
        start, end = node.map or (0, 0)
        lines = [line.strip() for line in _source(node).split("\n")]
        own_line = start == 0 or not self.lines[start - 1].strip()
        own_line = own_line or (before is not None and before.type == "hr")
        above_list = bool(after) and _starts_at(after[0], end)
        for n, line in enumerate(lines):
            bold = self.bold_title(line) if n == 0 and own_line else None
            if bold is not None:
                self.heading(None, bold)
            elif not line.startswith("$") and _is_heading_line(
                line, above_list=above_list and n == len(lines) - 1
            ):
                self.heading(None, self.title(line.rstrip(":")))
            else:
                self.plain(line)

    def bold_title(self, line: str) -> str | None:
        if not line.startswith(("**", "__")):
            return None
        tokens = self.inline.tokens(line[:_INLINE_MAX])
        inner = _bold_only(tokens) if tokens else None
        return None if inner is None else _title_of(_words(inner))

    def plain(self, line: str) -> None:
        """A `$` line marks the step above it scripted; any other plain line is prose, or a
        step of a runbook with no list (kept only while it could be one)."""
        command = line.startswith("$")
        if command and self.current is not None:
            self.current.scripted = True
            return
        body = line.lstrip("$").strip() if command else line
        if len(body) <= 2 * TITLE_MAX and len(self.loose) <= self.max_steps:
            self.loose.append(_Draft(body, self.section(), self.context(), command))

    # -------------------------------------------------------------- list items

    def item(self, node: SyntaxTreeNode) -> None:
        """A step; or, when its text is one line ending in a colon with a list right under
        it, the label of a group of steps."""
        blocks = node.children
        if not blocks or blocks[0].type not in ("paragraph", "heading"):
            self.blocks(blocks)  # an item that opens with a code block or a rule: no step
            return
        lines = _source(blocks[0]).split("\n")
        first = _CHECKBOX.sub("", lines[0].strip())
        rest = blocks[1:]
        labels_a_list = bool(rest) and rest[0].type in _LISTS and len(lines) == 1
        if labels_a_list and first.endswith(":") and not first.startswith("$"):
            self.group(first, rest)
        else:
            self.step(first, lines[1:], rest)

    def group(self, label_line: str, blocks: Sequence[SyntaxTreeNode]) -> None:
        label, outer = self.title(label_line), self.labels
        self.current = None
        if has_words(label):
            self.labels = (*outer, label)
        self.blocks(blocks)
        self.labels = outer

    def step(self, first: str, more: Sequence[str], details: Sequence[SyntaxTreeNode]) -> None:
        """A step: its first line (a `$` one is a command, already scripted), the lines of
        its paragraph up to a `$` line, and details: a command among them marks it
        scripted, the rest (nested items, prose) is not imported."""
        scripted = first.lstrip("`").startswith("$")
        if scripted:
            first = first.lstrip("`").lstrip("$").strip().rstrip("`")
        draft = _Draft(first, self.section(), self.context(), scripted)
        for line in (line.strip() for line in more):
            if line.startswith("$"):
                draft.scripted = True
                break
            if len(draft.text) < TITLE_MAX:
                draft.text += " " + line
        if any(_marks_scripted(node) for node in _under(details)):
            draft.scripted = True
        self.drafts.append(draft)
        self.current = draft
        self.steps_under_heading += 1
        if len(self.drafts) > self.max_steps:
            raise _too_many(self.max_steps)

    # -------------------------------------------------------------- the steps

    def plain_steps(self) -> list[_Draft]:
        """No list anywhere: a plain-text runbook (or a Slack message), one step a line."""
        if len(self.loose) > self.max_steps:
            raise _too_many(self.max_steps)
        return self.loose

    def steps(self, drafts: Sequence[_Draft]) -> tuple[ImportedStep, ...]:
        """The drafts with words in their title, once per section, with their guesses."""
        steps: dict[tuple[str, str], ImportedStep] = {}
        around = (self.doc_title,) if self.doc_title else ()
        for draft in drafts:
            words = self.inline.words(draft.text)
            title = _title_of(words)
            key = (title_key(draft.section), title_key(title))
            if has_words(title) and key not in steps:
                steps[key] = _imported(draft, title, words, (*draft.context, *around))
        return tuple(steps.values())


def _imported(draft: _Draft, title: str, words: str, context: Sequence[str]) -> ImportedStep:
    guess = guess_frequency(words, context)
    found = minutes_in(words)
    return ImportedStep(
        title=title,
        section=draft.section,
        frequency=guess.frequency,
        minutes=found[0] if found else DEFAULT_MINUTES,
        scripted=draft.scripted,
        reason=guess.reason,
        minutes_guessed=found is None,
    )


def parse_runbook(text: str, *, max_steps: int = MAX_IMPORT_STEPS) -> ParsedRunbook:
    """Steps of a runbook written in Markdown or plain text.

    - List items (``1.``, ``2)``, ``-``, ``*``, and Slack's ``•``, ``(3)``, ``Step 4:``) are
      steps; an item nested under a step is a detail of it, unless its parent is one line
      ending with a colon (then the parent names a group and the nested items are the steps).
    - Headings (``#``, underlined, or a bold line of its own) name the section.
    - A fenced code block under a step, or a line starting with ``$``, marks the step as
      already scripted. A ``$`` item is itself a scripted step (its command is its title).
    - Text with no list at all: every short line is a step.
    Each step gets a guessed frequency (:func:`guess_frequency`) and its minutes when the
    words give them (``(15 min)``), else :data:`DEFAULT_MINUTES`.
    """
    if len(text) > MAX_IMPORT_CHARS:
        raise RunbookParseError(
            "That runbook is over a million characters. Split it and import the parts."
        )
    source, cut = _prepare(text)
    env: dict[str, Any] = {}
    reader = _Reader(source.split("\n"), max_steps)
    reader.blocks(SyntaxTreeNode(_MARKDOWN.parse(source, env)).children)
    drafts = reader.drafts or reader.plain_steps()
    if cut or env.get(_CUT):
        raise RunbookParseError(
            "That runbook is too long to read in one go. Split it and import the parts."
        )
    steps = reader.steps(drafts)
    if not steps:
        raise RunbookParseError(
            "I couldn't find any steps in that. Put one step on each line, numbered (1. 2. 3.) "
            "or bulleted (- or *); headings become sections."
        )
    return ParsedRunbook(title=reader.doc_title, steps=steps)
