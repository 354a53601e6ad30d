"""URLs of this app: pages at the top level, API under api/v1/ (included from config/urls.py)."""

urlpatterns = []
api_urlpatterns = []
