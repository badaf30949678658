"""Languages: Finnish by default, Swedish and English; times shown in Europe/Helsinki.

The language is chosen by ``?lang=`` (remembered in a cookie), then the cookie, then the browser's
Accept-Language among the three, then Finnish. One message catalog serves the whole suite.
"""

from pathlib import Path

from flask import g, request
from flask_babel import Babel, format_datetime, get_locale

from shared.config import LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
COOKIE = "foorumi_lang"
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}
#: each language by its own name, for a form's choice of language (not translated: a reader
#: finds their own language in it)
LANGUAGE_LABELS = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

babel = Babel()


def select_locale():
    """The request's language code."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.set_lang_cookie = asked
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES) or "fi"


def _remember_language(response):
    """Keep a language picked by ``?lang=`` for the following pages."""
    lang = g.pop("set_lang_cookie", None)
    if lang:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", path="/")
    return response


def language_links():
    """(code, name, url, is_current) for the language switcher, keeping the page's other args."""
    current = str(get_locale())
    links = []
    for code in LANGUAGES:
        args = request.args.to_dict()
        args["lang"] = code
        query = "&".join(f"{k}={v}" for k, v in args.items())
        links.append((code, LANGUAGE_NAMES[code], f"{request.script_root}{request.path}?{query}",
                      code == current))
    return links


def local_datetime(value, fmt="medium"):
    """A UTC datetime shown in Helsinki time in the request's language."""
    return format_datetime(value, fmt) if value else ""


def init_i18n(app):
    """Set up Flask-Babel with the suite's catalog and the Jinja helpers."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_remember_language)
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
