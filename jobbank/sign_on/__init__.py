"""Single sign-on with the municipality's own accounts (OpenID Connect).

The browser goes to the municipality's provider (Entra ID, AD FS, Keycloak …) and comes back
with a code; Jobbank exchanges it for an ID token, checks the token, and finds the person HR
imported by one claim. Jobbank's own sessions, roles and reach then apply as for a password
log-in: sign-on only answers "who is this".

`config` reads the settings, `provider` the provider's metadata and keys, `id_tokens` checks a
token, `attempts` keeps each log-in's state single-use, `matching` finds the person and their
account, `flow` ties them together.
"""
