"""The Command service: listing, running with defaults overlaid, unknown
names, failing handlers, and the multi-user radial command's geometry."""

import math

import grpc
import pytest

RADIAL = "multiuser/radially-orient-origins"
TOLERANCE = 1e-9


def test_lists_the_radial_command_with_its_default_radius(hub):
    commands = hub.connect().commands()
    assert RADIAL in commands
    assert commands[RADIAL] == {"radius": 1.0}
    # Numbers are doubles on the wire: the default 1 is listed as 1.0.
    assert isinstance(commands[RADIAL]["radius"], float)


@pytest.mark.parametrize("name", ["no/such-command", "nïcht/da 🚫"])
def test_unknown_command_is_invalid_argument_naming_it(hub, name):
    peer = hub.connect()
    with pytest.raises(grpc.RpcError) as raised:
        peer.run(name, {"radius": 2})
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert name in raised.value.details()
    # The server goes on.
    assert RADIAL in peer.commands()


def test_failing_command_is_an_error_and_the_server_goes_on(hub):
    """A radius that is not a number makes the handler fail: the call ends
    with an error status and a message, and other calls go on."""
    peer = hub.connect()
    peer.update({"avatar.a": {}})
    with pytest.raises(grpc.RpcError) as raised:
        peer.run(RADIAL, {"radius": "far"})
    assert raised.value.code() != grpc.StatusCode.OK
    assert raised.value.details()
    assert peer.run(RADIAL) == {}
    assert "user-origin.a" in peer.state()


def angle_index(position, count):
    """Which of the `count` evenly spread angles a position lies at."""
    angle = math.atan2(position[2], position[0]) % (2 * math.pi)
    return round(angle * count / (2 * math.pi)) % count


def expected_origin(index, count, radius):
    angle = 2 * math.pi * index / count
    turn = -angle - math.pi / 2
    return {
        "position": [radius * math.cos(angle), 0.0, radius * math.sin(angle)],
        "rotation": [0.0, math.sin(turn / 2), 0.0, math.cos(turn / 2)],
    }


def assert_close(actual, expected, what):
    assert len(actual) == len(expected), what
    for got, want in zip(actual, expected):
        assert isinstance(got, float), what
        assert abs(got - want) <= TOLERANCE, f"{what}: {actual} != {expected}"


# (avatars, arguments sent, radius expected). None sends no `arguments`
# field at all; the extra key is passed to the handler, which ignores it.
GEOMETRY = [
    pytest.param(1, None, 1.0, id="1-avatar-no-arguments"),
    pytest.param(2, {}, 1.0, id="2-avatars-empty-arguments"),
    pytest.param(3, None, 1.0, id="3-avatars-default-radius"),
    pytest.param(5, {"radius": 2.5}, 2.5, id="5-avatars-radius-2.5"),
    pytest.param(8, {"radius": 0.5, "unused": "extra keys are passed"}, 0.5, id="8-avatars-radius-0.5-extra-key"),
]


@pytest.mark.parametrize("count, arguments, radius", GEOMETRY)
def test_radial_command_places_every_avatar_on_a_circle(hub, count, arguments, radius):
    """For n avatars: user-origin.<id> = {position [r cos a, 0, r sin a],
    rotation [0, sin(t/2), 0, cos(t/2)]}, t = -a - pi/2, a = 2 pi i / n,
    each i used once (which avatar gets which i is not specified)."""
    peer = hub.connect()
    avatars = {f"avatar.{name}": {"name": name, "colour": [1, 0, 0]}
               for name in ["zed", "amy", "k.9", "bob", "👾", "carl", "dee", "eve"][:count]}
    bystanders = {"scene": {"atoms": 3}, "avatar": "no dot, not an avatar", "selection.amy": [1, 2]}
    assert peer.update({**avatars, **bystanders})

    assert peer.run(RADIAL, arguments) == {}, "the command returns nothing: an empty result"

    state = peer.state()
    ids = [key[len("avatar."):] for key in avatars]
    origins = {key: value for key, value in state.items() if key.startswith("user-origin.")}
    assert sorted(origins) == sorted(f"user-origin.{id}" for id in ids)
    assert {key: state[key] for key in avatars} == avatars
    assert {key: state[key] for key in bystanders} == bystanders, "other keys are left alone"

    indices = []
    for key, origin in origins.items():
        assert set(origin) == {"position", "rotation"}, key
        index = angle_index(origin["position"], count)
        indices.append(index)
        expected = expected_origin(index, count, radius)
        assert_close(origin["position"], expected["position"], f"{key} position")
        assert_close(origin["rotation"], expected["rotation"], f"{key} rotation")
    assert sorted(indices) == list(range(count)), "the angles are spread evenly, one per avatar"


def test_radial_command_with_no_avatars_changes_nothing(hub):
    peer = hub.connect()
    assert peer.update({"scene": 1})
    assert peer.run(RADIAL, {"radius": 3}) == {}
    assert peer.state() == {"scene": 1.0}
