"""The communications staff's pages: compose, preview, test send, approval, send, pause, resume."""

import re

import sqlalchemy as sa

from services.notify.models import Campaign, CampaignStatus, OutgoingEmail, db
from shared.testing.fixtures import login_as
from tests.notify.newsletters import add_subscriber, campaign_status, drain

DRAFT = {"subject_fi": "Syksyn uutiset", "body_fi": "Tervetuloa **foorumiin**.",
         "subject_sv": "Höstens nyheter", "body_sv": "Välkommen till **forumet**.",
         "industries": ["elderly_care"]}


def compose(app, client, data=DRAFT):
    """Post the composer; returns the new campaign's id."""
    response = client.post("/staff/campaigns/new", data=data)
    assert response.status_code == 302, response.data
    return int(re.search(r"/campaigns/(\d+)$", response.headers["Location"]).group(1))


def stored(app, campaign_id):
    """The campaign row."""
    with app.app_context():
        return db.session.get(Campaign, campaign_id)


def test_only_communications_staff_may_open_the_pages(notify_app):
    client = notify_app.test_client()
    assert client.get("/staff/campaigns").status_code == 302  # to the login page
    login_as(notify_app, client, "moderator")
    assert client.get("/staff/campaigns").status_code == 403
    assert client.post("/staff/campaigns/new", data=DRAFT).status_code == 403


def test_compose_stores_a_draft_with_its_languages_and_segment(notify_app):
    client = notify_app.test_client()
    author = login_as(notify_app, client, "communications")
    campaign = stored(notify_app, compose(notify_app, client))
    assert campaign.status == CampaignStatus.DRAFT
    assert set(campaign.content) == {"fi", "sv"}
    assert campaign.segment == {"industries": ["elderly_care"]}
    assert campaign.created_by == author
    assert client.get(f"/staff/campaigns/{campaign.id}").status_code == 200


def test_finnish_is_required_and_a_translation_needs_both_fields(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    response = client.post("/staff/campaigns/new", data={"subject_fi": " ", "body_fi": "x"})
    assert response.status_code == 422
    assert b'id="subject_fi-error"' in response.data
    response = client.post("/staff/campaigns/new", data={"subject_fi": "S", "body_fi": "x",
                                                         "subject_en": "Only a subject"})
    assert response.status_code == 422
    assert b'id="body_en-error"' in response.data
    too_long = client.post("/staff/campaigns/new", data={"subject_fi": "S" * 201, "body_fi": "x"})
    assert too_long.status_code == 422
    with notify_app.app_context():
        assert db.session.scalars(sa.select(Campaign)).all() == []


def test_preview_shows_html_and_text_in_each_language_with_fallback(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    campaign_id = compose(notify_app, client)
    sv = client.get(f"/staff/campaigns/{campaign_id}/preview?lang=sv").get_data(as_text=True)
    assert "<strong>forumet</strong>" in sv and "Välkommen till **forumet**." in sv
    en = client.get(f"/staff/campaigns/{campaign_id}/preview?lang=en").get_data(as_text=True)
    assert "Syksyn uutiset" in en  # no English version: the Finnish one
    assert client.get(f"/staff/campaigns/{campaign_id}/preview?lang=de").status_code == 404


def test_a_test_send_goes_to_the_staff_member_only(notify_app):
    add_subscriber(notify_app, "maija@example.fi")
    client = notify_app.test_client()
    me = login_as(notify_app, client, "communications")
    campaign_id = compose(notify_app, client)
    assert client.post(f"/staff/campaigns/{campaign_id}/test", data={"lang": "sv"}).status_code == 302
    with notify_app.app_context():
        rows = db.session.scalars(sa.select(OutgoingEmail)).all()
        assert [(r.recipient, r.locale) for r in rows] == [(me, "sv")]
        assert "Höstens nyheter" in rows[0].subject
    assert campaign_status(notify_app, campaign_id) == CampaignStatus.DRAFT


def test_send_now_starts_the_campaign_and_it_reaches_the_segment(notify_app):
    add_subscriber(notify_app, "maija@example.fi", industries=["elderly_care"])
    add_subscriber(notify_app, "pekka@example.fi", industries=["disability"])
    client = notify_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(notify_app, client, "communications")
    campaign_id = compose(notify_app, client)
    assert client.post(f"/staff/campaigns/{campaign_id}/send", data={}).status_code == 302
    assert campaign_status(notify_app, campaign_id) == CampaignStatus.SCHEDULED
    from services.notify import delivery

    with notify_app.app_context():
        assert delivery.start_due() == [campaign_id]
    assert drain(notify_app, campaign_id) == CampaignStatus.SENT
    page = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert "maija@example.fi" in page and "pekka@example.fi" not in page
    assert "Elderly care and housing services" in page  # the segment, by its label
    assert "1 of 1 recipients handled, 1 sent." in page
    api = client.get(f"/api/v1/campaigns/{campaign_id}").json
    assert api["status"] == "sent" and api["counts"]["sent"] == 1


def test_scheduling_keeps_the_time_in_the_database(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    campaign_id = compose(notify_app, client)
    client.post(f"/staff/campaigns/{campaign_id}/send", data={"send_at": "2031-03-01T09:00"})
    campaign = stored(notify_app, campaign_id)
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.scheduled_at.isoformat() == "2031-03-01T07:00:00+00:00"  # Helsinki winter


def test_the_approval_switch_needs_a_second_person(make_app):
    app = make_app("notify", NEWSLETTER_APPROVAL_REQUIRED=True)
    author_client, other_client = app.test_client(), app.test_client()
    login_as(app, author_client, "communications")
    approver = login_as(app, other_client, "communications")
    campaign_id = compose(app, author_client)
    author_client.post(f"/staff/campaigns/{campaign_id}/send", data={})
    assert campaign_status(app, campaign_id) == CampaignStatus.AWAITING_APPROVAL
    author_client.post(f"/staff/campaigns/{campaign_id}/approve")
    assert campaign_status(app, campaign_id) == CampaignStatus.AWAITING_APPROVAL
    other_client.post(f"/staff/campaigns/{campaign_id}/approve")
    campaign = stored(app, campaign_id)
    assert (campaign.status, campaign.approved_by) == (CampaignStatus.SCHEDULED, approver)


def test_pause_resume_and_cancel_follow_the_status(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    campaign_id = compose(notify_app, client)
    assert client.post(f"/staff/campaigns/{campaign_id}/pause").status_code == 409
    client.post(f"/staff/campaigns/{campaign_id}/send", data={})
    client.post(f"/staff/campaigns/{campaign_id}/pause")
    assert campaign_status(notify_app, campaign_id) == CampaignStatus.PAUSED
    client.post(f"/staff/campaigns/{campaign_id}/resume")
    assert campaign_status(notify_app, campaign_id) == CampaignStatus.SCHEDULED
    client.post(f"/staff/campaigns/{campaign_id}/cancel")
    assert campaign_status(notify_app, campaign_id) == CampaignStatus.CANCELLED
    assert client.get(f"/staff/campaigns/{campaign_id}/edit").status_code == 409


def test_the_newsletter_page_links_the_staff_pages_for_communications_only(notify_app):
    moderator, officer = notify_app.test_client(), notify_app.test_client()
    login_as(notify_app, moderator, "moderator")
    login_as(notify_app, officer, "communications")
    assert "/staff/campaigns" not in moderator.get("/").get_data(as_text=True)
    page = officer.get("/").get_data(as_text=True)
    assert "/staff/campaigns" in page and "/staff/plan" in page
    assert moderator.get("/staff/").status_code == 302  # the staff home is the public page


def test_ids_in_the_query_that_name_nothing_are_a_422(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    campaign_id = compose(notify_app, client)
    for query in (f"announcement={2**63}", f"announcement={2**31}", "announcement=-1", "announcement=x"):
        assert client.get(f"/staff/campaigns/new?{query}").status_code == 422, query
    for query in (f"after={2**63}", "after=x", "after=0"):
        assert client.get(f"/staff/campaigns/{campaign_id}?{query}").status_code == 422, query
    assert client.get(f"/staff/campaigns/{campaign_id}?after=5").status_code == 200


def test_a_composer_post_with_an_unknown_announcement_stores_nothing(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    for announcement_id in ("999", "-1", str(2**63)):
        response = client.post("/staff/campaigns/new", data={**DRAFT, "announcement_id": announcement_id})
        assert response.status_code == 422, announcement_id
    with notify_app.app_context():
        assert db.session.scalars(sa.select(Campaign)).all() == []


def test_the_composer_takes_a_newsletter_longer_than_other_forms(make_app):
    app = make_app("notify", FORM_MAX_BYTES=4096)
    client = app.test_client()
    login_as(app, client, "communications")
    campaign = stored(app, compose(app, client, {**DRAFT, "body_fi": "ä" * 50_000}))
    assert campaign.content["fi"]["body"] == "ä" * 50_000
    assert client.post("/subscribe", data={"email": "a@example.fi", "name": "ä" * 5000}).status_code == 413
