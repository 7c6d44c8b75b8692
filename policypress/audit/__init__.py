"""`policypress audit`: visit a website in Chromium before any choice, after "reject all", after
"accept all" and after withdrawal, and compare what it stores and sends with the register of its
cookie policy.

- `model`: what was observed and what was found, as plain data;
- `declared`: the register the site is compared with (from mkdocs.yml or a banner configuration);
- `robots`: robots.txt, honoured unless told otherwise;
- `crawl`: Playwright, the four states;
- `consent_managers`: which consent manager a page has and how it is operated (policypress's
  own API, autoconsent's rules, or none), and how a banner is shown again for the withdrawal;
- `autoconsent`: DuckDuckGo's autoconsent bundle and rules (shipped in `vendor/autoconsent/`),
  run in the page through a Playwright binding;
- `banner_failure`: why the policypress banner did not start on a page that loads it;
- `loader`: the policy site's `consent/<lang>.js` (the one-tag snippet), read back;
- `identify`: who is behind a cookie, key or host (the Open Cookie Database in `data/`, and any
  source given first, such as the service catalog);
- `agreement`: whether the register's category agrees with the database's;
- `origins`: `--allow` and the consent mechanism's origins, never a third party;
- `compare`: observations + register → findings, pure (`refusal`: no banner to refuse with);
- `names`: the identification columns of every report;
- `report`: terminal table, JSON, Markdown, HTML, front-matter suggestions;
- `command`: the command line and its exit codes.
"""
