"""Email, from "queue this message for this recipient" to the SMTP server.

The outbox table and its queue (:mod:`notifications.outbox`), the one entry point that renders,
builds and queues an email in the caller's transaction (:mod:`notifications.queue`), rendering
a caller's catalogue of templates (:mod:`notifications.render`), MIME building
(:mod:`notifications.message`), sending (:mod:`notifications.smtp`), delivery
(:mod:`notifications.dispatcher`) and the local SMTP server of the demo
(:mod:`notifications.sink`). It knows no programme: what an email says is
the caller's templates (the programme's are in :mod:`workflows.emails`) and the context it
hands in.
"""
