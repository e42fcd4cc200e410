"""`jobbank schema`: the contract's JSON Schemas, for those who write or read its files."""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import BaseModel

from solver.contract import RepairInput, RepairResult, RoundInput, RoundResult


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default="schema")
def schema(folder: Path) -> None:
    """Write the JSON Schemas of RoundInput, RoundResult, RepairInput and RepairResult into
    FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    models: tuple[tuple[str, type[BaseModel]], ...] = (
        ("round-input", RoundInput),
        ("round-result", RoundResult),
        ("repair-input", RepairInput),
        ("repair-result", RepairResult),
    )
    for name, model in models:
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n")
        click.echo(f"wrote {path}")
