"""Options shared by several commands, each written once, and the field options of ``tracker add``.

Defaults and choices come from the library (``tracker.api``), never repeated as text.
"""

from __future__ import annotations

import argparse
import math

from tracker import api
from tracker.errors import UsageError


def data_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        metavar="DIR",
        help="datasets folder (default: $TRACKER_DATA, a datasets/ folder in the current folder or a parent, "
        "else the shipped copy)",
    )


def json_opt(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def bench_opt(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--bench",
        "-b",
        required=required,
        help="benchmark id or alias: mmlu, gpqa, swe-bench, fm (see tracker list benchmarks)",
    )


def boot_opts(p: argparse.ArgumentParser, default_boot: int) -> None:
    p.add_argument("--boot", type=int, default=None, metavar="B", help=f"bootstrap resamples (default {default_boot})")
    p.add_argument(
        "--seed", type=int, default=None, help=f"bootstrap seed (default {api.DEFAULT_SEED}): same seed, same output"
    )


def selection_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as-of", metavar="DATE", help="use only models released and scores known on or before DATE (YYYY-MM-DD)"
    )
    p.add_argument(
        "--source", choices=api.SOURCES, help="which source kind to fit (default: the benchmark's, from data)"
    )
    p.add_argument(
        "--setting",
        action="append",
        metavar="PATTERN",
        help="setting preference, repeatable, most preferred first (default: the benchmark's)",
    )
    p.add_argument(
        "--include-imputed",
        action="store_true",
        help="also use compute Epoch AI imputed from benchmark scores (in the score fit and the frontier trend)",
    )


def chart_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=number, default=1, help="PNG pixel scale, 2 for retina (default 1)")
    p.add_argument("--title", help="chart title (default: one naming the benchmark)")
    p.add_argument("--subtitle", help="chart subtitle (default: the forecast in one sentence)")
    p.add_argument(
        "--width", type=_width, help="plot width in pixels, 200 to 4000 (default 600; the image is about 720)"
    )


def _width(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of pixels") from None
    try:
        api.check_width(value)  # before the work, not after the forecast
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--width ")) from None
    return value


def number(text: str) -> float:
    """A float option (``--target``, ``--ceiling``, ``--scale``); one too large for a float is named as written
    (``1e309`` was reported as ``inf``). nan and inf go through to the check that names the option."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give one such as 0.9") from None
    if math.isinf(value) and text.strip().lower().lstrip("+-") not in ("inf", "infinity"):
        raise argparse.ArgumentTypeError(f"{text} is too large to be a number here")
    return value


#: Options that take a number, which may be negative: ``--target -inf`` is their value, not an unknown option.
SIGNED_OPTIONS = ("--target", "-t", "--ceiling", "--scale")


def join_signed(argv: list[str]) -> list[str]:
    """``argv`` with ``--target -1e5``-style pairs joined as ``--target=-1e5``: argparse takes a value that
    starts with ``-`` for an option unless it looks like a plain negative number (``-inf`` and ``-1e5`` do not)."""
    out: list[str] = []
    for tok in argv:
        if out and out[-1] in SIGNED_OPTIONS and tok.startswith("-") and len(tok) > 1:
            try:
                float(tok)
            except ValueError:
                pass
            else:
                out[-1] += ("=" if out[-1].startswith("--") else "") + tok  # --target=-inf, -t-inf
                continue
        out.append(tok)
    return out


def output_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")


# One option per field, named after the column (model_id -> --model-id);
# the second name, when given, is a short alias.
ADD_FIELDS = {
    "scores": [
        ("model_id", "--model", "ID", "model id (must exist in models.csv: tracker add model first)"),
        ("benchmark_id", "--bench", "ID", "benchmark id: mmlu, gpqa-diamond, swe-bench-verified, frontiermath, ..."),
        ("score", None, "FRACTION", "score as a fraction in [0, 1] (0.864, not 86.4)"),
        ("stderr", None, "FRACTION", "standard error, where the source gives one"),
        ("setting", None, "TEXT", "evaluation protocol: 5-shot, 0-shot CoT, pass@1, bash-only mini-swe-agent, ..."),
        ("effort", None, "TEXT", "reasoning effort (high, low, 32K, ...); empty when not applicable"),
        ("model_version", None, "TEXT", "exact version or API id evaluated"),
        ("source_kind", None, "KIND", "lab (the developer's own report) or independent"),
        ("source_name", None, "TEXT", "who reported it"),
        ("source_url", "--url", "URL", "where the number can be checked (required)"),
        ("date_reported", "--date", "YYYY-MM-DD", "when the score was published"),
        (
            "checked",
            None,
            "TEXT",
            "required for lab rows: 'YYYY-MM-DD: read in <url>' (or 'read in stored copy of <url>') "
            "or 'unverified: <why>'",
        ),
        ("notes", None, "TEXT", "anything a reader should know"),
    ],
    "models": [
        ("id", None, "SLUG", "stable id: lowercase letters, digits, '.', '-', '_'"),
        ("name", None, "TEXT", "display name"),
        (
            "family",
            None,
            "ID",
            "id of the line's first release, for a later version or a preview (default: the model's own id)",
        ),
        ("organization", "--org", "TEXT", "developer(s), comma-separated"),
        ("release_date", "--date", "YYYY-MM-DD", "this version's public release (a preview: its announcement)"),
        ("release_source_url", "--url", "URL", "where the release date comes from"),
        ("preview", None, "BOOL", "true: announced with figures, not yet publicly available (default false)"),
        ("compute_flop", "--compute", "FLOP", "training compute estimate, e.g. 3.8e25 (leave out when unknown)"),
        ("compute_low", None, "FLOP", "lower bound of the estimate"),
        ("compute_high", None, "FLOP", "upper bound of the estimate"),
        ("confidence", None, "LEVEL", "confident, likely or speculative"),
        (
            "estimation_method",
            None,
            "TEXT",
            "operation counting; hardware; benchmarks; third-party estimation; reported",
        ),
        ("compute_source", None, "TEXT", "who estimated the compute (required with --compute)"),
        ("compute_source_url", None, "URL", "URL of the compute estimate"),
        ("parameters", None, "N", "parameter count"),
        ("open_weights", None, "BOOL", "true or false"),
        ("frontier", None, "BOOL", "true or false: top 10 by training compute at release"),
        ("domain", None, "TEXT", "Language, Multimodal, ..."),
        ("notes", None, "TEXT", "anything a reader should know"),
    ],
    "model_aliases": [
        ("source", None, "NAMING", "epoch-version, epoch-model, gpai, swebench, lab or former-id"),
        ("external_id", None, "TEXT", "the name in the published data"),
        ("model_id", "--model", "ID", "our model id"),
        ("effort", None, "TEXT", "reasoning effort implied by the external id"),
        ("reason", None, "TEXT", "why the mapping holds (required)"),
    ],
}
ADD_TABLES = {"score": "scores", "model": "models", "alias": "model_aliases"}
ADD_EXAMPLES = {
    "score": "tracker add score --model gpt-4o --bench mmlu --score 0.887 --setting 5-shot --source-kind lab \\\n"
    "    --source-name 'OpenAI, Hello GPT-4o' --url https://openai.com/index/hello-gpt-4o/ --date 2024-05-13\n"
    "tracker add score --from-file new_scores.csv --dry-run",
    "model": "tracker add model --id acme-1 --name 'Acme 1' --org Acme --date 2026-05-01 --url https://acme.example/acme-1\n"
    "tracker add model --from-file new_models.csv",
    "alias": "tracker add alias --source epoch-version --external-id acme-1-2026-05-01_high --model acme-1 "
    "--effort high \\\n"
    "    --reason 'Epoch AI version id of Acme 1'",
}
