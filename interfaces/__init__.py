"""How people reach the programme: the command line now, an API and web pages later."""
