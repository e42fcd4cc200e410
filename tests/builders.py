"""Small builders for tests: a tiny municipality with just enough of everything."""

from __future__ import annotations

from typing import Any

from jobbank.core.roles import Role
from jobbank.seeding import (
    AreaSeed,
    Municipality,
    NeedSeed,
    PersonSeed,
    SkillSeed,
    UnitSeed,
    UserSeed,
    VolunteerSeed,
)

PASSWORD = "correct horse battery"


def a_volunteer(**changes: Any) -> VolunteerSeed:
    defaults: dict[str, Any] = {"skills": ["nurse"], "normal_hours": 37, "home_load": 17}
    return VolunteerSeed(**(defaults | changes))


def a_municipality(**changes: Any) -> Municipality:
    """Two areas, three units, four people (three volunteer), two needs, two log-ins."""
    parts: dict[str, Any] = {
        "name": "Testrup Kommune",
        "areas": [AreaSeed(name="Social og Sundhed"), AreaSeed(name="Administration")],
        "units": [
            UnitSeed(code="solgaarden", name="Plejecenter Solgården", area="Social og Sundhed"),
            UnitSeed(code="hjemmeplejen", name="Hjemmeplejen", area="Social og Sundhed"),
            UnitSeed(code="borgerservice", name="Borgerservice", area="Administration"),
        ],
        "skills": [
            SkillSeed(code="nurse", label_da="Sygeplejerske", label_en="Nurse"),
            SkillSeed(code="cleaning", label_da="Rengøring", label_en="Cleaning"),
        ],
        "people": [
            PersonSeed(
                employee_no="e1",
                name="Anne Jensen",
                email="anne@x.example",
                home_unit="borgerservice",
                volunteer=a_volunteer(
                    home_load=[20, 20, 10, 10],
                    unavailable_weeks=[3],
                    preferred_areas=["Social og Sundhed"],
                ),
            ),
            PersonSeed(
                employee_no="e2",
                name="Bo Nielsen",
                email="bo@x.example",
                home_unit="borgerservice",
                volunteer=a_volunteer(
                    skills=["cleaning", "nurse"],
                    risk_group=True,
                    shifts=["day", "evening"],
                    avoid_units=["hjemmeplejen"],
                ),
            ),
            PersonSeed(
                employee_no="e3",
                name="Carla Hansen",
                email="carla@x.example",
                home_unit="hjemmeplejen",
                volunteer=a_volunteer(approved=False),
            ),
            PersonSeed(
                employee_no="e4",
                name="Dorte Leder",
                email="dorte@x.example",
                home_unit="solgaarden",
            ),
        ],
        "users": [
            UserSeed(
                username="hr",
                password=PASSWORD,
                person="e4",
                roles=[Role.HR_COORDINATOR, Role.UNIT_LEADER],
                leads=["solgaarden"],
            ),
            UserSeed(username="anne", password=PASSWORD, person="e1", roles=[Role.STAFF]),
        ],
        "needs": [
            NeedSeed(
                ref="n1",
                unit="solgaarden",
                skill="nurse",
                hours=[30, 30, 0, 30],
                priority=5,
                exposed=True,
                description="Hjælp ved måltider",
            ),
            NeedSeed(
                ref="n2",
                unit="hjemmeplejen",
                skill="cleaning",
                hours=10,
                first_week=1,
                weeks=2,
                shift="evening",
            ),
        ],
    }
    return Municipality(**(parts | changes))
