"""The municipality API tests run against: one person per role and reach.

| user      | roles                     | person | home unit     | leads         |
| --------- | ------------------------- | ------ | ------------- | ------------- |
| hr        | HR coordinator            | e4     | solgaarden    |               |
| leder_sol | unit leader               | e6     | solgaarden    | solgaarden    |
| leder_bs  | unit leader, staff        | e5     | borgerservice | borgerservice |
| leder_hp  | unit leader               | e7     | hjemmeplejen  | hjemmeplejen  |
| anne      | staff (approved volunteer)| e1     | borgerservice |               |
| bo        | staff (risk group)        | e2     | borgerservice |               |
| carla     | staff (not yet approved)  | e3     | hjemmeplejen  |               |
"""

from __future__ import annotations

from jobbank.core.roles import Role
from jobbank.seeding import Municipality, PersonSeed, UserSeed
from tests.builders import PASSWORD, a_municipality

USERS = ("hr", "leder_sol", "leder_bs", "leder_hp", "anne", "bo", "carla")


def api_world() -> Municipality:
    base = a_municipality()
    leaders = [
        PersonSeed(
            employee_no="e5", name="Erik Leder", email="erik@x.example", home_unit="borgerservice"
        ),
        PersonSeed(
            employee_no="e6",
            name="Frida Leder",
            email="frida@x.example",
            home_unit="solgaarden",
            phone="55 55 55 55",
        ),
        PersonSeed(
            employee_no="e7",
            name="Gustav Leder",
            email="gustav@x.example",
            home_unit="hjemmeplejen",
        ),
    ]

    def user(name: str, person: str, roles: list[Role], leads: list[str] | None = None) -> UserSeed:
        return UserSeed(
            username=name, password=PASSWORD, person=person, roles=roles, leads=leads or []
        )

    users = [
        user("hr", "e4", [Role.HR_COORDINATOR]),
        user("leder_sol", "e6", [Role.UNIT_LEADER], ["solgaarden"]),
        user("leder_bs", "e5", [Role.UNIT_LEADER, Role.STAFF], ["borgerservice"]),
        user("leder_hp", "e7", [Role.UNIT_LEADER], ["hjemmeplejen"]),
        user("anne", "e1", [Role.STAFF]),
        user("bo", "e2", [Role.STAFF]),
        user("carla", "e3", [Role.STAFF]),
    ]
    return base.model_copy(update={"people": [*base.people, *leaders], "users": users})
