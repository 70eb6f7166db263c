"""Transfer news or not: the weight of transfer cues against match-report and injury cues."""

from __future__ import annotations

from collections import Counter


def transfer_score(kinds: Counter, n_claims: int) -> tuple[bool, float]:
    """``(is_transfer, score in 0..1)`` from the counts of cue kinds found in the article."""
    transfer = kinds["topic.transfer"] + sum(v for k, v in kinds.items() if k.startswith("stage."))
    match = kinds["topic.match"]
    injury = kinds["topic.injury"]
    against = max(match, injury * 1.5)
    score = (transfer + 2 * n_claims + 1) / (transfer + 2 * n_claims + 1 + against)
    is_transfer = not (against >= 4 and against > 1.2 * (transfer + 2 * n_claims))
    return is_transfer, round(score, 3)
