"""Party pages for the three gives and unit report slips: tasks, honours, seats, unit slips.

Included by party/urls.py under the "party" namespace.
"""

urlpatterns: list = []
