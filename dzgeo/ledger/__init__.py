"""The planner's project table (项目台账): template, import, store, versions.

The plan's 272 projects are version 0; each accepted import is a new immutable version,
and "current" is a pointer. See :mod:`dzgeo.ledger.fields` for the field contract.
"""
