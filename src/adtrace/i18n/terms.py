"""Words the code picks from fixed sets and pages show (`{{ value|term }}`): marked here so that
extraction puts them in the catalogues. The values themselves stay English in the database, the API
and exports; only their display is translated.
"""

from __future__ import annotations

from adtrace.i18n import N_

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
