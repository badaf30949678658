"""Marshmallow's and the validators' messages in the user's language.

Schemas use marshmallow's default messages or lazy strings; :func:`translate_errors` turns a
``ValidationError.messages`` tree into plain strings of the request's language.
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

#: marshmallow's built-in messages, marked for translation
BUILTIN = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field is required."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Not a valid boolean.": _l("Choose yes or no."),
    "Not a valid email address.": _l("Enter a valid email address."),
    "Not a valid URL.": _l("Enter a valid web address."),
    "Not a valid datetime.": _l("Enter a valid date and time."),
    "Not a valid date.": _l("Enter a valid date."),
    "Not a valid list.": _l("Choose from the list."),
    "Not a valid mapping type.": _l("Invalid value."),
    "Unknown field.": _l("This field is not accepted."),
    "Invalid input type.": _l("Invalid value."),
    "Invalid value.": _l("Invalid value."),
    "Must be one of: {choices}.": _l("Choose one of the options."),
}


def _one(message):
    """One message in the request's language."""
    text = str(message)
    if text in BUILTIN:
        return str(BUILTIN[text])
    if text.startswith("Must be one of:"):
        return gettext("Choose one of the options.")
    if text.startswith("Length must be between") or text.startswith("Shorter than"):
        return gettext("The text is too long or too short.")
    return text


def translate_errors(messages):
    """The same tree of errors with every message as a translated string."""
    if isinstance(messages, dict):
        return {str(k): translate_errors(v) for k, v in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate_errors(m) for m in messages]
    return _one(messages)
