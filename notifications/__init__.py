"""Email notifications: templates and delivery (deadline reminders, digests, escalations).

Filled by the reminders work; the engine's listeners (:class:`engine.runtime.ActionEvent`) are
where planned emails join the transaction of the action that causes them.
"""
