"""Words the code picks from fixed sets and pages show (`{{ value|term }}`): marked here so that
extraction puts them in the catalogues. The values themselves stay English in the database, the API
and exports; only their display is translated.
"""

from __future__ import annotations

from adtrace.i18n import N_, NP_

LEVELS = (N_("high"), N_("elevated"), N_("low"), N_("not scored"), N_("info"))
DECISIONS = (N_("confirm"), N_("dismiss"), N_("escalate"), N_("withdrawn"), N_("withdraw"))
CASE_STATUSES = (N_("open"), N_("referred"), N_("closed"))
ROLES = (N_("admin"), N_("analyst"), N_("reviewer"), N_("auditor"), N_("partner"))
ALERT_KINDS = (N_("watchlist"), N_("partner"), N_("risk"))
DOCUMENT_KINDS = (N_("ad"), N_("post"), N_("job"), N_("review"))
ITEM_KINDS = (N_("document"), N_("cluster"), N_("entity"), N_("case"))
IDENTIFIER_KINDS = (N_("phone"), N_("email"), N_("handle"), N_("payment"), N_("photo"), N_("template"),
                    N_("phone in image"), N_("email in image"), N_("handle in image"), N_("payment in image"),
                    N_("name"), N_("age"), N_("price"), N_("place"), N_("city"))
WATCH_KINDS = (N_("pdq"), N_("regex"), N_("phrase"))
JOB_STATES = (N_("uploading"), N_("mapping"), N_("ready"), N_("reading"), N_("linking"), N_("done"), N_("failed"))
TIME_UNITS = (N_("day"), N_("week"), N_("month"), N_("year"))
TIP_STATUSES = (N_("new"), N_("accepted"), N_("routed"), N_("dismissed"))
TIP_ABOUT = (N_("sex"), N_("labour"), N_("minor"), N_("unsure"))
EVIDENCE_STATUSES = (N_("supported"), N_("contested"), N_("untested"))  # how far research backs an indicator
NOUNS = (N_("number"), N_("text"))  # template slot kinds besides the identifier kinds

# What the page scripts show (static/app.js `adtraceT`, graph.js): base.html embeds their translations.
JS_MESSAGES = (
    N_("%(n)s ads"), N_("%(n)s ads (no shown link)"), N_("(hub: joins nothing)"), N_("Legend"), N_("ad, high risk"),
    N_("ad, elevated"), N_("ad, low"), N_("N ads sharing exactly these keys"), N_("Links shown (squares: shared keys)"),
    N_("hub keys (%(n)s, join nothing)"), N_("collapse ads behind their shared keys"), N_("Highlight ad"),
    N_("ad id"), N_("Hover for labels; tap an ad or a key to highlight its links."), N_("entity page"),
    N_("%(n)s ads with the same keys:"), N_("Ad:"), N_("and %(n)s more"), N_("e-mail"), N_("wording (template)"),
    N_("other"), N_("photo"), N_("phone"), N_("handle"), N_("payment"),
    N_("not saved"), N_("Changed to"), N_("Page done."), N_("undo not saved"),
    N_("Undone: %(title)s is back in the queue"), N_("confirm"), N_("dismiss"), N_("escalate"),
    # A decided queue row's state (static/app.js): "confirmed" is also a column of counts (Measured from
    # review decisions), which Spanish writes in the plural; the context keeps them apart.
    NP_("queue row state", "confirmed"), NP_("queue row state", "dismissed"), NP_("queue row state", "escalated"),
    N_("1 ad"), N_("1 cluster"), N_("%(n)s clusters"), N_("%(n)s high risk"),  # map labels (investigate.js)
)


def js_messages() -> dict[str, str]:
    """{key: translation} of JS_MESSAGES in the current language (only those that differ from the English
    message). A key is the English message, or "context<EOT>message" for one marked in a context."""
    from adtrace.i18n import CONTEXT_SEP, pgettext_key

    return {m: t for m in JS_MESSAGES if (t := pgettext_key(m)) != m.rpartition(CONTEXT_SEP)[2]}
