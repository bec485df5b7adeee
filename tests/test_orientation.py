"""Unit tests for backendlab.labs.orientation: the module 00 reference answers and the greeter app."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from backendlab.labs.orientation import build_query, classify_status, fetch_greeting, make_greeter_app, parse_log_line
from backendlab.services import Service, serve


@pytest.fixture(scope="module")
def greeter() -> Iterator[Service]:
    with serve(make_greeter_app(), name="test-orientation-greeter", quiet=True) as svc:
        yield svc


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (100, "informational"),
        (199, "informational"),
        (200, "success"),
        (204, "success"),
        (301, "redirect"),
        (399, "redirect"),
        (404, "client_error"),
        (499, "client_error"),
        (500, "server_error"),
        (599, "server_error"),
    ],
)
def test_classify_status_uses_the_first_digit_at_every_boundary(code: int, expected: str) -> None:
    assert classify_status(code) == expected


@pytest.mark.parametrize("code", [0, 99, 600, 1000, -200])
def test_classify_status_rejects_codes_outside_100_to_599(code: int) -> None:
    with pytest.raises(ValueError, match=str(code)):
        classify_status(code)


def test_build_query_percent_encodes_spaces_ampersands_and_unicode() -> None:
    url = build_query("https://api.example.com/search", {"q": "Tom & Jerry", "lang": "zoë=1"})
    assert url == "https://api.example.com/search?q=Tom%20%26%20Jerry&lang=zo%C3%AB%3D1"


def test_build_query_round_trips_through_a_parser() -> None:
    params = {"a b": "c+d/e?f#g", "n": 3}
    parsed = parse_qsl(urlsplit(build_query("http://h/p", params)).query)
    assert parsed == [("a b", "c+d/e?f#g"), ("n", "3")]


def test_build_query_repeats_the_key_for_lists_and_drops_none() -> None:
    url = build_query("http://h/p", {"tag": ["a", None, "b"], "skip": None, "t": ("x",)})
    assert url == "http://h/p?tag=a&tag=b&t=x"


def test_build_query_extends_an_existing_query_and_keeps_the_fragment() -> None:
    assert build_query("http://h/p?page=2#top", {"q": "x"}) == "http://h/p?page=2&q=x#top"
    assert build_query("http://h/p?", {"q": "x"}) == "http://h/p?q=x"


def test_build_query_with_nothing_to_add_returns_the_base_unchanged() -> None:
    assert build_query("http://h/p?", {"q": None, "tags": []}) == "http://h/p?"
    assert build_query("http://h/p", {}) == "http://h/p"


def test_parse_log_line_upper_cases_level_and_converts_duration() -> None:
    line = '{"level": "warning", "message": "slow", "duration_ms": "12.5", "path": "/x"}\n'
    assert parse_log_line(line) == {"level": "WARNING", "message": "slow", "duration_ms": 12.5}


def test_parse_log_line_gives_a_float_for_an_int_duration_and_none_when_absent() -> None:
    parsed = parse_log_line('{"level": "info", "message": "ok", "duration_ms": 7}')
    assert parsed["duration_ms"] == 7.0 and isinstance(parsed["duration_ms"], float)
    assert parse_log_line('{"level": "info", "message": "ok"}')["duration_ms"] is None
    assert parse_log_line('{"level": "info", "message": "ok", "duration_ms": null}')["duration_ms"] is None


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("GET /health 200 3ms", "invalid JSON"),
        ("", "invalid JSON"),
        ("[1, 2]", "list"),
        ('{"message": "no level"}', "'level'"),
        ('{"level": "info"}', "'message'"),
        ('{"level": "info", "message": "m", "duration_ms": "fast"}', "not a number"),
    ],
)
def test_parse_log_line_rejects_unusable_lines_saying_why_and_quoting_them(line: str, why: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_log_line(line)
    assert why in str(info.value)
    assert repr(line.strip()[:20])[:-1] in str(info.value)


def test_parse_log_line_shortens_a_long_line_in_its_error() -> None:
    with pytest.raises(ValueError) as info:
        parse_log_line("x" * 500)
    assert len(str(info.value)) < 200


def test_greeter_app_answers_health_and_greet_and_rejects_an_empty_name(greeter: Service) -> None:
    with httpx.Client(base_url=greeter.url, timeout=5) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/greet", params={"name": "Ada"}).json() == {"message": "Hello, Ada!"}
        assert client.get("/greet", params={"name": ""}).status_code == 422
        assert client.get("/greet").status_code == 422
        assert client.get("/nope").status_code == 404


def test_fetch_greeting_encodes_the_name_and_raises_on_errors(greeter: Service) -> None:
    with httpx.Client(base_url=greeter.url, timeout=5) as client:
        assert fetch_greeting(client, "Tom & Jerry") == "Hello, Tom & Jerry!"
        with pytest.raises(httpx.HTTPStatusError):
            fetch_greeting(client, "")


def test_fetch_greeting_returns_the_services_message_field() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"message": request.url.params["name"] * 2}))
    with httpx.Client(transport=transport, base_url="http://mock") as client:
        assert fetch_greeting(client, "ab") == "abab"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_fetch_greeting_raises_on_a_redirect_because_httpx_does_not_follow_it(status: int) -> None:
    moved = httpx.Response(status, json={"message": "moved"}, headers={"location": "/v2/greet"})
    with httpx.Client(transport=httpx.MockTransport(lambda request: moved), base_url="http://mock") as client:
        with pytest.raises(httpx.HTTPStatusError):
            fetch_greeting(client, "Ada")


def test_the_reason_phrase_of_422_is_the_servers_choice_not_the_status(greeter: Service) -> None:
    with httpx.Client(base_url=greeter.url, timeout=5) as client:
        response = client.get("/greet")
    assert response.status_code == 422
    assert response.reason_phrase in {"Unprocessable Entity", "Unprocessable Content"}


@pytest.mark.parametrize("flag", ["true", "false"])
def test_parse_log_line_rejects_a_boolean_duration_because_it_is_not_a_number(flag: str) -> None:
    line = f'{{"level": "info", "message": "m", "duration_ms": {flag}}}'
    with pytest.raises(ValueError, match="not a number") as info:
        parse_log_line(line)
    assert line in str(info.value)


@pytest.mark.parametrize("duration", ["[1]", '{"ms": 1}'])
def test_parse_log_line_rejects_a_container_duration_with_a_value_error(duration: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_log_line(f'{{"level": "info", "message": "m", "duration_ms": {duration}}}')


@pytest.mark.parametrize(
    ("line", "field"),
    [('{"level": null, "message": "m"}', "'level'"), ('{"level": "info", "message": null}', "'message'")],
)
def test_parse_log_line_treats_a_null_level_or_message_as_missing(line: str, field: str) -> None:
    with pytest.raises(ValueError, match=field) as info:
        parse_log_line(line)
    assert line in str(info.value)


def test_parse_log_line_gives_message_as_a_str_and_keeps_an_empty_one() -> None:
    assert parse_log_line('{"level": "info", "message": 404}')["message"] == "404"
    assert parse_log_line('{"level": "info", "message": ""}')["message"] == ""


def test_parse_log_line_ignores_any_whitespace_around_the_line() -> None:
    assert parse_log_line('\x0c\t {"level": "info", "message": "m"} \r\n\x0b')["level"] == "INFO"
