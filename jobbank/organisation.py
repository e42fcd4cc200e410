"""Areas, units and the skills catalogue, on advanced-alchemy's repository services."""

from __future__ import annotations

from advanced_alchemy.repository import SQLAlchemySyncRepository
from advanced_alchemy.service import SQLAlchemySyncRepositoryService

from jobbank.models import Area, Skill, Unit


class AreaService(SQLAlchemySyncRepositoryService[Area]):
    class Repository(SQLAlchemySyncRepository[Area]):
        model_type = Area

    repository_type = Repository


class UnitService(SQLAlchemySyncRepositoryService[Unit]):
    class Repository(SQLAlchemySyncRepository[Unit]):
        model_type = Unit

    repository_type = Repository

    def by_code(self, code: str) -> Unit | None:
        return self.get_one_or_none(code=code)


class SkillService(SQLAlchemySyncRepositoryService[Skill]):
    class Repository(SQLAlchemySyncRepository[Skill]):
        model_type = Skill

    repository_type = Repository

    def by_code(self, code: str) -> Skill | None:
        return self.get_one_or_none(code=code)
