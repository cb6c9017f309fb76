async def test_health_reports_everything(runtime, http):
    async with http.get(f"{runtime.base_url}/healthz") as response:
        body = await response.json()
    assert response.status == 200
    assert body["database"] == "ok"
    assert body["channels"] == {"telegram": "webhook", "viber": "on", "webchat": "on"}
