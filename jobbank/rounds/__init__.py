"""Allocation rounds: snapshot the job bank into a `RoundInput`, store the solver's result back,
pin, publish; and the round's life around a solve.

In the snapshot staff are named by employee number, needs by their reference and units by
code, so a round exported as JSON reads the same in the CLI, the API and the database.

Every change to a round's life (solve, cancel, store, pin, publish) first locks the round's
row (`lock_round`), so the server and the solver's worker process take turns.

`snapshot` builds the round's `RoundInput`, `results` stores the solver's answer, `status`
says who reaches a round and locks it, `jobs` sees its solve jobs, `purpose`, `pins` and
`publish` change it, `reading` shows it.
"""

from __future__ import annotations

from jobbank.rounds.jobs import (
    ACTIVE_JOB,
    HEARTBEAT_TIMEOUT,
    Liveness,
    abandoned_because,
    cannot_tell,
    finish_solve,
    latest_job,
    release_abandoned,
    round_to_change,
)
from jobbank.rounds.pins import (
    MAX_PIN_HOURS,
    PIN_FIELDS,
    PlanKey,
    pin_assignment,
    pin_in_place,
    plan_is_solved,
    planned_assignment,
    solved_plan,
    unpin_assignment,
)
from jobbank.rounds.publish import publish_round
from jobbank.rounds.purpose import choose_purpose, coverage_trade_of
from jobbank.rounds.reading import (
    RoundCounts,
    UnfilledNeedWeek,
    export_input,
    export_result,
    plan_rows,
    round_counts,
    unfilled_need_weeks,
)
from jobbank.rounds.results import round_result, store_result
from jobbank.rounds.snapshot import (
    build_round_input,
    create_round,
    default_name,
    latest_published_round,
    round_input,
)
from jobbank.rounds.status import (
    CHANGEABLE,
    ENTITY,
    RoundRepository,
    find_rounds,
    get_round,
    lock_round,
    refuse,
    require_hr,
    round_for,
    status_without_solve,
)

__all__ = [
    "ACTIVE_JOB",
    "CHANGEABLE",
    "ENTITY",
    "HEARTBEAT_TIMEOUT",
    "MAX_PIN_HOURS",
    "PIN_FIELDS",
    "Liveness",
    "PlanKey",
    "RoundCounts",
    "RoundRepository",
    "UnfilledNeedWeek",
    "abandoned_because",
    "build_round_input",
    "cannot_tell",
    "choose_purpose",
    "coverage_trade_of",
    "create_round",
    "default_name",
    "export_input",
    "export_result",
    "find_rounds",
    "finish_solve",
    "get_round",
    "latest_job",
    "latest_published_round",
    "lock_round",
    "pin_assignment",
    "pin_in_place",
    "plan_is_solved",
    "plan_rows",
    "planned_assignment",
    "publish_round",
    "refuse",
    "release_abandoned",
    "require_hr",
    "round_counts",
    "round_for",
    "round_input",
    "round_result",
    "round_to_change",
    "solved_plan",
    "status_without_solve",
    "store_result",
    "unfilled_need_weeks",
    "unpin_assignment",
]
