"""The HR console: server-rendered pages under `/admin`, signed in over OpenID Connect or a one-time link."""
