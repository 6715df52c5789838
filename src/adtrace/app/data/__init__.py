"""What the pages show and the JSON API returns: functions from the app's state to plain data.

Pages render these into templates, the API returns them as JSON; neither reaches into the other. A
function here may audit (a view of personal data is audited however it is viewed) but never renders.
"""
