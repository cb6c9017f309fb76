"""The public tracking page /t/<token>, fetched over HTTP like a client's phone would."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from core.models import Client, Shipment
from tests.api.shipment_data import (
    deliver_with_proof,
    dispatcher_actor,
    make_shipment,
    move,
    png,
)
from tests.pictures import same_picture


async def _get(http, runtime, path: str, **kwargs):
    async with http.get(runtime.base_url + path, allow_redirects=False, **kwargs) as reply:
        return reply.status, reply.headers, await reply.read()


def _text(body: bytes) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body.decode())).split())


async def test_the_page_shows_the_journey_and_nothing_private(runtime, http):
    shipment = await make_shipment("Adaeze Okafor")
    client = await Client.get(id=shipment.client_id)
    dispatcher = await dispatcher_actor()
    await move(dispatcher, shipment, "picked_up", "Apapa, Lagos", note="Call Adaeze first")
    await move(dispatcher, shipment, "in_transit", "Lagos")

    status, headers, body = await _get(http, runtime, f"/t/{shipment.tracking_token}")
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    assert "noindex" in headers["X-Robots-Tag"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    html = body.decode()
    text = _text(body)
    assert shipment.number in text
    assert "In transit" in text  # the current status
    assert "Expected:" in text
    # The timeline: newest first, status and place, no notes.
    assert text.index("In transit Lagos") < text.index("Picked up Apapa, Lagos")
    assert "Call Adaeze first" not in text
    # The route diagram: stops and the legs' modes, drawn in SVG with no script.
    svg = html[html.index("<svg") : html.index("</svg>")]
    for word in ("Lagos", "Ibadan", "Kano", "Road", "Rail"):
        assert word in svg
    assert "<script" not in html.lower() and "style=" not in html
    # Nothing personal and no money.
    for private in (client.name, client.phone, "99000", "99 000", "NGN", "₦"):
        assert private not in html, private
    css_status, _css_headers, css = await _get(http, runtime, "/t/static/tracking.css")
    assert css_status == 200 and b".timeline" in css


async def test_a_guessed_or_expired_token_is_a_404_page(runtime, http):
    shipment = await make_shipment()
    status, headers, body = await _get(http, runtime, "/t/" + "A" * 32)
    assert status == 404
    assert "Tracking link not found" in _text(body)
    assert headers["Cache-Control"] == "no-store"
    assert shipment.number not in body.decode()

    await Shipment.filter(id=shipment.id).update(
        tracking_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    status, _headers, body = await _get(http, runtime, f"/t/{shipment.tracking_token}")
    assert status == 404
    assert shipment.number not in body.decode()
    nested, _headers, _body = await _get(http, runtime, f"/t/{shipment.tracking_token}/x/y")
    assert nested == 404


async def test_the_proof_photo_is_served_only_for_its_shipment(runtime, http):
    shipment = await make_shipment("Adaeze Okafor")
    other = await make_shipment("Bisi Ade", network=False)
    dispatcher = await dispatcher_actor()
    proof = await deliver_with_proof(runtime, dispatcher, shipment)
    await shipment.refresh_from_db()

    status, _headers, body = await _get(http, runtime, f"/t/{shipment.tracking_token}")
    assert status == 200
    text = _text(body)
    assert "Delivered" in text and "Proof of delivery" in text
    assert f'src="/t/{shipment.tracking_token}/proof/{proof.id}"' in body.decode()
    assert "Ibrahim Sani" not in text  # the recipient's name is not for strangers
    assert "+2348030000000" not in text

    status, headers, photo = await _get(
        http, runtime, f"/t/{shipment.tracking_token}/proof/{proof.id}"
    )
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"] == "no-store"
    assert same_picture(photo, png())
    # Another shipment's link does not open this photo.
    status, _headers, body = await _get(
        http, runtime, f"/t/{other.tracking_token}/proof/{proof.id}"
    )
    assert status == 404 and body != png()
    status, _headers, _body = await _get(http, runtime, f"/t/{'B' * 32}/proof/{proof.id}")
    assert status == 404
