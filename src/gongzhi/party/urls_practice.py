"""Party pages for members' practice: points rules, violations, assessments, pledges, projects.

Included by party/urls.py under the "party" namespace.
"""

urlpatterns: list = []
