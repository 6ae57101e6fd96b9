"""Review: one data folder enrolled again as another user of the same server (a laptop passed
to a colleague): that user's records must all arrive, not only those written after the
previous user's last sync."""

from __future__ import annotations

from tests.sync.devices import Devices, add_portfolio, table_contents


def test_enrolling_as_another_user_of_the_same_server_brings_their_whole_scope(
        live_server, devices: Devices) -> None:  # type: ignore[no-untyped-def]
    server = live_server("sqlite")
    server.add_user("Fictional Assessor", "assessor")
    server.add_user("Other Assessor", "assessor")
    other = devices.enrolled("other", server, "Other Assessor")
    theirs = add_portfolio(other, "Other's Practitioner")
    other.sync.sync()  # written first: lower sequence numbers
    laptop = devices.enrolled("laptop", server, "Fictional Assessor")
    add_portfolio(laptop, "First User's Practitioner")
    laptop.sync.sync()
    assert theirs["practitioner"] not in table_contents(laptop)["practitioner"]

    laptop.sync.enrol(server.url, server.issue_code("Other Assessor"), "laptop, passed on")
    laptop.sync.sync()
    got = table_contents(laptop)
    assert theirs["practitioner"] in got["practitioner"]
    assert set(theirs["evidence"]) <= set(got["evidence"])
