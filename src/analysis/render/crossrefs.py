"""Numbering and cross-references of the book: chapter headings (sections, appendices "A.1"),
figures and tables numbered by chapter as Quarto numbers them in a book (« Figure 3.1 »,
« Tableau A.2 »), their captions (« Figure 3.1 : titre », the style of both renderers), and
``@fig-…``/``@tbl-…``/``@sec-…`` references resolved once every chapter is numbered (read by
:mod:`.notebook`, :mod:`.outputs`, :mod:`.book` and, for the caption delimiter,
:mod:`.quarto_project`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

NBSP = "\u00a0"
#: Between a caption's label and its text: « Figure 3.1 : titre » (French: a no-break space before
#: the colon). Quarto writes it as its ``crossref.title-delim``; ``typst-show.typ`` as ``~:``.
CAPTION_DELIMITER = NBSP + ":"


def caption_label(noun: str, number: str) -> str:
    """« Figure 3.1 », « Tableau A.2 »: what precedes :data:`CAPTION_DELIMITER` in a caption."""
    return f"{noun}{NBSP}{number}"

_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_DIV_OPEN_RE = re.compile(r"^[ \t]*(:{3,})[ \t]*\{?([^}\n]*)\}?[ \t]*$")
# A callout may also come as raw HTML in Markdown (reads well in JupyterLab; pandoc makes it a Div).
_HTML_DIV_OPEN_RE = re.compile(r"^[ \t]*<div\b([^>]*)>[ \t]*$", re.IGNORECASE)
_HTML_DIV_CLOSE_RE = re.compile(r"^[ \t]*</div>[ \t]*$", re.IGNORECASE)
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+\{([^{}]*)\})?[ \t]*#*[ \t]*$")
_REF_LABEL = r"(?:[Ff]ig|[Tt]bl|[Ss]ec)-[\w-]*\w"
_REF_RE = re.compile(
    r"\[(?P<group>\s*-?@" + _REF_LABEL + r"\s*(?:;\s*-?@" + _REF_LABEL + r"\s*)*)\](?!\()"
    r"|(?<![\w@/?\\])@(?P<bare>" + _REF_LABEL + r")"
)


# ---------------------------------------------------------------------------------------------
# Cross-reference registry
# ---------------------------------------------------------------------------------------------

@dataclass
class Ref:
    """A numbered, referenceable thing: its French noun, its number and the anchor."""

    noun: str          # "figure", "tableau", "section", "chapitre", "annexe"
    number: str        # "3", "2.1", "A"
    anchor: str


_PLURALS = {"figure": "figures", "tableau": "tableaux", "section": "sections",
            "chapitre": "chapitres", "annexe": "annexes"}


@dataclass
class Numbering:
    """Counters and label registry, shared by every chapter of one render: sections through the
    book, figures and tables within their chapter (``chapter``: "3", "A"; none before the first
    numbered chapter, or in an unnumbered one: then « Figure 1 »)."""

    figures: int = 0
    tables: int = 0
    chapter: str | None = None
    sections: list[int] = field(default_factory=lambda: [0] * 6)
    appendices: int = 0
    refs: dict[str, Ref] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)

    def register(self, label: str, ref: Ref, where: str) -> None:
        if label in self.refs:
            log.warning("%s: label %r is defined twice; references point to the first one",
                        where, label)
            return
        self.refs[label] = ref

    def start_chapter(self, label: str | None) -> None:
        """A chapter (``label``: its number or letter) starts: its figures and tables from 1."""
        self.chapter, self.figures, self.tables = label, 0, 0

    def _number(self, n: int) -> str:
        return f"{self.chapter}.{n}" if self.chapter else str(n)

    def next_figure(self) -> str:
        self.figures += 1
        return self._number(self.figures)

    def next_table(self) -> str:
        self.tables += 1
        return self._number(self.tables)


def resolve_crossrefs(markdown: str, numbering: Numbering) -> str:
    """Replace Quarto references by French links: ``@fig-a`` -> ``[figure 3](#fig-a)``.

    Forms: ``@fig-a`` (noun + number), ``@Fig-a`` (capitalised noun), ``[@fig-a]``,
    ``[-@fig-a]`` (number only), ``[@fig-a; @fig-b]`` ("figures 1 et 2"). An unknown label is
    printed as ``?@fig-a`` in bold, like Quarto, and recorded in ``numbering.unresolved``.
    """

    def one(label: str) -> Ref | None:
        ref = numbering.refs.get(label[0].lower() + label[1:])
        if ref is None:
            numbering.unresolved.append(label)
        return ref

    def noun(ref: Ref, label: str, plural: bool = False) -> str:
        word = _PLURALS[ref.noun] if plural else ref.noun
        return word[0].upper() + word[1:] if label[0].isupper() else word

    def unknown(label: str) -> str:
        return f"**?\\@{label}**"

    def sub(match: re.Match) -> str:
        if match.group("bare"):
            label = match.group("bare")
            ref = one(label)
            if ref is None:
                return unknown(label)
            return f"[{noun(ref, label)}{NBSP}{ref.number}](#{ref.anchor})"
        items = [item.strip() for item in match.group("group").split(";")]
        parsed = []
        for item in items:
            suppress = item.startswith("-")
            label = item.lstrip("-").lstrip("@")
            parsed.append((suppress, label, one(label)))
        if any(ref is None for _, _, ref in parsed):
            return ", ".join(unknown(label) if ref is None
                             else f"[{ref.number}](#{ref.anchor})" for _, label, ref in parsed)
        if len(parsed) == 1:
            suppress, label, ref = parsed[0]
            text = ref.number if suppress else f"{noun(ref, label)}{NBSP}{ref.number}"
            return f"[{text}](#{ref.anchor})"
        links = [f"[{ref.number}](#{ref.anchor})" for _, _, ref in parsed]
        listed = ", ".join(links[:-1]) + " et " + links[-1]
        first_suppress, first_label, first_ref = parsed[0]
        same_noun = all(ref.noun == first_ref.noun for _, _, ref in parsed)
        if first_suppress or not same_noun:
            if not same_noun and not first_suppress:
                return ", ".join(f"[{noun(ref, label)}{NBSP}{ref.number}](#{ref.anchor})"
                                 for _, label, ref in parsed)
            return listed
        return f"{noun(first_ref, first_label, plural=True)}{NBSP}{listed}"

    return _REF_RE.sub(sub, markdown)


# ---------------------------------------------------------------------------------------------
# Headings
# ---------------------------------------------------------------------------------------------

def _parse_attrs(attrs: str | None) -> tuple[str | None, list[str], list[str]]:
    """``{#id .cls key=val}`` -> (id, classes, other attributes)."""
    ident, classes, others = None, [], []
    for token in re.findall(r'[^\s"]+="[^"]*"|\S+', attrs or ""):
        if token.startswith("#"):
            ident = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif token == "-":
            classes.append("unnumbered")
        else:
            others.append(token)
    return ident, classes, others


def _format_attrs(ident: str | None, classes: list[str], others: list[str]) -> str:
    parts = ([f"#{ident}"] if ident else []) + [f".{c}" for c in dict.fromkeys(classes)] + others
    return " {" + " ".join(parts) + "}" if parts else ""


def _iter_headings(markdown: str):
    """Yield (line index, level, text, attrs) of ATX headings outside code and callouts."""
    lines = markdown.split("\n")
    fence: str | None = None
    callout_depth = 0
    div_stack: list[bool] = []
    for i, line in enumerate(lines):
        fence_match = _FENCE_RE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] \
                    and len(fence_match.group(1)) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        html_open = _HTML_DIV_OPEN_RE.match(line)
        if html_open or (_HTML_DIV_CLOSE_RE.match(line) and div_stack):
            if html_open:
                is_callout = "callout" in html_open.group(1)
                div_stack.append(is_callout)
                callout_depth += is_callout
            else:
                callout_depth -= div_stack.pop()
            continue
        div_match = _DIV_OPEN_RE.match(line)
        if div_match:
            if div_match.group(2).strip():
                is_callout = "callout" in div_match.group(2)
                div_stack.append(is_callout)
                callout_depth += is_callout
            elif div_stack:
                callout_depth -= div_stack.pop()
            continue
        if callout_depth:
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            yield i, len(heading.group(1)), heading.group(2), heading.group(3)


@dataclass
class _ChapterState:
    path: Path
    title: str | None = None
    appendix_letter: str | None = None
    seen_h1: bool = False
    local_counters: list[int] = field(default_factory=lambda: [0] * 6)


def _number_headings(markdown: str, numbering: Numbering, state: _ChapterState) -> str:
    """Count numbered headings (for ``@sec-`` refs); relabel appendix headings."""
    lines = markdown.split("\n")
    for i, level, text, attrs in list(_iter_headings(markdown)):
        ident, classes, others = _parse_attrs(attrs)
        if level == 1 and state.title is None:
            state.title = _plain_text(text)
        if state.appendix_letter is not None:
            letter = state.appendix_letter
            counters = state.local_counters
            if level == 1:
                if not state.seen_h1 and not re.match(r"(?i)annexe", text):
                    text = f"Annexe {letter} — {text}"
                number = letter
                state.seen_h1 = True
                counters[:] = [0] * 6
                numbering.start_chapter(letter)
            else:
                counters[level - 1] += 1
                counters[level:] = [0] * (6 - level)
                number = ".".join([letter] + [str(c) for c in counters[1:level]])
                text = f"{number} {text}"
            classes.append("unnumbered")
            if ident:
                numbering.register(ident, Ref("annexe", letter, ident), str(state.path))
        elif "unnumbered" not in classes:
            counters = numbering.sections
            counters[level - 1] += 1
            counters[level:] = [0] * (6 - level)
            number = ".".join(str(c) for c in counters[:level])
            if level == 1:
                numbering.start_chapter(number)
            if ident:
                noun = "chapitre" if level == 1 else "section"
                numbering.register(ident, Ref(noun, number, ident), str(state.path))
        elif ident:
            log.warning("%s: heading #%s is unnumbered and cannot be referenced by number",
                        state.path, ident)
        if level == 1 and state.appendix_letter is None and "unnumbered" in classes:
            numbering.start_chapter(None)
        lines[i] = f"{'#' * level} {text}{_format_attrs(ident, classes, others)}"
    return "\n".join(lines)


def _has_h1(markdown: str) -> bool:
    return any(level == 1 for _, level, _, _ in _iter_headings(markdown))


def _plain_text(markdown: str) -> str:
    """Rough plain-text version of a short Markdown string (for alt text)."""
    text = re.sub(r"[*_`]", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split())
