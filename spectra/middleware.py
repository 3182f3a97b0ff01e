"""Middleware of Spectra's own."""

from django.http import HttpResponseBadRequest, JsonResponse

NUL = "\x00"
MESSAGE = "A NUL byte is not a value Spectra can store."


class RefuseNulBytes:
    """Answer 400 to a request with a NUL byte in its path, query or form.

    No person types one, and no column can hold one on PostgreSQL: psycopg
    refuses NUL in every text parameter (a DataError, so a 500), while SQLite
    stores it. Django's form fields refuse it, but an admin list filter, an
    audit search or an API filter hands a parameter to the query as typed; one
    check here covers every such path, today's and tomorrow's. JSON bodies are
    left to their parsers (a NUL in JSON is the escape `\\u0000`, which the
    serializers' CharFields refuse).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _holds_nul(request.GET) or _form_holds_nul(request):
            if request.path.startswith("/api/"):  # the API's one error shape (api.errors)
                return JsonResponse({"code": "invalid", "message": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE)
        return self.get_response(request)


def _holds_nul(query) -> bool:
    return any(NUL in name or NUL in "".join(values) for name, values in query.lists())


def _form_holds_nul(request) -> bool:
    if request.method != "POST" or request.content_type not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return False
    return _holds_nul(request.POST)
