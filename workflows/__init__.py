"""The Gerakan Menuju 100 Smart City programme on the engine.

Definitions as data (``definitions/``), the guards they name, reference data (``data/``), and
the actions, directory and reports that interfaces call.
"""
