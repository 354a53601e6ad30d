"""URLs of the clinic diary: pages at the top level, API under api/v1/."""

urlpatterns = []
api_urlpatterns = []
