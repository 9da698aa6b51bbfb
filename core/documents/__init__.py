"""Enforcement documents (执法文书): see core.documents.render."""

from zhifa.core.documents.render import *  # noqa: F403 - the package re-exports the module's public names
from zhifa.core.documents.render import __all__  # noqa: F401
