"""Party pages for care and inner-party democracy: receptions, counselling, major matters, deliberation month, information to members.

Included by party/urls.py under the "party" namespace.
"""

urlpatterns: list = []
