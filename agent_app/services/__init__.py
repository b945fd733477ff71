"""Use cases of the app (no Qt): each takes a unit of work and an `Actor`, runs in one
transaction, and returns domain records or small row objects.

Modules: `businesses`, `visits`, `enrollments`, `followups`, `dashboard`; `actor.Actor` says who
acts; `errors` holds the failures a person can fix (all `KnownError`).
"""
