"""Tests for backendlab.labs.contracts: the Orders contract, its reference service, conformance, breaking changes, fuzzing, client."""

from __future__ import annotations

import copy
import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pydantic
import pytest
from fastapi import FastAPI

from backendlab.labs import contracts
from backendlab.services import serve


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return contracts.full_contract()


@pytest.fixture()
def service() -> Iterator[tuple[str, contracts.OrderStore, FastAPI]]:
    store = contracts.OrderStore(clock=contracts.FakeClock())
    store.seed(12, seed=1)
    app = contracts.create_app(store=store)
    svc = serve(app, name="test-contracts", quiet=True)
    try:
        yield svc.url, store, app
    finally:
        svc.stop()


def _orders(count: int, clock: contracts.FakeClock, first: int = 1) -> list[dict[str, Any]]:
    return [{"id": f"ord_{n:012x}", "created_at": contracts.format_timestamp(clock())} for n in range(first, first + count)]


def _walk(orders: list[dict[str, Any]], limit: int, between: Any = None) -> list[str]:
    seen: list[str] = []
    cursor = None
    for step in range(100):
        page, cursor = contracts.page_of(orders, limit, cursor)
        seen += [o["id"] for o in page]
        if cursor is None:
            return seen
        if between:
            between(step)
    raise AssertionError("the walk did not end")


def test_dataset_contract_is_valid_openapi_31_with_three_operations() -> None:
    base = contracts.load_contract()
    contracts.validate_contract(base)
    assert base["openapi"] == "3.1.0"
    assert [op.operation_id for op in contracts.operations(base)] == ["listOrders", "createOrder", "getOrder"]


def test_add_cancel_operation_returns_a_valid_copy_and_leaves_the_input_alone() -> None:
    base = contracts.load_contract()
    extended = contracts.add_cancel_operation(base)
    contracts.validate_contract(extended)
    assert base == contracts.load_contract()
    cancel = {op.operation_id: op for op in contracts.operations(extended)}["cancelOrder"]
    assert cancel.key == "POST /v1/orders/{order_id}/cancel"
    assert sorted(cancel.responses) == ["200", "400", "404", "409", "422"]
    assert cancel.request_schema is not None and cancel.request_schema["required"] == ["reason"]
    assert extended["info"]["version"] == "1.1.0"


def test_inline_refs_replaces_every_local_ref_and_rejects_dangling_ones(spec: dict[str, Any]) -> None:
    assert "$ref" not in repr(contracts.inline_refs(spec))
    broken = copy.deepcopy(spec)
    broken["paths"]["/v1/orders"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/Nope"
    with pytest.raises(ValueError, match="points to nothing"):
        contracts.inline_refs(broken)


def test_operations_merge_path_level_and_operation_parameters(spec: dict[str, Any]) -> None:
    get_order = {op.key: op for op in contracts.operations(spec)}["GET /v1/orders/{order_id}"]
    assert get_order.param("path", "order_id") is not None
    assert get_order.param("header", "if-none-match") is not None


def test_cursor_round_trips_and_uses_url_safe_characters_only() -> None:
    cursor = contracts.encode_cursor("2025-01-01T00:00:00.000000Z", "ord_00000000002a")
    assert contracts.CURSOR_RE.fullmatch(cursor) and "=" not in cursor
    assert contracts.decode_cursor(cursor) == ("2025-01-01T00:00:00.000000Z", "ord_00000000002a")


@pytest.mark.parametrize("garbage", ["", "not a cursor", "bnVsbA", "W10", "eyJ2IjoyLCJ0IjoiYSIsImlkIjoiYiJ9", "a" * 500])
def test_decode_cursor_rejects_anything_it_did_not_issue_with_value_error(garbage: str) -> None:
    with pytest.raises(ValueError):
        contracts.decode_cursor(garbage)


def test_page_of_never_repeats_or_skips_while_orders_arrive() -> None:
    clock = contracts.FakeClock()
    orders = _orders(30, clock)
    originals = [o["id"] for o in orders]
    seen = _walk(orders, 4, between=lambda step: orders.extend(_orders(3, clock, first=100 + 3 * step)))
    assert Counter(seen).most_common(1)[0][1] == 1
    assert set(originals) <= set(seen)


def test_page_of_keeps_orders_that_share_a_timestamp_and_sorts_newest_first() -> None:
    moment = "2025-01-01T00:00:00.000000Z"
    orders = [{"id": f"ord_{n:012x}", "created_at": moment} for n in range(1, 10)]
    random.Random(1).shuffle(orders)
    assert _walk(orders, 2) == [f"ord_{n:012x}" for n in range(9, 0, -1)]


def test_page_of_returns_no_cursor_for_the_page_with_the_last_order() -> None:
    orders = _orders(10, contracts.FakeClock())
    first, cursor = contracts.page_of(orders, 5)
    assert len(first) == 5 and cursor is not None
    second, cursor = contracts.page_of(orders, 5, cursor)
    assert len(second) == 5 and cursor is None


def test_idempotency_store_replays_without_creating_and_refuses_another_body() -> None:
    calls: list[dict[str, Any]] = []

    def create(payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        calls.append(payload)
        return 201, {"n": len(calls)}

    store = contracts.IdempotencyStore()
    assert store.handle("k1", {"a": 1, "b": 2}, create) == (201, {"n": 1})
    assert store.handle("k1", {"b": 2, "a": 1}, create) == (201, {"n": 1})
    with pytest.raises(contracts.IdempotencyKeyReused):
        store.handle("k1", {"a": 2}, create)
    store.handle(None, {"a": 1}, create)
    store.handle(None, {"a": 1}, create)
    assert len(calls) == 3 and len(store) == 1


def test_etag_changes_with_the_representation_and_matches_lists_weak_tags_and_star() -> None:
    tag = contracts.etag_of({"id": "ord_1", "status": "pending"})
    assert tag.startswith('"') and tag != contracts.etag_of({"id": "ord_1", "status": "cancelled"})
    assert tag == contracts.etag_of({"status": "pending", "id": "ord_1"})
    assert contracts.etag_matches(f'"other", W/{tag}', tag)
    assert contracts.etag_matches("*", tag)
    assert not contracts.etag_matches('"other"', tag) and not contracts.etag_matches(None, tag)


def test_validation_errors_map_body_locations_to_pointers_and_others_to_parameters() -> None:
    errors = [
        {"loc": ("body", "items", 0, "quantity"), "msg": "too small"},
        {"loc": ("body", "a/b~c"), "msg": "odd name"},
        {"loc": ("query", "limit"), "msg": "too small"},
    ]
    assert contracts.validation_errors(errors) == [
        {"detail": "too small", "pointer": "#/items/0/quantity"},
        {"detail": "odd name", "pointer": "#/a~1b~0c"},
        {"detail": "too small", "parameter": "limit"},
    ]


def test_reference_service_conforms_to_its_contract(service: tuple[str, contracts.OrderStore, FastAPI], spec: dict[str, Any]) -> None:
    url, _, app = service
    report = contracts.check_conformance(url, spec, app=app)
    assert report.ok and not report.findings, [str(f) for f in report.findings]
    assert len(report.checks) >= 15
    assert httpx.get(url + "/openapi.json").json() == spec


def test_conformance_flags_default_errors_missing_operations_and_undocumented_routes(spec: dict[str, Any]) -> None:
    app = contracts.create_app(operations=contracts.BASE_OPERATIONS, problem_handlers=None)

    @app.delete("/v1/orders/{order_id}")
    def delete_order(order_id: str) -> None:
        return None

    with serve(app, name="test-contracts-v0", quiet=True) as svc:
        report = contracts.check_conformance(svc.url, spec, app=app)
    messages = "\n".join(str(f) for f in report.errors)
    assert "content type 'application/json' is not documented" in messages
    assert "malformed JSON body: expected 400, got 422" in messages
    assert "GET /v1/orders/{order_id}: valid request: expected 200" in messages
    assert "DELETE /v1/orders/{order_id}: the service has this route" in messages


def test_conformance_notices_a_replayed_idempotency_key_that_creates_again(spec: dict[str, Any]) -> None:
    class Forgetful:
        def handle(self, key: Any, payload: Any, create: Any) -> Any:
            return create(payload)

    app = contracts.create_app(idempotency=Forgetful())
    with serve(app, name="test-contracts-forgetful", quiet=True) as svc:
        report = contracts.check_conformance(svc.url, spec)
    assert any("replay" in f.message for f in report.errors)


def test_problem_handlers_answer_400_422_404_and_a_500_that_leaks_nothing(service: tuple[str, contracts.OrderStore, FastAPI]) -> None:
    url, _, _ = service
    with httpx.Client(base_url=url, timeout=5) as client:
        malformed = client.post("/v1/orders", content=b"{", headers={"Content-Type": "application/json"})
        invalid = client.post("/v1/orders", json={"currency": "BTC"})
        missing = client.get("/v1/orders/ord_ffffffffffff")
    assert [r.status_code for r in (malformed, invalid, missing)] == [400, 422, 404]
    assert {r.headers["content-type"] for r in (malformed, invalid, missing)} == {contracts.PROBLEM_JSON}
    assert sorted(e["pointer"] for e in invalid.json()["errors"]) == ["#/currency", "#/customer_id", "#/items"]
    assert invalid.json()["type"] == contracts.VALIDATION_FAILED and malformed.json()["type"] == "about:blank"
    crashy = FastAPI()
    contracts.install_problem_handlers(crashy)

    @crashy.get("/boom")
    def boom() -> None:
        raise RuntimeError("password=hunter2")

    with serve(crashy, name="test-contracts-crashy", quiet=True) as svc:
        crash = httpx.get(svc.url + "/boom", timeout=5)
    assert crash.status_code == 500 and "hunter2" not in crash.text
    assert crash.json()["title"] == "Internal Server Error" and crashy.state.unhandled_errors == 1


def test_breaking_changes_finds_each_kind_and_nothing_for_additive_changes(spec: dict[str, Any]) -> None:
    assert contracts.breaking_changes(contracts.load_contract(), spec) == []
    new = copy.deepcopy(spec)
    schemas = new["components"]["schemas"]
    del new["paths"]["/v1/orders/{order_id}/cancel"]
    schemas["NewOrder"]["required"].append("note")
    schemas["Currency"]["enum"] = ["EUR", "USD", "CHF"]
    del schemas["Order"]["properties"]["cancel_reason"]
    schemas["Order"]["properties"]["points"] = {"type": "integer"}
    schemas["OrderItem"]["properties"]["gift"] = {"type": "boolean"}
    region = {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
    new["paths"]["/v1/orders"]["get"]["parameters"].append(region)
    assert contracts.breaking_changes(spec, new) == sorted([
        contracts.Change(contracts.REMOVED_OPERATION, "POST /v1/orders/{order_id}/cancel", ""),
        contracts.Change(contracts.NEW_REQUIRED_FIELD, "POST /v1/orders", "request.note"),
        contracts.Change(contracts.NEW_REQUIRED_FIELD, "GET /v1/orders", "query.region"),
        contracts.Change(contracts.NARROWED_ENUM, "POST /v1/orders", "request.currency"),
        contracts.Change(contracts.REMOVED_RESPONSE_FIELD, "GET /v1/orders", "response.200.items[].cancel_reason"),
        contracts.Change(contracts.REMOVED_RESPONSE_FIELD, "GET /v1/orders/{order_id}", "response.200.cancel_reason"),
        contracts.Change(contracts.REMOVED_RESPONSE_FIELD, "POST /v1/orders", "response.201.cancel_reason"),
        # CHF is new in the responses too: a strict client (a Literal, an enum class) rejects an order in CHF
        contracts.Change(contracts.WIDENED_ENUM, "GET /v1/orders", "response.200.items[].currency"),
        contracts.Change(contracts.WIDENED_ENUM, "GET /v1/orders/{order_id}", "response.200.currency"),
        contracts.Change(contracts.WIDENED_ENUM, "POST /v1/orders", "response.201.currency"),
    ])


def test_adding_a_response_enum_value_breaks_strict_clients_but_adding_a_request_one_does_not(spec: dict[str, Any]) -> None:
    new = copy.deepcopy(spec)
    new["components"]["schemas"]["CancelReason"]["enum"].append("duplicate")
    assert contracts.breaking_changes(spec, new) == sorted([
        contracts.Change(contracts.WIDENED_ENUM, "GET /v1/orders", "response.200.items[].cancel_reason"),
        contracts.Change(contracts.WIDENED_ENUM, "GET /v1/orders/{order_id}", "response.200.cancel_reason"),
        contracts.Change(contracts.WIDENED_ENUM, "POST /v1/orders", "response.201.cancel_reason"),
        contracts.Change(contracts.WIDENED_ENUM, "POST /v1/orders/{order_id}/cancel", "response.200.cancel_reason"),
    ])
    generated = contracts.generate_client(spec)
    assert "Literal[" in generated  # the course's own client is one of those strict clients


def test_breaking_changes_finds_type_changes_tightened_constraints_required_bodies_and_removed_statuses(spec: dict[str, Any]) -> None:
    def change(edit: Any) -> list[contracts.Change]:
        new = copy.deepcopy(spec)
        edit(new)
        return contracts.breaking_changes(spec, new)

    schemas = "components", "schemas"
    C = contracts.Change
    assert change(lambda s: s[schemas[0]][schemas[1]]["NewOrder"]["properties"]["note"].update(maxLength=100)) == [
        C(contracts.TIGHTENED_CONSTRAINT, "POST /v1/orders", "request.note")]
    assert change(lambda s: s[schemas[0]][schemas[1]]["OrderItem"]["properties"]["quantity"].update(minimum=2)) == [
        C(contracts.TIGHTENED_CONSTRAINT, "POST /v1/orders", "request.items[].quantity")]
    assert change(lambda s: s[schemas[0]][schemas[1]]["NewOrder"]["properties"]["note"].update(maxLength=500)) == []
    assert change(lambda s: s[schemas[0]][schemas[1]]["OrderItem"]["properties"]["quantity"].update(minimum=0)) == []
    assert change(lambda s: s["paths"]["/v1/orders"]["get"]["parameters"][0]["schema"].update(maximum=50)) == [
        C(contracts.TIGHTENED_CONSTRAINT, "GET /v1/orders", "query.limit")]
    assert change(lambda s: s[schemas[0]][schemas[1]]["OrderItem"]["properties"]["quantity"].update(type="string")) == [
        C(contracts.CHANGED_TYPE, "GET /v1/orders", "response.200.items[].items[].quantity"),
        C(contracts.CHANGED_TYPE, "GET /v1/orders/{order_id}", "response.200.items[].quantity"),
        C(contracts.CHANGED_TYPE, "POST /v1/orders", "request.items[].quantity"),
        C(contracts.CHANGED_TYPE, "POST /v1/orders", "response.201.items[].quantity"),
        C(contracts.CHANGED_TYPE, "POST /v1/orders/{order_id}/cancel", "response.200.items[].quantity")]
    # integer -> number accepts every old request value; a nullable response field is new to its readers
    assert change(lambda s: s[schemas[0]][schemas[1]]["OrderItem"]["properties"]["unit_price_cents"].update(type="number"))[0].location \
        == "response.200.items[].items[].unit_price_cents"
    assert change(lambda s: s[schemas[0]][schemas[1]]["NewOrder"]["properties"]["note"].update(type=["string", "null"])) == []
    assert change(lambda s: s[schemas[0]][schemas[1]]["Order"]["properties"]["note"].update(type=["string", "null"])) == [
        C(contracts.CHANGED_TYPE, "GET /v1/orders", "response.200.items[].note"),
        C(contracts.CHANGED_TYPE, "GET /v1/orders/{order_id}", "response.200.note"),
        C(contracts.CHANGED_TYPE, "POST /v1/orders", "response.201.note"),
        C(contracts.CHANGED_TYPE, "POST /v1/orders/{order_id}/cancel", "response.200.note")]
    assert change(lambda s: s["paths"]["/v1/orders"]["post"]["requestBody"].update(required=False)) == []
    older = copy.deepcopy(spec)
    older["paths"]["/v1/orders"]["post"]["requestBody"]["required"] = False
    assert contracts.breaking_changes(older, spec) == [C(contracts.NEW_REQUIRED_FIELD, "POST /v1/orders", "request")]
    assert change(lambda s: s["paths"]["/v1/orders/{order_id}"]["get"]["responses"].pop("304")) == [
        C(contracts.REMOVED_RESPONSE_STATUS, "GET /v1/orders/{order_id}", "response.304")]


def test_generate_requests_is_deterministic_for_a_seed_and_mixes_valid_and_broken(spec: dict[str, Any]) -> None:
    first = contracts.generate_requests(spec, n=60, seed=5, ids=["ord_000000000001"])
    assert first == contracts.generate_requests(spec, n=60, seed=5, ids=["ord_000000000001"])
    assert first != contracts.generate_requests(spec, n=60, seed=6, ids=["ord_000000000001"])
    notes = Counter(r.note == "valid" for r in first)
    assert notes[True] > 5 and notes[False] > 5
    assert {r.operation for r in first} == {op.key for op in contracts.operations(spec)}


def test_sample_bodies_alternate_valid_and_broken_instances(spec: dict[str, Any]) -> None:
    import jsonschema

    schema = contracts.inline_refs(spec)["components"]["schemas"]["NewOrder"]
    validator = jsonschema.Draft202012Validator(schema)
    verdicts = [validator.is_valid(body) for body, _ in contracts.sample_bodies(schema, 40, seed=3)]
    assert verdicts == [i % 2 == 0 for i in range(40)]


def test_fuzzing_finds_no_server_error_in_the_reference_and_catches_a_crashing_store(
    service: tuple[str, contracts.OrderStore, FastAPI], spec: dict[str, Any]
) -> None:
    url, store, _ = service
    ids = [o["id"] for o in store.all()]
    report = contracts.fuzz(url, spec, n=80, time_limit_s=8, seed=2, ids=ids)
    assert len(report.results) == 80 and not report.server_errors and not report.violations

    class Crashing(contracts.OrderStore):
        def create(self, new_order: dict[str, Any], status: str = "pending") -> dict[str, Any]:
            raise RuntimeError("boom")

    with serve(contracts.create_app(store=Crashing()), name="test-contracts-crashing", quiet=True) as svc:
        crashing = contracts.fuzz(svc.url, spec, n=40, time_limit_s=8, seed=2)
    assert crashing.server_errors and all(r.operation == "POST /v1/orders" for r, _ in crashing.server_errors)


def test_fuzz_stops_at_its_time_limit(spec: dict[str, Any]) -> None:
    report = contracts.fuzz("http://127.0.0.1:9", spec, n=50, time_limit_s=0.0, seed=1)
    assert report.stopped_by_time and report.results == []


def test_generated_client_calls_every_operation_of_the_service(
    service: tuple[str, contracts.OrderStore, FastAPI], spec: dict[str, Any]
) -> None:
    url, _, _ = service
    module = contracts.load_client(contracts.generate_client(spec), "test_orders_client")
    client = module.OrdersClient(url)
    try:
        order = client.create_order({"customer_id": "cus_client1", "currency": "EUR",
                                     "items": [{"sku": "PEN-3", "quantity": 2, "unit_price_cents": 100}]}, idempotency_key="client-key-1")
        assert order["total_cents"] == 200
        assert client.list_orders(customer_id="cus_client1")["items"][0]["id"] == order["id"]
        tag = httpx.get(f"{url}/v1/orders/{order['id']}").headers["etag"]
        assert client.get_order(order["id"], if_none_match=tag) is None
        cancelled = client.cancel_order(order["id"], {"reason": "customer_request"})
        assert cancelled["status"] == "cancelled"
        assert client.cancel_order(order["id"], {"reason": "customer_request"}) == cancelled  # a retry is safe
        with pytest.raises(module.ApiProblem) as problem:
            client.cancel_order(order["id"], {"reason": "out_of_stock"})
        assert problem.value.status == 409
    finally:
        client.close()


def test_create_app_rejects_unknown_operation_names() -> None:
    with pytest.raises(ValueError, match="unknown operations"):
        contracts.create_app(operations={"listOrders", "deleteOrder"})


def test_fake_clock_steps_and_timestamps_sort_as_text() -> None:
    clock = contracts.FakeClock(datetime(2025, 1, 1, 23, 59, 59, tzinfo=UTC), step=timedelta(milliseconds=500))
    stamps = [contracts.format_timestamp(clock()) for _ in range(4)]
    assert stamps[0] == "2025-01-01T23:59:59.000000Z" and stamps[2] == "2025-01-02T00:00:00.000000Z"
    assert stamps == sorted(stamps)


def test_seeded_store_is_deterministic_and_totals_add_up() -> None:
    first = contracts.OrderStore(clock=contracts.FakeClock()).seed(15, seed=9)
    second = contracts.OrderStore(clock=contracts.FakeClock()).seed(15, seed=9)
    assert first == second
    assert all(o["total_cents"] == sum(i["quantity"] * i["unit_price_cents"] for i in o["items"]) for o in first)


def test_served_contract_is_the_contract_itself_behind_the_jupyter_proxy(monkeypatch: pytest.MonkeyPatch, spec: dict[str, Any]) -> None:
    # the docs page, not the contract, knows the /proxy/<port> prefix (backendlab.services.SWAGGER_PAGE)
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    with serve(contracts.create_app(), name="test-contracts-proxy", quiet=True) as svc:
        served = httpx.get(svc.url + "/openapi.json").json()
    assert served == spec


def test_conformance_can_run_twice_against_the_same_service(
    service: tuple[str, contracts.OrderStore, FastAPI], spec: dict[str, Any]
) -> None:
    url, _, _ = service
    assert contracts.check_conformance(url, spec).ok
    second = contracts.check_conformance(url, spec)
    assert second.ok, [str(f) for f in second.errors]


def test_idempotency_store_locks_per_key_so_other_keys_do_not_wait() -> None:
    store = contracts.IdempotencyStore()
    started, release = threading.Event(), threading.Event()

    def slow(payload: Any) -> tuple[int, Any]:
        started.set()
        release.wait(5)
        return 201, payload

    first = threading.Thread(target=store.handle, args=("slow-key", {"n": 1}, slow))
    first.start()
    assert started.wait(5)
    try:
        assert store.handle("other-key", {"n": 2}, lambda p: (201, p)) == (201, {"n": 2})  # not queued behind slow-key
    finally:
        release.set()
        first.join(5)
    calls: list[Any] = []
    assert store.handle("slow-key", {"n": 1}, lambda p: calls.append(p) or (201, p)) == (201, {"n": 1})
    assert calls == []


def test_new_order_note_may_be_left_out_but_not_null() -> None:
    body = {"customer_id": "cus_note01", "currency": "EUR", "items": [{"sku": "PEN-3", "quantity": 1, "unit_price_cents": 1}]}
    assert contracts.NewOrder.model_validate(body).note is None
    assert contracts.NewOrder.model_validate({**body, "note": "gift"}).note == "gift"
    with pytest.raises(pydantic.ValidationError):
        contracts.NewOrder.model_validate({**body, "note": None})


def test_add_security_documents_bearer_auth_and_401_403_429_on_every_operation(spec: dict[str, Any]) -> None:
    secured = contracts.add_security(spec)
    contracts.validate_contract(secured)
    assert secured["security"] == [{"bearerAuth": []}] and "security" not in spec
    assert all({"401", "403", "429"} <= set(op.responses) for op in contracts.operations(secured))


def test_access_token_makes_every_operation_answer_401_with_www_authenticate(spec: dict[str, Any]) -> None:
    app = contracts.create_app(access_token="t0ken")
    with serve(app, name="test-contracts-secured", quiet=True) as svc, httpx.Client(base_url=svc.url, timeout=5) as client:
        missing = client.get("/v1/orders")
        wrong = client.get("/v1/orders", headers={"Authorization": "Bearer nope"})
        right = client.get("/v1/orders", headers={"Authorization": "Bearer t0ken"})
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing.headers["content-type"] == contracts.PROBLEM_JSON
    assert wrong.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    list_orders = {op.operation_id: op for op in contracts.operations(contracts.add_security(spec))}["listOrders"]
    assert contracts.response_problems(list_orders, missing) == ([], [])
