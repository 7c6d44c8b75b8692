"""Typed configuration of the policypress MkDocs plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class PolicyConfig(Config):
    """`plugins: - policypress: {...}` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)

    # Name of the mkdocs-static-i18n plugin entry whose languages the policies are written in.
    i18n_plugin = c.Type(str, default="i18n")
