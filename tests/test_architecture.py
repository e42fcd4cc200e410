"""No import cycles: every module of jobbank, solver and api can be read after the modules it
imports. The graph is grimp's (the one import-linter checks the layers on), so imports inside
functions count as much as those at the top of a file. Imports for the type checker alone
(`if TYPE_CHECKING:`) do not: they never run, and they are how two mapped classes that refer to
each other (a person and their volunteer profile) name each other's type."""

from __future__ import annotations

import graphlib
import itertools
from collections.abc import Mapping, Set

import grimp

PACKAGES = ("jobbank", "solver", "api")


def import_graph() -> dict[str, Set[str]]:
    """Each module of ours and the modules of ours it imports."""
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def import_cycle(imports: Mapping[str, Set[str]]) -> list[str] | None:
    """A cycle of imports as importer, imported, …, back to the first; None when there is none."""
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as error:
        # Each module in the sorter's cycle is imported by the one after it.
        return list(reversed(error.args[1]))
    return None


def test_a_cycle_is_found_and_named_from_importer_to_imported() -> None:
    imports = {"a.cli": {"a.common"}, "a.common": {"a.core", "a.cli"}, "a.core": set[str]()}
    cycle = import_cycle(imports)
    assert cycle is not None
    assert set(cycle) == {"a.cli", "a.common"} and cycle[0] == cycle[-1]
    assert all(imported in imports[importer] for importer, imported in itertools.pairwise(cycle))
    assert import_cycle({"a.cli": {"a.common"}, "a.common": {"a.core"}, "a.core": set()}) is None


def test_no_module_imports_itself_through_others() -> None:
    imports = import_graph()
    assert "jobbank.cli.main" in imports and "solver.contract" in imports
    cycle = import_cycle(imports)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
