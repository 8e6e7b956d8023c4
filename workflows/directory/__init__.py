"""Who and where: regions and provinces, cohorts, OPDs, people, mentor assignments, the CSV
imports that fill them, and the actor an email address acts as."""
