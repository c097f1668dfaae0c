from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """A signed-in user's pages hold pupils' and families' data: no browser or proxy keeps a copy
    (a shared computer in the vie scolaire, the back button showing a list as it was before
    « Diffuser »). A response that says how to cache itself is left as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
