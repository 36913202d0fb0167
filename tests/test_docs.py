"""The documentation cites what exists: every repository path, module name, link, make target and
command-line option that README.md, CONTRIBUTING.md, docs/*.md, benchmarks/README.md,
notebooks/README.md and the comments of _quarto.yml, params/**/*.yml and the indicator catalogue
cite.

A rename in the code (a module, a parameter file, an option) fails here, naming the document,
its line and what it cites, until the documentation follows. Skipped on purpose: URLs, paths
under ``reports/``, ``data/`` and ``../shared`` (made by the tool or outside the repository),
placeholders (``<slug>``, ``…``) and shell variables.

Fast: the path checks read files only (module names are checked as files, and a name after the
module as a definition in its source); the option check imports the command line once.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "analysis"

#: Where a repository path may start (first segment, or the whole name for root files).
ROOT_PREFIXES = ("src/", "params/", "notebooks/", "tests/", "docs/", "benchmarks/")
ROOT_FILES = ("Makefile", "README.md", "CONTRIBUTING.md", "_quarto.yml", "pyproject.toml",
              "constraints.txt", "environment.yml", "conftest.py", "index.ipynb")
#: Folders of the package, cited relative to ``src/analysis/`` (``report/figures.py``).
PACKAGE_PREFIXES = tuple(f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_"))
#: Made by the tool, or outside the repository: never checked.
SKIPPED_PREFIXES = ("reports/", "data/", "../shared", "../../", "http://", "https://", "/", "~", ".venv/",
                    # folders a user creates (examples of their files, none in the repository)
                    "params/editorial/")
PLACEHOLDER = re.compile(r"[<>{}…$]|\.\.\.|\bDIR\b|\bFILE\b|\bDATA\b")
MODULE = re.compile(r"^analysis(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")


def documents() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "benchmarks" / "README.md",
             *sorted((ROOT / "docs").glob("*.md"))]
    notebooks = ROOT / "notebooks" / "README.md"
    return found + ([notebooks] if notebooks.exists() else [])


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name


# ----------------------------------------------------------------------------- extraction
FENCE = re.compile(r"^\s*(```|~~~)")
SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def cited(path: Path) -> list[tuple[int, str, str]]:
    """``(line, kind, text)`` of what a document cites: ``code`` (a token of a code span or of
    a fenced block), ``link`` (a Markdown link target). For _quarto.yml, its comments' spans."""
    text = path.read_text(encoding="utf-8")
    out: list[tuple[int, str, str]] = []
    if path.suffix in (".yml", ".yaml"):
        for number, line in enumerate(text.splitlines(), 1):
            start = 0 if line.lstrip().startswith("#") else line.find(" #")
            if start >= 0:
                comment = line[start:]
                out += [(number, "code", token) for span in SPAN.findall(comment) for token in _tokens(span)]
                out += [(number, "code", token.rstrip(".:"))
                        for token in re.findall(r"(?<![\w./])(?:docs|src|params|notebooks|tests|benchmarks)/[^\s,;)`]+",
                                                comment)]
        return out
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            out += [(number, "code", token) for token in _tokens(line)]
            continue
        out += [(number, "link", target) for target in LINK.findall(line)]
        out += [(number, "code", token) for span in SPAN.findall(line) for token in _tokens(span)]
    return out


def _tokens(text: str) -> list[str]:
    """Path-like words of a code span or line: shell comments dropped, punctuation trimmed."""
    text = re.split(r"\s#\s|^#\s", text, maxsplit=1)[0]
    words = []
    for word in re.split(r"[\s,;|]+", text):
        word = word.strip("\"'()[]:,.;«»").removesuffix("`")
        word = word.split("=", 1)[-1] if word.startswith("--") else word
        if word:
            words.append(word)
    return words


# ----------------------------------------------------------------------------- resolution
def _is_repo_path(token: str) -> bool:
    return token.startswith(ROOT_PREFIXES) or token in ROOT_FILES or token.startswith(PACKAGE_PREFIXES)


def path_problem(token: str, document: Path) -> str | None:
    """Why a cited path does not exist (None when it does, or is not checked)."""
    if token.startswith(SKIPPED_PREFIXES) or PLACEHOLDER.search(token) or not _is_repo_path(token):
        return None
    token = token.split("::", 1)[0].split("#", 1)[0]
    bases = [ROOT] + ([PACKAGE] if token.startswith(PACKAGE_PREFIXES) else [])
    if token.startswith(PACKAGE_PREFIXES) and not token.startswith(ROOT_PREFIXES):
        # a folder name that is also a root folder (tests/, docs/) is the root's
        bases = [PACKAGE, ROOT]
    for base in bases:
        if "*" in token or "?" in token:
            if list(base.glob(token)):
                return None
        elif (base / token).exists():
            return None
    where = " or ".join(_name(b) if b != ROOT else "the repository" for b in bases)
    return f"{token}: no such file or folder in {where}"


def module_problem(token: str) -> str | None:
    """``analysis.a.b[.name]``: the module is a file of src/, the name defined in it."""
    if not MODULE.match(token):
        return None
    parts = token.split(".")
    for size in range(len(parts), 0, -1):
        base = ROOT / "src" / Path(*parts[:size])
        source = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
        if source.exists():
            rest = parts[size:]
            if not rest:
                return None
            if len(rest) > 2:
                return f"{token}: {'.'.join(rest)} is not a name of {_name(source)}"
            name = rest[0]
            definition = re.compile(
                rf"(?m)^\s*(?:async\s+def|def|class)\s+{name}\b|^\s*{name}\s*[:=]|"
                rf"\bimport\b[^\n]*\b{name}\b|\bas\s+{name}\b|^\s*\(?[\w\s,]*\b{name}\b[\w\s,]*\)?\s*=")
            if definition.search(source.read_text(encoding="utf-8")):
                return None
            return f"{token}: {name} is not defined in {_name(source)}"
    return f"{token}: no module {'/'.join(parts[:2])}… under src/"


def link_problem(target: str, document: Path) -> str | None:
    """A relative link: its file exists and, for a Markdown file, its #anchor is a heading."""
    if re.match(r"^[a-z]+:", target) or target.startswith("#") and document.suffix != ".md":
        return None
    file, _, anchor = target.partition("#")
    path = (document.parent / file).resolve() if file else document
    if file:
        relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else file
        if relative.startswith(SKIPPED_PREFIXES) or not path.is_relative_to(ROOT):
            return None
        if not path.exists():
            return f"link {target}: {relative} does not exist"
    if anchor and path.suffix == ".md" and anchor not in anchors(path):
        return f"link {target}: no heading #{anchor} in {_name(path)}"
    return None


@cache
def anchors(path: Path) -> frozenset[str]:
    """GitHub's heading anchors of a Markdown file."""
    out, fenced, seen = set(), False, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        if fenced or not line.startswith("#"):
            continue
        heading = line.lstrip("#").strip()
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return frozenset(out)


def problems(document: Path) -> list[str]:
    found = []
    for number, kind, text in cited(document):
        if kind == "link":
            problem = link_problem(text, document)
        else:
            problem = module_problem(text) or path_problem(text, document)
        if problem:
            found.append(f"{_name(document)}:{number}: {problem}")
    return found


# ----------------------------------------------------------------------------- tests
def test_documents_are_found():
    names = [_name(d) for d in documents()]
    assert "README.md" in names and "docs/README.md" in names, names


#: YAML files whose comments cite files of the repository.
COMMENTED = [ROOT / "_quarto.yml", *sorted((ROOT / "params").rglob("*.yml")),
             PACKAGE / "resources" / "indicators.yml"]


@pytest.mark.parametrize("document", [*documents(), *COMMENTED], ids=_name)
def test_every_cited_path_exists(document):
    found = problems(document)
    assert not found, "\n".join(["cited but missing (write paths as they are):", *found])


def test_the_docs_index_lists_every_docs_file():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in (ROOT / "docs").glob("*.md") if p.name != "README.md" and f"({p.name})" not in index]
    assert missing == []


def test_make_targets_exist():
    targets = set(re.findall(r"(?m)^([A-Za-z][\w-]*):", (ROOT / "Makefile").read_text(encoding="utf-8")))
    wrong = [f"{_name(d)}: make {t}" for d in documents()
             for t in re.findall(r"`make ([a-z][\w-]*)", d.read_text(encoding="utf-8")) if t not in targets]
    assert wrong == []


def test_the_checker_finds_what_is_wrong(tmp_path):
    """The checks above fail on what they must catch (else an empty list proves nothing)."""
    page = tmp_path / "page.md"
    page.write_text("`src/analysis/chapter_cache.py`, `analysis.build.keys.nothing_here`,\n"
                    "`report/nothing.py`, `params/editorial/<millésime>/x.md`, `reports/2018/`,\n"
                    "[a](../README.md#no-such-heading)\n"
                    "```sh\n.venv/bin/python benchmarks/missing_bench.py --data-dir DATA\n```\n",
                    encoding="utf-8")
    found = [p.split(": ", 1)[1] for p in problems(page) if "no-such-heading" not in p]
    assert found == ["src/analysis/chapter_cache.py: no such file or folder in the repository",
                     "analysis.build.keys.nothing_here: nothing_here is not defined in src/analysis/build/keys.py",
                     "report/nothing.py: no such file or folder in src/analysis or the repository",
                     "benchmarks/missing_bench.py: no such file or folder in the repository"]
    assert path_problem("src/analysis/build/chapter_cache.py", page) is None
    assert module_problem("analysis.build.chapter_cache") is None
    assert module_problem("analysis.indicators.results.load") is None
    assert path_problem("resources/questionnaires/*.yml", page) is None


# ----------------------------------------------------------------------------- commands
PROGRAM = "etat-des-lieux"


def commands_cited() -> list[tuple[str, list[str]]]:
    """``(where, arguments)`` of every ``etat-des-lieux …`` example of the documents (in a
    fenced block or a code span)."""
    out = []
    for document in documents():
        fenced = False
        for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            pieces = [line] if fenced else SPAN.findall(line)
            for piece in pieces:
                piece = re.split(r"\s#\s", piece, maxsplit=1)[0]
                for match in re.finditer(rf"(?:^|[\s/]){PROGRAM}((?:\s+[^\s|>`]+)*)", piece):
                    try:
                        words = shlex.split(match.group(1))
                    except ValueError:
                        words = match.group(1).split()
                    if words:
                        out.append((f"{_name(document)}:{number}", words))
    return out


def command_problems(examples: list[tuple[str, list[str]]]) -> list[str]:
    """Parse each example with the command line's own parser (nothing is run). Typer vendors its
    click: commands and errors are recognised by what they have, not by their class. The words
    go through what ``main`` does to them first (``--fiches`` alone is ``--fiches html``)."""
    import typer

    from analysis.cli.fiches import with_default_format
    from analysis.cli.main import app

    root = typer.main.get_command(app)
    wrong = []
    for where, words in examples:
        command, path, args = root, [PROGRAM], with_default_format(list(words))
        while hasattr(command, "commands") and args and args[0] in command.commands:
            path.append(args[0])
            command = command.commands[args.pop(0)]
        if hasattr(command, "commands"):
            wrong.append(f"{where}: {' '.join(path + args)}: no such command")
            continue
        args = [a for a in args if a != "--help"]
        try:
            command.make_context(" ".join(path), args, resilient_parsing=False)
        except Exception as exc:
            if not hasattr(exc, "format_message"):
                raise
            wrong.append(f"{where}: {' '.join(path + args)}: {exc.format_message()}")
    return wrong


def test_cited_commands_parse():
    """Every command, subcommand and option cited exists and parses."""
    wrong = command_problems(commands_cited())
    assert not wrong, "\n".join(wrong)


def test_the_command_checker_finds_what_is_wrong():
    wrong = command_problems([("a", ["build", "--nope"]), ("b", ["data", "importe", "x"]),
                              ("c", ["indicators"]), ("d", ["build", "--all", "--level", "academie"])])
    assert [w.split(":")[0] for w in wrong] == ["a", "b", "c"], wrong
