"""Who may sign in and what they may see: accounts, browser sessions, API tokens, the signed
links in emails, and the one rule for which regions a signed-in person reads."""
