"""``smartcity demo``: the scenario (:mod:`.scenario`, with its cast in :mod:`.cast`) and the
command that runs it on the embedded defaults and prints what happened (:mod:`.command`)."""
