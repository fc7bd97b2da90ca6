"""Baseline for bench/pages.py: the least a Flask app can do to show a 200-paragraph draft.

One GET route reads every section and paragraph of a consultation's latest version in one
query and renders them with one Jinja template (headings, numbered paragraphs, the text in
the page's language, escaped); nothing else (no session, sign-in, access check, layout or
translations). It reads Agora's own tables, so it shows the same text as the pages timed:

    DATABASE_URL=postgresql+psycopg://... gunicorn -w 4 -k gthread --threads 4 bare_page_app:app
"""

import os

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

QUERY = sa.text(
    """
    SELECT s.position AS section, s.heading, p.number, p.text
    FROM consultation c
    JOIN document_version v ON v.consultation_id = c.id
    JOIN section s ON s.version_id = v.id
    JOIN paragraph p ON p.section_id = s.id
    WHERE c.slug = :slug
      AND v.number = (SELECT max(number) FROM document_version WHERE consultation_id = c.id)
    ORDER BY s.position, p.position
    """
)

TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ slug }}</title></head>
<body><main><h1>{{ slug }}</h1>
{% for row in rows %}
{% if loop.first or row.section != loop.previtem.section %}
{% if not loop.first %}</section>{% endif %}
<section id="section-{{ row.section }}"><h2>{{ row.heading[lang] }}</h2>
{% endif %}
<article id="p-{{ row.number }}"><h3>{{ row.number }}</h3><p>{{ row.text[lang] }}</p></article>
{% if loop.last %}</section>{% endif %}
{% endfor %}
</main></body></html>
"""


def create_app(database_url: str) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    db.init_app(app)
    template = app.jinja_env.from_string(TEMPLATE)

    @app.get("/consultations/<slug>")
    def page(slug: str):
        rows = db.session.execute(QUERY, {"slug": slug}).mappings().all()
        return template.render(slug=slug, rows=rows, lang="en")

    return app


app = create_app(os.environ.get("DATABASE_URL", "sqlite://"))
