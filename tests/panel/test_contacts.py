"""Contact people at clients and carriers, added from the panel."""

from __future__ import annotations

from core.models import AuditLog, Carrier, Client, ContactPerson, Role


async def test_add_a_contact_person_to_a_client(panel_for):
    manager = await panel_for(Role.MANAGER)
    client = await Client.create(name="Kano Textiles", manager=manager.employee)
    dossier = await manager.open(f"/admin/clients/{client.id}")
    assert dossier.rows("contacts") == [["No contact people yet."]]
    path = f"/admin/clients/{client.id}/contacts/new"
    page = await manager.submit(path, {"name": "Musa Bello", "email": "musa@"}, csrf_from=path)
    assert page.status == 422
    assert page.text("field-email").endswith("Enter an email address like name@example.com.")
    assert 'value="Musa Bello"' in page.html
    page = await manager.submit(
        path,
        {"name": "Musa Bello", "position": "Logistics lead", "phone": "0803 123 4567"},
    )
    assert "Contact person added." in page.body_text
    assert page.rows("contacts") == [["Musa Bello", "Logistics lead", "+2348031234567", ""]]
    contact = await ContactPerson.get(client=client)
    assert await AuditLog.exists(object_type="contact_person", object_id=str(contact.id))


async def test_a_manager_cannot_add_contacts_to_another_managers_client(panel_for):
    manager = await panel_for(Role.MANAGER)
    other = await panel_for(Role.MANAGER)
    theirs = await Client.create(name="Theirs", manager=other.employee)
    page = await manager.open(f"/admin/clients/{theirs.id}/contacts/new")
    assert page.status == 404
    await manager.open("/admin/clients")
    page = await manager.submit(f"/admin/clients/{theirs.id}/contacts/new", {"name": "X"})
    assert page.status == 404
    assert not await ContactPerson.exists(client=theirs)


async def test_a_dispatcher_adds_a_contact_to_a_carrier(panel_for):
    dispatcher = await panel_for(Role.DISPATCHER)
    carrier = await Carrier.create(name="Sahel Haulage")
    path = f"/admin/carriers/{carrier.id}/contacts/new"
    page = await dispatcher.submit(path, {"name": "Aisha Garba"}, csrf_from=path)
    assert "Contact person added." in page.body_text
    assert page.rows("contacts")[0][0] == "Aisha Garba"
