"""`/v1/sync/config` names the entities a push takes (issue 17): a laptop holds back its
employer registrations against a server that does not list `employer_registration` (one from
before it, whose config has no `entities`, would refuse the whole batch)."""

from __future__ import annotations

import typing

from srv_support import World

from sync import protocol


def test_the_config_names_the_pushed_entities(world: World) -> None:
    a1, _, _ = world.standard()
    answer = world.client.get("/v1/sync/config", headers=a1.headers)
    assert answer.status_code == 200
    config = protocol.SyncConfig.model_validate(answer.json())
    assert config.entities == list(typing.get_args(protocol.Entity))
    assert "employer_registration" in config.entities
    older = {k: v for k, v in answer.json().items() if k != "entities"}
    assert protocol.SyncConfig.model_validate(older).entities is None
