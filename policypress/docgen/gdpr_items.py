"""Which item of the information GDPR Art. 13 and 14 require each register field answers.

`core/art13.py` checks these items and names the article in each finding; this table says the
same from the other side, per field, for the reference. A field answers the item of its nearest
listed parent (`processing.retention.after` answers what `processing.retention` answers); ids
answer none, they only link entries. The documentation's test checks that every article
art13.py cites is here, at the field its finding names."""

from __future__ import annotations

# Art. 13 applies when the data is collected from the person, Art. 14 when it is not.
CONTROLLER = "Art. 13(1)(a) and 14(1)(a): the identity and contact details of the controller"
DPO = "Art. 13(1)(b) and 14(1)(b): the contact details of the data protection officer"
PURPOSES = "Art. 13(1)(c) and 14(1)(c): the purposes of the processing and its legal basis"
INTEREST = "Art. 13(1)(d) and 14(2)(b): the legitimate interests pursued"
CATEGORIES = "Art. 14(1)(d): the categories of personal data concerned"
RECIPIENTS = "Art. 13(1)(e) and 14(1)(e): the recipients or categories of recipients"
TRANSFERS = "Art. 13(1)(f) and 14(1)(f): transfers to a third country and their safeguards"
RETENTION = "Art. 13(2)(a) and 14(2)(a): how long the data is stored, or the criteria for that period"
RIGHTS = ("Art. 13(2)(b) and 14(2)(c): the rights of access, rectification, erasure, restriction, objection and "
          "portability; Art. 13(2)(c) and 14(2)(d): withdrawing consent; Art. 13(2)(d) and 14(2)(e): complaining to "
          "a supervisory authority")
COMPLAINT = "Art. 13(2)(d) and 14(2)(e): the right to lodge a complaint with a supervisory authority"
REQUIREMENT = ("Art. 13(2)(e): whether providing the data is a statutory or contractual requirement, and what "
               "follows from not providing it")
DECISIONS = ("Art. 13(2)(f) and 14(2)(g): automated decision-making, including profiling, its logic and its "
             "consequences")
SOURCE = "Art. 14(2)(f): the source the personal data comes from"

ITEMS: dict[str, str] = {
    "plugins.policypress.controller": CONTROLLER,
    "plugins.policypress.dpo": DPO,
    "plugins.policypress.authority": COMPLAINT,
    "plugins.policypress.rights": RIGHTS,
    "plugins.policypress.consent": ("Art. 7(1): the controller must be able to show that a person consented "
                                    "(the receipts); ePrivacy Directive Art. 5(3): consent before anything is "
                                    "stored in the browser"),
    "rights": RIGHTS,
    "authority": COMPLAINT,
    "personal_data": CATEGORIES,
    "processing": PURPOSES,
    "processing.legitimate_interest": INTEREST,
    "processing.special_category_condition": ("Art. 9(2): the condition that allows processing special-category "
                                              "data (not an Art. 13 item, but required with such data)"),
    "processing.data": CATEGORIES,
    "processing.subjects": "Art. 8, through dpv:Child: data about children needs the children statement",
    "processing.sources": SOURCE,
    "processing.recipients": RECIPIENTS,
    "processing.retention": RETENTION,
    "processing.retention_note": RETENTION,
    "processing.retention_criterion": RETENTION,
    "processing.requirement": REQUIREMENT,
    "processing.automated_decisions": DECISIONS,
    "processing.profiling": DECISIONS,
    "automated_decisions": DECISIONS,
    "recipients": RECIPIENTS,
    "recipients.country": TRANSFERS,
    "transfers": TRANSFERS,
    "sources": SOURCE,
    "children": "Art. 8: the conditions for a child's consent, where the processing concerns children",
    "cookies": ("ePrivacy Directive Art. 5(3): clear and comprehensive information about what is stored in the "
                "browser and why"),
    "processor_activities": ("Art. 28: work done as a processor for customers; the customer, as controller, "
                             "informs its own people, so no Art. 13 item applies"),
}


def item(path: tuple[str, ...]) -> str | None:
    """The item a field answers, or None (ids, titles, versions, the seal)."""
    if path[-1] == "id":
        return None
    for end in range(len(path), 0, -1):
        found = ITEMS.get(".".join(path[:end]))
        if found:
            return found
    return None
