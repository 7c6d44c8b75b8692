"""`policypress audit`: visit a website in Chromium before any choice, after "reject all", after
"accept all" and after withdrawal, and compare what it stores and sends with the register of its
cookie policy.

- `model`: what was observed and what was found, as plain data;
- `declared`: the register the site is compared with (from mkdocs.yml or a banner configuration);
- `robots`: robots.txt, honoured unless told otherwise;
- `crawl`: Playwright, the four states (the only module that needs a browser);
- `compare`: observations + register → findings, pure;
- `report`: terminal table, JSON, Markdown, HTML, front-matter suggestions;
- `command`: the command line and its exit codes.
"""
