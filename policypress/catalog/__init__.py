"""The service catalog: common services of EU and Nordic company websites, as register entries
that `policypress add` writes into a site's policies."""
