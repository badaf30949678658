"""The floor: the least a Flask service on foorumi's stack can do, to measure foorumi against.

Flask + SQLAlchemy + psycopg 3 + PostgreSQL under the same gunicorn settings as the services.
``POST /items`` parses one JSON body and INSERTs one row; ``GET /items`` SELECTs 20 rows and
renders them with a Jinja2 template (compiled once, as Flask caches it). The database URL comes
from ``FLOOR_DATABASE_URL``; ``bench/harness/seed.py`` creates the table.

    gunicorn -w 2 -k sync bench.floor_app:app
"""

import os

import sqlalchemy as sa
from flask import Flask, jsonify, render_template, request
from jinja2 import DictLoader

PAGE = """<!doctype html><html lang="en"><head><title>Items</title></head><body><ul>
{% for item in items %}<li>{{ item.id }}: {{ item.name }} &lt;{{ item.email }}&gt; {{ item.created_at }}</li>
{% endfor %}</ul></body></html>"""

app = Flask(__name__)
app.jinja_loader = DictLoader({"items.html": PAGE})
engine = sa.create_engine(os.environ["FLOOR_DATABASE_URL"], pool_size=10, max_overflow=40)
items = sa.table("items", sa.column("id"), sa.column("name"), sa.column("email"),
                 sa.column("created_at"))


@app.post("/items")
def create_item():
    """Parse the JSON body and insert one row."""
    body = request.get_json()
    with engine.begin() as conn:
        new_id = conn.execute(sa.insert(items).values(name=body["name"], email=body["email"])
                              .returning(items.c.id)).scalar_one()
    return jsonify(id=new_id), 201


@app.get("/items")
def list_items():
    """Select 20 rows and render them."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(items).order_by(items.c.id).limit(20)).all()
    return render_template("items.html", items=rows)
