"""JWT bearer tokens from an identity provider (PyJWT), for deployments that have one.

HS256 with `MAESTRO_JWT_SECRET`, or RS256 with the PEM public key in `MAESTRO_JWT_PUBLIC_KEY_FILE`.
Only that one algorithm is accepted (no `alg: none`, no HS/RS confusion), and a token must carry
`exp`, `iss` and `aud` matching the settings, and the role claim (reader, editor or admin).
"""

from __future__ import annotations

from pathlib import Path

import jwt

from maestro_graph.config import Settings
from maestro_graph.principal import Principal, Role


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        if settings.jwt_public_key_file is not None:
            self.algorithm = "RS256"
            self.key: str | bytes = Path(settings.jwt_public_key_file).read_bytes()
        else:
            assert settings.jwt_secret is not None
            self.algorithm = "HS256"
            self.key = settings.jwt_secret.get_secret_value()
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.role_claim = settings.jwt_role_claim

    def verify(self, token: str) -> Principal | None:
        """The token's principal, or None when it is invalid, expired, or for someone else."""
        try:
            claims = jwt.decode(
                token, self.key, algorithms=[self.algorithm], audience=self.audience, issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", self.role_claim]}, leeway=5,
            )
            role = Role(str(claims[self.role_claim]).lower())
        except (jwt.PyJWTError, ValueError, KeyError):
            return None
        subject = str(claims.get("sub") or claims.get("email") or "unknown")
        return Principal(id=f"jwt:{subject}", name=str(claims.get("name") or subject), role=role)
