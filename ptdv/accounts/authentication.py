from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>` with the tokens of `rest_framework.authtoken`."""

    keyword = "Bearer"
