"""The estimation method of a compute figure, read from Epoch AI's free-text compute notes.

Only Epoch's frontier-models file has a "Training compute estimation method"
column; the other files have notes only. These keyword rules were tuned by
hand on the notes of the models we ship and checked against the frontier
file's labels (tests/test_importer_epoch.py). A method inferred here is marked
as such in the model's notes (``INFERRED_METHOD_NOTE`` in epoch.py).
"""

from __future__ import annotations

import re

_MUL = r"[*×x∗·]"

# a large number: 7B, 1.2T, 2.5 trillion, 3e12, 8*10^12, 3400000000000
_NUM = r"(?:\d[\d.,]*\s*(?:[bBtT]\b|billion|trillion|e\+?(?:[6-9]|\d\d)|\s*[*×]\s*10\^?\s*(?:[6-9]|\d\d))|\d{7,})"

_NOT_TIME = r"(?!\s*[*×∗]\s*(?:24|60|3600)\b)(?!\s*(?:days?|hours?|h|weeks?|months?)\b)"

# method -> patterns (case-insensitive); a method is assigned when any pattern matches.
NOTE_RULES = {
    "operation counting": [
        r"\b6\s*\*?\s*N\s*\*?\s*[DC]\b",
        r"\b6\s*\*?\s*D\s*\*?\s*N\b",  # 6ND, 6*N*D, 6DN, 6NC
        r"\b6\s*FLOPs?\s*(?:/|per|\*|×)\s*(?:token|param|\d)",  # 6 FLOP / token / parameter, 6 FLOP * N
        r"(?<![\w.])2\s*"
        + _MUL
        + r"\s*"
        + _NUM
        + r"\s*[\w ]{0,20}"
        + _MUL
        + r"\s*3\b",  # 2 * N * 3 (forward + backward) * D
        r"(?<![\w.,^])6\s*" + _MUL + r"\s*\(?" + _NUM,  # 6 * N * D
        _NUM + r"\s*(?:\w+\s*)?" + _MUL + r"\s*6(?![\d.,])" + _NOT_TIME,  # N * D * 6
        r"operation[- ]counting|counting (?:operations|FLOP)|parameter-token method|arithmetic (?:calculation|estimate)",
        r"(?:forward|backward)[- ]pass",  # FLOP per pass * 3
    ],
    "hardware": [],  # see _ACCEL and _HW_CALC: accelerators named, and a throughput,
    # utilization or seconds factor inside a product
    "benchmarks": [
        r"benchmark imputation",
        r"imputed\b.{0,60}\bbenchmark",
        r"(?:estimated|imputed|estimate)\b.{0,60}\bfrom (?:the )?(?:model's )?(?:benchmark|MMLU)",
        r"from (?:its |the model's )?(?:benchmark|MMLU) (?:scores?|performance)",
        r"performance of .{0,40}\bon various benchmarks",
    ],
    "reported": [
        r"\[reported\]|\(reported\)",
        r"reported by the (?:authors|developers?)",
        r"(?:FLOPs?|compute)\s*[-–:]\s*reported\b",
        r"^reported\b",
        r"\b(?:compute|FLOPs?) (?:is |was )?reported in\b",
        r"\breported in table",
        r"stated in (?:the )?paper",
        r"developers calculated",
        r"estimation is given in table",
        r"\bflops in table",
        r"^[~≈<>=\s]*\d[\d.,]*\s*(?:[*×x]\s*10\^?\s*\d+|e[+-]?\d+)?\s*(?:FLOPs?)?\s*,?\s*(?:\(|per\b|from\b|in\b)\s*table",
        r"table\s*[a-z]?\d+\b.{0,40}(?:peta ?flops?[- ]days|pflops)|(?:peta ?flops?[- ]days|pflops).{0,40}\btable\s*[a-z]?\d+",
    ],
    "third-party estimation": [
        r"akronomicon",
        r"ai[- ]and[- ]compute",
        r"2104\.10350",
        r"ai and memory wall",
    ],
    "comparison with other models": [
        r"compute class",
        r"(?:lower|upper) bound is taken from .{0,40}estimat",
        r"\d+\s*% (?:of )?(?:the )?training flops",
    ],
}

_ACCEL = re.compile(
    r"\b(?:[GT]PU|GPUs|TPUs|TPUv\d|[AHV]\d00s?|H800s?|A800s?|H200s?|GH200|chips?|accelerators?|Ascend|GPU[- ]hours|[GT]PU[- ](?:hours|days|years))",
    re.I,
)

_THROUGHPUT = r"(?:utili[sz]ation|\bMFU\b|\bHFU\b|FLOPs?\s*/\s*(?:s\b|sec|second|GPU|chip)|FLOPS?/s\b|TFLOPS|teraflop|PFlops/sec|FLOP/GPU|[*×∗]\s*(?:3600|86400)(?!\d))"

# a throughput, utilization or seconds factor inside a product (no "=" in between)
_HW_CALC = re.compile(_THROUGHPUT + r"[^=]{0,80}[*×∗]|[*×∗][^=]{0,80}" + _THROUGHPUT, re.I)

# "we can't use C=6ND": a method named only to be ruled out
_RULED_OUT = re.compile(r"(?:can'?t|cannot|can not|doesn'?t|not) (?:use|apply) (?:C\s*=\s*)?6\s*N\s*D", re.I)

# accelerator-hours with a utilization or a throughput, in prose ("187M H100-hours ... 20 to 40%
# under the H100 FP8 spec of 2000 teraflop/s"): Epoch's training-cluster analyses
_HW_PROSE = re.compile(r"(?:[GT]PU|[AH]\d00|H800|H200)[- ]hours.{0,300}(?:utili[sz]ation|teraflop|FLOP/s)", re.I | re.S)

_COST = re.compile(r"\bcost\b|\bspent\b|[$€]|\beuro", re.I)


def classify_compute_notes(notes: str) -> str:
    """Estimation method(s) read from Epoch's free-text "Training compute notes".

    Conservative keyword rules (``NOTE_RULES``): a method is named only where the
    notes show its calculation or say it outright (6ND arithmetic -> operation
    counting; accelerators with a throughput/utilization factor in a product ->
    hardware; "imputed from benchmark scores" -> benchmarks; a developer's
    figure ("[reported]", "per Table 2") -> reported; Akronomicon / OpenAI's
    "AI and Compute" -> third-party estimation). Several methods are joined with
    ";" in a fixed order. ``""`` when nothing matches: sums of base-model and
    fine-tune compute, bare links, cost-based estimates are left unclassified.
    """
    text = _RULED_OUT.sub(" ", " ".join((notes or "").split()))
    found = []
    for method, patterns in NOTE_RULES.items():
        if method == "hardware":
            hit = bool(_ACCEL.search(text) and (_HW_CALC.search(text) or _HW_PROSE.search(text))) and not _COST.search(
                text
            )
        else:
            hit = any(re.search(p, text, re.I) for p in patterns)
        if hit:
            found.append(method)
    return ";".join(found)
