"""`Authorization: Bearer spk_…` for programs; the browser keeps its session."""

from rest_framework import authentication, exceptions

from api.services import token_for_secret


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>', with nothing else."
            )
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid text.") from exc
        token = token_for_secret(secret)
        # One answer for unknown, expired and revoked: which one it is is no one else's business.
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This API token is unknown, expired or revoked; create a new one in the admin."
            )
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
