"""Background material uploads: allowed types by extension and content, size, clean names."""

import io

import pytest

from services.registration.materials import clean_filename, human_size
from services.registration.models import Material
from shared.testing.fixtures import login_as
from tests.registration.builders import (
    PDF,
    add_event,
    add_item,
    count,
    english,
    fast_passwords,  # noqa: F401 - a fixture
    load,
    office_zip,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def app(make_app):
    """The registration app with a small upload cap, to test it cheaply."""
    return make_app("registration", MATERIAL_MAX_BYTES=4096)


@pytest.fixture
def client(app):
    """A secretary's client, reading English."""
    client = english(app)
    login_as(app, client, "secretary")
    return client


@pytest.fixture
def item_id(app):
    """An agenda item of a published forum."""
    return add_item(app, add_event(app))


def upload(client, item_id, name, data):
    """POST one file to an agenda item."""
    return client.post(f"/staff/agenda/{item_id}/materials",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


ACCEPTED = [
    ("Talousarvio 2027.pdf", PDF, "Talousarvio_2027.pdf", "application/pdf"),
    ("Muistio.DOCX", office_zip("word/"), "Muistio.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("kalvot.pptx", office_zip("ppt/slides/", "slide1.xml"), "kalvot.pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("luvut.xlsx", office_zip("xl/"), "luvut.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
]


@pytest.mark.parametrize(("name", "data", "stored_name", "content_type"), ACCEPTED)
def test_allowed_documents_are_stored_and_downloadable(app, client, item_id, name, data,
                                                       stored_name, content_type):
    response = upload(client, item_id, name, data)
    assert response.status_code == 302
    with app.app_context():
        from services.registration.models import db

        material = db.session.query(Material).one()
        assert (material.filename, material.content_type) == (stored_name, content_type)
        assert material.size == len(data) and material.data == data
        material_id = material.id
    download = english(app).get(f"/materials/{material_id}")
    assert download.data == data and download.mimetype == content_type
    assert f"filename={stored_name}" in download.headers["Content-Disposition"]


REJECTED = [
    ("script.exe", b"MZ\x90\x00", "Only PDF, DOCX, PPTX and XLSX"),
    ("page.html", b"<html><script>x</script></html>", "Only PDF, DOCX, PPTX and XLSX"),
    ("no-extension", PDF, "Only PDF, DOCX, PPTX and XLSX"),
    ("fake.pdf", b"<html>not a pdf</html>", "does not match its type"),
    ("fake.docx", b"%PDF-1.4 hello", "does not match its type"),
    ("sheet-as-doc.docx", office_zip("xl/"), "does not match its type"),
    ("broken.xlsx", b"PK\x03\x04 broken zip", "does not match its type"),
    ("empty.pdf", b"", "The file is empty."),
    ("huge.pdf", PDF + b"0" * 5000, "The file is too large"),
]


@pytest.mark.parametrize(("name", "data", "message"), REJECTED)
def test_other_files_are_refused_next_to_the_upload_field(app, client, item_id, name, data,
                                                          message):
    response = upload(client, item_id, name, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="file-{item_id}-error"' in page and message in page
    assert f'href="#file-{item_id}"' in page
    assert count(app, Material) == 0


def test_a_post_without_a_file_is_refused(app, client, item_id):
    response = client.post(f"/staff/agenda/{item_id}/materials", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(
        as_text=True)
    assert client.post("/staff/agenda/999999/materials", data={}).status_code == 404
    assert count(app, Material) == 0


def test_a_body_over_the_request_limit_is_refused(make_app):
    app = make_app("registration", MAX_CONTENT_LENGTH=2048)
    client = english(app)
    login_as(app, client, "secretary")
    item_id = add_item(app, add_event(app))
    response = upload(client, item_id, "big.pdf", PDF + b"0" * 4096)
    assert response.status_code == 413
    assert count(app, Material) == 0


def test_the_upload_route_alone_takes_bodies_past_the_form_limit(make_app):
    app = make_app("registration", FORM_MAX_BYTES=2048)
    client = english(app)
    login_as(app, client, "secretary")
    event_id = add_event(app)
    item_id = add_item(app, event_id)
    assert upload(client, item_id, "big.pdf", PDF + b"0" * 4096).status_code == 302
    assert count(app, Material) == 1
    refused = client.post(f"/staff/events/{event_id}/agenda", data={"item_title": "x" * 4096})
    assert refused.status_code == 413


def test_uploads_need_the_secretary_role(app, item_id):
    moderator = english(app)
    login_as(app, moderator, "moderator")
    assert upload(moderator, item_id, "a.pdf", PDF).status_code == 403
    assert count(app, Material) == 0


def test_removing_a_document(app, client, item_id):
    upload(client, item_id, "a.pdf", PDF)
    with app.app_context():
        from services.registration.models import db

        material_id = db.session.query(Material).one().id
    assert client.post(f"/staff/materials/{material_id}/delete").status_code == 302
    assert load(app, Material, material_id) is None
    assert client.post(f"/staff/materials/{material_id}/delete").status_code == 404


@pytest.mark.parametrize(("given", "cleaned"), [
    ("Talousarvio 2027.pdf", "Talousarvio_2027.pdf"),
    ("../../etc/passwd.pdf", "etc_passwd.pdf"),
    ("Päätös ja liite.DOCX", "Paatos_ja_liite.docx"),
    ("..pdf", "material.pdf"),
    ("no extension", "no_extension"),
    ("..pdf", "material.pdf"),
    ("no extension", "no_extension"),
    ('a"; filename=evil.exe.pdf', "a_filenameevil.exe.pdf"),
])
def test_file_names_are_made_safe_and_stay_readable(given, cleaned):
    assert clean_filename(given) == cleaned


def test_sizes_read_well():
    assert human_size(10) == "1 kB"
    assert human_size(2048) == "2 kB"
