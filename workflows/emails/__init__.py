"""The programme's emails: what reminders, escalations, review and window notices say.

:mod:`workflows.emails.catalogue` names every kind with the context it needs; the templates
(Bahasa Indonesia and English) sit beside it in ``templates/``. Rendering, building and
queueing are :mod:`notifications`' job; the words are the programme's.
"""
