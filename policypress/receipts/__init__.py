"""The consent-receipt service: receives the banner's receipts, validates them against the site's
consent facts, and keeps them as a hash chain in SQLite or PostgreSQL (GDPR Art. 7(1): the
controller must be able to demonstrate consent).

`schema` validates one receipt, `site` says what the site offered, `store` keeps receipts,
`app` is the ASGI application, `export` writes them out, `command` is `policypress receipts`.
"""
