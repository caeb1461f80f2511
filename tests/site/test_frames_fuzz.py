"""Random frames at every frame type: whatever a client sends, the socket stays open and
answers the frame (its reply, or an error frame), and the next frame still works.

Frames go through the whole ASGI stack (WebsocketCommunicator with Host, Origin and a
session cookie), one socket per example, each frame followed by a ping that must come back.
Fields get random JSON of every type (huge and negative integers, floats, NaN, booleans,
strings with NUL and lone surrogates, lists, objects), around the real room and message ids.
"""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communities.chat import services as chat
from communities.models import ChatRoom
from sosoon_site.asgi import application
from sosoon_site.frames import client_id
from sosoon_site.realtime import handler_for
from tests.site.test_socket import HOST, ORIGIN, session_cookie_for

pytestmark = pytest.mark.django_db(transaction=True)

# What each frame type answers when it succeeds (chat.typing answers nothing).
ANSWERS = {
    "ping": "pong",
    "chat.subscribe": "chat.subscribed",
    "chat.unsubscribe": "chat.unsubscribed",
    "chat.send": "chat.ack",
    "chat.edit": "chat.ack",
    "chat.delete": "chat.ack",
    "chat.history": "chat.history",
    "chat.sync": "chat.synced",
    "chat.read": "chat.read",
    "chat.typing": None,
    "chat.presence": "chat.presence",
    "chat.search": "chat.results",
}
FIELDS = ["room", "after", "before", "message", "reply_to", "body", "q"]
STRANGE_TEXT = ["", " ", "1", "wine", "x\ud800y", "\udfff", "\x00", "a\x00b", "[[[[", "é" * 50]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(STRANGE_TEXT),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def frames(real_ids: list[int]):
    near_real = st.sampled_from([*real_ids, 0, 1, 2**63 - 1, 2**63, -1])
    field_value = st.one_of(near_real, json_values)
    fields = st.fixed_dictionaries({}, optional={name: field_value for name in FIELDS})
    typed = st.builds(
        lambda frame_type, frame_id, body: (
            {"type": frame_type, **body} | ({} if frame_id is None else {"id": frame_id})
        ),
        st.sampled_from([*ANSWERS, "launch", ""]) | json_values,
        st.none() | json_values,
        fields,
    )
    return st.one_of(
        typed.map(json.dumps),
        json_values.map(json.dumps),
        st.text(min_size=1, max_size=30),
    )


def is_answer(frame: dict, sent: str) -> bool:
    """Whether `frame` answers the frame sent as `sent`: an error, or its type's reply with
    its id."""
    try:
        parsed = json.loads(sent)
    except ValueError:
        parsed = None
    expected_id = client_id(parsed) if isinstance(parsed, dict) else None
    if frame["type"] == "error":
        return expected_id is None or frame.get("id") == expected_id
    if not isinstance(parsed, dict) or handler_for(parsed.get("type")) is None:
        return False
    answer = ANSWERS.get(parsed["type"])
    return frame["type"] == answer and frame.get("id") == expected_id


async def throw(cookie: str, raw_frames: list[str]) -> None:
    socket = WebsocketCommunicator(
        application, "/ws/", headers=[HOST, ORIGIN, (b"cookie", cookie.encode())]
    )
    connected, _ = await socket.connect()
    assert connected
    try:
        for number, raw in enumerate(raw_frames):
            await socket.send_to(text_data=raw)
            await socket.send_json_to({"type": "ping", "id": f"after-{number}"})
            replies = []
            while True:
                reply = await socket.receive_json_from(timeout=5)
                if reply == {"type": "pong", "id": f"after-{number}"}:
                    break
                replies.append(reply)
            answered = any(is_answer(reply, raw) for reply in replies)
            silent_typing = '"chat.typing"' in raw and not any(
                reply["type"] == "error" for reply in replies
            )
            assert answered or silent_typing, (raw, replies)
    finally:
        await socket.disconnect()


def test_random_frames_never_close_the_socket_and_always_get_an_answer(community, member):
    general = ChatRoom.objects.get(community=community, name="general")
    message = chat.check_send_message(member, general.pk, "first pour")
    cookie = session_cookie_for(member)

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(frames([general.pk, message.pk]), min_size=1, max_size=4))
    def example(raw_frames):
        # Each example runs on a new event loop; channels_redis binds a layer to one.
        channel_layers.backends.clear()
        async_to_sync(throw)(cookie, raw_frames)

    example()
