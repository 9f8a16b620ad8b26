"""Generate the CLI reference (docs/cli.md) and the README's command and importer tables from the parser.

    python scripts/cli_reference.py           # rewrite docs/cli.md and the README's generated tables
    python scripts/cli_reference.py --check   # exit 1 if either is out of date (a test runs this)

The README's tables sit between marker comments (``<!-- commands:start -->`` ...
``<!-- commands:end -->``, ``<!-- importers:start -->`` ... ``<!-- importers:end -->``);
everything else in the README is written by hand. Help texts are rendered at a
fixed width so the output does not depend on the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["COLUMNS"] = "100"  # argparse wraps help at the terminal's width: fix it

from tracker.cli.parser import build_parser  # noqa: E402
from tracker.ingest.importing import readme_table  # noqa: E402

DOC = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
MAX_OPTIONS = 14  # options listed per command in the README table; docs/cli.md has them all


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(subs[0].choices) if subs else {}


def _helps(p: argparse.ArgumentParser) -> dict[str, str]:
    subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
    return {c.dest: c.help or "" for c in subs[0]._choices_actions} if subs else {}


def leaves(p: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(path, parser) of every command that runs (a leaf of the command tree), in the parser's order."""
    subs = _subparsers(p)
    if not subs:
        yield path, p
        return
    for name, q in subs.items():
        yield from leaves(q, (*path, name))


def cli_doc() -> str:
    top = build_parser()
    out = [
        "# Command-line reference",
        "",
        "Generated from the parser by `scripts/cli_reference.py` (CI checks it is current): every command's",
        "`--help`, with its examples. Exit codes: 0 ok, 1 problems found or a change refused, 2 bad input or",
        "data, 130 interrupted; errors are one line on stderr (JSON with `--json`).",
        "",
    ]
    for path, p in leaves(top):
        out += [f"## tracker {' '.join(path)}", "", "```text", p.format_help().rstrip(), "```", ""]
    return "\n".join(out)


def _options(p: argparse.ArgumentParser) -> str:
    """The long options of a command (and of its subcommands), in the parser's order."""
    seen: list[str] = []
    for _, q in leaves(p):
        for a in q._actions:
            longs = [o for o in a.option_strings if o.startswith("--") and o != "--help"]
            if longs and longs[0] not in seen:
                seen.append(longs[0])
    shown = ", ".join(f"`{o}`" for o in seen[:MAX_OPTIONS])
    return shown + (f", ... ({len(seen) - MAX_OPTIONS} more in docs/cli.md)" if len(seen) > MAX_OPTIONS else "")


def commands_table() -> str:
    top = build_parser()
    rows = ["| command | what it does | options |", "|---|---|---|"]
    helps = _helps(top)
    for name, p in _subparsers(top).items():
        subs = _subparsers(p)
        kinds = "\\|".join(subs)
        head = f"tracker {name} {kinds}" if subs else f"tracker {name}"
        rows.append(f"| `{head}` | {helps[name]} | {_options(p)} |")
    return "\n".join(rows)


def _splice(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"README.md: the markers {start} and {end} are missing; add them around the {name} table")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"


def main() -> int:
    args = sys.argv[1:]
    if args not in ([], ["--check"]):
        print(__doc__.strip(), file=sys.stderr)
        return 0 if args in (["-h"], ["--help"]) else 2
    check = args == ["--check"]
    readme = README.read_text(encoding="utf-8")
    new_readme = _splice(_splice(readme, "commands", commands_table()), "importers", readme_table())
    new_doc = cli_doc() + "\n"
    stale = []
    for path, old, new in (
        (README, readme, new_readme),
        (DOC, DOC.read_text(encoding="utf-8") if DOC.exists() else "", new_doc),
    ):
        if old != new:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and stale:
        print(f"out of date: {', '.join(map(str, stale))}; run python scripts/cli_reference.py", file=sys.stderr)
        return 1
    if not check:
        print(f"wrote {', '.join(map(str, stale)) or 'nothing (up to date)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
