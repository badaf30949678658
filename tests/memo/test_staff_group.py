"""The admin's working-group pages: terms, members (add, edit, deactivate), the composition and
its warnings, and the recipient list; bad input is shown next to its field and changes nothing."""

import datetime as dt
import re

import pytest

from services.memo import group
from services.memo.models import CouncilTerm, GroupMember, Recipient, db

MEMBER = {"name": "Liisa Laine", "email": "Liisa@Hoiva.fi", "organisation": "Hoiva Oy",
          "industry": "home_care", "company_size": "small", "region": "north", "staff_email": ""}


def squash(page):
    """The page's HTML with each run of whitespace as one space."""
    return re.sub(r"\s+", " ", page)


@pytest.fixture
def admin(staff_client):
    """A client logged in as an admin."""
    return staff_client("admin")


@pytest.fixture
def term_id(app):
    """A current council term's id."""
    with app.app_context():
        term = group.add_term({"label": "2025–2029", "starts_on": dt.date(2025, 6, 1),
                               "ends_on": dt.date(2029, 5, 31)})
        db.session.commit()
        return term.id


def _members(app):
    """(name, email, industry, active) of every stored member."""
    with app.app_context():
        return [(m.name, m.email, m.industry, m.active) for m in db.session.query(GroupMember)]


def test_an_admin_adds_a_term(app, admin):
    response = admin.post("/staff/group/terms", data={
        "label": "2029–2033", "starts_on": "2029-06-01", "ends_on": "2033-05-31"})
    assert response.status_code == 302
    assert "The term 2029–2033 was added." in admin.get(response.headers["Location"]).get_data(
        as_text=True)


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"label": "", "starts_on": "2029-06-01", "ends_on": "2033-05-31"}, "label",
     "This field is required."),
    ({"label": "X", "starts_on": "2029-06-01", "ends_on": "2029-01-01"}, "ends_on",
     "The term must end after it starts."),
    ({"label": "X", "starts_on": "June", "ends_on": "2033-05-31"}, "starts_on", "Enter a valid date."),
])
def test_a_bad_term_is_refused_next_to_its_field(app, admin, form, field, message):
    response = admin.post("/staff/group/terms", data=form)
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field}-error"> {message}</p>' in squash(
        response.get_data(as_text=True))
    with app.app_context():
        assert db.session.query(CouncilTerm).count() == 0


def test_a_member_is_added_edited_and_deactivated(app, admin, term_id):
    assert admin.post(f"/staff/group/terms/{term_id}/members", data=MEMBER).status_code == 302
    assert _members(app) == [("Liisa Laine", "liisa@hoiva.fi", "home_care", True)]
    with app.app_context():
        member_id = db.session.query(GroupMember.id).scalar()
    edited = admin.post(f"/staff/group/members/{member_id}", data={**MEMBER, "industry": "disability"})
    assert edited.status_code == 302
    assert admin.post(f"/staff/group/members/{member_id}/active", data={"active": "0"}).status_code == 302
    assert _members(app) == [("Liisa Laine", "liisa@hoiva.fi", "disability", False)]
    page = admin.get(f"/staff/group/terms/{term_id}").get_data(as_text=True)
    assert "left the group" in page and "Reactivate" in page


def test_a_bad_or_duplicate_member_changes_nothing(app, admin, term_id):
    bad = admin.post(f"/staff/group/terms/{term_id}/members",
                     data={**MEMBER, "email": "not an address", "company_size": "huge"})
    page = squash(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert '<p class="field-error" id="email-error"> Enter a valid email address.</p>' in page
    assert '<p class="field-error" id="company_size-error"> Choose one of the options.</p>' in page
    assert _members(app) == []
    admin.post(f"/staff/group/terms/{term_id}/members", data=MEMBER)
    again = admin.post(f"/staff/group/terms/{term_id}/members", data=MEMBER)
    assert again.status_code == 422
    assert "This person is in the term&#39;s working group already." in again.get_data(as_text=True)
    assert len(_members(app)) == 1


def test_the_composition_warns_of_each_missing_industry_size_and_region(app, admin, term_id):
    with app.app_context():
        app.config.update(MEMO_INDUSTRIES=("home_care", "disability"), MEMO_REGIONS=("north", "south"))
    admin.post(f"/staff/group/terms/{term_id}/members", data=MEMBER)
    admin.post(f"/staff/group/terms/{term_id}/members",
               data={**MEMBER, "email": "b@x.fi", "company_size": "large", "region": "south"})
    page = squash(admin.get(f"/staff/group/terms/{term_id}").get_data(as_text=True))
    warnings = re.findall(r"<li>No member from ([^<]+?) \((\w[\w ]+)\)</li>", page)
    assert warnings == [("Disability services", "Industries"), ("Micro company", "Company sizes"),
                        ("Medium-sized company", "Company sizes")]
    assert '<th scope="row">Home care and support services</th><td>2</td>' in page
    assert '<th scope="row">Southern area</th><td>1</td>' in page


def test_a_full_group_has_no_warning(app, admin, term_id):
    with app.app_context():
        app.config.update(MEMO_INDUSTRIES=("home_care",), MEMO_REGIONS=("north",))
    for n, size in enumerate(("micro", "small", "medium", "large")):
        admin.post(f"/staff/group/terms/{term_id}/members",
                   data={**MEMBER, "email": f"m{n}@x.fi", "company_size": size})
    page = admin.get(f"/staff/group/terms/{term_id}").get_data(as_text=True)
    assert "No member from" not in page
    assert "Every industry, company size and region in the settings has a member." in page


def test_the_recipient_list_adds_and_removes(app, admin):
    added = admin.post("/staff/recipients", data={
        "name": "Sosiaali- ja terveyslautakunta", "email": "Lautakunta@County.fi", "kind": "board"})
    assert added.status_code == 302
    dup = admin.post("/staff/recipients", data={
        "name": "Again", "email": "lautakunta@county.fi", "kind": "board"})
    assert dup.status_code == 422 and "This address is on the list already." in dup.get_data(
        as_text=True)
    bad = admin.post("/staff/recipients", data={"name": "", "email": "x@y.fi", "kind": "mayor"})
    assert bad.status_code == 422
    with app.app_context():
        entries = [(r.name, r.email, r.kind.value) for r in db.session.query(Recipient)]
        assert entries == [("Sosiaali- ja terveyslautakunta", "lautakunta@county.fi", "board")]
        entry_id = db.session.query(Recipient.id).scalar()
    assert admin.post(f"/staff/recipients/{entry_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.query(Recipient).count() == 0
